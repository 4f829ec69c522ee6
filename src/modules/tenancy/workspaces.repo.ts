// SQL for workspaces and their members. No access decisions here: the service authorizes first. Every query
// runs inside a unit of work, so row-level security already confines it to the acting organization.
import { sql } from 'kysely';
import type { Tx } from '../../db/scope.ts';
import type { PageRequest } from '../../platform/http/common.schemas.ts';
import { findMember, lockMembers, membersPage } from './group-members.repo.ts';

export interface WorkspaceFields {
  title?: string | undefined;
  description?: string | null | undefined;
  color?: string | null | undefined;
  is_public?: boolean | undefined;
}

export async function insertWorkspace(
  tx: Tx,
  w: { organizationId: number; createdBy: number; title: string } & WorkspaceFields,
) {
  return tx
    .insertInto('workspaces')
    .values({
      organization_id: w.organizationId,
      title: w.title,
      description: w.description ?? null,
      color: w.color ?? null,
      is_public: w.is_public ?? false,
      created_by: w.createdBy,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
}

export async function findWorkspace(tx: Tx, id: number) {
  return tx.selectFrom('workspaces').selectAll().where('id', '=', id).executeTakeFirst();
}

/**
 * One page of the workspaces `userId` may see, oldest first: the ones they are a member of and the public
 * ones; `all` (organization owners and admins) sees every workspace of the organization.
 */
export async function workspacesPage(
  tx: Tx,
  filter: { organizationId: number; userId: number; all: boolean },
  page: PageRequest,
) {
  let q = tx.selectFrom('workspaces as w').where('w.organization_id', '=', filter.organizationId);
  if (!filter.all) {
    const uid = filter.userId;
    q = q.where((eb) =>
      eb.or([
        eb('w.is_public', '=', true),
        eb.exists(
          eb
            .selectFrom('workspace_members as m')
            .select(sql.lit(1).as('one'))
            .whereRef('m.workspace_id', '=', 'w.id')
            .where('m.user_id', '=', uid),
        ),
      ]),
    );
  }
  const { count } = await q.select((eb) => eb.fn.countAll<number>().as('count')).executeTakeFirstOrThrow();
  const rows = await q
    .selectAll('w')
    .orderBy('w.id')
    .limit(page.pageSize)
    .offset((page.page - 1) * page.pageSize)
    .execute();
  return { count: Number(count), rows };
}

/** Project counts of a page of workspaces, in one grouped query (projects_org_workspace_idx). */
export async function projectCounts(tx: Tx, organizationId: number, workspaceIds: number[]) {
  const counts = new Map<number, number>();
  if (workspaceIds.length === 0) return counts;
  const rows = await tx
    .selectFrom('projects')
    .select(['workspace_id', (eb) => eb.fn.countAll<number>().as('n')])
    .where('organization_id', '=', organizationId)
    .where('workspace_id', 'in', workspaceIds)
    .groupBy('workspace_id')
    .execute();
  for (const r of rows) if (r.workspace_id !== null) counts.set(r.workspace_id, Number(r.n));
  return counts;
}

export async function updateWorkspace(tx: Tx, id: number, patch: WorkspaceFields) {
  return tx
    .updateTable('workspaces')
    .set({
      ...(patch.title !== undefined && { title: patch.title }),
      ...(patch.description !== undefined && { description: patch.description }),
      ...(patch.color !== undefined && { color: patch.color }),
      ...(patch.is_public !== undefined && { is_public: patch.is_public }),
      updated_at: sql<Date>`now()`,
    })
    .where('id', '=', id)
    .returningAll()
    .executeTakeFirstOrThrow();
}

export async function deleteWorkspace(tx: Tx, id: number): Promise<void> {
  await tx.deleteFrom('workspaces').where('id', '=', id).execute();
}

export const lockWorkspaceMembers = (tx: Tx, workspaceId: number) =>
  lockMembers(tx, 'workspace', workspaceId);
export const workspaceMembersPage = (tx: Tx, workspaceId: number, page: PageRequest) =>
  membersPage(tx, 'workspace', workspaceId, page);
export const findWorkspaceMember = (tx: Tx, workspaceId: number, userId: number) =>
  findMember(tx, 'workspace', workspaceId, userId);

/** Adds a member; false when the user already is one. */
export async function insertWorkspaceMember(
  tx: Tx,
  m: { organizationId: number; workspaceId: number; userId: number; role: string },
): Promise<boolean> {
  const row = await tx
    .insertInto('workspace_members')
    .values({
      organization_id: m.organizationId,
      workspace_id: m.workspaceId,
      user_id: m.userId,
      role: m.role,
    })
    .onConflict((oc) => oc.columns(['workspace_id', 'user_id']).doNothing())
    .returning('user_id')
    .executeTakeFirst();
  return row !== undefined;
}

export async function setWorkspaceMemberRole(tx: Tx, workspaceId: number, userId: number, role: string) {
  await tx
    .updateTable('workspace_members')
    .set({ role, updated_at: sql<Date>`now()` })
    .where('workspace_id', '=', workspaceId)
    .where('user_id', '=', userId)
    .execute();
}

export async function deleteWorkspaceMember(tx: Tx, workspaceId: number, userId: number): Promise<void> {
  await tx
    .deleteFrom('workspace_members')
    .where('workspace_id', '=', workspaceId)
    .where('user_id', '=', userId)
    .execute();
}
