// Access decisions for sets of ids, each in one query. Services call these; routes and repos never decide.
// Rows of other organizations are invisible under RLS, so they resolve to "no role": 404, never 403.
import { sql } from 'kysely';
import type { Tx } from '../../db/scope.ts';
import type { Actor } from '../auth/actor.ts';
import { AppError } from '../errors.ts';
import {
  type Action,
  allows,
  financeAllows,
  jobRoleAllows,
  orgAdminImplies,
  policy,
  type ResourceKind,
  strongest,
  type TeamRole,
  teamRoleOnProject,
} from './policy.ts';

const nouns: Record<ResourceKind, string> = {
  organization: 'organization',
  project: 'project',
  team: 'team',
  workspace: 'workspace',
  room: 'room',
  project_group: 'project group',
  indoor_project: 'indoor project',
};

/** The actor's role in its current organization, or null when not a member. */
export async function organizationRole(tx: Tx, actor: Actor): Promise<string | null> {
  if (actor.organizationId === null) return null;
  const row = await tx
    .selectFrom('organization_members')
    .select('role')
    .where('organization_id', '=', actor.organizationId)
    .where('user_id', '=', actor.userId)
    .executeTakeFirst();
  return row?.role ?? null;
}

/** The actor's job role (seed 004: contractor, insurance_adjuster, project_manager) in its organization. */
export async function jobRole(tx: Tx, actor: Actor): Promise<string | null> {
  if (actor.organizationId === null) return null;
  const row = await tx
    .selectFrom('organization_members')
    .select('job_role')
    .where('organization_id', '=', actor.organizationId)
    .where('user_id', '=', actor.userId)
    .executeTakeFirst();
  return row?.job_role ?? null;
}

/** Whether the actor holds the finance duty in its organization (finance_staff, migration 0020). */
export async function isFinanceStaff(tx: Tx, actor: Actor): Promise<boolean> {
  if (actor.organizationId === null) return false;
  const row = await tx
    .selectFrom('finance_staff')
    .select('user_id')
    .where('organization_id', '=', actor.organizationId)
    .where('user_id', '=', actor.userId)
    .executeTakeFirst();
  return row !== undefined;
}

/** Whether the project role, or else the job role (read once, lazily), allows the action. */
function jobRoleCheck(tx: Tx, actor: Actor, action: Action) {
  let job: Promise<string | null> | null = null;
  const hasJobRoles = 'jobRoles' in policy[action];
  return async (role: string) => {
    if (allows(action, role)) return true;
    if (!hasJobRoles) return false;
    job ??= jobRole(tx, actor);
    return jobRoleAllows(action, await job);
  };
}

/**
 * The actor's effective role on each of `ids` (absent: not visible). Roles the actor's memo holds for its
 * organization need no query; the others are read in one query and remembered (platform/access/role-memo.ts).
 */
export async function effectiveRoles(
  tx: Tx,
  actor: Actor,
  kind: Exclude<ResourceKind, 'organization'>,
  ids: readonly number[],
): Promise<Map<number, string>> {
  const memo = actor.roles;
  const org = actor.organizationId;
  if (!memo || org === null)
    return new Map([...(await queryRoles(tx, actor, kind, ids))].map(([id, r]) => [id, r.role]));
  const roles = new Map<number, string>();
  const missing: number[] = [];
  for (const id of ids) {
    const role = memo.get(kind, org, actor.userId, id);
    if (role === undefined) missing.push(id);
    else roles.set(id, role);
  }
  if (missing.length === 0) return roles;
  const stamp = memo.stamp(org, actor.userId);
  for (const [id, r] of await queryRoles(tx, actor, kind, missing)) {
    roles.set(id, r.role);
    // Only what the actor's own organization holds: a unit of work moved into another organization reads
    // that one's resources, which must not answer for the actor's organization later.
    if (r.org === org) memo.set(kind, org, actor.userId, id, r.role, stamp);
  }
  return roles;
}

interface HeldRole {
  role: string;
  org: number;
}

