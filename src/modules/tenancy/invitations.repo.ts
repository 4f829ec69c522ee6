// SQL for invitations: the tenant's record of who was invited to what. The secret lives hashed in
// single_use_tokens. No access decisions here.
import { type Selectable, sql } from 'kysely';
import type { Tx } from '../../db/scope.ts';
import type { Invitations } from '../../db/types.ts';
import type { PageRequest } from '../../platform/http/common.schemas.ts';

export interface ProjectGrant {
  project_id: number;
  role: string;
}
export interface TeamGrant {
  team_id: number;
  role: string;
}
export interface WorkspaceGrant {
  workspace_id: number;
  role: string;
}

type ProjectRoleName = 'owner' | 'manager' | 'annotator' | 'reviewer' | 'viewer';
type TeamRoleName = 'owner' | 'manager' | 'viewer';
type WorkspaceRoleName = 'manager' | 'member';

const list = <T>(value: unknown) => (Array.isArray(value) ? (value as T[]) : []);

export function toInvitation(i: Selectable<Invitations>) {
  return {
    id: i.id,
    organization: i.organization_id,
    email: i.email,
    role: i.role as 'owner' | 'admin' | 'member',
    team_ids: list<TeamGrant>(i.team_roles).map((g) => Number(g.team_id)),
    team_roles: list<TeamGrant>(i.team_roles).map((g) => ({
      team_id: Number(g.team_id),
      role: g.role as TeamRoleName,
    })),
    project_roles: list<ProjectGrant>(i.project_roles).map((g) => ({
      project_id: Number(g.project_id),
      role: g.role as ProjectRoleName,
    })),
    workspace_roles: list<WorkspaceGrant>(i.workspace_roles).map((g) => ({
      workspace_id: Number(g.workspace_id),
      role: g.role as WorkspaceRoleName,
    })),
    expires_at: i.expires_at,
    created_at: i.created_at,
    invited_by: i.invited_by,
  };
}

/** Which of `ids` are rows of `table` visible in this unit of work (i.e. in its organization). */
export async function existingIds(
  tx: Tx,
  table: 'teams' | 'projects' | 'workspaces',
  ids: number[],
): Promise<Set<number>> {
  if (ids.length === 0) return new Set();
  const rows = await tx.selectFrom(table).select('id').where('id', 'in', ids).execute();
  return new Set(rows.map((r) => r.id));
}

export interface NewInvitation {
  organizationId: number;
  email: string;
  role: string;
  teamRoles: TeamGrant[];
  projectRoles: ProjectGrant[];
  workspaceRoles: WorkspaceGrant[];
  invitedBy: number;
  expiresAt: Date;
}

