// Access inside the photos module: every decision goes through the policy (platform/access) on the project a
// photo, detection or tag belongs to. What another organization owns is invisible (RLS) and answers 404.
import type { Tx } from '../../db/scope.ts';
import { authorize } from '../../platform/access/access.ts';
import type { Action } from '../../platform/access/policy.ts';
import type { Actor } from '../../platform/auth/actor.ts';
import { AppError } from '../../platform/errors.ts';

export function tenantScope(actor: Actor) {
  if (actor.organizationId === null) throw new AppError('not_found', 'organization not found');
  return { organizationId: actor.organizationId, userId: actor.userId, requireMembership: true };
}

export interface AccessOptions {
  approvalRequired: boolean;
}

/** `action` on the project, or 404 (not visible) / 403 (role not enough). */
export const canOnProject = (
  tx: Tx,
  actor: Actor,
  action: Action,
  projectId: number,
  options: AccessOptions,
) => authorize(tx, actor, action, [projectId], options);

/**
 * `action` on the project of a thing named by its own id: the thing answers 404 (as "<noun> <id> not found")
 * unless the actor may at least read photos of that project.
 */
export async function canOnThing(
  tx: Tx,
  actor: Actor,
  action: Action,
  projectId: number,
  notFound: AppError,
  options: AccessOptions,
): Promise<void> {
  try {
    await authorize(tx, actor, 'photos.read', [projectId], options);
  } catch (err) {
    if (err instanceof AppError && err.code === 'not_found') throw notFound;
    throw err;
  }
  if (action !== 'photos.read') await authorize(tx, actor, action, [projectId], options);
}
