// Finding a task, annotation, draft, prediction or comment for an actor: another organization's row is
// invisible under row-level security and a project the actor has no role on answers the same 404.
import type { Tx } from '../../db/scope.ts';
import { authorize } from '../../platform/access/access.ts';
import type { Action } from '../../platform/access/policy.ts';
import type { Actor } from '../../platform/auth/actor.ts';
import { AppError } from '../../platform/errors.ts';

/** Checks `action` on the project, reporting a hidden project as the thing asked for. */
export async function authorizeOn(tx: Tx, actor: Actor, action: Action, projectId: number, what: string) {
  await authorize(tx, actor, action, [projectId]).catch((err: AppError) => {
    throw err.code === 'not_found' ? new AppError('not_found', `${what} not found`) : err;
  });
}

/** The task row (locked when `lock`), after checking `action` on its project. */
export async function taskFor(tx: Tx, actor: Actor, taskId: number, action: Action) {
  const task = await tx.selectFrom('tasks').selectAll().where('id', '=', taskId).executeTakeFirst();
  if (!task) throw new AppError('not_found', `task ${taskId} not found`);
  await authorizeOn(tx, actor, action, task.project_id, `task ${taskId}`);
  return task;
}

export async function annotationRow(tx: Tx, actor: Actor, id: number) {
  const row = await tx.selectFrom('annotations').selectAll().where('id', '=', id).executeTakeFirst();
  if (!row) throw new AppError('not_found', `annotation ${id} not found`);
  await authorizeOn(tx, actor, 'tasks.read', row.project_id, `annotation ${id}`);
  return row;
}

/** Your own work takes `own`; somebody else's takes `others` (reviewers, managers). */
export async function authorizeOwnership(
  tx: Tx,
  actor: Actor,
  projectId: number,
  authorId: number | null,
  own: Action,
  others: Action,
) {
  await authorize(tx, actor, authorId === actor.userId ? own : others, [projectId]);
}

export function orgOf(actor: Actor): number {
  if (actor.organizationId === null) throw new AppError('not_found', 'organization not found');
  return actor.organizationId;
}

export const scopeOf = (actor: Actor) => ({
  organizationId: orgOf(actor),
  userId: actor.userId,
  requireMembership: true,
});
