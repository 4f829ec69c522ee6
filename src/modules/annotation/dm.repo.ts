// SQL of the data manager: views, the filtered task page, and the set-based bulk actions. An action first
// locks its selection into a temporary table (dropped at commit), so every statement of the action works on
// exactly the same tasks even while others write; counters change in the same transaction.
import type { Selectable } from 'kysely';
import { sql } from 'kysely';
import type { Tx } from '../../db/scope.ts';
import type { Annotations, DmViews } from '../../db/types.ts';
import type { CompiledQuery } from './filters/compile.ts';
import { projectTotals, type TaskRow } from './tasks.repo.ts';

export type ViewRow = Selectable<DmViews>;

export function toView(v: ViewRow) {
  return {
    id: v.id,
    project: v.project_id,
    user: v.user_id,
    order: v.order,
    data: v.data as Record<string, unknown>,
    selected_items: v.selected_items as Record<string, unknown> | null,
    created_at: v.created_at,
    updated_at: v.updated_at,
  };
}

/**
 * The filtered page and the totals over everything the filters match, in one round trip: the aggregate runs
 * once and the page joins it laterally (an empty page still brings the totals, with a row of NULL task columns).
 */
export async function filteredPage(tx: Tx, q: CompiledQuery, limit: number, offset: number) {
  const { rows } = await sql<
    TaskRow & { dm_total: number; dm_annotations: number; dm_predictions: number; dm_ord: number }
  >`
    SELECT m.dm_total, m.dm_annotations, m.dm_predictions, p.*
    FROM (
      SELECT count(*)::int AS dm_total, coalesce(sum(t.total_annotations), 0)::int AS dm_annotations,
             coalesce(sum(t.total_predictions), 0)::int AS dm_predictions
      FROM tasks t WHERE ${q.where}
    ) m
    LEFT JOIN LATERAL (
      -- row_number over the sorted page keeps its order through the join
      SELECT s.*, row_number() OVER () AS dm_ord FROM (
        SELECT t.* FROM tasks t WHERE ${q.where} ORDER BY ${q.orderBy} LIMIT ${limit} OFFSET ${offset}
      ) s
    ) p ON TRUE
    ORDER BY p.dm_ord`.execute(tx);
  const first = rows[0]!;
  return {
    rows: rows.filter((r) => r.id !== null) as TaskRow[],
    total: first.dm_total,
    total_annotations: first.dm_annotations,
    total_predictions: first.dm_predictions,
  };
}

/** Only the page of a filtered query, for when its totals are known (cached in dm.service.ts). */
export async function filteredRows(tx: Tx, q: CompiledQuery, limit: number, offset: number) {
  const { rows } = await sql<TaskRow>`
    SELECT t.* FROM tasks t WHERE ${q.where} ORDER BY ${q.orderBy} LIMIT ${limit} OFFSET ${offset}`.execute(
    tx,
  );
  return rows;
}

/**
 * The page when the query matches the whole project: the totals are the project's counters, which change in
 * the same transaction as the rows they count (Label Studio's `total` is the project's task number then), so
 * the first page of a 1M-task project does not count 1M rows.
 */
export async function wholeProjectPage(
  tx: Tx,
  projectId: number,
  q: CompiledQuery,
  limit: number,
  offset: number,
) {
  const [{ rows }, totals] = await Promise.all([
    sql<TaskRow>`SELECT t.* FROM tasks t WHERE ${q.where} ORDER BY ${q.orderBy} LIMIT ${limit} OFFSET ${offset}`.execute(
      tx,
    ),
    projectTotals(tx, projectId),
  ]);
  return { rows, ...totals };
}

/** Locks the selected tasks and records them in `dm_selected`; returns how many. */
export async function lockSelection(tx: Tx, q: CompiledQuery): Promise<number> {
  await sql`CREATE TEMPORARY TABLE dm_selected (id bigint PRIMARY KEY) ON COMMIT DROP`.execute(tx);
  const r = await sql`
    INSERT INTO dm_selected (id) SELECT t.id FROM tasks t WHERE ${q.where} FOR UPDATE OF t`.execute(tx);
  return Number(r.numAffectedRows ?? 0);
}

type Source = 'dm_selected' | 'dm_duplicates';

