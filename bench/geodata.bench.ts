// Vector-feature bbox filter as the application role under RLS, on BENCH_GEO_FEATURES points in one layer,
// small windows: the path GET /api/vector-layers/{id}/features?bbox= takes (candidate ids from the GiST index
// of vector_feature_boxes, then the features by id under RLS) against the plain filter on vector_features
// (box && box is not leakproof, so under RLS PostgreSQL scans the layer). Paired rounds; the ratio is the
// median of per-round ratios (lower is better for the API's path).
import { performance } from 'node:perf_hooks';
import pg from 'pg';
import { dropScratch, median, scratchPostgres } from './pg.ts';

const FEATURES = Number(process.env.BENCH_GEO_FEATURES ?? 200_000);
const QUERIES = 200;
const ROUNDS = 7;

const database = await scratchPostgres('geodata');
try {
  const owner = new pg.Client({ connectionString: database.url });
  const app = new pg.Client({ connectionString: database.url });
  await owner.connect();
  await app.connect();
  await owner.query(`INSERT INTO users (email, username) VALUES ('bench@example.test', 'bench')`);
  const org = (
    await owner.query<{ id: number }>(
      `INSERT INTO organizations (name, slug) VALUES ('Geo', 'geo') RETURNING id::int`,
    )
  ).rows[0]!.id;
  const project = (
    await owner.query<{ id: number }>(
      `INSERT INTO projects (organization_id, title, slug) VALUES ($1, 'Field', 'field') RETURNING id::int`,
      [org],
    )
  ).rows[0]!.id;
  const layer = (
    await owner.query<{ id: number }>(
      `INSERT INTO vector_layers (organization_id, project_id, name, source_format) VALUES ($1, $2, 'plots', 'geojson')
       RETURNING id::int`,
      [org, project],
    )
  ).rows[0]!.id;
  const t0 = performance.now();
  // Points spread over one degree square (about 110 km): a plot network.
  await owner.query(
    `INSERT INTO vector_features (organization_id, layer_id, geometry, properties, min_lon, min_lat, max_lon, max_lat)
     SELECT $1, $2, jsonb_build_object('type', 'Point', 'coordinates', jsonb_build_array(x, y)),
            jsonb_build_object('plot', i), x, y, x, y
     FROM (SELECT i, 10 + random() AS x, 50 + random() AS y FROM generate_series(1, ${FEATURES}) i) s`,
    [org, layer],
  );
  await owner.query('ANALYZE vector_features');
  console.log(`setup: ${FEATURES} features in ${((performance.now() - t0) / 1000).toFixed(1)} s`);

  await app.query(
    `SELECT set_config('role', 'groundtruth_app', false), set_config('app.organization_id', $1, false)`,
    [String(org)],
  );
  // Windows of 0.01° (about 1 km): ~0.01% of the features each.
  const windows = Array.from({ length: QUERIES }, () => {
    const x = 10 + Math.random() * 0.99;
    const y = 50 + Math.random() * 0.99;
    return [x, y, x + 0.01, y + 0.01];
  });
  const plain = `SELECT f.id, f.geometry, f.properties FROM vector_features f
    WHERE f.layer_id = $1 AND f.id > 0
      AND box(point(f.min_lon, f.min_lat), point(f.max_lon, f.max_lat))
          && box(point($2::float8, $3::float8), point($4::float8, $5::float8))
    ORDER BY f.id LIMIT 1001`;
  const indexed = `SELECT f.id, f.geometry, f.properties FROM vector_features f
    WHERE f.id = ANY(ARRAY(SELECT gt_layer_features_in_box($1::bigint,
      box(point($2::float8, $3::float8), point($4::float8, $5::float8)), 0, 1001))) AND f.layer_id = $1
    ORDER BY f.id`;
  let found = 0;
  async function round(text: string, name: string): Promise<number> {
    const start = performance.now();
    found = 0;
    for (const w of windows) found += (await app.query({ name, text, values: [layer, ...w] })).rowCount ?? 0;
    return ((performance.now() - start) * 1000) / windows.length;
  }
  await round(plain, 'plain');
  const plainFound = found;
  await round(indexed, 'indexed');
  if (found !== plainFound) throw new Error(`the two paths disagree: ${plainFound} vs ${found} features`);
  const withIndex: number[] = [];
  const without: number[] = [];
  for (let i = 0; i < ROUNDS; i++) {
    without.push(await round(plain, 'plain'));
    withIndex.push(await round(indexed, 'indexed'));
  }
  console.log(`features found per round: ${found}`);
  if (process.env.BENCH_GEO_EXPLAIN) {
    const w = windows[0]!;
    const lit = (t: string) => t.replace(/\$(\d)/g, (_, n) => String([layer, ...w][Number(n) - 1]));
    for (const q of [
      lit(indexed),
      lit(
        `SELECT b.feature_id FROM vector_feature_boxes b WHERE b.bbox && box(point($2, $3), point($4, $5)) AND b.layer_id = $1`,
      ),
    ]) {
      const client = q.includes('vector_feature_boxes') ? owner : app;
      const r = await client.query(`EXPLAIN (ANALYZE, COSTS OFF) ${q}`);
      console.log(r.rows.map((x) => x['QUERY PLAN']).join('\n'));
    }
  }
  const plan = await app.query(
    `EXPLAIN (COSTS OFF) ${plain}`.replace(/\$(\d)/g, (_, n) =>
      String([layer, ...windows[0]!][Number(n) - 1]),
    ),
  );
  console.log(`plan of the plain filter: ${plan.rows.map((r) => r['QUERY PLAN'].trim()).join(' / ')}`);
  console.log(
    `geodata.features_bbox.plain_filter_under_rls: ${median(without).toFixed(0)} µs/query (baseline)`,
  );
  console.log(
    `geodata.features_bbox.box_index_path: ${median(withIndex).toFixed(0)} µs/query (${median(withIndex.map((t, i) => t / without[i]!)).toFixed(3)}x vs the plain filter)`,
  );
  await owner.end();
  await app.end();
} finally {
  await database.close();
  await dropScratch('geodata');
}
