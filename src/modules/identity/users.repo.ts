// SQL for users. Users are per person (not tenant rows): no organization scope is needed to read them.
import type { Kysely, Selectable } from 'kysely';
import type { DB, Users } from '../../db/types.ts';

export type UserRow = Selectable<Users>;

export function toUser(u: UserRow) {
  return {
    id: u.id,
    email: u.email,
    username: u.username,
    first_name: u.first_name,
    last_name: u.last_name,
    avatar: u.avatar_url,
    country: u.country,
    profession: u.profession,
    is_active: u.is_active,
    is_approved: u.is_approved,
    is_email_confirmed: u.is_email_confirmed,
    is_superuser: u.is_superuser,
    is_staff: u.is_staff,
    active_organization: u.active_organization_id,
    last_login: u.last_login,
    created_at: u.created_at,
  };
}

export type UserOut = ReturnType<typeof toUser>;

export function findUserById(db: Kysely<DB>, id: number): Promise<UserRow | undefined> {
  return db.selectFrom('users').selectAll().where('id', '=', id).executeTakeFirst();
}

/** By email or username, case-insensitively (both have unique lower() indexes). */
export function findUserByLogin(db: Kysely<DB>, login: string): Promise<UserRow | undefined> {
  const l = login.toLowerCase();
  return db
    .selectFrom('users')
    .selectAll()
    .where((eb) => eb.or([eb(eb.fn('lower', ['email']), '=', l), eb(eb.fn('lower', ['username']), '=', l)]))
    .executeTakeFirst();
}

export function findUserByEmail(db: Kysely<DB>, email: string): Promise<UserRow | undefined> {
  return db
    .selectFrom('users')
    .selectAll()
    .where((eb) => eb(eb.fn('lower', ['email']), '=', email.toLowerCase()))
    .executeTakeFirst();
}
