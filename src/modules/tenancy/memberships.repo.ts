// SQL for the members of one organization. No access decisions here.
import { sql } from 'kysely';
import type { Tx } from '../../db/scope.ts';
import type { PageRequest } from '../../platform/http/common.schemas.ts';

function membersQuery(tx: Tx, organizationId: number) {
  return tx
    .selectFrom('organization_members as m')
    .innerJoin('users as u', 'u.id', 'm.user_id')
    .select([
      'm.user_id',
      'm.role',
      'm.created_at',
      'u.email',
      'u.username',
      'u.first_name',
      'u.last_name',
      'u.avatar_url',
    ])
    .where('m.organization_id', '=', organizationId);
}

type MemberRow = Awaited<ReturnType<ReturnType<typeof membersQuery>['executeTakeFirstOrThrow']>>;

function toMembership(organizationId: number, r: MemberRow) {
  return {
    user: {
      id: r.user_id,
      email: r.email,
      username: r.username,
      first_name: r.first_name ?? '',
      last_name: r.last_name ?? '',
      avatar: r.avatar_url,
    },
    organization: organizationId,
    role: r.role as 'owner' | 'admin' | 'member',
    created_at: r.created_at,
  };
}

export async function listMembers(tx: Tx, organizationId: number, page: PageRequest) {
  const { count } = await tx
    .selectFrom('organization_members')
    .select((eb) => eb.fn.countAll<number>().as('count'))
    .where('organization_id', '=', organizationId)
    .executeTakeFirstOrThrow();
  // Ordered by the primary key (organization_id, user_id), so paging walks the index.
  const rows = await membersQuery(tx, organizationId)
    .orderBy('m.user_id')
    .limit(page.pageSize)
    .offset((page.page - 1) * page.pageSize)
    .execute();
  return { count: Number(count), results: rows.map((r) => toMembership(organizationId, r)) };
}

export async function membership(tx: Tx, organizationId: number, userId: number) {
  const row = await membersQuery(tx, organizationId)
    .where('m.user_id', '=', userId)
    .executeTakeFirstOrThrow();
  return toMembership(organizationId, row);
}

/**
 * Locks the organization's owner rows (in a fixed order, so two callers cannot deadlock) and returns their
 * user ids. Two concurrent demotions both wait here; the second then sees the first one's result, so they
 * cannot both remove "the other" owner.
 */
export async function lockOwners(tx: Tx, organizationId: number): Promise<number[]> {
  const rows = await tx
    .selectFrom('organization_members')
    .select('user_id')
    .where('organization_id', '=', organizationId)
    .where('role', '=', 'owner')
    .orderBy('user_id')
    .forUpdate()
    .execute();
  return rows.map((r) => r.user_id);
}

export async function memberRole(tx: Tx, organizationId: number, userId: number): Promise<string | null> {
  const row = await tx
    .selectFrom('organization_members')
    .select('role')
    .where('organization_id', '=', organizationId)
    .where('user_id', '=', userId)
    .forUpdate()
    .executeTakeFirst();
  return row?.role ?? null;
}

export async function setMemberRole(tx: Tx, organizationId: number, userId: number, role: string) {
  await tx
    .updateTable('organization_members')
    .set({ role, updated_at: new Date() })
    .where('organization_id', '=', organizationId)
    .where('user_id', '=', userId)
    .execute();
}

/**
 * Removes a member with every membership they hold inside the organization (teams, workspaces, projects), so
 * access derived from any of them ends with this transaction.
 */
export async function removeMember(tx: Tx, organizationId: number, userId: number): Promise<void> {
  await sql`
    WITH t AS (DELETE FROM team_members WHERE organization_id = ${organizationId} AND user_id = ${userId}),
         w AS (DELETE FROM workspace_members WHERE organization_id = ${organizationId} AND user_id = ${userId}),
         p AS (DELETE FROM project_members WHERE organization_id = ${organizationId} AND user_id = ${userId})
    DELETE FROM organization_members WHERE organization_id = ${organizationId} AND user_id = ${userId}
  `.execute(tx);
  // Their requests would otherwise keep defaulting to an organization that answers 404.
  await tx
    .updateTable('users')
    .set({ active_organization_id: null })
    .where('id', '=', userId)
    .where('active_organization_id', '=', organizationId)
    .execute();
}

/** Adds a member, or keeps the stronger of the existing and the given role. Returns the resulting role. */
export async function upsertMember(
  tx: Tx,
  organizationId: number,
  userId: number,
  role: string,
): Promise<string> {
  const { rows } = await sql<{ role: string }>`
    INSERT INTO organization_members (organization_id, user_id, role)
    VALUES (${organizationId}, ${userId}, ${role})
    ON CONFLICT (organization_id, user_id) DO UPDATE SET
      role = CASE
        WHEN array_position(ARRAY['owner', 'admin', 'member'], EXCLUDED.role)
           < array_position(ARRAY['owner', 'admin', 'member'], organization_members.role)
        THEN EXCLUDED.role ELSE organization_members.role END,
      updated_at = now()
    RETURNING role
  `.execute(tx);
  return rows[0]!.role;
}
