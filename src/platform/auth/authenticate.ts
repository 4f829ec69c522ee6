// Turns request credentials into an Actor. Accepted everywhere: `Authorization: Bearer <jwt or api key>`,
// `Authorization: Token <api key>` (Label Studio clients), `X-API-KEY: <api key>` (D2S clients), and the web
// UI's access-token cookie (with a CSRF header on writes). API keys are looked up by SHA-256 hash (no argon2
// on this path). Lookups are cached in process under the database's change generations
// (src/platform/cache): revoking a key or changing an account drops them in this process before the change
// returns, and in other processes when its NOTIFY arrives.
import type { FastifyRequest } from 'fastify';
import { sql } from 'kysely';
import type { Config } from '../../config.ts';
import type { Database } from '../../db/database.ts';
import { createRoleMemo } from '../access/role-memo.ts';
import type { Generations } from '../cache/generations.ts';
import { createReadCache } from '../cache/read-cache.ts';
import { AppError } from '../errors.ts';
import type { Secrets } from '../secrets.ts';
import type { Actor, AuthMethod } from './actor.ts';
import { cookiesOf } from './plugin.ts';
import { type AccessClaims, looksLikeJwt, safeEqual, sha256, verifyAccessToken } from './tokens.ts';

export const ACCESS_COOKIE = 'gt_access';
export const REFRESH_COOKIE = 'gt_refresh';
export const CSRF_COOKIE = 'gt_csrf';
export const CSRF_HEADER = 'x-csrf-token';

interface UserRow {
  id: number;
  is_active: boolean;
  is_superuser: boolean;
  is_staff: boolean;
  is_approved: boolean;
  active_organization_id: number | null;
  sessions_valid_after: Date | null;
}

interface KeyEntry {
  user: UserRow;
  keyId: number;
  expiresAt: number | null;
  lastUsedAt: number | null;
}

const CACHED_PRINCIPALS = 10_000;

export interface Authenticator {
  (request: FastifyRequest): Promise<Actor | null>;
  /**
   * The actor when it is known without waiting (an API key whose lookup is cached), else undefined: the
   * read cache answers such requests without a promise in sight. Throws what the full path would throw.
   */
  known(request: FastifyRequest): Actor | undefined;
}

function organizationFrom(request: FastifyRequest, user: UserRow): number | null {
  const header = request.headers['x-organization-id'];
  if (header === undefined) return user.active_organization_id;
  const value = Array.isArray(header) ? header[0] : header;
  if (!value || !/^[1-9][0-9]{0,15}$/.test(value)) {
    throw new AppError('bad_request', 'X-Organization-Id must be a positive integer organization id');
  }
  return Number(value);
}

