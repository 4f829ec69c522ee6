// Labeling writes and the queue on PostgreSQL, in process (app.inject, no network):
// - annotations.create: POST /api/tasks/{id}/annotations (access check, config check of the result, task +
//   project counters, summary, webhook fan-out) against the bare statement of the same row, one transaction
//   each, on the same data.
// - next: GET /api/projects/{id}/next over BENCH_TASKS tasks, half of them labeled (sampling query, SKIP
//   LOCKED, lock row, history) against the bare candidate SELECT of the same page.
// Sizes: BENCH_TASKS (default 20000), BENCH_N requests each (default 300).
import { randomBytes } from 'node:crypto';
import { sql } from 'kysely';
import { buildApp } from '../src/app.ts';
import { loadConfig } from '../src/config.ts';
import { dropScratch, scratchPostgres } from './pg.ts';

const TASKS = Number(process.env.BENCH_TASKS ?? 20_000);
const N = Number(process.env.BENCH_N ?? 300);
const CONFIG =
  '<View><Image name="image" value="$image"/><RectangleLabels name="label" toName="image">' +
  '<Label value="Car"/><Label value="Bus"/></RectangleLabels></View>';
const region = (i: number) => ({
  id: `r${i}`,
  from_name: 'label',
  to_name: 'image',
  type: 'rectanglelabels',
  original_width: 800,
  original_height: 600,
  value: { x: 10, y: 10, width: 20, height: 20, rotation: 0, rectanglelabels: [i % 2 ? 'Car' : 'Bus'] },
});

const database = await scratchPostgres('annotations');
try {
  const config = loadConfig({ LOG_LEVEL: 'silent', SECRET_KEY: randomBytes(32).toString('hex') });
  const app = await buildApp({ config, database });
  await app.ready();
  const json = async (method: 'POST' | 'GET', url: string, payload?: object, headers = {}) => {
    const res = await app.inject({ method, url, headers, ...(payload ? { payload } : {}) });
    if (res.statusCode >= 300) throw new Error(`${url}: ${res.statusCode} ${res.body}`);
    return res.json();
  };
  const session = await json('POST', '/api/auth/signup', {
    email: 'bench@example.test',
    username: 'bench',
    password: 'Bench-Pass1',
  });
  const auth = { authorization: `Bearer ${session.access_token}` };
  const userId: number = session.user.id;
  const orgId: number = session.user.active_organization;
  const project = (await json('POST', '/api/projects', { title: 'Bench', label_config: CONFIG }, auth))
    .id as number;
  await json('POST', '/api/tasks', { project, data: { image: 'https://example.test/0.jpg' } }, auth);
  // The rest of the tasks in one statement; half of them already labeled.
  await database.db.transaction().execute(async (tx) => {
    await sql`SELECT set_config('app.organization_id', ${String(orgId)}, true)`.execute(tx);
    await sql`
      INSERT INTO tasks (organization_id, project_id, inner_id, data, is_labeled, total_annotations)
      SELECT ${orgId}, ${project}, g + 1, jsonb_build_object('image', 'https://example.test/' || g || '.jpg'),
             g % 2 = 0, (g % 2 = 0)::int
      FROM generate_series(1, ${TASKS - 1}) g`.execute(tx);
    await sql`UPDATE annotation_settings SET task_number = ${TASKS}, next_inner_id = ${TASKS + 1}
      WHERE project_id = ${project}`.execute(tx);
    await sql`CREATE TABLE bench_annotations (id bigserial PRIMARY KEY, task_id bigint, result jsonb)`.execute(
      tx,
    );
  });
  await sql`ANALYZE`.execute(database.db);
  const ids = (
    await sql<{
      id: number;
    }>`SELECT id FROM tasks WHERE project_id = ${project} ORDER BY id LIMIT ${N}`.execute(database.db)
  ).rows.map((r) => r.id);

  const time = async (fn: (i: number) => Promise<unknown>) => {
    const start = process.hrtime.bigint();
    for (let i = 0; i < N; i++) await fn(i);
    return N / (Number(process.hrtime.bigint() - start) / 1e9);
  };

  // Baselines: the bare statement in a transaction of its own, as the table owner (no access checks).
  const bare = <T>(fn: (tx: typeof database.db) => Promise<T>) => database.db.transaction().execute(fn);
  const bareInsert = await time((i) =>
    bare((tx) =>
      sql`INSERT INTO bench_annotations (task_id, result) VALUES (${ids[i]!}, ${JSON.stringify([region(i)])}::jsonb)`.execute(
        tx,
      ),
    ),
  );
  const apiCreate = await time((i) =>
    json('POST', `/api/tasks/${ids[i % ids.length]}/annotations`, { result: [region(i)] }, auth),
  );
  console.log(`annotations.bare_insert: ${bareInsert.toFixed(0)} ops/s (baseline)`);
  console.log(
    `annotations.create_via_api: ${apiCreate.toFixed(0)} ops/s (${(apiCreate / bareInsert).toFixed(3)}x vs bare insert)`,
  );

  // The queue: each call locks a new task for the same person (the previous lock is kept, as a person
  // holding several tasks would), so every call does the full search.
  const bareNext = await time(() =>
    bare((tx) =>
      sql`SELECT t.id FROM tasks t WHERE t.project_id = ${project} AND NOT t.is_labeled
          AND NOT EXISTS (SELECT 1 FROM annotations a WHERE a.task_id = t.id AND a.completed_by = ${userId})
          ORDER BY t.id LIMIT 1 FOR UPDATE OF t SKIP LOCKED`.execute(tx),
    ),
  );
  const apiNext = await time(async () => {
    const task = await json('GET', `/api/projects/${project}/next`, undefined, auth);
    // Release by skipping, so the next call searches again.
    await json('POST', `/api/tasks/${task.id}/annotations`, { was_cancelled: true }, auth);
  });
  console.log(`next.bare_candidate_select: ${bareNext.toFixed(0)} ops/s (baseline, ${TASKS} tasks)`);
  console.log(
    `next.next_plus_skip_via_api: ${apiNext.toFixed(0)} ops/s (${(apiNext / bareNext).toFixed(3)}x vs bare select)`,
  );
  await app.close();
} finally {
  await database.close().catch(() => {});
  await dropScratch('annotations');
}
