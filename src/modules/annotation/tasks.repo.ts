// SQL for tasks. Project counters live in annotation_settings and change in the same statement batch as the
// rows they count, so they stay exact under concurrent writes (the settings row is the lock).
import type { Selectable } from 'kysely';
import { sql } from 'kysely';
import type { Tx } from '../../db/scope.ts';
import type { Annotations, Predictions, Tasks } from '../../db/types.ts';
import { addDataColumns } from './settings.repo.ts';

export type TaskRow = Selectable<Tasks>;

export function toTask(t: TaskRow) {
  return {
    id: t.id,
    project: t.project_id,
    inner_id: t.inner_id,
    data: t.data as Record<string, unknown>,
    meta: t.meta as Record<string, unknown>,
    is_labeled: t.is_labeled,
    overlap: t.overlap,
    total_annotations: t.total_annotations,
    cancelled_annotations: t.cancelled_annotations,
    total_predictions: t.total_predictions,
    comment_count: t.comment_count,
    unresolved_comment_count: t.unresolved_comment_count,
    last_comment_updated_at: t.last_comment_updated_at,
    completed_at: t.completed_at,
    file_upload: t.file_upload_id,
    updated_by: t.updated_by,
    created_at: t.created_at,
    updated_at: t.updated_at,
  };
}

export function toAnnotation(a: Selectable<Annotations>) {
  return {
    id: a.id,
    task: a.task_id,
    project: a.project_id,
    result: a.result as unknown[],
    result_count: a.result_count,
    was_cancelled: a.was_cancelled,
    ground_truth: a.ground_truth,
    lead_time: a.lead_time,
    completed_by: a.completed_by,
    updated_by: a.updated_by,
    parent_prediction: a.parent_prediction_id,
    parent_annotation: a.parent_annotation_id,
    last_action: a.last_action,
    created_at: a.created_at,
    updated_at: a.updated_at,
  };
}

export function toPrediction(p: Selectable<Predictions>) {
  return {
    id: p.id,
    task: p.task_id,
    project: p.project_id,
    result: p.result as unknown[],
    score: p.score,
    model_version: p.model_version,
    created_at: p.created_at,
    updated_at: p.updated_at,
  };
}

/** The project's annotation settings row, created with defaults when the project gets its first task. */
export async function ensureSettings(tx: Tx, organizationId: number, projectId: number) {
  await tx
    .insertInto('annotation_settings')
    .values({ organization_id: organizationId, project_id: projectId })
    .onConflict((oc) => oc.column('project_id').doNothing())
    .execute();
}

/** Inserts tasks in one statement, numbering them after the project's last inner_id. */
export async function insertTasks(
  tx: Tx,
  organizationId: number,
  projectId: number,
  tasks: { data: Record<string, unknown>; meta?: Record<string, unknown> }[],
  extra: { importId?: number | null; fileUploadId?: number | null; userId: number | null },
): Promise<TaskRow[]> {
  if (tasks.length === 0) return [];
  await ensureSettings(tx, organizationId, projectId);
  const reserved = await tx
    .updateTable('annotation_settings')
    .set((eb) => ({
      next_inner_id: eb('next_inner_id', '+', tasks.length),
      task_number: eb('task_number', '+', tasks.length),
      updated_at: new Date(),
    }))
    .where('project_id', '=', projectId)
    .returning([
      sql<number>`next_inner_id - ${tasks.length}`.as('first'),
      // New tasks get the project's overlap (tasks past a partial overlap cohort keep 1).
      sql<number>`CASE WHEN overlap_cohort_percentage >= 100 THEN maximum_annotations ELSE 1 END`.as(
        'overlap',
      ),
    ])
    .executeTakeFirstOrThrow();
  const { rows } = await sql<TaskRow>`
    INSERT INTO tasks (organization_id, project_id, inner_id, data, meta, import_id, file_upload_id, updated_by, overlap)
    SELECT ${organizationId}, ${projectId}, ${reserved.first} + t.ord - 1, t.value -> 'data', coalesce(t.value -> 'meta', '{}'::jsonb),
           ${extra.importId ?? null}, ${extra.fileUploadId ?? null}, ${extra.userId}, ${reserved.overlap}
    FROM jsonb_array_elements(${JSON.stringify(tasks)}::jsonb) WITH ORDINALITY AS t(value, ord)
    ORDER BY t.ord
    RETURNING *`.execute(tx);
  await addDataColumns(tx, organizationId, projectId, tasks);
  return rows;
}

export async function projectTotals(tx: Tx, projectId: number) {
  const row = await tx
    .selectFrom('annotation_settings')
    .select(['task_number', 'total_annotations_number', 'total_predictions_number'])
    .where('project_id', '=', projectId)
    .executeTakeFirst();
  return {
    total: row?.task_number ?? 0,
    total_annotations: row?.total_annotations_number ?? 0,
    total_predictions: row?.total_predictions_number ?? 0,
  };
}

/** Removes tasks and takes them, their annotations and predictions out of the project's counters. */
export async function deleteTasks(tx: Tx, projectId: number, ids: number[]): Promise<number> {
  if (ids.length === 0) return 0;
  const { rows } = await sql<{
    n: number;
    anns: number;
    preds: number;
    labeled: number;
    cancelled: number;
    annotated: number;
  }>`
    WITH gone AS (
      DELETE FROM tasks WHERE project_id = ${projectId} AND id = ANY(${ids}::bigint[])
      RETURNING total_annotations, total_predictions, is_labeled, cancelled_annotations
    )
    SELECT count(*)::int AS n, coalesce(sum(total_annotations), 0)::int AS anns,
           coalesce(sum(total_predictions), 0)::int AS preds,
           count(*) FILTER (WHERE is_labeled)::int AS labeled,
           coalesce(sum(cancelled_annotations), 0)::int AS cancelled,
           count(*) FILTER (WHERE total_annotations > 0)::int AS annotated
    FROM gone`.execute(tx);
  const r = rows[0]!;
  if (r.n > 0) {
    await tx
      .updateTable('annotation_settings')
      .set((eb) => ({
        task_number: eb('task_number', '-', r.n),
        total_annotations_number: eb('total_annotations_number', '-', r.anns),
        total_predictions_number: eb('total_predictions_number', '-', r.preds),
        finished_task_number: eb('finished_task_number', '-', r.labeled),
        skipped_annotations_number: eb('skipped_annotations_number', '-', r.cancelled),
        num_tasks_with_annotations: eb('num_tasks_with_annotations', '-', r.annotated),
        updated_at: new Date(),
      }))
      .where('project_id', '=', projectId)
      .execute();
  }
  return r.n;
}
