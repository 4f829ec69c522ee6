// Shared setup of the data manager tests: a project with tasks made through the API, and annotations and
// predictions written the way the annotation API keeps them (rows plus task and project counters), since those
// endpoints are built in another slice.
import assert from 'node:assert/strict';
import { sql } from 'kysely';
import type { Database } from '../../db/database.ts';
import { inScope } from '../../db/scope.ts';
import type { App } from '../../platform/http/app-types.ts';

export interface Kit {
  app: App;
  database: Database;
  headers: Record<string, string>;
  orgId: number;
  userId: number;
}

export async function newProject(k: Kit): Promise<number> {
  const res = await k.app.inject({
    method: 'POST',
    url: '/api/projects',
    headers: k.headers,
    payload: { title: 'Data manager' },
  });
  assert.equal(res.statusCode, 201, res.body);
  return res.json().id;
}

export async function addTasks(k: Kit, project: number, datas: object[]): Promise<number[]> {
  const ids: number[] = [];
  for (const data of datas) {
    const res = await k.app.inject({
      method: 'POST',
      url: '/api/tasks',
      headers: k.headers,
      payload: { project, data },
    });
    assert.equal(res.statusCode, 201, res.body);
    ids.push(res.json().id);
  }
  return ids;
}

/** An annotation on `taskId` with the counters the annotation API keeps. */
export async function annotate(
  k: Kit,
  taskId: number,
  opts: { by?: number; cancelled?: boolean; result?: unknown[] } = {},
): Promise<number> {
  return inScope(k.database.db, { organizationId: k.orgId, userId: k.userId }, async (tx) => {
    const task = await tx.selectFrom('tasks').selectAll().where('id', '=', taskId).executeTakeFirstOrThrow();
    const cancelled = opts.cancelled ?? false;
    const row = await tx
      .insertInto('annotations')
      .values({
        organization_id: k.orgId,
        project_id: task.project_id,
        task_id: taskId,
        result: JSON.stringify(opts.result ?? [{ type: 'choices', value: { choices: ['cat'] } }]),
        was_cancelled: cancelled,
        completed_by: opts.by ?? k.userId,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    const total = task.total_annotations + (cancelled ? 0 : 1);
    const labeled = total >= task.overlap;
    await tx
      .updateTable('tasks')
      .set({
        total_annotations: total,
        cancelled_annotations: task.cancelled_annotations + (cancelled ? 1 : 0),
        is_labeled: labeled,
        completed_at: labeled ? new Date() : null,
      })
      .where('id', '=', taskId)
      .execute();
    await tx
      .updateTable('annotation_settings')
      .set((eb) => ({
        total_annotations_number: eb('total_annotations_number', '+', cancelled ? 0 : 1),
        skipped_annotations_number: eb('skipped_annotations_number', '+', cancelled ? 1 : 0),
        num_tasks_with_annotations: eb(
          'num_tasks_with_annotations',
          '+',
          !cancelled && task.total_annotations === 0 ? 1 : 0,
        ),
        finished_task_number: eb('finished_task_number', '+', labeled && !task.is_labeled ? 1 : 0),
      }))
      .where('project_id', '=', task.project_id)
      .execute();
    return row.id;
  });
}

export async function predict(k: Kit, taskId: number, score = 0.5, modelVersion = 'v1'): Promise<number> {
  return inScope(k.database.db, { organizationId: k.orgId, userId: k.userId }, async (tx) => {
    const task = await tx
      .selectFrom('tasks')
      .select('project_id')
      .where('id', '=', taskId)
      .executeTakeFirstOrThrow();
    const row = await tx
      .insertInto('predictions')
      .values({
        organization_id: k.orgId,
        project_id: task.project_id,
        task_id: taskId,
        result: '[]',
        score,
        model_version: modelVersion,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    await sql`UPDATE tasks SET total_predictions = total_predictions + 1 WHERE id = ${taskId}`.execute(tx);
    await sql`UPDATE annotation_settings SET total_predictions_number = total_predictions_number + 1
              WHERE project_id = ${task.project_id}`.execute(tx);
    return row.id;
  });
}

/** The project's counters next to the truth computed from the rows themselves. */
export async function counters(k: Kit, project: number) {
  return inScope(k.database.db, { organizationId: k.orgId, userId: k.userId }, async (tx) => {
    const { rows } = await sql<Record<string, number>>`
      SELECT s.task_number, s.total_annotations_number, s.skipped_annotations_number,
             s.num_tasks_with_annotations, s.finished_task_number, s.total_predictions_number
      FROM annotation_settings s WHERE s.project_id = ${project}`.execute(tx);
    const { rows: truth } = await sql<Record<string, number>>`
      SELECT (SELECT count(*) FROM tasks WHERE project_id = ${project})::int AS task_number,
             (SELECT count(*) FROM annotations WHERE project_id = ${project} AND NOT was_cancelled)::int AS total_annotations_number,
             (SELECT count(*) FROM annotations WHERE project_id = ${project} AND was_cancelled)::int AS skipped_annotations_number,
             (SELECT count(DISTINCT task_id) FROM annotations WHERE project_id = ${project} AND NOT was_cancelled)::int AS num_tasks_with_annotations,
             (SELECT count(*) FROM tasks WHERE project_id = ${project} AND is_labeled)::int AS finished_task_number,
             (SELECT count(*) FROM predictions WHERE project_id = ${project})::int AS total_predictions_number`.execute(
      tx,
    );
    const { rows: taskTruth } = await sql<{ bad: number }>`
      SELECT count(*)::int AS bad FROM tasks t WHERE t.project_id = ${project} AND (
        t.total_annotations <> (SELECT count(*) FROM annotations a WHERE a.task_id = t.id AND NOT a.was_cancelled)
        OR t.cancelled_annotations <> (SELECT count(*) FROM annotations a WHERE a.task_id = t.id AND a.was_cancelled)
        OR t.total_predictions <> (SELECT count(*) FROM predictions p WHERE p.task_id = t.id))`.execute(tx);
    return { stored: rows[0]!, truth: truth[0]!, tasksOff: taskTruth[0]!.bad };
  });
}

export const q = (obj: object) => encodeURIComponent(JSON.stringify(obj));
export const filter = (column: string, operator: string, value: unknown, type = 'String') => ({
  filter: `filter:tasks:${column}`,
  operator,
  type,
  value,
});
