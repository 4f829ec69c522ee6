// Drafts (annotation_drafts): a person's unsubmitted work on a task, or on an annotation they are changing.
// Only the author sees and changes a draft; its labels count in the project summary's created_labels_drafts
// so a config change cannot orphan them either. Submitting one (POST annotations with draft_id) consumes it.
import type { Selectable } from 'kysely';
import { inScope, type Tx } from '../../db/scope.ts';
import type { AnnotationDrafts } from '../../db/types.ts';
import type { Actor } from '../../platform/auth/actor.ts';
import type { Deps } from '../../platform/deps.ts';
import { AppError } from '../../platform/errors.ts';
import { checkResult, projectConfig } from './annotations.service.ts';
import { applySummaryDelta, countResult, emptyDelta } from './settings.repo.ts';
import { authorizeOn, orgOf, scopeOf, taskFor } from './targets.ts';

export interface DraftInput {
  result?: unknown[] | undefined;
  lead_time?: number | null | undefined;
  was_postponed?: boolean | undefined;
  annotation?: number | null | undefined;
}

function toDraft(d: Selectable<AnnotationDrafts> & { email: string }) {
  return {
    id: d.id,
    user: d.email,
    user_id: d.user_id,
    task: d.task_id,
    project: d.project_id,
    annotation: d.annotation_id,
    result: d.result as unknown[],
    lead_time: d.lead_time,
    was_postponed: d.was_postponed,
    created_at: d.created_at,
    updated_at: d.updated_at,
  };
}

const drafts = (tx: Tx) =>
  tx
    .selectFrom('annotation_drafts as d')
    .innerJoin('users as u', 'u.id', 'd.user_id')
    .selectAll('d')
    .select('u.email');

export function createDraftsService({ database }: Pick<Deps, 'database'>) {
  const run = <T>(actor: Actor, fn: (tx: Tx) => Promise<T>) => inScope(database.db, scopeOf(actor), fn);

  /** The actor's own draft; anybody else's is not found. */
  async function own(tx: Tx, actor: Actor, id: number) {
    const row = await drafts(tx)
      .where('d.id', '=', id)
      .where('d.user_id', '=', actor.userId)
      .executeTakeFirst();
    if (!row) throw new AppError('not_found', `draft ${id} not found`);
    await authorizeOn(tx, actor, 'annotations.create', row.project_id, `draft ${id}`);
    return row;
  }

  async function annotationOfTask(tx: Tx, annotationId: number | null | undefined, taskId: number) {
    if (annotationId == null) return null;
    const a = await tx
      .selectFrom('annotations')
      .select('task_id')
      .where('id', '=', annotationId)
      .executeTakeFirst();
    if (a?.task_id !== taskId)
      throw new AppError('not_found', `annotation ${annotationId} not found on task ${taskId}`);
    return annotationId;
  }

  return {
    async create(actor: Actor, taskId: number, input: DraftInput) {
      return run(actor, async (tx) => {
        const task = await taskFor(tx, actor, taskId, 'annotations.create');
        const result = input.result ?? [];
        checkResult(await projectConfig(tx, task.project_id), result);
        const annotationId = await annotationOfTask(tx, input.annotation, taskId);
        const row = await tx
          .insertInto('annotation_drafts')
          .values({
            organization_id: orgOf(actor),
            project_id: task.project_id,
            task_id: taskId,
            annotation_id: annotationId,
            user_id: actor.userId,
            result: JSON.stringify(result),
            lead_time: input.lead_time ?? null,
            was_postponed: input.was_postponed ?? false,
          })
          .returning('id')
          .executeTakeFirstOrThrow();
        const delta = emptyDelta();
        countResult(delta, result, 1, true);
        await applySummaryDelta(tx, orgOf(actor), task.project_id, delta);
        return toDraft(await drafts(tx).where('d.id', '=', row.id).executeTakeFirstOrThrow());
      });
    },

    list: (actor: Actor, taskId: number) =>
      run(actor, async (tx) => {
        await taskFor(tx, actor, taskId, 'tasks.read');
        const rows = await drafts(tx)
          .where('d.task_id', '=', taskId)
          .where('d.user_id', '=', actor.userId)
          .orderBy('d.id')
          .limit(1000)
          .execute();
        return rows.map(toDraft);
      }),

    get: (actor: Actor, id: number) => run(actor, async (tx) => toDraft(await own(tx, actor, id))),

    async update(actor: Actor, id: number, patch: DraftInput) {
      return run(actor, async (tx) => {
        // Locked first, so the result replaced is the one counted out of the summary.
        await tx.selectFrom('annotation_drafts').select('id').where('id', '=', id).forUpdate().execute();
        const before = await own(tx, actor, id);
        if (patch.result !== undefined) checkResult(await projectConfig(tx, before.project_id), patch.result);
        const annotationId =
          patch.annotation === undefined
            ? undefined
            : await annotationOfTask(tx, patch.annotation, before.task_id);
        const row = await tx
          .updateTable('annotation_drafts')
          .set({
            ...(patch.result !== undefined && { result: JSON.stringify(patch.result) }),
            ...(patch.lead_time !== undefined && { lead_time: patch.lead_time }),
            ...(patch.was_postponed !== undefined && { was_postponed: patch.was_postponed }),
            ...(annotationId !== undefined && { annotation_id: annotationId }),
            updated_at: new Date(),
          })
          .where('id', '=', id)
          .returning('result')
          .executeTakeFirst();
        if (!row) throw new AppError('not_found', `draft ${id} not found`);
        if (patch.result !== undefined) {
          const delta = emptyDelta();
          countResult(delta, before.result as unknown[], -1, true);
          countResult(delta, patch.result, 1, true);
          await applySummaryDelta(tx, orgOf(actor), before.project_id, delta);
        }
        return toDraft(await drafts(tx).where('d.id', '=', id).executeTakeFirstOrThrow());
      });
    },

    async remove(actor: Actor, id: number) {
      await run(actor, async (tx) => {
        const found = await own(tx, actor, id);
        const gone = await tx
          .deleteFrom('annotation_drafts')
          .where('id', '=', id)
          .returning('result')
          .executeTakeFirst();
        if (!gone) throw new AppError('not_found', `draft ${id} not found`);
        const delta = emptyDelta();
        countResult(delta, gone.result as unknown[], -1, true);
        await applySummaryDelta(tx, orgOf(actor), found.project_id, delta);
      });
    },
  };
}

export type DraftsService = ReturnType<typeof createDraftsService>;
