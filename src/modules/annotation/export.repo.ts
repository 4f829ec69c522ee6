// The tasks of an export, read through a database cursor inside one transaction (a consistent snapshot),
// in Label Studio's export shape, a batch at a time: memory holds one batch, whatever the project's size.
// Annotations and predictions are aggregated per task in SQL, and only for tasks whose counters say they
// have any.
import { sql } from 'kysely';
import type { HeldScope } from '../../db/scope.ts';
import type { ExportTask } from './export/index.ts';

export interface TaskFilter {
  projectId: number;
  /** Label Studio's download_all_tasks=false / only_with_annotations: tasks with at least one annotation. */
  onlyAnnotated: boolean;
  ids?: number[];
}

const BATCH = 1000;

const int = (n: number) => {
  if (!Number.isSafeInteger(n)) throw new Error('not an id');
  return String(n);
};

/** The cursor's query (DECLARE takes no bind parameters, so the integers are checked and inlined). */
export function exportQuery(f: TaskFilter): string {
  const where = [`t.project_id = ${int(f.projectId)}`];
  if (f.onlyAnnotated) where.push('(t.total_annotations + t.cancelled_annotations) > 0');
  if (f.ids) where.push(`t.id = ANY('{${f.ids.map(int).join(',')}}'::bigint[])`);
  return `
    SELECT t.id, t.data, t.meta, t.created_at, t.updated_at, t.inner_id, t.total_annotations,
      t.cancelled_annotations, t.total_predictions, t.comment_count, t.unresolved_comment_count,
      t.last_comment_updated_at, t.project_id, t.updated_by, t.file_upload_id,
      CASE WHEN t.total_annotations + t.cancelled_annotations > 0 THEN
        (SELECT json_agg(json_build_object(
           'id', a.id, 'completed_by', a.completed_by, 'result', a.result, 'was_cancelled', a.was_cancelled,
           'ground_truth', a.ground_truth, 'created_at', a.created_at, 'updated_at', a.updated_at,
           'lead_time', a.lead_time, 'result_count', a.result_count, 'task', a.task_id, 'project', a.project_id,
           'updated_by', a.updated_by, 'parent_prediction', a.parent_prediction_id,
           'parent_annotation', a.parent_annotation_id, 'last_action', a.last_action) ORDER BY a.id)
         FROM annotations a WHERE a.task_id = t.id)
      END AS annotations,
      CASE WHEN t.total_predictions > 0 THEN
        (SELECT json_agg(json_build_object(
           'id', p.id, 'model_version', p.model_version, 'result', p.result, 'score', p.score,
           'task', p.task_id, 'project', p.project_id, 'created_at', p.created_at, 'updated_at', p.updated_at)
           ORDER BY p.id)
         FROM predictions p WHERE p.task_id = t.id)
      END AS predictions
    FROM tasks t
    WHERE ${where.join(' AND ')}
    ORDER BY t.id`;
}

interface Row {
  id: number;
  data: Record<string, unknown>;
  meta: Record<string, unknown>;
  created_at: Date;
  updated_at: Date;
  inner_id: number;
  total_annotations: number;
  cancelled_annotations: number;
  total_predictions: number;
  comment_count: number;
  unresolved_comment_count: number;
  last_comment_updated_at: Date | null;
  project_id: number;
  updated_by: number | null;
  file_upload_id: number | null;
  annotations: ExportTask['annotations'] | null;
  predictions: unknown[] | null;
}

/** Label Studio's JSON export of one task (its key order). */
function toExportTask(r: Row): ExportTask {
  return {
    id: r.id,
    annotations: r.annotations ?? [],
    drafts: [],
    predictions: r.predictions ?? [],
    data: r.data,
    meta: r.meta,
    created_at: r.created_at.toISOString(),
    updated_at: r.updated_at.toISOString(),
    inner_id: r.inner_id,
    total_annotations: r.total_annotations,
    cancelled_annotations: r.cancelled_annotations,
    total_predictions: r.total_predictions,
    comment_count: r.comment_count,
    unresolved_comment_count: r.unresolved_comment_count,
    last_comment_updated_at: r.last_comment_updated_at?.toISOString() ?? null,
    project: r.project_id,
    updated_by: r.updated_by,
    comment_authors: [],
    file_upload: r.file_upload_id,
  };
}

/**
 * Yields the tasks one by one from a cursor on `held` (whose transaction the caller ends). Stopping early
 * (a client that went away) closes the cursor with the transaction.
 */
export async function* exportTasks(
  held: HeldScope,
  filter: TaskFilter,
  onBatch?: (n: number) => void,
): AsyncGenerator<ExportTask> {
  await sql.raw(`DECLARE export_tasks NO SCROLL CURSOR FOR ${exportQuery(filter)}`).execute(held.tx);
  let seen = 0;
  for (;;) {
    const { rows } = await held.client.query<Row>(`FETCH ${BATCH} FROM export_tasks`);
    if (rows.length === 0) break;
    seen += rows.length;
    onBatch?.(seen);
    for (const r of rows) yield toExportTask(r);
  }
  await held.client.query('CLOSE export_tasks');
}

/**
 * Label Studio's JSON export of each task as text built by PostgreSQL (json_build_object), for the JSON
 * format: no parse and re-serialisation in this process, which is most of the cost of a large JSON export.
 */
export function exportJsonQuery(f: TaskFilter): string {
  return `
    SELECT json_build_object(
      'id', q.id, 'annotations', coalesce(q.annotations, '[]'::json), 'drafts', '[]'::json,
      'predictions', coalesce(q.predictions, '[]'::json), 'data', q.data, 'meta', q.meta,
      'created_at', q.created_at, 'updated_at', q.updated_at, 'inner_id', q.inner_id,
      'total_annotations', q.total_annotations, 'cancelled_annotations', q.cancelled_annotations,
      'total_predictions', q.total_predictions, 'comment_count', q.comment_count,
      'unresolved_comment_count', q.unresolved_comment_count, 'last_comment_updated_at', q.last_comment_updated_at,
      'project', q.project_id, 'updated_by', q.updated_by, 'comment_authors', '[]'::json,
      'file_upload', q.file_upload_id)::text AS j
    FROM (${exportQuery(f)}) q`;
}

export async function* exportJsonTexts(
  held: HeldScope,
  filter: TaskFilter,
  onBatch?: (n: number) => void,
): AsyncGenerator<string> {
  await sql.raw(`DECLARE export_json NO SCROLL CURSOR FOR ${exportJsonQuery(filter)}`).execute(held.tx);
  let seen = 0;
  for (;;) {
    const { rows } = await held.client.query<{ j: string }>(`FETCH ${BATCH} FROM export_json`);
    if (rows.length === 0) break;
    seen += rows.length;
    onBatch?.(seen);
    yield rows.map((r) => r.j).join(',\n');
  }
  await held.client.query('CLOSE export_json');
}
