// SQL for a project's direct members. No access decisions here.
import { sql } from 'kysely';
import type { Tx } from '../../db/scope.ts';
import type { ProjectRole } from '../../platform/access/policy.ts';
import type { PageRequest } from '../../platform/http/common.schemas.ts';

const memberColumns = [
  'm.role',
  'm.created_at',
  'u.id as user_id',
  'u.email',
  'u.username',
  'u.first_name',
  'u.last_name',
] as const;

function memberQuery(tx: Tx) {
  return tx
    .selectFrom('project_members as m')
    .innerJoin('users as u', 'u.id', 'm.user_id')
    .select([...memberColumns]);
}

type MemberRow = Awaited<ReturnType<ReturnType<typeof memberQuery>['executeTakeFirstOrThrow']>>;

export function toMember(r: MemberRow) {
  return {
    user: {
      id: r.user_id,
      email: r.email,
      username: r.username,
      first_name: r.first_name,
      last_name: r.last_name,
    },
    role: r.role as ProjectRole,
    created_at: r.created_at,
  };
}

/** One page of direct members in user id order (the primary key (project_id, user_id) serves it). */
export async function membersPage(tx: Tx, projectId: number, page: PageRequest) {
  const { count } = await tx
    .selectFrom('project_members')
    .select((eb) => eb.fn.countAll<number>().as('count'))
    .where('project_id', '=', projectId)
    .executeTakeFirstOrThrow();
  const rows = await memberQuery(tx)
    .where('m.project_id', '=', projectId)
    .orderBy('m.user_id')
    .limit(page.pageSize)
    .offset((page.page - 1) * page.pageSize)
    .execute();
  return { count: Number(count), results: rows.map(toMember) };
}

export async function findMember(tx: Tx, projectId: number, userId: number) {
  const row = await memberQuery(tx)
    .where('m.project_id', '=', projectId)
    .where('m.user_id', '=', userId)
    .executeTakeFirst();
  return row ? toMember(row) : undefined;
}

export async function isOrganizationMember(tx: Tx, organizationId: number, userId: number) {
  const row = await tx
    .selectFrom('organization_members')
    .select('user_id')
    .where('organization_id', '=', organizationId)
    .where('user_id', '=', userId)
    .executeTakeFirst();
  return row !== undefined;
}

/** Adds a member; false when they already are one (nothing changed). */
export async function insertMember(
  tx: Tx,
  organizationId: number,
  projectId: number,
  userId: number,
  role: ProjectRole,
): Promise<boolean> {
  const row = await tx
    .insertInto('project_members')
    .values({ organization_id: organizationId, project_id: projectId, user_id: userId, role })
    .onConflict((oc) => oc.columns(['project_id', 'user_id']).doNothing())
    .returning('user_id')
    .executeTakeFirst();
  return row !== undefined;
}

/**
 * Locks every direct member row of the project and returns them: the owner count read here cannot change
 * until the unit of work ends, so two concurrent demotions cannot both leave "another owner" behind.
 */
export async function lockMembers(tx: Tx, projectId: number) {
  return tx
    .selectFrom('project_members')
    .select(['user_id', 'role'])
    .where('project_id', '=', projectId)
    .orderBy('user_id')
    .forUpdate()
    .execute();
}

export async function setMemberRole(tx: Tx, projectId: number, userId: number, role: ProjectRole) {
  await tx
    .updateTable('project_members')
    .set({ role, updated_at: sql<Date>`now()` })
    .where('project_id', '=', projectId)
    .where('user_id', '=', userId)
    .execute();
}

export async function deleteMember(tx: Tx, projectId: number, userId: number) {
  await tx
    .deleteFrom('project_members')
    .where('project_id', '=', projectId)
    .where('user_id', '=', userId)
    .execute();
}
