// SQL for teams and their members. No access decisions here: the service authorizes first. Every query runs
// inside a unit of work, so row-level security already confines it to the acting organization.
import { sql } from 'kysely';
import type { Tx } from '../../db/scope.ts';
import type { PageRequest } from '../../platform/http/common.schemas.ts';
import { findMember, lockMembers, membersPage, toMember } from './group-members.repo.ts';

export interface NewTeam {
  organizationId: number;
  name: string;
  description: string | null;
  createdBy: number;
}

export async function insertTeam(tx: Tx, team: NewTeam) {
  return tx
    .insertInto('teams')
    .values({
      organization_id: team.organizationId,
      name: team.name,
      description: team.description,
      created_by: team.createdBy,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
}

export async function findTeam(tx: Tx, id: number) {
  return tx.selectFrom('teams').selectAll().where('id', '=', id).executeTakeFirst();
}

export interface TeamFilter {
  organizationId: number;
  /** Only teams this user is a member of; null: every team of the organization. */
  memberId: number | null;
  search?: string | undefined;
}

/** One page of teams, oldest first, and the number of all that match. */
export async function teamsPage(tx: Tx, filter: TeamFilter, page: PageRequest) {
  let q = tx.selectFrom('teams as t').where('t.organization_id', '=', filter.organizationId);
  if (filter.memberId !== null) {
    const uid = filter.memberId;
    q = q.where(({ exists, selectFrom }) =>
      exists(
        selectFrom('team_members as m')
          .select(sql.lit(1).as('one'))
          .whereRef('m.team_id', '=', 't.id')
          .where('m.user_id', '=', uid),
      ),
    );
  }
  if (filter.search) q = q.where('t.name', 'ilike', `%${escapeLike(filter.search)}%`);
  const { count } = await q.select((eb) => eb.fn.countAll<number>().as('count')).executeTakeFirstOrThrow();
  const rows = await q
    .selectAll('t')
    .orderBy('t.id')
    .limit(page.pageSize)
    .offset((page.page - 1) * page.pageSize)
    .execute();
  return { count: Number(count), rows };
}

/** LIKE wildcards in a search term match themselves. */
export function escapeLike(term: string): string {
  return term.replace(/[\\%_]/g, (c) => `\\${c}`);
}

/** Member counts of a page of teams, in one grouped query. */
export async function memberCounts(tx: Tx, organizationId: number, teamIds: number[]) {
  const counts = new Map<number, number>();
  if (teamIds.length === 0) return counts;
  const rows = await tx
    .selectFrom('team_members')
    .select(['team_id', (eb) => eb.fn.countAll<number>().as('n')])
    .where('organization_id', '=', organizationId)
    .where('team_id', 'in', teamIds)
    .groupBy('team_id')
    .execute();
  for (const r of rows) counts.set(r.team_id, Number(r.n));
  return counts;
}

export async function updateTeam(
  tx: Tx,
  id: number,
  patch: { name?: string | undefined; description?: string | null | undefined },
) {
  return tx
    .updateTable('teams')
    .set({
      ...(patch.name !== undefined && { name: patch.name }),
      ...(patch.description !== undefined && { description: patch.description }),
      updated_at: sql<Date>`now()`,
    })
    .where('id', '=', id)
    .returningAll()
    .executeTakeFirstOrThrow();
}

export async function deleteTeam(tx: Tx, id: number): Promise<void> {
  await tx.deleteFrom('teams').where('id', '=', id).execute();
}

export const lockTeamMembers = (tx: Tx, teamId: number) => lockMembers(tx, 'team', teamId);
export const teamMembersPage = (tx: Tx, teamId: number, page: PageRequest) =>
  membersPage(tx, 'team', teamId, page);
export const findTeamMember = (tx: Tx, teamId: number, userId: number) =>
  findMember(tx, 'team', teamId, userId);
export { toMember };

/** Adds a member; false when the user already is one. */
export async function insertTeamMember(
  tx: Tx,
  m: { organizationId: number; teamId: number; userId: number; role: string },
): Promise<boolean> {
  const row = await tx
    .insertInto('team_members')
    .values({ organization_id: m.organizationId, team_id: m.teamId, user_id: m.userId, role: m.role })
    .onConflict((oc) => oc.columns(['team_id', 'user_id']).doNothing())
    .returning('user_id')
    .executeTakeFirst();
  return row !== undefined;
}

export async function setTeamMemberRole(tx: Tx, teamId: number, userId: number, role: string) {
  await tx
    .updateTable('team_members')
    .set({ role, updated_at: sql<Date>`now()` })
    .where('team_id', '=', teamId)
    .where('user_id', '=', userId)
    .execute();
}

export async function deleteTeamMember(tx: Tx, teamId: number, userId: number): Promise<void> {
  await tx.deleteFrom('team_members').where('team_id', '=', teamId).where('user_id', '=', userId).execute();
}

/** Whether `userId` belongs to the acting organization (only its members may join its teams). */
export async function isOrganizationMember(tx: Tx, organizationId: number, userId: number) {
  const row = await tx
    .selectFrom('organization_members')
    .select('user_id')
    .where('organization_id', '=', organizationId)
    .where('user_id', '=', userId)
    .executeTakeFirst();
  return row !== undefined;
}