/** One query: the role on each visible id, with the organization the resource belongs to. */
async function queryRoles(
  tx: Tx,
  actor: Actor,
  kind: Exclude<ResourceKind, 'organization'>,
  ids: readonly number[],
): Promise<Map<number, HeldRole>> {
  const roles = new Map<number, HeldRole>();
  if (ids.length === 0) return roles;
  const uid = actor.userId;
  if (kind === 'project') {
    // Direct membership, the project's team (team role), and every team the person is in that was given a
    // role on the project or on one of its tags (the grant's role): the strongest wins.
    const { rows } = await sql<{
      id: number;
      org: number;
      org_role: string;
      direct: string | null;
      team: TeamRole | null;
      groups: string[] | null;
    }>`
      SELECT p.id, p.organization_id::int AS org, om.role AS org_role, pm.role AS direct, tm.role AS team,
        ARRAY(
          SELECT tp.role FROM team_projects tp
          JOIN team_members gm ON gm.team_id = tp.team_id AND gm.user_id = ${uid}
          WHERE tp.project_id = p.id
          UNION ALL
          SELECT tt.role FROM project_tags pt
          JOIN team_tags tt ON tt.tag_id = pt.tag_id
          JOIN team_members gm ON gm.team_id = tt.team_id AND gm.user_id = ${uid}
          WHERE pt.project_id = p.id
        ) AS groups
      FROM projects p
      JOIN organization_members om ON om.organization_id = p.organization_id AND om.user_id = ${uid}
      LEFT JOIN project_members pm ON pm.project_id = p.id AND pm.user_id = ${uid}
      LEFT JOIN team_members tm ON tm.team_id = p.team_id AND tm.user_id = ${uid}
      WHERE p.id = ANY(${ids as number[]}::bigint[])`.execute(tx);
    for (const r of rows) {
      const viaOrg = r.org_role === 'owner' || r.org_role === 'admin' ? orgAdminImplies.project : null;
      const viaTeam = r.team ? teamRoleOnProject[r.team] : null;
      const role = strongest('project', viaOrg, r.direct, viaTeam, ...(r.groups ?? []));
      if (role) roles.set(r.id, { role, org: r.org });
    }
    return roles;
  }
  if (kind === 'project_group') {
    const { rows } = await sql<{ id: number; org: number; org_role: string; mine: boolean }>`
      SELECT g.id, g.organization_id::int AS org, om.role AS org_role, g.created_by IS NOT DISTINCT FROM ${uid}::bigint AS mine
      FROM project_groups g
      JOIN organization_members om ON om.organization_id = g.organization_id AND om.user_id = ${uid}
      WHERE g.id = ANY(${ids as number[]}::bigint[])`.execute(tx);
    for (const r of rows) {
      const owns = r.mine || r.org_role === 'owner' || r.org_role === 'admin';
      roles.set(r.id, { role: owns ? orgAdminImplies.project_group : 'member', org: r.org });
    }
    return roles;
  }
  if (kind === 'indoor_project') {
    // Its creator and the organization's owners and admins own it; in a team, the team's members hold their
    // team role; without a team every member of the organization reads it. Outside its team: invisible.
    const { rows } = await sql<{
      id: number;
      org: number;
      org_role: string;
      mine: boolean;
      teamless: boolean;
      team: TeamRole | null;
    }>`
      SELECT g.id, g.organization_id::int AS org, om.role AS org_role, g.created_by IS NOT DISTINCT FROM ${uid}::bigint AS mine,
             g.team_id IS NULL AS teamless, tm.role AS team
      FROM indoor_projects g
      JOIN organization_members om ON om.organization_id = g.organization_id AND om.user_id = ${uid}
      LEFT JOIN team_members tm ON tm.team_id = g.team_id AND tm.user_id = ${uid}
      WHERE g.id = ANY(${ids as number[]}::bigint[])`.execute(tx);
    for (const r of rows) {
      const owns = r.mine || r.org_role === 'owner' || r.org_role === 'admin';
      const role = strongest(
        kind,
        owns ? orgAdminImplies.indoor_project : null,
        r.team,
        r.teamless ? 'viewer' : null,
      );
      if (role) roles.set(r.id, { role, org: r.org });
    }
    return roles;
  }
  const table = { team: 'teams', workspace: 'workspaces', room: 'rooms' }[kind];
  const members = { team: 'team_members', workspace: 'workspace_members', room: 'room_members' }[kind];
  const fk = { team: 'team_id', workspace: 'workspace_id', room: 'room_id' }[kind];
  const { rows } = await sql<{ id: number; org: number; org_role: string; direct: string | null }>`
    SELECT g.id, g.organization_id::int AS org, om.role AS org_role, m.role AS direct
    FROM ${sql.table(table)} g
    JOIN organization_members om ON om.organization_id = g.organization_id AND om.user_id = ${uid}
    LEFT JOIN ${sql.table(members)} m ON m.${sql.ref(fk)} = g.id AND m.user_id = ${uid}
    WHERE g.id = ANY(${ids as number[]}::bigint[])`.execute(tx);
  for (const r of rows) {
    const viaOrg = r.org_role === 'owner' || r.org_role === 'admin' ? orgAdminImplies[kind] : null;
    const role = strongest(kind, viaOrg, r.direct);
    if (role) roles.set(r.id, { role, org: r.org });
  }
  return roles;
}

