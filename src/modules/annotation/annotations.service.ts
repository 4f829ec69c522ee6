// Annotations (seed 003 task_completion), as Label Studio's /api/tasks/{id}/annotations and
// /api/annotations/{id} serve them: each result checked against the project's config, the task and project
// counters and the project summary moved in the same unit of work, webhooks in Label Studio's shape.
import { inScope, type Tx } from '../../db/scope.ts';
import type { Actor } from '../../platform/auth/actor.ts';
import type { Deps } from '../../platform/deps.ts';
import { AppError } from '../../platform/errors.ts';
import { insertAnnotation, lockTask, moveCounters, projectPayload, weight } from './annotations.repo.ts';
import { type LabelConfig, validateResult } from './label-config/index.ts';
import { applySummaryDelta, countResult, emptyDelta, settingsOf } from './settings.repo.ts';
import { parseOrReject } from './settings.service.ts';
import { annotationRow, authorizeOwnership, orgOf, scopeOf, taskFor } from './targets.ts';
import { toAnnotation, toTask } from './tasks.repo.ts';

export interface AnnotationInput {
  result?: unknown[] | undefined;
  was_cancelled?: boolean | undefined;
  ground_truth?: boolean | undefined;
  lead_time?: number | null | undefined;
  draft_id?: number | undefined;
  parent_prediction?: number | null | undefined;
  parent_annotation?: number | null | undefined;
}

/** The project's parsed config (the default empty view when it has none). */
export async function projectConfig(tx: Tx, projectId: number): Promise<LabelConfig> {
  const settings = await settingsOf(tx, projectId);
  return parseOrReject(settings?.label_config ?? '<View></View>');
}

/** 400 naming each region the config does not allow. */
export function checkResult(config: LabelConfig, result: unknown[], field = 'result'): void {
  const problems = validateResult(config, result);
  if (problems.length === 0) return;
  throw new AppError(
    'validation_failed',
    problems.map((p) => p.message).join('; '),
    problems.map((p) => ({
      in: 'body',
      field: p.index >= 0 ? `${field}[${p.index}]` : field,
      message: p.message,
    })),
  );
}

