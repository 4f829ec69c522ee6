// Batch prediction throughput: BENCH_ML_TASKS (default 5000) tasks sent to a fake ML backend on 127.0.0.1
// through POST /api/ml/{id}/predict on the real server (a background job: pages of the selection, one /predict
// call per batch, predictions written per batch), timed until the job has finished; against the fake backend's
// own limit: the same tasks sent straight to its /predict, one batch after another, with the same batch size.
// The fake spends BENCH_ML_TASK_MS (default 1) per task of a call, standing in for the model's work.
import { performance } from 'node:perf_hooks';
import pg from 'pg';
import { fakeBackend, TEXT_CONFIG } from '../src/modules/ml/ml.test-kit.ts';
import { dropScratch, scratchPostgres } from './pg.ts';
import { serve, signUpOn } from './serve.ts';

const TASKS = Number(process.env.BENCH_ML_TASKS ?? 5000);
const BATCH = Number(process.env.BENCH_ML_BATCH ?? 50);
const TASK_MS = Number(process.env.BENCH_ML_TASK_MS ?? 1);

const database = await scratchPostgres('ml');
const server = await serve(database.url, { WEBHOOK_ALLOW_PRIVATE: 'true' });
const fake = await fakeBackend('good', { perTaskMs: TASK_MS });
const json = async (res: Response) => {
  if (res.status >= 300) throw new Error(`${res.url}: ${res.status} ${await res.text()}`);
  return (await res.json()) as Record<string, unknown>;
};
try {
  const headers = { 'content-type': 'application/json', ...(await signUpOn(server.url)) };
  const post = (url: string, body: unknown) =>
    fetch(`${server.url}${url}`, { method: 'POST', headers, body: JSON.stringify(body) }).then(json);
  const project = (await post('/api/projects', { title: 'ml bench', label_config: TEXT_CONFIG }))
    .id as number;
  const owner = new pg.Client({ connectionString: database.url });
  await owner.connect();
  await owner.query(
    `INSERT INTO tasks (organization_id, project_id, inner_id, data)
     SELECT p.organization_id, p.id, g, jsonb_build_object('text', 'review number ' || g)
     FROM projects p, generate_series(1, $2::int) g WHERE p.id = $1`,
    [project, TASKS],
  );
  const { rows: tasks } = await owner.query('SELECT id, data FROM tasks WHERE project_id = $1 ORDER BY id', [
    project,
  ]);
  await owner.end();

  // Baseline: the fake's own limit, called directly with the same batches.
  const d0 = performance.now();
  for (let i = 0; i < tasks.length; i += BATCH) {
    const res = await fetch(`${fake.url}/predict`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        tasks: tasks.slice(i, i + BATCH),
        project: `${project}.0`,
        label_config: TEXT_CONFIG,
      }),
    });
    await res.json();
  }
  const directSeconds = (performance.now() - d0) / 1000;

  const backend = (await post('/api/ml', { project, url: fake.url, title: 'fake' })).id as number;
  const t0 = performance.now();
  const job = await post(`/api/ml/${backend}/predict`, {
    filters: { conjunction: 'and', items: [] },
    selectedItems: { all: true, excluded: [] },
    batch_size: BATCH,
  });
  let done: Record<string, unknown>;
  for (;;) {
    done = await fetch(`${server.url}/api/ml/${backend}/prediction-jobs/${job.id}`, { headers }).then(json);
    if (done.state === 'succeeded' || done.state === 'failed') break;
    await new Promise((r) => setTimeout(r, 50));
  }
  const jobSeconds = (performance.now() - t0) / 1000;
  if (done.predicted_tasks !== TASKS) throw new Error(`predicted ${done.predicted_tasks} of ${TASKS}`);

  const rate = (s: number) => Math.round(TASKS / s);
  console.log(
    `ml.fake_backend_direct: ${rate(directSeconds)} tasks/s (${directSeconds.toFixed(1)} s, baseline; ` +
      `${TASKS} tasks in batches of ${BATCH}, ${TASK_MS} ms of model work per task)`,
  );
  console.log(
    `ml.batch_predictions_job: ${rate(jobSeconds)} tasks/s (${jobSeconds.toFixed(1)} s, ` +
      `${(directSeconds / jobSeconds).toFixed(2)}x vs the fake backend's own limit)`,
  );
} finally {
  await fake.close();
  await server.stop();
  await database.close();
  await dropScratch('ml');
}
