// The two things every organization-scoped service does first: open a unit of work in the actor's
// organization (membership checked inside the transaction), and write audit entries about one kind of target.
import type { Database } from '../db/database.ts';
import { inScope, type Tx } from '../db/scope.ts';
import { audit } from './audit.ts';
import type { Actor } from './auth/actor.ts';
import { AppError } from './errors.ts';

/** The organization the request acts in; without one there is nothing to see. */
export function orgOf(actor: Actor): number {
  if (actor.organizationId === null) throw new AppError('not_found', 'organization not found');
  return actor.organizationId;
}

/** The scope of a unit of work in the actor's organization, membership checked (for inScope/holdScope). */
export function memberScope(actor: Actor) {
  return { organizationId: orgOf(actor), userId: actor.userId, requireMembership: true };
}

export type OrganizationWork = <T>(
  actor: Actor,
  fn: (tx: Tx, organizationId: number) => Promise<T>,
) => Promise<T>;

/** Runs `fn` in one transaction inside the actor's organization; not a member: 404. */
export function organizationWork(database: Database): OrganizationWork {
  return (actor, fn) => {
    const organizationId = orgOf(actor);
    return inScope(database.db, { organizationId, userId: actor.userId, requireMembership: true }, (tx) =>
      fn(tx, organizationId),
    );
  };
}

/** Audit entries about targets of one type, by the actor, in the unit of work's organization. */
export function auditTrail(targetType: string) {
  return (tx: Tx, actor: Actor, action: string, targetId: number, details: Record<string, unknown> = {}) =>
    audit(tx, {
      organizationId: orgOf(actor),
      actorUserId: actor.userId,
      authMethod: actor.authMethod,
      action,
      targetType,
      targetId,
      ip: actor.ip,
      userAgent: actor.userAgent,
      details,
    });
}