export function createAnnotationsService({ database, webhooks }: Pick<Deps, 'database' | 'webhooks'>) {
  const run = <T>(actor: Actor, fn: (tx: Tx) => Promise<T>) => inScope(database.db, scopeOf(actor), fn);

  async function emit(
    tx: Tx,
    actor: Actor,
    projectId: number,
    action: 'ANNOTATION_CREATED' | 'ANNOTATION_UPDATED',
    annotation: ReturnType<typeof toAnnotation>,
  ) {
    const task = await tx
      .selectFrom('tasks')
      .selectAll()
      .where('id', '=', annotation.task)
      .executeTakeFirst();
    await webhooks.emit(tx, {
      organizationId: orgOf(actor),
      projectId,
      action,
      payload: {
        annotation,
        task: task ? toTask(task) : { id: annotation.task },
        project: await projectPayload(tx, projectId),
      },
    });
  }

  /** A parent prediction or annotation must be of the same task. */
  async function checkParent(
    tx: Tx,
    table: 'predictions' | 'annotations',
    id: number | null | undefined,
    taskId: number,
  ) {
    if (id == null) return;
    const row = await tx.selectFrom(table).select('task_id').where('id', '=', id).executeTakeFirst();
    if (row?.task_id !== taskId) {
      const field = table === 'predictions' ? 'parent_prediction' : 'parent_annotation';
      throw new AppError('validation_failed', `${field} ${id} is not of task ${taskId}`, [
        { in: 'body', field, message: `is not of task ${taskId}` },
      ]);
    }
  }

  async function create(actor: Actor, taskId: number, input: AnnotationInput) {
    return run(actor, async (tx) => {
      const task = await taskFor(tx, actor, taskId, 'annotations.create');
      const result = input.result ?? [];
      checkResult(await projectConfig(tx, task.project_id), result);
      await checkParent(tx, 'predictions', input.parent_prediction, taskId);
      await checkParent(tx, 'annotations', input.parent_annotation, taskId);
      // Task row first: the lock order every annotation write takes.
      await lockTask(tx, taskId);
      const delta = emptyDelta();
      if (input.draft_id !== undefined) {
        // Submitting a draft consumes it (Label Studio answers 404 for it afterwards).
        const draft = await tx
          .deleteFrom('annotation_drafts')
          .where('id', '=', input.draft_id)
          .where('task_id', '=', taskId)
          .where('user_id', '=', actor.userId)
          .returning('result')
          .executeTakeFirst();
        if (!draft) throw new AppError('not_found', `draft ${input.draft_id} not found on task ${taskId}`);
        countResult(delta, draft.result as unknown[], -1, true);
      }
      const row = await insertAnnotation(tx, orgOf(actor), task.project_id, taskId, actor.userId, {
        result,
        was_cancelled: input.was_cancelled ?? false,
        ground_truth: input.ground_truth ?? false,
        lead_time: input.lead_time ?? null,
        parent_prediction_id: input.parent_prediction ?? null,
        parent_annotation_id: input.parent_annotation ?? null,
        last_action: input.was_cancelled ? 'skipped' : 'submitted',
      });
      const [total, cancelled] = weight(row);
      await moveCounters(tx, task.project_id, taskId, total, cancelled);
      countResult(delta, result, 1);
      await applySummaryDelta(tx, orgOf(actor), task.project_id, delta);
      // The task was handed to this person by /next; done with it, it is free for the others.
      await tx
        .deleteFrom('task_locks')
        .where('task_id', '=', taskId)
        .where('user_id', '=', actor.userId)
        .execute();
      const out = toAnnotation(row);
      await emit(tx, actor, task.project_id, 'ANNOTATION_CREATED', out);
      return out;
    });
  }

  async function list(actor: Actor, taskId: number, page: number, pageSize: number) {
    return run(actor, async (tx) => {
      await taskFor(tx, actor, taskId, 'tasks.read');
      const rows = await tx
        .selectFrom('annotations')
        .selectAll()
        .where('task_id', '=', taskId)
        .orderBy('id')
        .limit(pageSize)
        .offset((page - 1) * pageSize)
        .execute();
      return rows.map(toAnnotation);
    });
  }

  const get = (actor: Actor, id: number) =>
    run(actor, async (tx) => toAnnotation(await annotationRow(tx, actor, id)));

  async function update(
    actor: Actor,
    id: number,
    patch: Omit<AnnotationInput, 'draft_id' | 'parent_prediction' | 'parent_annotation'>,
  ) {
    return run(actor, async (tx) => {
      const found = await annotationRow(tx, actor, id);
      await authorizeOwnership(
        tx,
        actor,
        found.project_id,
        found.completed_by,
        'annotations.create',
        'annotations.review',
      );
      if (patch.result !== undefined) checkResult(await projectConfig(tx, found.project_id), patch.result);
      await lockTask(tx, found.task_id);
      // Read again under the task lock: a concurrent change of was_cancelled must not be counted twice.
      const current = await tx
        .selectFrom('annotations')
        .selectAll()
        .where('id', '=', id)
        .forUpdate()
        .executeTakeFirst();
      if (!current) throw new AppError('not_found', `annotation ${id} not found`);
      const row = await tx
        .updateTable('annotations')
        .set({
          ...(patch.result !== undefined && {
            result: JSON.stringify(patch.result),
            result_count: patch.result.length,
          }),
          ...(patch.was_cancelled !== undefined && { was_cancelled: patch.was_cancelled }),
          ...(patch.ground_truth !== undefined && { ground_truth: patch.ground_truth }),
          ...(patch.lead_time !== undefined && { lead_time: patch.lead_time }),
          updated_by: actor.userId,
          last_action: 'updated',
          updated_at: new Date(),
        })
        .where('id', '=', id)
        .returningAll()
        .executeTakeFirstOrThrow();
      const [t0, c0] = weight(current);
      const [t1, c1] = weight(row);
      await moveCounters(tx, row.project_id, row.task_id, t1 - t0, c1 - c0);
      if (patch.result !== undefined) {
        const delta = emptyDelta();
        countResult(delta, current.result as unknown[], -1);
        countResult(delta, row.result as unknown[], 1);
        await applySummaryDelta(tx, orgOf(actor), row.project_id, delta);
      }
      const out = toAnnotation(row);
      await emit(tx, actor, row.project_id, 'ANNOTATION_UPDATED', out);
      return out;
    });
  }

  async function remove(actor: Actor, id: number) {
    await run(actor, async (tx) => {
      const found = await annotationRow(tx, actor, id);
      await authorizeOwnership(
        tx,
        actor,
        found.project_id,
        found.completed_by,
        'annotations.create',
        'annotations.review',
      );
      await lockTask(tx, found.task_id);
      const gone = await tx.deleteFrom('annotations').where('id', '=', id).returningAll().executeTakeFirst();
      if (!gone) throw new AppError('not_found', `annotation ${id} not found`);
      const [total, cancelled] = weight(gone);
      await moveCounters(tx, gone.project_id, gone.task_id, -total, -cancelled);
      const delta = emptyDelta();
      countResult(delta, gone.result as unknown[], -1);
      await applySummaryDelta(tx, orgOf(actor), gone.project_id, delta);
      await webhooks.emit(tx, {
        organizationId: orgOf(actor),
        projectId: gone.project_id,
        action: 'ANNOTATIONS_DELETED',
        payload: { annotations: [{ id }], project: await projectPayload(tx, gone.project_id) },
      });
    });
  }

  return { create, list, get, update, remove };
}

export type AnnotationsService = ReturnType<typeof createAnnotationsService>;