function checkApproval(actor: Actor, action: Action, approvalRequired: boolean): void {
  const rule = policy[action] as { creates?: boolean };
  if (rule.creates && approvalRequired && !actor.isApproved && !actor.isSuperuser) {
    throw new AppError('forbidden', 'your account is waiting for approval by an administrator');
  }
}

export interface AccessOptions {
  approvalRequired: boolean;
}

/**
 * Throws unless `actor` may do `action` on every id: 404 when an id is not visible to the actor (another
 * organization, or not a member), 403 when visible but the role is not enough.
 */
export async function authorize(
  tx: Tx,
  actor: Actor,
  action: Action,
  ids: readonly number[],
  options: AccessOptions = { approvalRequired: false },
): Promise<Map<number, string>> {
  const rule = policy[action];
  checkApproval(actor, action, options.approvalRequired);
  if (rule.on === 'organization') {
    const role = await organizationRole(tx, actor);
    if (role === null) throw new AppError('not_found', 'organization not found');
    if (!allows(action, role) && !(financeAllows(action) && (await isFinanceStaff(tx, actor))))
      throw new AppError(
        'forbidden',
        `your organization role (${role}) does not allow ${action}${financeAllows(action) ? ' (finance staff may)' : ''}`,
      );
    return new Map(ids.map((id) => [id, role]));
  }
  const unique = [...new Set(ids)];
  const roles = await effectiveRoles(tx, actor, rule.on, unique);
  const may = jobRoleCheck(tx, actor, action);
  for (const id of unique) {
    const role = roles.get(id);
    if (!role) throw new AppError('not_found', `${nouns[rule.on]} ${id} not found`);
    if (!(await may(role))) {
      throw new AppError(
        'forbidden',
        `your role on ${nouns[rule.on]} ${id} (${role}) does not allow ${action}`,
      );
    }
  }
  return roles;
}

/** The subset of `ids` on which `actor` may do `action` (for filtering, never throws for access). */
export async function permitted(
  tx: Tx,
  actor: Actor,
  action: Action,
  ids: readonly number[],
): Promise<Set<number>> {
  const rule = policy[action];
  if (rule.on === 'organization') {
    const role = await organizationRole(tx, actor);
    const may =
      allows(action, role) || (role !== null && financeAllows(action) && (await isFinanceStaff(tx, actor)));
    return may ? new Set(ids) : new Set();
  }
  const roles = await effectiveRoles(tx, actor, rule.on, ids);
  const may = jobRoleCheck(tx, actor, action);
  const out = new Set<number>();
  for (const [id, role] of roles) if (await may(role)) out.add(id);
  return out;
}
