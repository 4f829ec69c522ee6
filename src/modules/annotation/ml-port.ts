// What the ML module needs from annotation projects, behind index.ts: the project's label config, pages of a
// task selection (explicit ids, or the data manager's filters and selectedItems) walked by id, and predictions
// written in bulk: checked against the config, one set-based statement per batch, counters following.
// A batch replaces the same model version's earlier predictions on its tasks, so a retried batch writes no
// duplicates.
import { sql } from 'kysely';
import type { Tx } from '../../db/scope.ts';
import { AppError } from '../../platform/errors.ts';
import { projectConfig } from './annotations.service.ts';
import { compile } from './filters/compile.ts';
import { parsePrepared } from './filters/parse.ts';
import { type LabelConfig, validateResult } from './label-config/index.ts';
import { settingsOf } from './settings.repo.ts';
import { type TaskRow, toTask } from './tasks.repo.ts';

/** Explicit task ids, or a data manager selection ({filters, selectedItems}). */
export type TaskSelection = { task_ids: number[] } | { filters?: unknown; selectedItems?: unknown };

export async function mlProjectInfo(tx: Tx, projectId: number) {
  const project = await tx
    .selectFrom('projects')
    .select(['id', 'title', 'created_at', 'created_by'])
    .where('id', '=', projectId)
    .executeTakeFirst();
  if (!project) throw new AppError('not_found', `project ${projectId} not found`);
  const settings = await settingsOf(tx, projectId);
  return { ...project, label_config: settings?.label_config ?? '<View></View>' };
}

/** Checks a selection's shape (400 on a bad filter) before a job is queued for it. */
export function checkSelection(projectId: number, selection: TaskSelection): void {
  if (!('task_ids' in selection)) compile(projectId, parsePrepared(selection, 'body'));
}

function whereOf(projectId: number, selection: TaskSelection) {
  if ('task_ids' in selection) {
    return sql`t.project_id = ${projectId}::bigint AND t.id = ANY(${selection.task_ids}::bigint[])`;
  }
  return compile(projectId, parsePrepared(selection, 'body')).where;
}

export async function countSelection(tx: Tx, projectId: number, selection: TaskSelection): Promise<number> {
  const { rows } = await sql<{ n: number }>`
    SELECT count(*)::int AS n FROM tasks t WHERE ${whereOf(projectId, selection)}`.execute(tx);
  return rows[0]?.n ?? 0;
}

/** The next page of the selection after task `afterId`, in id order, as Label Studio's task JSON. */
export async function selectionPage(
  tx: Tx,
  projectId: number,
  selection: TaskSelection,
  afterId: number,
  limit: number,
) {
  const { rows } = await sql<TaskRow>`
    SELECT t.* FROM tasks t WHERE ${whereOf(projectId, selection)} AND t.id > ${afterId}::bigint
    ORDER BY t.id LIMIT ${limit}`.execute(tx);
  return rows.map(toTask);
}

export type PredictionConfig = LabelConfig;

/** The project's parsed label config, for writePredictions over many batches. */
export const predictionConfig = (tx: Tx, projectId: number): Promise<PredictionConfig> =>
  projectConfig(tx, projectId);

export interface PredictionItem {
  taskId: number;
  result: unknown;
  score: number | null;
  modelVersion: string;
}

/**
 * Writes the valid items' predictions; returns the rejected ones with why. One prediction per task and model
 * version: an earlier one of the same version on the same task is replaced.
 */
export async function writePredictions(
  tx: Tx,
  organizationId: number,
  projectId: number,
  items: PredictionItem[],
  /** The project's parsed config, when the caller keeps it across batches (predictionConfig). */
  known?: PredictionConfig,
): Promise<{ written: number; rejected: { taskId: number; error: string }[] }> {
  if (items.length === 0) return { written: 0, rejected: [] };
  const config = known ?? (await projectConfig(tx, projectId));
  const rejected: { taskId: number; error: string }[] = [];
  const valid: PredictionItem[] = [];
  for (const item of items) {
    if (!Array.isArray(item.result)) {
      rejected.push({ taskId: item.taskId, error: 'the prediction result is not a list of regions' });
      continue;
    }
    const problems = validateResult(config, item.result);
    if (problems.length)
      rejected.push({ taskId: item.taskId, error: problems.map((p) => p.message).join('; ') });
    else valid.push(item);
  }
  if (valid.length === 0) return { written: 0, rejected };
  const ids = valid.map((v) => v.taskId);
  // Task rows first, in id order, as every writer of a task's counters locks them.
  await sql`SELECT id FROM tasks WHERE id = ANY(${ids}::bigint[]) ORDER BY id FOR UPDATE`.execute(tx);
  const rows = JSON.stringify(
    valid.map((v) => ({
      task_id: v.taskId,
      result: v.result,
      score: v.score,
      model_version: v.modelVersion,
    })),
  );
  const { rows: counts } = await sql<{ removed: number; added: number }>`
    WITH input AS (
      SELECT * FROM jsonb_to_recordset(${rows}::jsonb)
        AS x(task_id bigint, result jsonb, score double precision, model_version text)
    ), removed AS (
      DELETE FROM predictions p USING input i
      WHERE p.task_id = i.task_id AND p.model_version = i.model_version AND p.project_id = ${projectId}::bigint
      RETURNING p.id
    ), added AS (
      INSERT INTO predictions (organization_id, project_id, task_id, result, score, model_version)
      SELECT ${organizationId}::bigint, ${projectId}::bigint, i.task_id, i.result, i.score, i.model_version
      FROM input i JOIN tasks t ON t.id = i.task_id AND t.project_id = ${projectId}::bigint
      RETURNING id
    )
    SELECT (SELECT count(*) FROM removed)::int AS removed, (SELECT count(*) FROM added)::int AS added`.execute(
    tx,
  );
  const { removed, added } = counts[0]!;
  await sql`
    UPDATE tasks t SET total_predictions = (SELECT count(*) FROM predictions p WHERE p.task_id = t.id)
    WHERE t.id = ANY(${ids}::bigint[])`.execute(tx);
  if (added !== removed) {
    await tx
      .updateTable('annotation_settings')
      .set((eb) => ({ total_predictions_number: eb('total_predictions_number', '+', added - removed) }))
      .where('project_id', '=', projectId)
      .execute();
  }
  return { written: added, rejected };
}

/**
 * Where an LLM's text answer goes in the project's config: the first Choices control (the answer must name
 * one of its choices), else the first TextArea (the answer is kept as text).
 */
export async function llmTarget(tx: Tx, projectId: number) {
  const config = await projectConfig(tx, projectId);
  const choices = config.controls.find((c) => c.type === 'Choices');
  if (choices) {
    return {
      kind: 'choices' as const,
      fromName: choices.name,
      toName: choices.toName[0] ?? '',
      labels: choices.labels,
    };
  }
  const text = config.controls.find((c) => c.type === 'TextArea');
  if (text)
    return { kind: 'textarea' as const, fromName: text.name, toName: text.toName[0] ?? '', labels: [] };
  return null;
}
