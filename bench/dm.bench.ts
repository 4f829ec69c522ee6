// Data manager: a filter on a data value + ordering + a page of 50 over a project of 1M tasks, through
// `GET /api/tasks?view=` (HTTP on loopback, API key, RLS, the view's filter compiled to SQL) against the best
// hand-written SQL for the same answer on the same data (owner connection, no RLS, its own ideal index).
// The answer is the page and Label Studio's totals over every match (`total`, `total_annotations`,
// `total_predictions`), so the baseline runs both queries; the page-only query is printed as well.
// Target: ratio <= 1.5. BENCH_DM_TASKS shrinks the project while developing.
import { randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import pg from 'pg';
import { indexName } from '../src/modules/annotation/dm.indexes.ts';
import { startServer } from './load.ts';
import { dropScratch, median, scratchPostgres } from './pg.ts';

const TASKS = Number(process.env.BENCH_DM_TASKS ?? 1_000_000);
const SITES = 100; // the filter matches 1% of the tasks
const ROUNDS = Number(process.env.BENCH_DM_ROUNDS ?? 15);
const PER_ROUND = 20;

const database = await scratchPostgres('dm');
const env = { DATABASE_URL: database.url, SECRET_KEY: randomBytes(32).toString('hex'), DB_POOL_MAX: '4' };
const app = await startServer('app', env);
const owner = new pg.Client({ connectionString: database.url });
try {
  await owner.connect();
  const call = async (method: string, path: string, body?: object, headers: Record<string, string> = {}) => {
    const res = await fetch(`${app.url}${path}`, {
      method,
      headers: { 'content-type': 'application/json', ...headers },
      ...(body ? { body: JSON.stringify(body) } : {}),
    });
    if (!res.ok) throw new Error(`${path}: ${res.status} ${await res.text()}`);
    return res.json() as Promise<Record<string, unknown>>;
  };
  const session = await call('POST', '/api/auth/signup', {
    email: 'bench@example.test',
    username: 'bench',
    password: 'Bench-Pass1',
  });
  const bearer = { authorization: `Bearer ${session.access_token}` };
  const key = (await call('POST', '/api/api-keys', { name: 'bench' }, bearer)).key as string;
  const auth = { authorization: `Token ${key}` };
  const project = (await call('POST', '/api/projects', { title: 'DM bench' }, auth)).id as number;
  await call('POST', '/api/tasks', { project, data: { image: 'warm.jpg', site: 'site-warm', n: 0 } }, auth);

  const t0 = performance.now();
  const org = (await owner.query('SELECT organization_id AS o FROM projects WHERE id = $1', [project]))
    .rows[0].o;
  await owner.query(
    `INSERT INTO tasks (organization_id, project_id, inner_id, data, total_annotations, is_labeled, created_at)
     SELECT $1, $2, i + 1, jsonb_build_object(
              'image', 'https://cdn.example.test/flight-' || (i / 1000) || '/img-' || i || '.jpg',
              'site', 'site-' || (i % ${SITES}), 'n', i % 1000, 'camera', 'DJI-' || (i % 7),
              'meta', jsonb_build_object('alt', 120 + i % 30, 'lat', 40 + (i % 1000) / 1000.0)),
            (i % 3 = 0)::int, i % 3 = 0, now() - make_interval(secs => i)
     FROM generate_series(1, ${TASKS}) i`,
    [org, project],
  );
  await owner.query(
    `UPDATE annotation_settings SET task_number = task_number + $2, next_inner_id = $2 + 2 WHERE project_id = $1`,
    [project, TASKS],
  );
  console.log(`setup: ${TASKS} tasks in ${((performance.now() - t0) / 1000).toFixed(1)} s`);

  // Two filters of different reach: a site (1% of the tasks) and a camera model (1 in 7).
  const cases = [
    { name: 'site_1pct', key: 'site', value: 'site-7' },
    { name: 'camera_14pct', key: 'camera', value: 'DJI-3' },
  ];
  const t1 = performance.now();
  const views: number[] = [];
  for (const c of cases) {
    const filters = {
      conjunction: 'and',
      items: [{ filter: `filter:tasks:data.${c.key}`, operator: 'equal', type: 'String', value: c.value }],
    };
    // Saving the view queues its index build; the server's job worker runs it (CONCURRENTLY).
    const data = { title: c.name, filters, ordering: ['-tasks:id'] };
    views.push((await call('POST', '/api/dm/views', { project, data }, auth)).id as number);
  }
  for (const c of cases) {
    const name = indexName({ kind: 'text', key: c.key });
    const ready = () =>
      owner
        .query(
          'SELECT 1 FROM pg_class c JOIN pg_index i ON i.indexrelid = c.oid WHERE c.relname = $1 AND i.indisvalid',
          [name],
        )
        .then((r) => r.rowCount === 1);
    for (let waited = 0; !(await ready()); waited += 1) {
      if (waited > 1200) throw new Error(`index ${name} was not built within 10 minutes`);
      await new Promise((r) => setTimeout(r, 500));
    }
  }
  // The hand-written baseline's own ideal index on the plain expression, once the views' concurrent builds
  // are done (a plain CREATE INDEX beside a CREATE INDEX CONCURRENTLY can deadlock).
  for (const c of cases)
    await owner.query(`CREATE INDEX bench_${c.key}_idx ON tasks (project_id, (data ->> '${c.key}'), id)`);
  await owner.query('VACUUM ANALYZE tasks');
  console.log(`indexes (the views' and the baseline's): ${((performance.now() - t1) / 1000).toFixed(1)} s`);

  const pages = Array.from({ length: PER_ROUND }, (_, i) => (i % 10) + 1);
  for (const [ci, c] of cases.entries()) {
    const pageSql = `SELECT * FROM tasks WHERE project_id = $1 AND data ->> '${c.key}' = $2 ORDER BY id DESC LIMIT 50 OFFSET $3`;
    const totalsSql = `SELECT count(*)::int AS total, coalesce(sum(total_annotations), 0)::int AS a,
      coalesce(sum(total_predictions), 0)::int AS p FROM tasks WHERE project_id = $1 AND data ->> '${c.key}' = $2`;
    const explain = await owner.query(
      `EXPLAIN (COSTS OFF) ${pageSql.replace('$1', String(project)).replace('$2', `'${c.value}'`).replace('$3', '0')}`,
    );
    // The API's own plan, as the application role under RLS.
    await owner.query('BEGIN');
    await owner.query(
      `SELECT set_config('role', 'groundtruth_app', true), set_config('app.organization_id', $1, true)`,
      [String(org)],
    );
    const apiPlan = await owner.query(
      `EXPLAIN (COSTS OFF) SELECT t.* FROM tasks t WHERE t.project_id = ${project} AND dm_text(t.data, '${c.key}') = '${c.value}' ORDER BY t.id DESC LIMIT 50`,
    );
    await owner.query('ROLLBACK');

    let expectedTotal = 0;
    const viaApi = async (): Promise<number> => {
      const start = performance.now();
      for (const page of pages) {
        const url = `/api/tasks?project=${project}&view=${views[ci]}&page=${page}&page_size=50&fields=task_only`;
        const body = await call('GET', url, undefined, auth);
        if ((body.tasks as unknown[]).length !== 50 || body.total !== expectedTotal)
          throw new Error('unexpected page');
      }
      return (performance.now() - start) / pages.length;
    };
    const viaSql = async (withTotals: boolean): Promise<number> => {
      const start = performance.now();
      for (const page of pages) {
        const rows = (
          await owner.query({
            name: `page_${c.key}`,
            text: pageSql,
            values: [project, c.value, (page - 1) * 50],
          })
        ).rows;
        if (withTotals) {
          const t = (
            await owner.query({ name: `totals_${c.key}`, text: totalsSql, values: [project, c.value] })
          ).rows[0];
          expectedTotal = t.total;
        }
        if (rows.length !== 50) throw new Error('unexpected page');
      }
      return (performance.now() - start) / pages.length;
    };
    // The first page after a write in the organization: the cached totals are stale, so the API counts the
    // matches again. A write through the owner connection (a view's updated_at) reaches the server on the
    // change feed; the wait for it is not timed. Against the SQL page and totals of the same page.
    const afterWrite = async (): Promise<{ api: number; sql: number }> => {
      await owner.query('UPDATE dm_views SET updated_at = now() WHERE id = $1', [views[ci]]);
      await new Promise((r) => setTimeout(r, 50));
      const page = 1;
      const url = `/api/tasks?project=${project}&view=${views[ci]}&page=${page}&page_size=50&fields=task_only`;
      const a0 = performance.now();
      const body = await call('GET', url, undefined, auth);
      const apiMs = performance.now() - a0;
      if ((body.tasks as unknown[]).length !== 50 || body.total !== expectedTotal)
        throw new Error('unexpected page');
      const s0 = performance.now();
      await owner.query({ name: `page_${c.key}`, text: pageSql, values: [project, c.value, 0] });
      await owner.query({ name: `totals_${c.key}`, text: totalsSql, values: [project, c.value] });
      return { api: apiMs, sql: performance.now() - s0 };
    };
    await viaSql(true);
    await viaApi(); // warm-up
    const api: number[] = [];
    const full: number[] = [];
    const pageOnly: number[] = [];
    for (let i = 0; i < ROUNDS; i++) {
      full.push(await viaSql(true));
      api.push(await viaApi());
      pageOnly.push(await viaSql(false));
    }
    const fresh: { api: number; sql: number }[] = [];
    for (let i = 0; i < ROUNDS * 2; i++) fresh.push(await afterWrite());
    const ratio = median(api.map((a, i) => a / full[i]!));
    const freshRatio = median(fresh.map((f) => f.api / f.sql));
    const ratioPage = median(api.map((a, i) => a / pageOnly[i]!));
    const label = `dm.${c.name}.order_id_desc.page50`;
    console.log(`plan (baseline): ${explain.rows.map((r) => r['QUERY PLAN']).join(' / ')}`);
    console.log(`plan (API, application role): ${apiPlan.rows.map((r) => r['QUERY PLAN']).join(' / ')}`);
    console.log(`${label}.matches: ${expectedTotal} tasks`);
    console.log(`${label}.sql_page_and_totals: ${median(full).toFixed(2)} ms/page (baseline)`);
    console.log(`${label}.sql_page_only: ${median(pageOnly).toFixed(2)} ms/page`);
    console.log(
      `${label}.api: ${median(api).toFixed(2)} ms/page (${ratio.toFixed(3)}x vs hand-written SQL for the same answer; target <= 1.5; ${ratioPage.toFixed(3)}x vs the page query alone)`,
    );
    console.log(
      `${label}.api_after_a_write: ${median(fresh.map((f) => f.api)).toFixed(2)} ms (SQL page + totals ` +
        `${median(fresh.map((f) => f.sql)).toFixed(2)} ms; ${freshRatio.toFixed(3)}x; target <= 1.5)`,
    );
  }
  // Context: the unfiltered first page through the same endpoint (the fixed cost of a request).
  const plain: number[] = [];
  for (let i = 0; i < ROUNDS; i++) {
    const start = performance.now();
    for (let j = 0; j < PER_ROUND; j++)
      await call(
        'GET',
        `/api/tasks?project=${project}&page=1&page_size=50&fields=task_only`,
        undefined,
        auth,
      );
    plain.push((performance.now() - start) / PER_ROUND);
  }
  console.log(`dm.context.unfiltered_page50.api: ${median(plain).toFixed(2)} ms/page`);
} finally {
  await owner.end().catch(() => {});
  await app.stop().catch(() => {});
  await database.close().catch(() => {});
  await dropScratch('dm');
}
