// The audit log: who changed membership, roles, keys, sessions or invitations, from where. Written inside the
// caller's unit of work (same transaction, same organization scope), so a change and its record land together.
import type { Tx } from '../db/scope.ts';
import type { AuthMethod } from './auth/actor.ts';

export interface AuditEntry {
  organizationId: number;
  actorUserId: number | null;
  authMethod: AuthMethod | 'session' | 'system' | 'public' | null;
  action: string;
  targetType?: string;
  targetId?: string | number;
  ip?: string | null;
  userAgent?: string | null;
  details?: Record<string, unknown>;
}

export async function audit(tx: Tx, entry: AuditEntry): Promise<void> {
  await tx
    .insertInto('audit_log')
    .values({
      organization_id: entry.organizationId,
      actor_user_id: entry.actorUserId,
      auth_method: entry.authMethod === 'cookie' ? 'session' : entry.authMethod,
      action: entry.action,
      target_type: entry.targetType ?? null,
      target_id: entry.targetId === undefined ? null : String(entry.targetId),
      ip: entry.ip ?? null,
      user_agent: entry.userAgent ?? null,
      details: JSON.stringify(entry.details ?? {}),
    })
    .execute();
}