export function insertInvitation(tx: Tx, inv: NewInvitation) {
  return tx
    .insertInto('invitations')
    .values({
      organization_id: inv.organizationId,
      email: inv.email,
      role: inv.role,
      team_roles: JSON.stringify(inv.teamRoles),
      project_roles: JSON.stringify(inv.projectRoles),
      workspace_roles: JSON.stringify(inv.workspaceRoles),
      invited_by: inv.invitedBy,
      expires_at: inv.expiresAt,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
}

export function attachToken(tx: Tx, invitationId: number, tokenId: number) {
  return tx
    .updateTable('invitations')
    .set({ token_id: tokenId })
    .where('id', '=', invitationId)
    .returningAll()
    .executeTakeFirstOrThrow();
}

/** Pending invitations (not accepted, not revoked, not expired), newest first. */
export async function listPending(tx: Tx, organizationId: number, page: PageRequest) {
  const q = tx
    .selectFrom('invitations')
    .where('organization_id', '=', organizationId)
    .where('accepted_at', 'is', null)
    .where('revoked_at', 'is', null)
    .where('expires_at', '>', sql<Date>`now()`);
  const { count } = await q.select((eb) => eb.fn.countAll<number>().as('count')).executeTakeFirstOrThrow();
  const rows = await q
    .selectAll()
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .limit(page.pageSize)
    .offset((page.page - 1) * page.pageSize)
    .execute();
  return { count: Number(count), results: rows.map(toInvitation) };
}

export function findInvitation(tx: Tx, invitationId: number) {
  return tx
    .selectFrom('invitations')
    .selectAll()
    .where('id', '=', invitationId)
    .forUpdate()
    .executeTakeFirst();
}

/** Marks the invitation revoked and its token consumed, so the link stops working. */
export async function revokeInvitation(tx: Tx, invitationId: number, tokenId: number | null): Promise<void> {
  await tx
    .updateTable('invitations')
    .set({ revoked_at: new Date(), updated_at: new Date() })
    .where('id', '=', invitationId)
    .execute();
  if (tokenId !== null) {
    await tx
      .updateTable('single_use_tokens')
      .set({ consumed_at: new Date() })
      .where('id', '=', tokenId)
      .where('consumed_at', 'is', null)
      .execute();
  }
}

/** SQL: the role of `excluded` when it is stronger than the existing row's (earlier in `order` is stronger). */
const stronger = (table: string, order: readonly string[]) => {
  const arr = sql.raw(`ARRAY[${order.map((r) => `'${r}'`).join(', ')}]`);
  return sql`CASE WHEN array_position(${arr}, EXCLUDED.role) < array_position(${arr}, ${sql.ref(`${table}.role`)})
    THEN EXCLUDED.role ELSE ${sql.ref(`${table}.role`)} END`;
};

/**
 * The invitee's team, project and workspace memberships with the invited roles, set-based. Teams, projects or
 * workspaces deleted since the invitation are skipped; where the person already is a member the stronger role
 * wins.
 */
export async function grantInvitedAccess(
  tx: Tx,
  inv: Selectable<Invitations>,
  userId: number,
): Promise<void> {
  const json = (v: unknown) => JSON.stringify(Array.isArray(v) ? v : []);
  await sql`
    INSERT INTO team_members (organization_id, team_id, user_id, role)
    SELECT t.organization_id, t.id, ${userId}, g.role
    FROM jsonb_to_recordset(${json(inv.team_roles)}::jsonb) AS g(team_id bigint, role text)
    JOIN teams t ON t.id = g.team_id
    ON CONFLICT (team_id, user_id) DO UPDATE SET
      role = ${stronger('team_members', ['owner', 'manager', 'viewer'])}, updated_at = now()
  `.execute(tx);
  await sql`
    INSERT INTO project_members (organization_id, project_id, user_id, role)
    SELECT p.organization_id, p.id, ${userId}, g.role
    FROM jsonb_to_recordset(${json(inv.project_roles)}::jsonb) AS g(project_id bigint, role text)
    JOIN projects p ON p.id = g.project_id
    ON CONFLICT (project_id, user_id) DO UPDATE SET
      role = ${stronger('project_members', ['owner', 'manager', 'annotator', 'reviewer', 'viewer'])},
      updated_at = now()
  `.execute(tx);
  await sql`
    INSERT INTO workspace_members (organization_id, workspace_id, user_id, role)
    SELECT w.organization_id, w.id, ${userId}, g.role
    FROM jsonb_to_recordset(${json(inv.workspace_roles)}::jsonb) AS g(workspace_id bigint, role text)
    JOIN workspaces w ON w.id = g.workspace_id
    ON CONFLICT (workspace_id, user_id) DO UPDATE SET
      role = ${stronger('workspace_members', ['manager', 'member'])}, updated_at = now()
  `.execute(tx);
}

export function markAccepted(tx: Tx, invitationId: number, userId: number) {
  return tx
    .updateTable('invitations')
    .set({ accepted_at: new Date(), accepted_by: userId, updated_at: new Date() })
    .where('id', '=', invitationId)
    .execute();
}
