// The data manager's computed fields of a task page (Label Studio's DataManagerTaskSerializer): annotators,
// annotations_ids, annotations_results, predictions_results, predictions_score, predictions_model_versions,
// avg_lead_time, draft_exists, ground_truth, comment_authors, file_upload (the file's name), storage_filename
// and updated_by as `[{user_id}]`. One statement per page: the page's ids joined laterally to aggregates over
// each table's task_id index, never one round trip per task. The page's related annotations and predictions
// (without `fields=task_only`) come from two more statements over the same ids.
import { sql } from 'kysely';
import type { Tx } from '../../db/scope.ts';
import { type TaskRow, toAnnotation, toPrediction, toTask } from './tasks.repo.ts';

/** Label Studio cuts the text of the results columns at this many characters. */
export const RESULTS_CHARS = 500;

interface FieldsRow {
  id: number;
  annotators: (number | string)[] | null;
  annotations_ids: string | null;
  annotations_results: string | null;
  avg_lead_time: number | null;
  ground_truth: boolean | null;
  predictions_results: string | null;
  predictions_score: number | null;
  predictions_model_versions: string | null;
  draft_exists: boolean;
  comment_authors: (number | string)[] | null;
  file_upload: string | null;
  storage_filename: string | null;
}

/** Label Studio's `_pretty_results`: the JSON without brackets and quotes, cut at RESULTS_CHARS. */
const pretty = (text: string | null) => (text ? text.slice(0, RESULTS_CHARS).replaceAll('"', '') : '');

const baseName = (name: string | null) => (name ? (name.split(/[\\/]/).pop() ?? name) : null);

async function computed(tx: Tx, ids: number[]): Promise<Map<number, FieldsRow>> {
  // Each result is cut before it is joined, so one huge annotation costs at most that much text.
  const cut = RESULTS_CHARS * 2;
  const { rows } = await sql<FieldsRow>`
    SELECT t.id, an.annotators, an.annotations_ids, an.annotations_results, an.avg_lead_time, an.ground_truth,
           pr.predictions_results, pr.predictions_score, pr.predictions_model_versions,
           EXISTS (SELECT 1 FROM annotation_drafts d WHERE d.task_id = t.id) AS draft_exists,
           (SELECT array_agg(DISTINCT c.user_id ORDER BY c.user_id) FROM task_comments c
             WHERE c.task_id = t.id AND c.user_id IS NOT NULL) AS comment_authors,
           f.original_name AS file_upload,
           (SELECT l.key FROM storage_import_links l WHERE l.task_id = t.id ORDER BY l.id LIMIT 1) AS storage_filename
    FROM tasks t
    LEFT JOIN LATERAL (
      SELECT array_agg(DISTINCT a.completed_by ORDER BY a.completed_by)
               FILTER (WHERE a.completed_by IS NOT NULL) AS annotators,
             string_agg(a.id::text, ',' ORDER BY a.id) AS annotations_ids,
             left(string_agg(left(a.result::text, ${cut}), ' ' ORDER BY a.id), ${cut}) AS annotations_results,
             avg(a.lead_time)::float8 AS avg_lead_time,
             bool_or(a.ground_truth) AS ground_truth
      FROM annotations a WHERE a.task_id = t.id
    ) an ON TRUE
    LEFT JOIN LATERAL (
      SELECT left(string_agg(left(p.result::text, ${cut}), ' ' ORDER BY p.id), ${cut}) AS predictions_results,
             avg(p.score)::float8 AS predictions_score,
             string_agg(DISTINCT p.model_version, ', ' ORDER BY p.model_version)
               FILTER (WHERE p.model_version <> '') AS predictions_model_versions
      FROM predictions p WHERE p.task_id = t.id
    ) pr ON TRUE
    LEFT JOIN files f ON f.organization_id = t.organization_id AND f.id = t.file_upload_id
    WHERE t.id = ANY(${ids}::bigint[])`.execute(tx);
  return new Map(rows.map((r) => [Number(r.id), r]));
}

/** A page of tasks as the data manager lists them; with `withRelated`, their annotations and predictions. */
export async function dmTasks(tx: Tx, rows: TaskRow[], withRelated: boolean) {
  if (rows.length === 0) return [];
  const ids = rows.map((r) => r.id);
  const [fields, anns, preds] = await Promise.all([
    computed(tx, ids),
    withRelated
      ? tx.selectFrom('annotations').selectAll().where('task_id', 'in', ids).orderBy('id').execute()
      : [],
    withRelated
      ? tx.selectFrom('predictions').selectAll().where('task_id', 'in', ids).orderBy('id').execute()
      : [],
  ]);
  const byTask = <T extends { task_id: number }>(list: T[]) => {
    const m = new Map<number, T[]>();
    for (const x of list) m.set(x.task_id, [...(m.get(x.task_id) ?? []), x]);
    return m;
  };
  const annsOf = byTask(anns);
  const predsOf = byTask(preds);
  return rows.map((row) => {
    const f = fields.get(row.id);
    const task = {
      ...toTask(row),
      annotators: (f?.annotators ?? []).map(Number),
      annotations_ids: f?.annotations_ids ?? '',
      annotations_results: pretty(f?.annotations_results ?? null),
      predictions_results: pretty(f?.predictions_results ?? null),
      predictions_score: f?.predictions_score ?? null,
      predictions_model_versions: f?.predictions_model_versions ?? '',
      avg_lead_time: f?.avg_lead_time ?? null,
      draft_exists: f?.draft_exists ?? false,
      ground_truth: f?.ground_truth ?? false,
      comment_authors: (f?.comment_authors ?? []).map(Number),
      file_upload: baseName(f?.file_upload ?? null),
      storage_filename: f?.storage_filename ?? null,
      updated_by: row.updated_by === null ? [] : [{ user_id: row.updated_by }],
    };
    if (!withRelated) return task;
    return {
      ...task,
      annotations: (annsOf.get(row.id) ?? []).map(toAnnotation),
      predictions: (predsOf.get(row.id) ?? []).map(toPrediction),
    };
  });
}
