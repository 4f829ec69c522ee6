// Filtered photo listing over 100k photos: `GET /api/projects/{id}/photos` with filters (capture-time range,
// GPS box, detection type with minimum confidence; sort by captured_at; 50 a page), in-process through the app
// (authentication, membership, policy, RLS, tags, JSON), against the best hand-written SQL for the same page
// (one statement, tags aggregated, as the table owner without RLS) over one connection. Latency ratio, median of
// paired rounds. Target <= 1.5. BENCH_PHOTOS_ROWS shrinks the table (default 100000).
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import pg from 'pg';
import { buildApp } from '../src/app.ts';
import { loadConfig } from '../src/config.ts';
import { dropScratch, median, scratchPostgres } from './pg.ts';

const ROWS = Number(process.env.BENCH_PHOTOS_ROWS ?? 100_000);
const PROJECTS = 10;
const QUERIES = 200;
const ROUNDS = 9;

const dataDir = mkdtempSync(path.join(os.tmpdir(), 'gt-bench-list-'));
const database = await scratchPostgres('photos_list');
try {
  const config = loadConfig({ LOG_LEVEL: 'silent', DATA_DIR: dataDir, DATABASE_URL: database.url });
  const app = await buildApp({ config, database });
  await app.ready();
  const signup = (
    await app.inject({
      method: 'POST',
      url: '/api/auth/signup',
      payload: { email: 'bench@example.test', username: 'bench', password: 'Bench-Pass1' },
    })
  ).json();
  const headers = { authorization: `Bearer ${signup.access_token}` };
  const orgId = signup.user.active_organization as number;
  const owner = new pg.Client({ connectionString: database.url });
  await owner.connect();
  const t0 = performance.now();
  await owner.query(
    `INSERT INTO projects (organization_id, title, slug, created_by)
     SELECT $1, 'site ' || g, 'site-' || g, $2 FROM generate_series(1, ${PROJECTS}) g`,
    [orgId, signup.user.id],
  );
  await owner.query(`
    INSERT INTO files (organization_id, project_id, storage_key, original_name, mime_type, size_bytes, sha256, status)
    SELECT organization_id, id, 'sha256/00/00/' || repeat('0', 64), 'x.jpg', 'image/jpeg', 1, repeat('0', 64), 'ready'
    FROM projects WHERE organization_id = ${orgId}`);
  await owner.query(`
    INSERT INTO photos (organization_id, project_id, file_id, uploaded_by, storage_key, original_name, mime_type,
                        size_bytes, sha256, width, height, captured_at, latitude, longitude, status, created_at)
    SELECT f.organization_id, f.project_id, f.id, ${signup.user.id}, f.storage_key, 'p' || g || '.jpg', 'image/jpeg',
           3000000, lpad(to_hex(f.project_id * 10000000 + g), 64, '0'), 4000, 3000,
           timestamptz '2024-01-01' + (g * interval '7 minutes'),
           40 + (g % 1000) / 1000.0, -80 + ((g * 7) % 1000) / 1000.0, 'processed',
           timestamptz '2024-01-01' + (g * interval '7 minutes') + interval '1 day'
    FROM files f, generate_series(1, ${Math.ceil(ROWS / PROJECTS)}) g
    WHERE f.organization_id = ${orgId}`);
  await owner.query(`
    INSERT INTO detections (organization_id, project_id, photo_id, detection_type, model_name, results, confidence,
                            processing_time_ms, user_confirmed, reviewed_at)
    SELECT organization_id, project_id, id, (ARRAY['damage','material','volume'])[1 + id % 3], 'bench',
           '{"regions":[]}', (id * 37 % 100) / 100.0, 50, id % 5 = 0, CASE WHEN id % 5 = 0 THEN now() END
    FROM photos WHERE organization_id = ${orgId}`);
  await owner.query(`
    INSERT INTO photo_tag_catalog (organization_id, project_id, name, source)
    SELECT organization_id, id, t, 'user' FROM projects, unnest(ARRAY['roof','north','south','crack']) t
    WHERE organization_id = ${orgId}`);
  await owner.query(`
    INSERT INTO photo_tags (organization_id, photo_id, tag_id, source)
    SELECT p.organization_id, p.id, t.id, 'user' FROM photos p
    JOIN photo_tag_catalog t ON t.project_id = p.project_id AND t.name = (ARRAY['roof','north','south','crack'])[1 + p.id % 4]
    WHERE p.organization_id = ${orgId}`);
  await owner.query('ANALYZE photos; ANALYZE detections; ANALYZE photo_tags; ANALYZE photo_tag_catalog');
  const total = (await owner.query('SELECT count(*)::int AS n FROM photos')).rows[0].n;
  console.log(
    `setup: ${total} photos with detections and tags in ${((performance.now() - t0) / 1000).toFixed(1)} s`,
  );
  const projectId = (
    await owner.query(`SELECT min(id)::int AS id FROM projects WHERE organization_id = ${orgId}`)
  ).rows[0].id;

  const filter = {
    from: '2024-01-10T00:00:00Z',
    to: '2024-02-20T00:00:00Z',
    minLat: 40.1,
    maxLat: 40.9,
    minLon: -79.9,
    maxLon: -79.1,
    type: 'damage',
    conf: 0.3,
  };
  const url =
    `/api/projects/${projectId}/photos?sort=captured_at&limit=50&captured_from=${filter.from}&captured_to=${filter.to}` +
    `&min_lat=${filter.minLat}&max_lat=${filter.maxLat}&min_lon=${filter.minLon}&max_lon=${filter.maxLon}` +
    `&detection_type=${filter.type}&min_confidence=${filter.conf}`;
  // The page first (LIMIT before the tag join), then its tags: one statement, the columns the API answers with.
  const text = `
    WITH page AS (
      SELECT p.id, p.project_id, p.status, p.error, p.original_name, p.mime_type, p.size_bytes, p.sha256, p.width,
             p.height, p.captured_at, p.latitude, p.longitude, p.altitude, p.description, p.uploaded_by,
             p.created_at, p.thumbnail_small_key, p.thumbnail_large_key
      FROM photos p
      WHERE p.project_id = $1 AND p.deleted_at IS NULL
        AND p.captured_at >= $2 AND p.captured_at < $3
        AND p.latitude >= $4 AND p.latitude <= $5 AND p.longitude >= $6 AND p.longitude <= $7
        AND EXISTS (SELECT 1 FROM detections d WHERE d.photo_id = p.id AND d.detection_type = $8 AND d.confidence >= $9)
      ORDER BY p.captured_at DESC NULLS LAST, p.id DESC
      LIMIT 50
    )
    SELECT page.*, coalesce((
      SELECT json_agg(json_build_object('id', c.id, 'name', c.name, 'source', pt.source, 'color', c.color) ORDER BY c.name)
      FROM photo_tags pt JOIN photo_tag_catalog c ON c.id = pt.tag_id WHERE pt.photo_id = page.id
    ), '[]') AS tags
    FROM page
    ORDER BY page.captured_at DESC NULLS LAST, page.id DESC`;
  const values = [
    projectId,
    filter.from,
    filter.to,
    filter.minLat,
    filter.maxLat,
    filter.minLon,
    filter.maxLon,
    filter.type,
    filter.conf,
  ];

  const check = await app.inject({ method: 'GET', url, headers });
  if (check.statusCode !== 200) throw new Error(`${check.statusCode} ${check.body}`);
  const sqlRows = (await owner.query(text, values)).rows;
  const apiIds = check.json().results.map((p: { id: number }) => p.id);
  if (JSON.stringify(apiIds) !== JSON.stringify(sqlRows.map((r) => Number(r.id))))
    throw new Error('the API and the hand-written SQL answer different pages');
  console.log(`page: ${apiIds.length} photos`);

  async function apiRound(): Promise<number> {
    const start = performance.now();
    for (let i = 0; i < QUERIES; i++) {
      const res = await app.inject({ method: 'GET', url, headers });
      if (res.statusCode !== 200) throw new Error(res.body);
    }
    return (performance.now() - start) / QUERIES;
  }
  async function sqlRound(): Promise<number> {
    const start = performance.now();
    for (let i = 0; i < QUERIES; i++) await owner.query(text, values);
    return (performance.now() - start) / QUERIES;
  }
  // Warm up both sides to their steady state (V8 optimizes the request path after some thousands of calls).
  for (let w = 0; w < 8; w++) {
    await apiRound();
    await sqlRound();
  }
  const api: number[] = [];
  const hand: number[] = [];
  for (let r = 0; r < ROUNDS; r++) {
    hand.push(await sqlRound());
    api.push(await apiRound());
  }
  const ratio = median(api.map((t, i) => t / hand[i]!));
  console.log(`photos.list.hand_written_sql: ${median(hand).toFixed(2)} ms/page (baseline)`);
  console.log(
    `photos.list.api_filtered_page: ${median(api).toFixed(2)} ms/page (${ratio.toFixed(3)}x vs hand-written SQL; target <= 1.5)`,
  );
  await owner.end();
  await app.close();
} finally {
  await database.close();
  await dropScratch('photos_list');
  rmSync(dataDir, { recursive: true, force: true });
}
