// Units of work on the organization named in a path, and audit entries written by an actor inside them.
import type { Kysely } from 'kysely';
import { inScope, type Tx } from '../../db/scope.ts';
import type { DB } from '../../db/types.ts';
import { audit } from '../../platform/audit.ts';
import type { Actor } from '../../platform/auth/actor.ts';

/**
 * Runs `fn` inside organization `organizationId` (404 unless the actor is a member). The policy checks roles in
 * `actor.organizationId`, so `fn` receives the actor moved into that organization: the path wins over the
 * X-Organization-Id header and the active organization.
 */
export function inOrganization<T>(
  db: Kysely<DB>,
  actor: Actor,
  organizationId: number,
  fn: (tx: Tx, actor: Actor) => Promise<T>,
): Promise<T> {
  return inScope(db, { organizationId, userId: actor.userId, requireMembership: true }, (tx) =>
    fn(tx, { ...actor, organizationId }),
  );
}

export interface AuditTarget {
  type: string;
  id: number;
}

export function auditBy(
  tx: Tx,
  actor: Actor,
  organizationId: number,
  action: string,
  target: AuditTarget,
  details: Record<string, unknown> = {},
): Promise<void> {
  return audit(tx, {
    organizationId,
    actorUserId: actor.userId,
    authMethod: actor.authMethod,
    action,
    targetType: target.type,
    targetId: target.id,
    ip: actor.ip,
    userAgent: actor.userAgent,
    details,
  });
}

/** PostgreSQL's unique_violation, e.g. a slug taken by an organization the actor cannot see. */
export function isUniqueViolation(err: unknown): boolean {
  return (err as { code?: string } | null)?.code === '23505';
}
