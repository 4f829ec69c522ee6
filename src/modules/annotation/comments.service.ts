// Comments on annotations (seed 003 tasks_notes; Label Studio Enterprise's /api/comments). Anyone who labels
// or reviews may comment; authors change their own text; reviewers and managers resolve anyone's. The task's
// comment_count, unresolved_comment_count and last_comment_updated_at move with each write (task row locked).
import type { Selectable } from 'kysely';
import { inScope, type Tx } from '../../db/scope.ts';
import type { TaskComments } from '../../db/types.ts';
import { authorize } from '../../platform/access/access.ts';
import type { Actor } from '../../platform/auth/actor.ts';
import type { Deps } from '../../platform/deps.ts';
import { AppError } from '../../platform/errors.ts';
import { lockTask } from './annotations.repo.ts';
import { cleanComment } from './comments.text.ts';
import { annotationRow, authorizeOn, orgOf, scopeOf, taskFor } from './targets.ts';

const toComment = (c: Selectable<TaskComments>) => ({
  id: c.id,
  text: c.text,
  annotation: c.annotation_id,
  task: c.task_id,
  project: c.project_id,
  created_by: c.user_id,
  is_resolved: c.is_resolved,
  created_at: c.created_at,
  updated_at: c.updated_at,
});

/** Moves the task's comment counters by what a write changed. */
async function moveCounts(tx: Tx, taskId: number, comments: number, unresolved: number) {
  await tx
    .updateTable('tasks')
    .set((eb) => ({
      comment_count: eb('comment_count', '+', comments),
      unresolved_comment_count: eb('unresolved_comment_count', '+', unresolved),
      last_comment_updated_at: new Date(),
    }))
    .where('id', '=', taskId)
    .execute();
}

export function createCommentsService({ database }: Pick<Deps, 'database'>) {
  const run = <T>(actor: Actor, fn: (tx: Tx) => Promise<T>) => inScope(database.db, scopeOf(actor), fn);

  async function found(tx: Tx, actor: Actor, id: number) {
    const row = await tx.selectFrom('task_comments').selectAll().where('id', '=', id).executeTakeFirst();
    if (!row) throw new AppError('not_found', `comment ${id} not found`);
    await authorizeOn(tx, actor, 'tasks.read', row.project_id, `comment ${id}`);
    return row;
  }

  return {
    async create(
      actor: Actor,
      input: {
        text: string;
        annotation?: number | undefined;
        task?: number | undefined;
        is_resolved?: boolean | undefined;
      },
    ) {
      const text = cleanComment(input.text);
      return run(actor, async (tx) => {
        let taskId: number;
        let annotationId: number | null = null;
        if (input.annotation !== undefined) {
          const a = await annotationRow(tx, actor, input.annotation);
          taskId = a.task_id;
          annotationId = a.id;
          if (input.task !== undefined && input.task !== taskId) {
            throw new AppError('validation_failed', `annotation ${a.id} is not of task ${input.task}`, [
              { in: 'body', field: 'task', message: `does not hold annotation ${a.id}` },
            ]);
          }
        } else if (input.task !== undefined) taskId = input.task;
        else {
          throw new AppError('validation_failed', 'give annotation or task', [
            { in: 'body', field: 'annotation', message: 'annotation or task is required' },
          ]);
        }
        const task = await taskFor(tx, actor, taskId, 'comments.create');
        await lockTask(tx, task.id);
        const resolved = input.is_resolved ?? false;
        const row = await tx
          .insertInto('task_comments')
          .values({
            organization_id: orgOf(actor),
            project_id: task.project_id,
            task_id: task.id,
            annotation_id: annotationId,
            user_id: actor.userId,
            text,
            is_resolved: resolved,
          })
          .returningAll()
          .executeTakeFirstOrThrow();
        await moveCounts(tx, task.id, 1, resolved ? 0 : 1);
        return toComment(row);
      });
    },

    async list(
      actor: Actor,
      q: { annotation?: number | undefined; task?: number | undefined; project?: number | undefined },
      page: number,
      size: number,
    ) {
      return run(actor, async (tx) => {
        let query = tx.selectFrom('task_comments').selectAll();
        if (q.annotation !== undefined) {
          await annotationRow(tx, actor, q.annotation);
          query = query.where('annotation_id', '=', q.annotation);
        } else if (q.task !== undefined) {
          await taskFor(tx, actor, q.task, 'tasks.read');
          query = query.where('task_id', '=', q.task);
        } else if (q.project !== undefined) {
          await authorize(tx, actor, 'tasks.read', [q.project]);
          query = query.where('project_id', '=', q.project);
        } else {
          throw new AppError('validation_failed', 'give annotation, task or project', [
            { in: 'querystring', field: 'annotation', message: 'annotation, task or project is required' },
          ]);
        }
        const rows = await query
          .orderBy('created_at')
          .orderBy('id')
          .limit(size)
          .offset((page - 1) * size)
          .execute();
        return rows.map(toComment);
      });
    },

    get: (actor: Actor, id: number) => run(actor, async (tx) => toComment(await found(tx, actor, id))),

    async update(
      actor: Actor,
      id: number,
      patch: { text?: string | undefined; is_resolved?: boolean | undefined },
    ) {
      const text = patch.text === undefined ? undefined : cleanComment(patch.text);
      return run(actor, async (tx) => {
        const seen = await found(tx, actor, id);
        const mine = seen.user_id === actor.userId;
        // Text is the author's; resolving is also the reviewers' and managers'.
        if (text !== undefined && !mine) {
          throw new AppError('forbidden', 'only the author changes the text of a comment');
        }
        await authorize(tx, actor, mine ? 'comments.create' : 'annotations.review', [seen.project_id]);
        await lockTask(tx, seen.task_id);
        const before = await tx
          .selectFrom('task_comments')
          .select('is_resolved')
          .where('id', '=', id)
          .forUpdate()
          .executeTakeFirst();
        if (!before) throw new AppError('not_found', `comment ${id} not found`);
        const row = await tx
          .updateTable('task_comments')
          .set({
            ...(text !== undefined && { text }),
            ...(patch.is_resolved !== undefined && { is_resolved: patch.is_resolved }),
            updated_at: new Date(),
          })
          .where('id', '=', id)
          .returningAll()
          .executeTakeFirstOrThrow();
        await moveCounts(tx, row.task_id, 0, Number(!row.is_resolved) - Number(!before.is_resolved));
        return toComment(row);
      });
    },

    async remove(actor: Actor, id: number) {
      await run(actor, async (tx) => {
        const seen = await found(tx, actor, id);
        await authorize(tx, actor, seen.user_id === actor.userId ? 'comments.create' : 'annotations.review', [
          seen.project_id,
        ]);
        await lockTask(tx, seen.task_id);
        const gone = await tx
          .deleteFrom('task_comments')
          .where('id', '=', id)
          .returningAll()
          .executeTakeFirst();
        if (!gone) throw new AppError('not_found', `comment ${id} not found`);
        await moveCounts(tx, gone.task_id, -1, gone.is_resolved ? 0 : -1);
      });
    },
  };
}

export type CommentsService = ReturnType<typeof createCommentsService>;
