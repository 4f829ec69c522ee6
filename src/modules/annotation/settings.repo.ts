// SQL for a project's Label Studio settings (annotation_settings) and its summary (project_summaries): the
// label use that config changes are judged against, kept current by every annotation and draft write.
import { type Selectable, sql } from 'kysely';
import type { Tx } from '../../db/scope.ts';
import type { AnnotationSettings } from '../../db/types.ts';
import { annotationTuple, type LabelCounts, resultLabels, type UsedTuple } from './label-config/index.ts';

export type SettingsRow = Selectable<AnnotationSettings>;

/** The values a project without labeling shows (the column defaults of annotation_settings). */
export const defaultSettings = {
  label_config: '<View></View>',
  parsed_label_config: {},
  expert_instruction: '',
  show_instruction: false,
  show_skip_button: true,
  enable_empty_annotation: true,
  show_annotation_history: false,
  maximum_annotations: 1,
  overlap_cohort_percentage: 100,
  sampling: 'Sequential sampling',
  skip_queue: 'REQUEUE_FOR_OTHERS',
  show_collab_predictions: true,
  show_ground_truth_first: false,
  show_overlap_first: false,
  evaluate_predictions_automatically: false,
  reveal_preannotations_interactively: false,
  min_annotations_to_start_training: 0,
  model_version: '',
  color: '#FFFFFF',
  control_weights: {},
  is_published: false,
  is_draft: false,
  task_number: 0,
  total_annotations_number: 0,
  num_tasks_with_annotations: 0,
  total_predictions_number: 0,
  skipped_annotations_number: 0,
  finished_task_number: 0,
  ground_truth_number: 0,
  useful_annotation_number: 0,
};

export type SettingsFields = typeof defaultSettings;

export function toSettings(
  r: SettingsRow | undefined,
): SettingsFields & { config_has_control_tags: boolean } {
  if (!r) return { ...defaultSettings, config_has_control_tags: false };
  const out = { ...defaultSettings };
  for (const key of Object.keys(defaultSettings) as (keyof SettingsFields)[]) {
    (out as Record<string, unknown>)[key] = r[key as keyof SettingsRow];
  }
  const parsed = (r.parsed_label_config ?? {}) as Record<string, unknown>;
  return { ...out, parsed_label_config: parsed, config_has_control_tags: Object.keys(parsed).length > 0 };
}

export async function loadSettings(tx: Tx, ids: readonly number[]) {
  if (ids.length === 0) return [];
  return tx
    .selectFrom('annotation_settings')
    .selectAll()
    .where('project_id', 'in', ids as number[])
    .execute();
}

export async function settingsOf(tx: Tx, projectId: number): Promise<SettingsRow | undefined> {
  return tx
    .selectFrom('annotation_settings')
    .selectAll()
    .where('project_id', '=', projectId)
    .executeTakeFirst();
}

/** Writes the given settings, creating the row with defaults for the rest when the project has none. */
export async function upsertSettings(
  tx: Tx,
  organizationId: number,
  projectId: number,
  values: Record<string, unknown>,
) {
  const row = { ...values, updated_at: new Date() } as Record<string, unknown>;
  for (const k of ['parsed_label_config', 'control_weights']) {
    if (row[k] !== undefined) row[k] = JSON.stringify(row[k]);
  }
  await tx
    .insertInto('annotation_settings')
    .values({ organization_id: organizationId, project_id: projectId, ...row })
    .onConflict((oc) => oc.column('project_id').doUpdateSet(row))
    .execute();
}

/**
 * Gives the project's tasks the overlap its settings ask for (the first overlap_cohort_percentage of tasks
 * by id get maximum_annotations, the others 1) and recomputes is_labeled and finished_task_number. Tasks are
 * locked before the settings row, the order every annotation write takes, so counters stay exact.
 */
export async function applyOverlap(tx: Tx, projectId: number, maximum: number, cohortPercent: number) {
  await sql`
    WITH n AS (SELECT count(*) AS c FROM tasks WHERE project_id = ${projectId}),
    ranked AS (
      SELECT id, row_number() OVER (ORDER BY id) AS rn FROM tasks WHERE project_id = ${projectId}
    ),
    wanted AS (
      SELECT r.id, CASE WHEN r.rn <= ceil(n.c * ${cohortPercent}::numeric / 100) THEN ${maximum}::int ELSE 1 END AS overlap
      FROM ranked r, n
    )
    UPDATE tasks t SET overlap = w.overlap, is_labeled = t.total_annotations >= w.overlap, updated_at = now()
    FROM wanted w
    WHERE t.id = w.id AND (t.overlap <> w.overlap OR t.is_labeled <> (t.total_annotations >= w.overlap))`.execute(
    tx,
  );
  await sql`
    UPDATE annotation_settings SET finished_task_number =
      (SELECT count(*) FROM tasks WHERE project_id = ${projectId} AND is_labeled), updated_at = now()
    WHERE project_id = ${projectId}`.execute(tx);
}

// ---- project summary ------------------------------------------------------------------------------------

/** Label Studio's key of a result in created_annotations: `from_name|to_name|type`. */
const tupleKey = (t: { fromName: string; toName: string; type: string }) =>
  `${t.fromName}|${t.toName}|${t.type}`;

