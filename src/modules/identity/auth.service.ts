// Sign-up, login, token refresh and sign-out. Passwords are argon2id; sessions are a short-lived JWT plus a
// rotating refresh token whose reuse after the grace period revokes its whole family.
import { sql } from 'kysely';
import { inScope } from '../../db/scope.ts';
import { audit } from '../../platform/audit.ts';
import type { Actor } from '../../platform/auth/actor.ts';
import {
  burnPasswordCheck,
  hashPassword,
  passwordProblems,
  verifyPassword,
} from '../../platform/auth/passwords.ts';
import { signAccessToken } from '../../platform/auth/tokens.ts';
import type { Deps } from '../../platform/deps.ts';
import { AppError } from '../../platform/errors.ts';
import { hit } from '../../platform/rate-limit.ts';
import { insertOrganizationWithOwner, slugify } from '../tenancy/index.ts';
import {
  type ClientInfo,
  familyOf,
  insertRefreshToken,
  revokeAllSessions,
  revokeFamily,
  useRefreshToken,
} from './tokens.repo.ts';
import { findUserById, findUserByLogin, toUser, type UserRow } from './users.repo.ts';

export interface SignupInput {
  email: string;
  username: string;
  password: string;
  first_name?: string;
  last_name?: string;
  invite_token?: string;
}

export type AcceptInvitation = (userId: number, token: string) => Promise<number>;

export function assertPasswordRules(password: string, field = 'password'): void {
  const problems = passwordProblems(password);
  if (problems.length) {
    throw new AppError(
      'validation_failed',
      `${field} ${problems.join('; ')}`,
      problems.map((message) => ({ in: 'body', field, message })),
    );
  }
}

