// Refresh-token families (rotation with reuse detection) and single-use tokens (email confirmation, password
// reset, magic links, invitations). Only SHA-256 hashes of the secrets are stored.
import { randomUUID } from 'node:crypto';
import { type Kysely, sql } from 'kysely';
import type { DB } from '../../db/types.ts';
import { randomToken, sha256 } from '../../platform/auth/tokens.ts';
import { AppError } from '../../platform/errors.ts';

/** A used refresh token presented again within this many seconds is a benign race (two tabs), not theft. */
export const REUSE_GRACE_SECONDS = 10;

export interface ClientInfo {
  ip: string | null;
  userAgent: string | null;
}

export async function insertRefreshToken(
  db: Kysely<DB>,
  userId: number,
  ttlSeconds: number,
  client: ClientInfo,
  family: { familyId: string; parentId: number } | null = null,
): Promise<string> {
  const token = randomToken(32);
  await db
    .insertInto('refresh_tokens')
    .values({
      user_id: userId,
      token_hash: sha256(token),
      family_id: family?.familyId ?? randomUUID(),
      parent_id: family?.parentId ?? null,
      expires_at: new Date(Date.now() + ttlSeconds * 1000),
      ip: client.ip,
      user_agent: client.userAgent?.slice(0, 512) ?? null,
    })
    .execute();
  return token;
}

export type RotationOutcome =
  | { kind: 'rotated'; userId: number; familyId: string; parentId: number }
  | { kind: 'reused'; userId: number; familyId: string };

/**
 * Marks a refresh token used, atomically. A token already used more than the grace period ago means it was
 * stolen or replayed: the caller revokes the whole family.
 */
export async function useRefreshToken(db: Kysely<DB>, token: string): Promise<RotationOutcome> {
  const hash = sha256(token);
  const claimed = await db
    .updateTable('refresh_tokens')
    .set({ used_at: new Date() })
    .where('token_hash', '=', hash)
    .where('used_at', 'is', null)
    .where('revoked_at', 'is', null)
    .where('expires_at', '>', new Date())
    .returning(['id', 'user_id', 'family_id'])
    .executeTakeFirst();
  if (claimed)
    return { kind: 'rotated', userId: claimed.user_id, familyId: claimed.family_id, parentId: claimed.id };
  const row = await db
    .selectFrom('refresh_tokens')
    .select(['id', 'user_id', 'family_id', 'used_at', 'revoked_at', 'expires_at'])
    .where('token_hash', '=', hash)
    .executeTakeFirst();
  if (!row || row.revoked_at) throw new AppError('unauthorized', 'invalid or revoked refresh token');
  if (row.expires_at.getTime() <= Date.now()) throw new AppError('unauthorized', 'refresh token has expired');
  if (row.used_at && Date.now() - row.used_at.getTime() <= REUSE_GRACE_SECONDS * 1000) {
    return { kind: 'rotated', userId: row.user_id, familyId: row.family_id, parentId: row.id };
  }
  return { kind: 'reused', userId: row.user_id, familyId: row.family_id };
}

export async function revokeFamily(db: Kysely<DB>, familyId: string): Promise<void> {
  await db
    .updateTable('refresh_tokens')
    .set({ revoked_at: new Date() })
    .where('family_id', '=', familyId)
    .where('revoked_at', 'is', null)
    .execute();
}

export async function familyOf(db: Kysely<DB>, token: string) {
  return db
    .selectFrom('refresh_tokens')
    .select(['user_id', 'family_id'])
    .where('token_hash', '=', sha256(token))
    .executeTakeFirst();
}

/** Signs the user out everywhere: every refresh token revoked, every access token issued before now refused. */
export async function revokeAllSessions(db: Kysely<DB>, userId: number): Promise<void> {
  await db
    .updateTable('refresh_tokens')
    .set({ revoked_at: new Date() })
    .where('user_id', '=', userId)
    .where('revoked_at', 'is', null)
    .execute();
  await db.updateTable('users').set({ sessions_valid_after: sql`now()` }).where('id', '=', userId).execute();
}

export type SingleUsePurpose = 'email_confirmation' | 'password_reset' | 'magic_link' | 'invitation';

export async function createSingleUseToken(
  db: Kysely<DB>,
  purpose: SingleUsePurpose,
  userId: number | null,
  ttlSeconds: number,
  payload: Record<string, unknown> = {},
): Promise<{ id: number; token: string }> {
  const token = randomToken(32);
  const row = await db
    .insertInto('single_use_tokens')
    .values({
      purpose,
      user_id: userId,
      token_hash: sha256(token),
      payload: JSON.stringify(payload),
      expires_at: new Date(Date.now() + ttlSeconds * 1000),
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return { id: row.id, token };
}

/** Consumes a token in one statement: of two concurrent uses exactly one succeeds. */
export async function consumeSingleUseToken(db: Kysely<DB>, token: string, purpose: SingleUsePurpose) {
  const row = await db
    .updateTable('single_use_tokens')
    .set({ consumed_at: new Date() })
    .where('token_hash', '=', sha256(token))
    .where('purpose', '=', purpose)
    .where('consumed_at', 'is', null)
    .where('expires_at', '>', new Date())
    .returning(['id', 'user_id', 'payload'])
    .executeTakeFirst();
  if (!row) throw new AppError('invalid_token', 'this link is invalid, already used or expired');
  return row;
}
