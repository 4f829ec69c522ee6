// Member rows of a group (team or workspace) joined to their users: one implementation for both tables.
import type { Tx } from '../../db/scope.ts';
import type { PageRequest } from '../../platform/http/common.schemas.ts';

export const groupTables = {
  team: { table: 'team_members', key: 'team_id' },
  workspace: { table: 'workspace_members', key: 'workspace_id' },
} as const;
export type GroupKind = keyof typeof groupTables;

export const memberColumns = [
  'm.role',
  'm.created_at',
  'u.id as user_id',
  'u.email',
  'u.username',
  'u.first_name',
  'u.last_name',
] as const;

export interface MemberRow {
  role: string;
  created_at: Date;
  user_id: number;
  email: string;
  username: string;
  first_name: string | null;
  last_name: string | null;
}

/** The API shape of a member: Label Studio's `{user: {...}, role, created_at}`. */
export function toMember<R extends string>(r: MemberRow) {
  return {
    user: {
      id: r.user_id,
      email: r.email,
      username: r.username,
      first_name: r.first_name,
      last_name: r.last_name,
    },
    role: r.role as R,
    created_at: r.created_at,
  };
}

// The two member tables have the same columns but different key names, which Kysely cannot type as one.
function members(tx: Tx, kind: GroupKind, groupId: number) {
  const { table, key } = groupTables[kind];
  return (tx as Tx)
    .selectFrom(`${table} as m` as 'team_members as m')
    .where(`m.${key}` as 'm.team_id', '=', groupId);
}

export async function membersPage(tx: Tx, kind: GroupKind, groupId: number, page: PageRequest) {
  const q = members(tx, kind, groupId);
  const { count } = await q.select((eb) => eb.fn.countAll<number>().as('count')).executeTakeFirstOrThrow();
  const rows = await q
    .innerJoin('users as u', 'u.id', 'm.user_id')
    .select(memberColumns)
    .orderBy('m.user_id')
    .limit(page.pageSize)
    .offset((page.page - 1) * page.pageSize)
    .execute();
  return { count: Number(count), rows: rows as MemberRow[] };
}

export async function findMember(tx: Tx, kind: GroupKind, groupId: number, userId: number) {
  const row = await members(tx, kind, groupId)
    .innerJoin('users as u', 'u.id', 'm.user_id')
    .select(memberColumns)
    .where('m.user_id', '=', userId)
    .executeTakeFirst();
  return row as MemberRow | undefined;
}

/**
 * Locks the group's member rows until the transaction ends and returns them, so a decision such as "is this
 * the last owner" cannot be invalidated by a concurrent change. Locked in user order to avoid deadlocks.
 */
export function lockMembers(tx: Tx, kind: GroupKind, groupId: number) {
  return members(tx, kind, groupId)
    .select(['m.user_id', 'm.role'])
    .orderBy('m.user_id')
    .forUpdate()
    .execute();
}
