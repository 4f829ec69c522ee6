// The signed-in user's own account, and user administration for superusers and staff.
import type { Kysely } from 'kysely';
import { inScope } from '../../db/scope.ts';
import type { DB } from '../../db/types.ts';
import type { Actor } from '../../platform/auth/actor.ts';
import { hashPassword, verifyPassword } from '../../platform/auth/passwords.ts';
import type { Deps } from '../../platform/deps.ts';
import { AppError } from '../../platform/errors.ts';
import type { PageRequest } from '../../platform/http/common.schemas.ts';
import type { AuthService } from './auth.service.ts';
import { assertPasswordRules } from './auth.service.ts';
import { revokeAllSessions } from './tokens.repo.ts';
import { findUserById, toUser } from './users.repo.ts';

export interface MeUpdate {
  first_name?: string | null;
  last_name?: string | null;
  avatar?: string | null;
  country?: string | null;
  profession?: string | null;
  active_organization?: number;
}

async function isMember(db: Kysely<DB>, userId: number, organizationId: number): Promise<boolean> {
  // organization_members is under RLS; a user may see their own memberships without a tenant set.
  const row = await inScope(db, { organizationId: null, userId }, (tx) =>
    tx
      .selectFrom('organization_members')
      .select('user_id')
      .where('user_id', '=', userId)
      .where('organization_id', '=', organizationId)
      .executeTakeFirst(),
  );
  return row !== undefined;
}

export function createUsersService(deps: Pick<Deps, 'database'>, auth: AuthService) {
  const db = deps.database.db;

  async function me(actor: Actor) {
    const user = await findUserById(db, actor.userId);
    if (!user) throw new AppError('unauthorized', 'authentication required');
    return toUser(user);
  }

  async function updateMe(actor: Actor, patch: MeUpdate) {
    if (
      patch.active_organization !== undefined &&
      !(await isMember(db, actor.userId, patch.active_organization))
    ) {
      throw new AppError('not_found', `organization ${patch.active_organization} not found`);
    }
    const row = await db
      .updateTable('users')
      .set({
        ...(patch.first_name !== undefined && { first_name: patch.first_name }),
        ...(patch.last_name !== undefined && { last_name: patch.last_name }),
        ...(patch.avatar !== undefined && { avatar_url: patch.avatar }),
        ...(patch.country !== undefined && { country: patch.country }),
        ...(patch.profession !== undefined && { profession: patch.profession }),
        ...(patch.active_organization !== undefined && { active_organization_id: patch.active_organization }),
        updated_at: new Date(),
      })
      .where('id', '=', actor.userId)
      .returningAll()
      .executeTakeFirstOrThrow();
    return toUser(row);
  }

  async function changePassword(actor: Actor, current: string, next: string): Promise<void> {
    const user = await findUserById(db, actor.userId);
    if (!user) throw new AppError('unauthorized', 'authentication required');
    if (!(await verifyPassword(user.password_hash, current)).ok) {
      throw new AppError('validation_failed', 'current_password is wrong', [
        { in: 'body', field: 'current_password', message: 'is wrong' },
      ]);
    }
    assertPasswordRules(next, 'new_password');
    await db
      .updateTable('users')
      .set({ password_hash: await hashPassword(next) })
      .where('id', '=', user.id)
      .execute();
    await revokeAllSessions(db, user.id);
    await auth.auditFor(user, 'password.change', { ip: actor.ip, userAgent: actor.userAgent });
  }

  function requireAdmin(actor: Actor): void {
    if (!actor.isSuperuser && !actor.isStaff)
      throw new AppError('forbidden', 'only administrators manage users');
  }

  async function list(actor: Actor, search: string | undefined, page: PageRequest) {
    requireAdmin(actor);
    let q = db.selectFrom('users');
    if (search) {
      const like = `%${search.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
      q = q.where((eb) =>
        eb.or([
          eb(eb.fn('lower', ['email']), 'like', like),
          eb(eb.fn('lower', ['username']), 'like', like),
          eb(eb.fn('lower', ['first_name']), 'like', like),
          eb(eb.fn('lower', ['last_name']), 'like', like),
        ]),
      );
    }
    const [{ count }] = [
      await q.select((eb) => eb.fn.countAll<number>().as('count')).executeTakeFirstOrThrow(),
    ];
    const rows = await q
      .selectAll()
      .orderBy('id')
      .limit(page.pageSize)
      .offset((page.page - 1) * page.pageSize)
      .execute();
    return { count: Number(count), results: rows.map(toUser) };
  }

  async function setFlags(
    actor: Actor,
    userId: number,
    flags: { is_approved?: boolean; is_active?: boolean },
  ) {
    requireAdmin(actor);
    if (userId === actor.userId && flags.is_active === false) {
      throw new AppError('conflict', 'you cannot deactivate your own account');
    }
    const row = await db
      .updateTable('users')
      .set({ ...flags, updated_at: new Date() })
      .where('id', '=', userId)
      .returningAll()
      .executeTakeFirst();
    if (!row) throw new AppError('not_found', `user ${userId} not found`);
    if (flags.is_active === false) await revokeAllSessions(db, userId);
    return toUser(row);
  }

  return {
    me,
    updateMe,
    changePassword,
    list,
    approve: (actor: Actor, id: number) => setFlags(actor, id, { is_approved: true }),
    deactivate: (actor: Actor, id: number) => setFlags(actor, id, { is_active: false }),
    reactivate: (actor: Actor, id: number) => setFlags(actor, id, { is_active: true }),
  };
}
