// Import throughput: BENCH_IMPORT_TASKS (default 1M) drone-survey tasks as one JSON list through
// POST /api/projects/{id}/import on the real server (which runs an import this large as a background job:
// stored as a file upload, then streamed into a staging table with COPY and moved into tasks in one
// transaction), timed until the job has finished; against COPY of the same data objects into a bare table
// (no indexes, no RLS, no foreign keys). Both read their input from a file prepared beforehand.
// Target: ratio (throughput vs COPY) >= 0.5.
import { createReadStream, createWriteStream, mkdtempSync, rmSync, statSync } from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { pipeline } from 'node:stream/promises';
import pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { dropScratch, scratchPostgres } from './pg.ts';
import { createProject, IMAGE_CONFIG, serve, signUpOn, taskData } from './serve.ts';

const TASKS = Number(process.env.BENCH_IMPORT_TASKS ?? 1_000_000);
const dir = mkdtempSync(path.join(os.tmpdir(), 'gt-import-bench-'));
const jsonFile = path.join(dir, 'tasks.json');
const copyFile = path.join(dir, 'tasks.copy');

async function writeInputs() {
  const json = createWriteStream(jsonFile);
  const copy = createWriteStream(copyFile);
  const write = (s: NodeJS.WritableStream, text: string) =>
    s.write(text) ? Promise.resolve() : new Promise((r) => s.once('drain', r));
  await write(json, '[');
  for (let i = 0; i < TASKS; i++) {
    const data = JSON.stringify(taskData(i));
    await write(json, `${i ? ',' : ''}\n{"data":${data}}`);
    await write(copy, `${data.replaceAll('\\', '\\\\')}\n`);
  }
  await write(json, '\n]');
  await Promise.all([new Promise((r) => json.end(r)), new Promise((r) => copy.end(r))]);
}

function post(base: string, url: string, headers: Record<string, string>, file: string) {
  return new Promise<{ status: number; body: string }>((resolve, reject) => {
    const req = http.request(new URL(url, base), {
      method: 'POST',
      headers: {
        ...headers,
        'content-type': 'application/json',
        'content-length': String(statSync(file).size),
      },
    });
    req.on('error', reject);
    req.on('response', (res) => {
      let body = '';
      res.on('data', (c) => {
        body += c;
      });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    pipeline(createReadStream(file), req).catch(reject);
  });
}

const database = await scratchPostgres('import');
const server = await serve(database.url);
try {
  await writeInputs();
  const mb = statSync(jsonFile).size / 1024 ** 2;
  console.log(`input: ${TASKS} tasks, ${mb.toFixed(0)} MB of JSON`);
  const headers = await signUpOn(server.url);
  const project = await createProject(server.url, headers, 'import bench');
  const owner = new pg.Client({ connectionString: database.url });
  await owner.connect();
  await owner.query(
    `INSERT INTO annotation_settings (organization_id, project_id, label_config)
     SELECT organization_id, id, $2 FROM projects WHERE id = $1`,
    [project, IMAGE_CONFIG],
  );

  // Baseline: COPY into a bare table.
  await owner.query('CREATE TABLE bare_tasks (data jsonb NOT NULL)');
  const c0 = performance.now();
  await pipeline(createReadStream(copyFile), owner.query(copyFrom('COPY bare_tasks (data) FROM STDIN')));
  const copySeconds = (performance.now() - c0) / 1000;

  const t0 = performance.now();
  const res = await post(server.url, `/api/projects/${project}/import`, headers, jsonFile);
  if (res.status !== 201 && res.status !== 202) throw new Error(`import: ${res.status} ${res.body}`);
  const answeredSeconds = (performance.now() - t0) / 1000;
  let summary = JSON.parse(res.body) as Record<string, unknown>;
  let phases = '';
  if (res.status === 202) {
    for (;;) {
      const job = (await (await fetch(`${server.url}${summary.job_url}`, { headers })).json()) as Record<
        string,
        unknown
      >;
      if (job.state === 'failed') throw new Error(`import job failed: ${job.error}`);
      if (job.state === 'succeeded') {
        const at = (k: string) => Date.parse(String(job[k]));
        phases =
          `; body received and stored ${answeredSeconds.toFixed(1)} s, job waited ` +
          `${((at('started_at') - at('created_at')) / 1000).toFixed(1)} s, ran ${((at('finished_at') - at('started_at')) / 1000).toFixed(1)} s`;
        break;
      }
      await new Promise((r) => setTimeout(r, 200));
    }
    summary = (await (await fetch(`${server.url}${summary.url}`, { headers })).json()) as Record<
      string,
      unknown
    >;
  }
  const importSeconds = (performance.now() - t0) / 1000;
  const { rows } = await owner.query('SELECT count(*)::int AS n FROM tasks WHERE project_id = $1', [project]);
  if (rows[0].n !== TASKS || summary.task_count !== TASKS)
    throw new Error(`imported ${rows[0].n} of ${TASKS}`);
  // The floor of any write path into the real table: the same rows moved set-based from the bare table into
  // tasks (its indexes and foreign key, without RLS or parsing), as the owner, into a second project.
  const floorProject = await createProject(server.url, headers, 'import bench floor');
  const f0 = performance.now();
  await owner.query(
    `INSERT INTO tasks (organization_id, project_id, inner_id, data)
     SELECT p.organization_id, p.id, row_number() OVER (), b.data FROM bare_tasks b, projects p WHERE p.id = $1`,
    [floorProject],
  );
  const floorSeconds = (performance.now() - f0) / 1000;
  await owner.end();

  const rate = (s: number) => Math.round(TASKS / s);
  console.log(`import.copy_bare_table: ${rate(copySeconds)} tasks/s (${copySeconds.toFixed(1)} s, baseline)`);
  console.log(
    `import.insert_select_into_tasks: ${rate(floorSeconds)} tasks/s (${floorSeconds.toFixed(1)} s, ` +
      `${(copySeconds / floorSeconds).toFixed(2)}x vs COPY into a bare table: the table's own cost)`,
  );
  console.log(
    `import.api_json_1m: ${rate(importSeconds)} tasks/s (${importSeconds.toFixed(1)} s, ` +
      `${(copySeconds / importSeconds).toFixed(2)}x vs COPY into a bare table; target >= 0.5; ` +
      `${(floorSeconds / importSeconds).toFixed(2)}x vs the insert into tasks; mode ${res.status === 202 ? 'job' : 'inline'}${phases})`,
  );
} finally {
  await server.stop();
  await database.close();
  await dropScratch('import');
  rmSync(dir, { recursive: true, force: true });
}
