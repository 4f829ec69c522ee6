// Export throughput and memory: a project of BENCH_EXPORT_TASKS (default 1M) drone-survey tasks with one
// rectangle annotation each, exported through GET /api/projects/{id}/export as JSON and as COCO by the real
// server, against `COPY (SELECT the same task and annotation columns) TO STDOUT` of the same rows.
// Memory: the server's peak RSS (VmHWM) exporting the big project, against a fresh server exporting a
// project a tenth its size. Targets: throughput ratio >= 0.3; peak RSS at 1M <= 1.2x peak RSS at 100k.
import http from 'node:http';
import { performance } from 'node:perf_hooks';
import pg from 'pg';
import { to as copyTo } from 'pg-copy-streams';
import { dropScratch, scratchPostgres } from './pg.ts';
import { createProject, IMAGE_CONFIG, serve, signUpOn } from './serve.ts';

const TASKS = Number(process.env.BENCH_EXPORT_TASKS ?? 1_000_000);
const SMALL = Math.max(1, Math.round(TASKS / 10));

/** Tasks and one annotation each, written set-based as the owner (the import path has its own benchmark). */
async function fill(owner: pg.Client, project: number, n: number) {
  await owner.query(
    `INSERT INTO annotation_settings (organization_id, project_id, label_config)
     SELECT organization_id, id, $2 FROM projects WHERE id = $1`,
    [project, IMAGE_CONFIG],
  );
  await owner.query(
    `INSERT INTO tasks (organization_id, project_id, inner_id, data, total_annotations, is_labeled)
     SELECT p.organization_id, p.id, i,
       jsonb_build_object('image', 's3://survey-bucket/site-' || (i % 211) || '/DJI_' || lpad(i::text, 7, '0') || '.JPG',
                          'site', 'site-' || (i % 211), 'meta', jsonb_build_object('altitude_m', 40 + i % 60, 'heading', i % 360)),
       1, true
     FROM projects p, generate_series(1, $2::int) i WHERE p.id = $1`,
    [project, n],
  );
  await owner.query(
    `INSERT INTO annotations (organization_id, project_id, task_id, result, result_count, completed_by)
     SELECT t.organization_id, t.project_id, t.id,
       jsonb_build_array(jsonb_build_object('id', 'r' || t.id, 'from_name', 'label', 'to_name', 'image',
         'type', 'rectanglelabels', 'original_width', 4000, 'original_height', 3000, 'image_rotation', 0,
         'value', jsonb_build_object('x', (t.id % 50)::float, 'y', (t.id % 40)::float, 'width', 12.5, 'height', 7.25,
                                     'rotation', 0, 'rectanglelabels', jsonb_build_array((ARRAY['crack','rust','spalling'])[1 + t.id % 3])))),
       1, u.id
     FROM tasks t, (SELECT min(id) AS id FROM users) u WHERE t.project_id = $1`,
    [project],
  );
  await owner.query(
    'UPDATE annotation_settings SET task_number = $2, total_annotations_number = $2, num_tasks_with_annotations = $2, finished_task_number = $2 WHERE project_id = $1',
    [project, n],
  );
}

async function download(
  base: string,
  url: string,
  headers: Record<string, string>,
): Promise<{ bytes: number; seconds: number }> {
  const t0 = performance.now();
  const bytes = await new Promise<number>((resolve, reject) => {
    http
      .get(new URL(url, base), { headers }, (res) => {
        if (res.statusCode !== 200) reject(new Error(`${url}: ${res.statusCode}`));
        let n = 0;
        res.on('data', (c: Buffer) => {
          n += c.length;
        });
        res.on('end', () => resolve(n));
        res.on('error', reject);
      })
      .on('error', reject);
  });
  return { bytes, seconds: (performance.now() - t0) / 1000 };
}

async function copyOut(owner: pg.Client, project: number): Promise<{ bytes: number; seconds: number }> {
  const t0 = performance.now();
  const stream = owner.query(
    copyTo(`COPY (SELECT t.id, t.data, t.meta, t.created_at, t.updated_at, t.inner_id, a.id, a.result, a.completed_by,
                         a.created_at, a.updated_at, a.lead_time
                  FROM tasks t JOIN annotations a ON a.task_id = t.id
                  WHERE t.project_id = ${project} ORDER BY t.id) TO STDOUT`),
  );
  let bytes = 0;
  for await (const chunk of stream) bytes += (chunk as Buffer).length;
  return { bytes, seconds: (performance.now() - t0) / 1000 };
}

const database = await scratchPostgres('export');
let server = await serve(database.url);
try {
  const headers = await signUpOn(server.url);
  const big = await createProject(server.url, headers, 'export bench 1M');
  const small = await createProject(server.url, headers, 'export bench 100k');
  const owner = new pg.Client({ connectionString: database.url });
  await owner.connect();
  const f0 = performance.now();
  await fill(owner, big, TASKS);
  await fill(owner, small, SMALL);
  await owner.query('VACUUM ANALYZE tasks');
  await owner.query('VACUUM ANALYZE annotations');
  console.log(
    `setup: ${TASKS} + ${SMALL} tasks with an annotation each in ${((performance.now() - f0) / 1000).toFixed(0)} s`,
  );

  // Memory at a tenth of the size, on a fresh server.
  for (const type of ['JSON', 'COCO'])
    await download(server.url, `/api/projects/${small}/export?exportType=${type}`, headers);
  const smallRss = server.peakRssMb();
  await server.stop();
  server = await serve(database.url);

  const base = await copyOut(owner, big);
  console.log(
    `export.copy_to_stdout: ${Math.round(TASKS / base.seconds)} tasks/s (${base.seconds.toFixed(1)} s, ${(base.bytes / 1024 ** 2).toFixed(0)} MB, baseline)`,
  );
  for (const type of ['JSON', 'COCO']) {
    const r = await download(server.url, `/api/projects/${big}/export?exportType=${type}`, headers);
    console.log(
      `export.api_${type.toLowerCase()}_1m: ${Math.round(TASKS / r.seconds)} tasks/s (${r.seconds.toFixed(1)} s, ` +
        `${(r.bytes / 1024 ** 2).toFixed(0)} MB, ${(base.seconds / r.seconds).toFixed(2)}x vs COPY TO STDOUT; target >= 0.3)`,
    );
  }
  const bigRss = server.peakRssMb();
  console.log(`export.peak_rss_100k: ${smallRss.toFixed(0)} MB (baseline)`);
  console.log(
    `export.peak_rss_1m: ${bigRss.toFixed(0)} MB (${(bigRss / smallRss).toFixed(2)}x vs 100k; target <= 1.2)`,
  );
  await owner.end();
} finally {
  await server.stop();
  await database.close();
  await dropScratch('export');
}
