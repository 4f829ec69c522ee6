// RLS overhead: the same indexed select by id on a 1M-row tenant table (audit_log), run as the application
// role with row-level security and as the owner without it. Target: ratio <= 1.10.
import { performance } from 'node:perf_hooks';
import pg from 'pg';
import { dropScratch, median, scratchPostgres } from './pg.ts';

const ROWS = Number(process.env.BENCH_RLS_ROWS ?? 1_000_000);
const ORGS = 100;
// Paired rounds (owner, then application role, back to back) cancel the machine's drift; the ratio is the
// median of the per-round ratios.
const QUERIES = 2000;
const ROUNDS = 15;

const database = await scratchPostgres('rls');
try {
  const owner = new pg.Client({ connectionString: database.url });
  const app = new pg.Client({ connectionString: database.url });
  await owner.connect();
  await app.connect();

  await owner.query(`INSERT INTO users (email, username) VALUES ('bench@example.test', 'bench')`);
  await owner.query(
    `INSERT INTO organizations (name, slug) SELECT 'Org ' || i, 'org-' || i FROM generate_series(1, ${ORGS}) i`,
  );
  const t0 = performance.now();
  await owner.query(`
    INSERT INTO audit_log (organization_id, actor_user_id, auth_method, action, target_type, target_id, details, created_at)
    SELECT o.id, 1, 'api_key', 'project.update', 'project', (i % 5000)::text, jsonb_build_object('n', i),
           now() - make_interval(secs => i)
    FROM generate_series(1, ${ROWS}) i
    JOIN (SELECT id, row_number() OVER (ORDER BY id) - 1 AS k FROM organizations) o ON o.k = i % ${ORGS}`);
  await owner.query('ANALYZE audit_log');
  console.log(`setup: ${ROWS} rows in ${((performance.now() - t0) / 1000).toFixed(1)} s`);

  const org = (await owner.query<{ id: number }>('SELECT min(id)::int AS id FROM organizations')).rows[0]!.id;
  const ids = (
    await owner.query<{ id: number }>(
      `SELECT id::int FROM audit_log WHERE organization_id = $1 ORDER BY random() LIMIT ${QUERIES}`,
      [org],
    )
  ).rows.map((r) => r.id);

  // The application role with the tenant set for the session, as inScope sets it per transaction.
  await app.query(
    `SELECT set_config('role', 'groundtruth_app', false), set_config('app.organization_id', $1, false)`,
    [String(org)],
  );
  const text = 'SELECT id, organization_id, action, target_id, created_at FROM audit_log WHERE id = $1';
  const plan = await app.query(`EXPLAIN (COSTS OFF) ${text.replace('$1', String(ids[0]))}`);

  async function round(client: pg.Client, name: string): Promise<number> {
    const start = performance.now();
    for (const id of ids) {
      const r = await client.query({ name, text, values: [id] });
      if (r.rowCount !== 1) throw new Error(`expected one row for id ${id}`);
    }
    return ((performance.now() - start) * 1000) / ids.length; // µs per query
  }
  await round(owner, 'q'); // warm-up: caches and prepared statements
  await round(app, 'q');
  const ownerTimes: number[] = [];
  const appTimes: number[] = [];
  for (let i = 0; i < ROUNDS; i++) {
    ownerTimes.push(await round(owner, 'q'));
    appTimes.push(await round(app, 'q'));
  }
  const base = median(ownerTimes);
  const rls = median(appTimes);
  const ratio = median(appTimes.map((t, i) => t / ownerTimes[i]!));
  console.log(`plan (application role): ${plan.rows.map((r) => r['QUERY PLAN']).join(' / ')}`);
  console.log(`rls.select_by_id.owner_no_rls: ${base.toFixed(1)} µs/query (baseline)`);
  console.log(
    `rls.select_by_id.app_role_rls: ${rls.toFixed(1)} µs/query (${ratio.toFixed(3)}x vs owner without RLS; target <= 1.10)`,
  );
  await owner.end();
  await app.end();
} finally {
  await database.close();
  await dropScratch('rls');
}
