// SQL for annotations and the counters they move. Every write locks the task row first, then the project's
// settings row, then its summary row: one lock order, so concurrent writers queue instead of deadlocking, and
// each counter changes by the delta of a row whose state is read under that lock (exact under concurrency).
import { sql } from 'kysely';
import type { Tx } from '../../db/scope.ts';

export interface AnnotationValues {
  result: unknown[];
  was_cancelled: boolean;
  ground_truth: boolean;
  lead_time: number | null;
  parent_prediction_id: number | null;
  parent_annotation_id: number | null;
  last_action: string | null;
}

export async function insertAnnotation(
  tx: Tx,
  organizationId: number,
  projectId: number,
  taskId: number,
  userId: number,
  v: AnnotationValues,
) {
  return tx
    .insertInto('annotations')
    .values({
      organization_id: organizationId,
      project_id: projectId,
      task_id: taskId,
      result: JSON.stringify(v.result),
      result_count: v.result.length,
      was_cancelled: v.was_cancelled,
      ground_truth: v.ground_truth,
      lead_time: v.lead_time,
      completed_by: userId,
      updated_by: userId,
      parent_prediction_id: v.parent_prediction_id,
      parent_annotation_id: v.parent_annotation_id,
      last_action: v.last_action,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
}

/** Locks the task row: the counters read from it stay true until the unit of work ends. */
export async function lockTask(tx: Tx, taskId: number) {
  return tx.selectFrom('tasks').selectAll().where('id', '=', taskId).forUpdate().executeTakeFirst();
}

/**
 * Moves a task's counters by `total` (annotations that count) and `cancelled` (skips), recomputes is_labeled
 * from its overlap, and moves the project's counters by what changed on the task.
 */
export async function moveCounters(
  tx: Tx,
  projectId: number,
  taskId: number,
  total: number,
  cancelled: number,
) {
  if (total === 0 && cancelled === 0) return;
  const before = await lockTask(tx, taskId);
  if (!before) return;
  const after = await tx
    .updateTable('tasks')
    .set((eb) => ({
      total_annotations: eb('total_annotations', '+', total),
      cancelled_annotations: eb('cancelled_annotations', '+', cancelled),
      is_labeled: sql<boolean>`total_annotations + ${total} >= overlap`,
      completed_at: sql<Date | null>`CASE WHEN total_annotations + ${total} >= overlap
        THEN coalesce(completed_at, now()) ELSE NULL END`,
      updated_at: new Date(),
    }))
    .where('id', '=', taskId)
    .returning(['is_labeled', 'total_annotations'])
    .executeTakeFirstOrThrow();
  const finished = Number(after.is_labeled) - Number(before.is_labeled);
  const annotated = Number(after.total_annotations > 0) - Number(before.total_annotations > 0);
  await tx
    .updateTable('annotation_settings')
    .set((eb) => ({
      total_annotations_number: eb('total_annotations_number', '+', total),
      skipped_annotations_number: eb('skipped_annotations_number', '+', cancelled),
      finished_task_number: eb('finished_task_number', '+', finished),
      num_tasks_with_annotations: eb('num_tasks_with_annotations', '+', annotated),
      updated_at: new Date(),
    }))
    .where('project_id', '=', projectId)
    .execute();
}

/** The (total, cancelled) an annotation adds to its task's counters. */
export const weight = (a: { was_cancelled: boolean }): [number, number] =>
  a.was_cancelled ? [0, 1] : [1, 0];

/** The payload's project: what Label Studio's ML backends read (id, label_config) and the counters. */
export async function projectPayload(tx: Tx, projectId: number) {
  const row = await tx
    .selectFrom('projects as p')
    .leftJoin('annotation_settings as s', 's.project_id', 'p.id')
    .select([
      'p.id',
      'p.title',
      's.label_config',
      's.task_number',
      's.total_annotations_number',
      's.finished_task_number',
    ])
    .where('p.id', '=', projectId)
    .executeTakeFirst();
  return {
    id: projectId,
    title: row?.title ?? '',
    label_config: row?.label_config ?? '<View></View>',
    task_number: row?.task_number ?? 0,
    total_annotations_number: row?.total_annotations_number ?? 0,
    finished_task_number: row?.finished_task_number ?? 0,
  };
}
