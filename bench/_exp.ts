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

const database = await scratchPostgres('exp');
const server = await serve(database.url);
const headers = await signUpOn(server.url);
const big = await createProject(server.url, headers, 'exp');
const owner = new pg.Client({ connectionString: database.url });
await owner.connect();
await fill(owner, big, TASKS);
await owner.query('VACUUM ANALYZE tasks');
await owner.query('VACUUM ANALYZE annotations');
console.log(database.url, big, JSON.stringify(headers), server.url);
await owner.end();
await server.stop();
await database.close();
void http; void performance; void copyTo; void dropScratch; void SMALL;