export interface SummaryDelta {
  annotations: Record<string, number>;
  labels: LabelCounts;
  drafts: LabelCounts;
}

export const emptyDelta = (): SummaryDelta => ({ annotations: {}, labels: {}, drafts: {} });

/** Adds (sign 1) or removes (sign -1) a result array's tuples and labels to a delta. */
export function countResult(delta: SummaryDelta, result: unknown[], sign: 1 | -1, draft = false): void {
  for (const region of result) {
    const tuple = annotationTuple(region);
    if (!tuple) continue;
    if (!draft) {
      const key = tupleKey(tuple);
      delta.annotations[key] = (delta.annotations[key] ?? 0) + sign;
    }
    const target = draft ? delta.drafts : delta.labels;
    for (const label of resultLabels(region)) {
      const byLabel = target[tuple.fromName] ?? {};
      byLabel[label] = (byLabel[label] ?? 0) + sign;
      target[tuple.fromName] = byLabel;
    }
  }
}

const mergeFlat = (column: string, delta: Record<string, number>) => sql`(
  SELECT coalesce(jsonb_object_agg(k, n), '{}'::jsonb) FROM (
    SELECT k, sum(n) AS n FROM (
      SELECT key AS k, value::bigint AS n FROM jsonb_each_text(${sql.ref(column)})
      UNION ALL SELECT key, value::bigint FROM jsonb_each_text(${JSON.stringify(delta)}::jsonb)
    ) x GROUP BY k HAVING sum(n) > 0
  ) y)`;

const mergeNested = (column: string, delta: LabelCounts) => sql`(
  SELECT coalesce(jsonb_object_agg(c, labels), '{}'::jsonb) FROM (
    SELECT c, jsonb_object_agg(l, n) AS labels FROM (
      SELECT c, l, sum(n) AS n FROM (
        SELECT o.key AS c, i.key AS l, i.value::bigint AS n
        FROM jsonb_each(${sql.ref(column)}) o, jsonb_each_text(o.value) i
        UNION ALL
        SELECT o.key, i.key, i.value::bigint
        FROM jsonb_each(${JSON.stringify(delta)}::jsonb) o, jsonb_each_text(o.value) i
      ) x GROUP BY c, l HAVING sum(n) > 0
    ) y GROUP BY c
  ) z)`;

const isEmpty = (d: SummaryDelta) =>
  Object.keys(d.annotations).length + Object.keys(d.labels).length + Object.keys(d.drafts).length === 0;

/**
 * Applies a delta to the project's summary in one UPDATE (the row lock serializes concurrent writers, and
 * each merge reads the latest committed counts), creating the summary row first when needed.
 */
export async function applySummaryDelta(tx: Tx, organizationId: number, projectId: number, d: SummaryDelta) {
  if (isEmpty(d)) return;
  await tx
    .insertInto('project_summaries')
    .values({ organization_id: organizationId, project_id: projectId })
    .onConflict((oc) => oc.column('project_id').doNothing())
    .execute();
  await sql`
    UPDATE project_summaries SET
      created_annotations = ${mergeFlat('created_annotations', d.annotations)},
      created_labels = ${mergeNested('created_labels', d.labels)},
      created_labels_drafts = ${mergeNested('created_labels_drafts', d.drafts)},
      updated_at = now()
    WHERE project_id = ${projectId}`.execute(tx);
}

/** The label use a config change is judged against; `lock` holds the summary until the change commits. */
export async function labelUsage(tx: Tx, projectId: number, lock: boolean) {
  let q = tx
    .selectFrom('project_summaries')
    .select(['created_annotations', 'created_labels', 'created_labels_drafts'])
    .where('project_id', '=', projectId);
  if (lock) q = q.forUpdate();
  const row = await q.executeTakeFirst();
  const used: UsedTuple[] = Object.entries((row?.created_annotations ?? {}) as Record<string, number>).map(
    ([key, count]) => {
      const [fromName = '', toName = '', type = ''] = key.split('|');
      return { fromName, toName, type, count: Number(count) };
    },
  );
  return {
    used,
    labels: (row?.created_labels ?? {}) as LabelCounts,
    drafts: (row?.created_labels_drafts ?? {}) as LabelCounts,
  };
}

export async function summaryOf(tx: Tx, projectId: number) {
  return tx
    .selectFrom('project_summaries')
    .selectAll()
    .where('project_id', '=', projectId)
    .executeTakeFirst();
}

/** Counts new tasks' data keys into the summary's all_data_columns (Label Studio's `{column: tasks}`). */
export async function addDataColumns(
  tx: Tx,
  organizationId: number,
  projectId: number,
  tasks: { data: Record<string, unknown> }[],
) {
  const counts: Record<string, number> = {};
  for (const t of tasks) for (const key of Object.keys(t.data)) counts[key] = (counts[key] ?? 0) + 1;
  if (Object.keys(counts).length === 0) return;
  await tx
    .insertInto('project_summaries')
    .values({ organization_id: organizationId, project_id: projectId })
    .onConflict((oc) => oc.column('project_id').doNothing())
    .execute();
  await sql`
    UPDATE project_summaries SET all_data_columns = ${mergeFlat('all_data_columns', counts)}, updated_at = now()
    WHERE project_id = ${projectId}`.execute(tx);
}