export function createAuthService(deps: Pick<Deps, 'config' | 'database' | 'secrets' | 'mailer'>) {
  const { config, database, secrets } = deps;
  const db = database.db;

  async function issueTokens(
    user: UserRow,
    client: ClientInfo,
    family: { familyId: string; parentId: number } | null,
  ) {
    const refresh_token = await insertRefreshToken(db, user.id, config.REFRESH_TOKEN_TTL_S, client, family);
    const access_token = await signAccessToken(secrets.jwtKey, user.id, config.ACCESS_TOKEN_TTL_S);
    return {
      access_token,
      refresh_token,
      token_type: 'bearer' as const,
      expires_in: config.ACCESS_TOKEN_TTL_S,
      user: toUser(user),
    };
  }

  async function auditFor(
    user: UserRow,
    action: string,
    client: ClientInfo,
    details: Record<string, unknown> = {},
  ) {
    const org = user.active_organization_id;
    if (org === null) return;
    await inScope(db, { organizationId: org, userId: user.id }, (tx) =>
      audit(tx, {
        organizationId: org,
        actorUserId: user.id,
        authMethod: 'session',
        action,
        targetType: 'user',
        targetId: user.id,
        ip: client.ip,
        userAgent: client.userAgent,
        details,
      }),
    );
  }

  async function signup(input: SignupInput, client: ClientInfo, acceptInvitation?: AcceptInvitation) {
    assertPasswordRules(input.password);
    const passwordHash = await hashPassword(input.password);
    const user = await inScope(db, { organizationId: null, userId: null }, async (tx) => {
      // Serialises sign-ups so that exactly one first user becomes the superuser.
      await sql`SELECT pg_advisory_xact_lock(hashtext('groundtruth.signup'))`.execute(tx);
      const first =
        (await tx
          .selectFrom('users')
          .select('id')
          .where('is_bot', '=', false)
          .limit(1)
          .executeTakeFirst()) === undefined;
      if (!first && config.SIGNUP === 'closed')
        throw new AppError('forbidden', 'sign-up is closed on this instance');
      if (!first && config.SIGNUP === 'invite' && !input.invite_token) {
        throw new AppError('forbidden', 'sign-up needs an invitation on this instance (invite_token)');
      }
      const taken = await tx
        .selectFrom('users')
        .select(['email', 'username'])
        .where((eb) =>
          eb.or([
            eb(eb.fn('lower', ['email']), '=', input.email.toLowerCase()),
            eb(eb.fn('lower', ['username']), '=', input.username.toLowerCase()),
          ]),
        )
        .executeTakeFirst();
      if (taken) {
        const field = taken.username.toLowerCase() === input.username.toLowerCase() ? 'username' : 'email';
        throw new AppError('conflict', `this ${field} is already registered`, [
          { in: 'body', field, message: 'is taken' },
        ]);
      }
      const created = await tx
        .insertInto('users')
        .values({
          email: input.email,
          username: input.username,
          password_hash: passwordHash,
          first_name: input.first_name ?? null,
          last_name: input.last_name ?? null,
          is_superuser: first,
          is_staff: first,
          is_approved: first || !config.APPROVAL_REQUIRED,
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      await sql`SELECT set_config('app.user_id', ${String(created.id)}, true)`.execute(tx);
      const org = await insertOrganizationWithOwner(tx, {
        name: `${input.username}'s organization`,
        slug: `${slugify(input.username)}-${created.id}`,
        createdBy: created.id,
        isPersonal: true,
      });
      const row = await tx
        .updateTable('users')
        .set({ active_organization_id: org.id })
        .where('id', '=', created.id)
        .returningAll()
        .executeTakeFirstOrThrow();
      await audit(tx, {
        organizationId: org.id,
        actorUserId: created.id,
        authMethod: 'public',
        action: 'user.signup',
        targetType: 'user',
        targetId: created.id,
        ip: client.ip,
        userAgent: client.userAgent,
        details: { superuser: first },
      });
      return row;
    });
    let current = user;
    if (input.invite_token && acceptInvitation) {
      await acceptInvitation(user.id, input.invite_token);
      current = (await findUserById(db, user.id)) ?? user;
    }
    return issueTokens(current, client, null);
  }

  async function login(loginName: string, password: string, client: ClientInfo) {
    await hit(database, `login:ip:${client.ip ?? 'unknown'}`, config.LOGIN_RATE_LIMIT, 60);
    await hit(database, `login:account:${loginName.toLowerCase()}`, config.LOGIN_RATE_LIMIT, 60);
    const user = await findUserByLogin(db, loginName);
    if (!user) {
      await burnPasswordCheck(password);
      throw new AppError('unauthorized', 'wrong login or password');
    }
    const check = await verifyPassword(user.password_hash, password);
    if (!check.ok) {
      await auditFor(user, 'session.login_failed', client);
      throw new AppError('unauthorized', 'wrong login or password');
    }
    if (!user.is_active) throw new AppError('unauthorized', 'this account is deactivated');
    const updates: { last_login: Date; password_hash?: string } = { last_login: new Date() };
    if (check.needsRehash) updates.password_hash = await hashPassword(password);
    const fresh = await db
      .updateTable('users')
      .set(updates)
      .where('id', '=', user.id)
      .returningAll()
      .executeTakeFirstOrThrow();
    await auditFor(fresh, 'session.login', client, check.needsRehash ? { rehashed: true } : {});
    return issueTokens(fresh, client, null);
  }

  async function refresh(token: string, client: ClientInfo) {
    const outcome = await useRefreshToken(db, token);
    const user = await findUserById(db, outcome.userId);
    if (!user) throw new AppError('unauthorized', 'invalid or revoked refresh token');
    if (outcome.kind === 'reused') {
      await revokeFamily(db, outcome.familyId);
      await auditFor(user, 'session.reuse_detected', client, { family_id: outcome.familyId });
      throw new AppError(
        'token_reused',
        'this refresh token was already used; the session has been signed out',
      );
    }
    if (!user.is_active) throw new AppError('unauthorized', 'this account is deactivated');
    return issueTokens(user, client, { familyId: outcome.familyId, parentId: outcome.parentId });
  }

  async function logout(token: string, client: ClientInfo) {
    const family = await familyOf(db, token);
    if (!family) return;
    await revokeFamily(db, family.family_id);
    const user = await findUserById(db, family.user_id);
    if (user) await auditFor(user, 'session.logout', client);
  }

  async function logoutAll(actor: Actor) {
    await revokeAllSessions(db, actor.userId);
    const user = await findUserById(db, actor.userId);
    if (user) await auditFor(user, 'session.logout_all', { ip: actor.ip, userAgent: actor.userAgent });
  }

  return { signup, login, refresh, logout, logoutAll, issueTokens, auditFor };
}

export type AuthService = ReturnType<typeof createAuthService>;
