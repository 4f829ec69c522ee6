// Personal API keys (shown once, stored as SHA-256) and Label Studio's one legacy token per user.
import { inScope } from '../../db/scope.ts';
import { audit } from '../../platform/audit.ts';
import type { Actor } from '../../platform/auth/actor.ts';
import { legacyToken, newApiKey, sha256 } from '../../platform/auth/tokens.ts';
import type { Deps } from '../../platform/deps.ts';
import { AppError } from '../../platform/errors.ts';
import { findUserById } from './users.repo.ts';

const keyColumns = ['id', 'name', 'prefix', 'created_at', 'last_used_at', 'expires_at'] as const;

export function createApiKeyService(deps: Pick<Deps, 'database' | 'secrets'>) {
  const db = deps.database.db;

  async function record(actor: Actor, action: string, keyId: number, details: Record<string, unknown> = {}) {
    const user = await findUserById(db, actor.userId);
    const org = actor.organizationId ?? user?.active_organization_id ?? null;
    if (org === null) return;
    await inScope(db, { organizationId: org, userId: actor.userId, requireMembership: true }, (tx) =>
      audit(tx, {
        organizationId: org,
        actorUserId: actor.userId,
        authMethod: actor.authMethod,
        action,
        targetType: 'api_key',
        targetId: keyId,
        ip: actor.ip,
        userAgent: actor.userAgent,
        details,
      }),
    ).catch(() => undefined); // the key change stands even if the audit scope is not a membership
  }

  async function create(actor: Actor, name: string, expiresAt: string | undefined) {
    const expires = expiresAt ? new Date(expiresAt) : null;
    if (expires && expires.getTime() <= Date.now()) {
      throw new AppError('validation_failed', 'expires_at must be in the future', [
        { in: 'body', field: 'expires_at', message: 'must be in the future' },
      ]);
    }
    const { key, prefix, hash } = newApiKey();
    const row = await db
      .insertInto('api_keys')
      .values({ user_id: actor.userId, name, prefix, key_hash: hash, expires_at: expires })
      .returning(keyColumns)
      .executeTakeFirstOrThrow();
    await record(actor, 'api_key.create', row.id, { name });
    return { ...row, key };
  }

  function list(actor: Actor) {
    return db
      .selectFrom('api_keys')
      .select(keyColumns)
      .where('user_id', '=', actor.userId)
      .where('revoked_at', 'is', null)
      .where('is_legacy_token', '=', false)
      .orderBy('id', 'desc')
      .execute();
  }

  async function revoke(actor: Actor, id: number): Promise<void> {
    const row = await db
      .updateTable('api_keys')
      .set({ revoked_at: new Date() })
      .where('id', '=', id)
      .where('user_id', '=', actor.userId)
      .where('revoked_at', 'is', null)
      .returning('id')
      .executeTakeFirst();
    if (!row) throw new AppError('not_found', `API key ${id} not found`);
    await record(actor, 'api_key.revoke', id);
  }

  /** Label Studio's `GET /api/current-user/token`: the user's legacy token, created on first use. */
  async function legacy(actor: Actor): Promise<string> {
    const existing = await db
      .selectFrom('api_keys')
      .select('id')
      .where('user_id', '=', actor.userId)
      .where('is_legacy_token', '=', true)
      .where('revoked_at', 'is', null)
      .executeTakeFirst();
    if (existing) return legacyToken(deps.secrets.legacyTokenKey, existing.id);
    try {
      return await mintLegacy(actor);
    } catch (err) {
      // Two first requests at once: the unique index lets one create it; the other reads it.
      if ((err as { code?: string }).code !== '23505') throw err;
      return legacy(actor);
    }
  }

  async function mintLegacy(actor: Actor): Promise<string> {
    return db.transaction().execute(async (tx) => {
      // The row id feeds the token, so the row is created first with a placeholder hash, then given its hash.
      const row = await tx
        .insertInto('api_keys')
        .values({
          user_id: actor.userId,
          name: 'Label Studio token',
          prefix: 'legacy',
          key_hash: sha256(`pending:${actor.userId}:${Date.now()}:${Math.random()}`),
          is_legacy_token: true,
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      const token = legacyToken(deps.secrets.legacyTokenKey, row.id);
      await tx
        .updateTable('api_keys')
        .set({ key_hash: sha256(token), prefix: token.slice(0, 6) })
        .where('id', '=', row.id)
        .execute();
      return token;
    });
  }

  /** `POST /api/current-user/reset-token`: the old legacy token stops working at once. */
  async function resetLegacy(actor: Actor): Promise<string> {
    await db
      .updateTable('api_keys')
      .set({ revoked_at: new Date() })
      .where('user_id', '=', actor.userId)
      .where('is_legacy_token', '=', true)
      .where('revoked_at', 'is', null)
      .execute();
    const token = await mintLegacy(actor);
    await record(actor, 'api_key.reset_legacy_token', 0);
    return token;
  }

  return { create, list, revoke, legacy, resetLegacy };
}