/** Deletes the tasks listed in `source` and takes them out of the project's counters; returns their ids. */
export async function deleteTasksIn(tx: Tx, projectId: number, source: Source): Promise<number[]> {
  const { rows } = await sql<{
    ids: number[] | null;
    n: number;
    anns: number;
    preds: number;
    labeled: number;
    cancelled: number;
    annotated: number;
  }>`
    WITH gone AS (
      DELETE FROM tasks t USING ${sql.table(source)} s WHERE t.id = s.id AND t.project_id = ${projectId}
      RETURNING t.id, t.total_annotations, t.total_predictions, t.is_labeled, t.cancelled_annotations
    )
    SELECT array_agg(id ORDER BY id) AS ids, count(*)::int AS n,
           coalesce(sum(total_annotations), 0)::int AS anns, coalesce(sum(total_predictions), 0)::int AS preds,
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
  return (r.ids ?? []).map(Number); // an int8[] arrives as strings
}

/**
 * Recomputes the annotation counters of the selected tasks from their annotations and comments, and moves the
 * project's counters by the difference (so they stay exact whatever was deleted or moved before).
 */
export async function recountSelected(tx: Tx, projectId: number, userId: number | null): Promise<void> {
  const { rows } = await sql<{ d_ann: number; d_cancel: number; d_labeled: number; d_with: number }>`
    WITH counts AS (
      SELECT s.id,
             count(a.id) FILTER (WHERE NOT a.was_cancelled)::int AS active,
             count(a.id) FILTER (WHERE a.was_cancelled)::int AS cancelled,
             max(a.created_at) FILTER (WHERE NOT a.was_cancelled) AS last
      FROM dm_selected s LEFT JOIN annotations a ON a.task_id = s.id
      GROUP BY s.id
    ), old AS (
      SELECT t.id, t.total_annotations, t.cancelled_annotations, t.is_labeled
      FROM tasks t JOIN dm_selected s ON s.id = t.id
    ), upd AS (
      UPDATE tasks t SET
        total_annotations = c.active,
        cancelled_annotations = c.cancelled,
        is_labeled = c.active >= t.overlap,
        completed_at = CASE WHEN c.active >= t.overlap THEN c.last END,
        comment_count = (SELECT count(*) FROM task_comments m WHERE m.task_id = t.id),
        unresolved_comment_count = (SELECT count(*) FROM task_comments m WHERE m.task_id = t.id AND NOT m.is_resolved),
        updated_by = ${userId}, updated_at = now()
      FROM counts c
      WHERE t.id = c.id AND t.project_id = ${projectId}
      RETURNING t.id, t.total_annotations, t.cancelled_annotations, t.is_labeled
    )
    SELECT coalesce(sum(u.total_annotations - o.total_annotations), 0)::int AS d_ann,
           coalesce(sum(u.cancelled_annotations - o.cancelled_annotations), 0)::int AS d_cancel,
           (count(*) FILTER (WHERE u.is_labeled) - count(*) FILTER (WHERE o.is_labeled))::int AS d_labeled,
           (count(*) FILTER (WHERE u.total_annotations > 0) - count(*) FILTER (WHERE o.total_annotations > 0))::int AS d_with
    FROM upd u JOIN old o ON o.id = u.id`.execute(tx);
  const d = rows[0]!;
  if (d.d_ann || d.d_cancel || d.d_labeled || d.d_with) {
    await tx
      .updateTable('annotation_settings')
      .set((eb) => ({
        total_annotations_number: eb('total_annotations_number', '+', d.d_ann),
        skipped_annotations_number: eb('skipped_annotations_number', '+', d.d_cancel),
        finished_task_number: eb('finished_task_number', '+', d.d_labeled),
        num_tasks_with_annotations: eb('num_tasks_with_annotations', '+', d.d_with),
        updated_at: new Date(),
      }))
      .where('project_id', '=', projectId)
      .execute();
  }
}

/** Deletes the selected tasks' annotations and drafts (of one annotator when given); returns annotation ids. */
export async function deleteSelectedAnnotations(tx: Tx, annotator: number | null): Promise<number[]> {
  const byWhom = annotator === null ? sql`TRUE` : sql`a.completed_by = ${annotator}`;
  const { rows } = await sql<{ id: number }>`
    DELETE FROM annotations a USING dm_selected s WHERE a.task_id = s.id AND ${byWhom} RETURNING a.id`.execute(
    tx,
  );
  const draftsBy = annotator === null ? sql`TRUE` : sql`d.user_id = ${annotator}`;
  await sql`DELETE FROM annotation_drafts d USING dm_selected s WHERE d.task_id = s.id AND ${draftsBy}`.execute(
    tx,
  );
  return rows.map((r) => r.id).sort((a, b) => a - b);
}

/** Deletes the selected tasks' predictions; returns how many, with task and project counters following. */
export async function deleteSelectedPredictions(tx: Tx, projectId: number): Promise<number> {
  const { rows } = await sql<{ n: number }>`
    WITH gone AS (DELETE FROM predictions p USING dm_selected s WHERE p.task_id = s.id RETURNING p.task_id),
    upd AS (
      UPDATE tasks t SET total_predictions = 0, updated_at = now()
      WHERE t.id IN (SELECT task_id FROM gone) AND t.project_id = ${projectId} RETURNING 1
    )
    SELECT (SELECT count(*) FROM gone)::int AS n, (SELECT count(*) FROM upd)::int AS tasks`.execute(tx);
  const n = rows[0]!.n;
  if (n > 0) {
    await tx
      .updateTable('annotation_settings')
      .set((eb) => ({
        total_predictions_number: eb('total_predictions_number', '-', n),
        updated_at: new Date(),
      }))
      .where('project_id', '=', projectId)
      .execute();
  }
  return n;
}

/**
 * Among the selected tasks, those whose data equals an earlier one's (jsonb equality, key order aside): the
 * group's keeper is its first task with annotations, else its first task. Their annotations, drafts and
 * comments move to the keeper (nothing a person made is lost); returns how many duplicates there are, listed
 * in `dm_duplicates` for deletion.
 */
export async function collectDuplicates(tx: Tx): Promise<number> {
  await sql`CREATE TEMPORARY TABLE dm_duplicates (id bigint PRIMARY KEY, keeper bigint NOT NULL) ON COMMIT DROP`.execute(
    tx,
  );
  const r = await sql`
    INSERT INTO dm_duplicates (id, keeper)
    SELECT id, keeper FROM (
      SELECT t.id, count(*) OVER w AS n,
             first_value(t.id) OVER (w ORDER BY (t.total_annotations + t.cancelled_annotations > 0) DESC, t.id) AS keeper
      FROM tasks t JOIN dm_selected s ON s.id = t.id
      WINDOW w AS (PARTITION BY t.data)
    ) g
    WHERE n > 1 AND id <> keeper`.execute(tx);
  const n = Number(r.numAffectedRows ?? 0);
  if (n > 0) {
    for (const table of ['annotations', 'annotation_drafts', 'task_comments'] as const) {
      await sql`UPDATE ${sql.table(table)} x SET task_id = d.keeper FROM dm_duplicates d WHERE x.task_id = d.id`.execute(
        tx,
      );
    }
  }
  return n;
}

/**
 * Annotations from the selected tasks' predictions that none was made from yet (Label Studio's
 * predictions_to_annotations): one per prediction, by `userId`, optionally of the given model versions.
 * Returns the new annotations; the caller recounts the tasks.
 */
export async function annotationsFromPredictions(
  tx: Tx,
  projectId: number,
  userId: number | null,
  modelVersions: string[] | null,
): Promise<Selectable<Annotations>[]> {
  const versions = modelVersions === null ? sql`true` : sql`p.model_version = ANY (${modelVersions}::text[])`;
  const { rows } = await sql<Selectable<Annotations>>`
    INSERT INTO annotations (organization_id, project_id, task_id, result, result_count, completed_by, updated_by,
                             parent_prediction_id, last_action)
    SELECT p.organization_id, p.project_id, p.task_id, p.result, jsonb_array_length(p.result), ${userId}, ${userId},
           p.id, 'prediction'
    FROM predictions p JOIN dm_selected s ON s.id = p.task_id
    WHERE p.project_id = ${projectId} AND ${versions}
      AND NOT EXISTS (SELECT 1 FROM annotations a WHERE a.task_id = p.task_id AND a.parent_prediction_id = p.id)
    ORDER BY p.task_id, p.id
    RETURNING *`.execute(tx);
  return rows;
}

/** The model versions of the project's predictions, the project's own first (the action's form). */
export async function predictionVersions(tx: Tx, projectId: number): Promise<string[]> {
  // A loose index scan of (project_id, model_version): one probe per version, not one row per prediction.
  const { rows } = await sql<{ v: string }>`
    WITH RECURSIVE vs AS (
      (SELECT model_version AS v, 1 AS n FROM predictions WHERE project_id = ${projectId} ORDER BY model_version LIMIT 1)
      UNION ALL
      SELECT (SELECT p.model_version FROM predictions p WHERE p.project_id = ${projectId} AND p.model_version > vs.v
              ORDER BY p.model_version LIMIT 1), vs.n + 1
      FROM vs WHERE vs.v IS NOT NULL AND vs.n < 100
    )
    SELECT v FROM vs WHERE v IS NOT NULL`.execute(tx);
  const current = await tx
    .selectFrom('annotation_settings')
    .select('model_version')
    .where('project_id', '=', projectId)
    .executeTakeFirst();
  const versions = rows.map((r) => r.v);
  const first = current?.model_version;
  return first ? [first, ...versions.filter((v) => v !== first)] : versions;
}