export function createAuthenticator({
  database,
  secrets,
  generations,
}: {
  database: Database;
  secrets: Secrets;
  config: Config;
  generations: Generations;
}): Authenticator {
  const db = database.db;
  const keys = createReadCache<KeyEntry>(generations, CACHED_PRINCIPALS);
  const users = createReadCache<UserRow>(generations, CACHED_PRINCIPALS);
  const roles = createRoleMemo(generations);

  function actorFor(
    request: FastifyRequest,
    user: UserRow,
    method: AuthMethod,
    apiKeyId: number | null,
  ): Actor {
    if (!user.is_active) throw new AppError('unauthorized', 'this account is deactivated');
    return {
      userId: user.id,
      organizationId: organizationFrom(request, user),
      isSuperuser: user.is_superuser,
      isStaff: user.is_staff,
      isApproved: user.is_approved,
      authMethod: method,
      apiKeyId,
      ip: request.ip,
      userAgent: request.headers['user-agent']?.slice(0, 512) ?? null,
      roles,
    };
  }

  async function lookUpKey(hash: string): Promise<KeyEntry> {
    const stamp = generations.stamp(null, null);
    const row = await db
      .selectFrom('api_keys as k')
      .innerJoin('users as u', 'u.id', 'k.user_id')
      .select([
        'u.id',
        'u.is_active',
        'u.is_superuser',
        'u.is_staff',
        'u.is_approved',
        'u.active_organization_id',
        'u.sessions_valid_after',
        'k.id as key_id',
        'k.last_used_at',
        'k.expires_at',
        'k.revoked_at',
      ])
      .where('k.key_hash', '=', hash)
      .executeTakeFirst();
    if (!row || row.revoked_at) throw new AppError('unauthorized', 'invalid API key');
    const { key_id, last_used_at, expires_at, revoked_at: _, ...user } = row;
    const entry = {
      user,
      keyId: key_id,
      expiresAt: expires_at?.getTime() ?? null,
      lastUsedAt: last_used_at?.getTime() ?? null,
    };
    keys.set(hash, entry, stamp);
    return entry;
  }

  function keyActor(request: FastifyRequest, entry: KeyEntry): Actor {
    const now = Date.now();
    if (entry.expiresAt !== null && entry.expiresAt <= now)
      throw new AppError('unauthorized', 'API key has expired');
    if (entry.lastUsedAt === null || now - entry.lastUsedAt > 60_000) {
      // At most about once a minute per key; not awaited, and a lost update only delays the timestamp.
      entry.lastUsedAt = now;
      void sql`UPDATE api_keys SET last_used_at = now()
        WHERE id = ${entry.keyId} AND (last_used_at IS NULL OR last_used_at < now() - interval '1 minute')`
        .execute(db)
        .catch((err: Error) => request.log.warn({ err: err.message }, 'could not record API key use'));
    }
    return actorFor(request, entry.user, 'api_key', entry.keyId);
  }

  async function fromApiKey(request: FastifyRequest, key: string): Promise<Actor> {
    const hash = sha256(key);
    return keyActor(request, keys.get(hash) ?? (await lookUpKey(hash)));
  }

  async function lookUpUser(id: number): Promise<UserRow | undefined> {
    const cached = users.get(String(id));
    if (cached) return cached;
    const stamp = generations.stamp(null, null);
    const user = await db
      .selectFrom('users')
      .select([
        'id',
        'is_active',
        'is_superuser',
        'is_staff',
        'is_approved',
        'active_organization_id',
        'sessions_valid_after',
      ])
      .where('id', '=', id)
      .executeTakeFirst();
    if (user) users.set(String(id), user, stamp);
    return user;
  }

  // Access tokens already verified, until they expire: a signature check is a round trip to the crypto
  // thread pool per request. Sign-outs are still seen at once (sessions_valid_after, checked on every use).
  const verified = new Map<string, AccessClaims>();
  async function verify(token: string): Promise<AccessClaims> {
    const known = verified.get(token);
    if (known && known.expiresAt * 1000 > Date.now()) return known;
    if (known) verified.delete(token);
    const claims = await verifyAccessToken(secrets.jwtKey, token);
    if (verified.size >= CACHED_PRINCIPALS) {
      const oldest = verified.keys().next().value;
      if (oldest !== undefined) verified.delete(oldest);
    }
    verified.set(token, claims);
    return claims;
  }

  async function fromJwt(request: FastifyRequest, token: string, method: AuthMethod): Promise<Actor> {
    const claims = await verify(token);
    const user = await lookUpUser(claims.userId);
    if (!user) throw new AppError('unauthorized', 'invalid access token');
    if (user.sessions_valid_after && claims.issuedAt * 1000 < user.sessions_valid_after.getTime() - 999) {
      throw new AppError('unauthorized', 'this session has been signed out');
    }
    return actorFor(request, user, method, null);
  }

  /** The API key the request presents, null when it presents other credentials or none. */
  function apiKeyOf(request: FastifyRequest): string | null {
    const header = request.headers.authorization;
    if (header) {
      const [scheme, value, extra] = header.trim().split(/\s+/);
      if (!value || extra !== undefined) throw new AppError('unauthorized', 'malformed Authorization header');
      const kind = scheme?.toLowerCase();
      if (kind === 'token' || (kind === 'bearer' && !looksLikeJwt(value))) return value;
      if (kind === 'bearer') return null;
      throw new AppError('unauthorized', 'Authorization must be "Bearer <token>" or "Token <api key>"');
    }
    const apiKey = request.headers['x-api-key'];
    return typeof apiKey === 'string' && apiKey ? apiKey : null;
  }

  async function authenticate(request: FastifyRequest): Promise<Actor | null> {
    const key = apiKeyOf(request);
    if (key) return fromApiKey(request, key);
    const header = request.headers.authorization;
    if (header) return fromJwt(request, header.trim().split(/\s+/)[1]!, 'jwt');
    const cookies = cookiesOf(request);
    const cookie = cookies[ACCESS_COOKIE];
    if (cookie) {
      if (!['GET', 'HEAD', 'OPTIONS'].includes(request.method)) {
        const sent = request.headers[CSRF_HEADER];
        const expected = cookies[CSRF_COOKIE];
        if (typeof sent !== 'string' || !expected || !safeEqual(sent, expected)) {
          throw new AppError(
            'forbidden',
            'missing or wrong X-CSRF-Token header for a cookie-authenticated write',
          );
        }
      }
      return fromJwt(request, cookie, 'cookie');
    }
    return null;
  }

  function known(request: FastifyRequest): Actor | undefined {
    const key = apiKeyOf(request);
    const entry = key ? keys.get(sha256(key)) : undefined;
    return entry ? keyActor(request, entry) : undefined;
  }

  return Object.assign(authenticate, { known });
}
