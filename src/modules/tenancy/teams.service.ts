// Teams (D2S): groups of people inside an organization with owner, manager and viewer roles. A team attached
// to a project gives its members their team role there (computed live by effectiveRoles), so membership
// changes here take effect on those projects at once. A team always keeps at least one owner.
import type { Selectable } from 'kysely';
import type { Tx } from '../../db/scope.ts';
import type { Teams } from '../../db/types.ts';
import { authorize, effectiveRoles, organizationRole } from '../../platform/access/access.ts';
import type { TeamRole } from '../../platform/access/policy.ts';
import type { Actor } from '../../platform/auth/actor.ts';
import type { Deps } from '../../platform/deps.ts';
import { AppError } from '../../platform/errors.ts';
import type { PageRequest } from '../../platform/http/common.schemas.ts';
import { auditTrail, organizationWork, orgOf } from '../../platform/unit-of-work.ts';
import {
  deleteTeam,
  deleteTeamMember,
  findTeam,
  findTeamMember,
  insertTeam,
  insertTeamMember,
  isOrganizationMember,
  lockTeamMembers,
  memberCounts,
  setTeamMemberRole,
  teamMembersPage,
  teamsPage,
  toMember,
  updateTeam,
} from './teams.repo.ts';

export interface TeamInput {
  name?: string | undefined;
  description?: string | null | undefined;
}

function toTeam(t: Selectable<Teams>, memberCount: number, role: string) {
  return {
    id: t.id,
    name: t.name,
    description: t.description,
    organization: t.organization_id,
    created_by: t.created_by,
    created_at: t.created_at,
    updated_at: t.updated_at,
    member_count: memberCount,
    role: role as TeamRole,
  };
}

/** Trims a name and refuses what the database would reject (blank, NUL characters) as bad input. */
export function cleanText(field: string, value: string): string {
  const trimmed = value.trim();
  if (trimmed.length === 0 || trimmed.includes('\u0000')) {
    const message = trimmed.length === 0 ? 'must not be blank' : 'must not contain NUL characters';
    throw new AppError('validation_failed', `invalid request: ${field} ${message}`, [
      { in: 'body', field, message },
    ]);
  }
  return trimmed;
}

export function cleanDescription(value: string | null | undefined): string | null | undefined {
  if (typeof value === 'string' && value.includes('\u0000')) {
    throw new AppError('validation_failed', 'invalid request: description must not contain NUL characters', [
      { in: 'body', field: 'description', message: 'must not contain NUL characters' },
    ]);
  }
  return value;
}

export { orgOf };

export async function isOrgAdmin(tx: Tx, actor: Actor): Promise<boolean> {
  const role = await organizationRole(tx, actor);
  return role === 'owner' || role === 'admin';
}

export function createTeamsService({ database, config }: Pick<Deps, 'database' | 'config'>) {
  const options = { approvalRequired: config.APPROVAL_REQUIRED };
  const run = organizationWork(database);
  const record = auditTrail('team');

  async function create(actor: Actor, input: { name: string; description?: string | null | undefined }) {
    const name = cleanText('name', input.name);
    const description = cleanDescription(input.description) ?? null;
    return run(actor, async (tx, organizationId) => {
      await authorize(tx, actor, 'team.create', [], options);
      const team = await insertTeam(tx, { organizationId, name, description, createdBy: actor.userId });
      await insertTeamMember(tx, { organizationId, teamId: team.id, userId: actor.userId, role: 'owner' });
      await record(tx, actor, 'team.create', team.id, { name });
      return toTeam(team, 1, 'owner');
    });
  }

  async function list(actor: Actor, filter: { search?: string | undefined }, page: PageRequest) {
    return run(actor, async (tx, organizationId) => {
      const all = await isOrgAdmin(tx, actor);
      const { count, rows } = await teamsPage(
        tx,
        { organizationId, memberId: all ? null : actor.userId, search: filter.search },
        page,
      );
      const ids = rows.map((t) => t.id);
      const counts = await memberCounts(tx, organizationId, ids);
      const roles = await effectiveRoles(tx, actor, 'team', ids);
      return {
        count,
        results: rows
          .filter((t) => roles.has(t.id))
          .map((t) => toTeam(t, counts.get(t.id) ?? 0, roles.get(t.id)!)),
      };
    });
  }

  async function view(tx: Tx, organizationId: number, id: number, role: string) {
    const team = await findTeam(tx, id);
    if (!team) throw new AppError('not_found', `team ${id} not found`);
    const counts = await memberCounts(tx, organizationId, [id]);
    return toTeam(team, counts.get(id) ?? 0, role);
  }

  async function get(actor: Actor, id: number) {
    return run(actor, async (tx, organizationId) => {
      const roles = await authorize(tx, actor, 'team.read', [id]);
      return view(tx, organizationId, id, roles.get(id)!);
    });
  }

  async function update(actor: Actor, id: number, input: TeamInput) {
    const patch = {
      name: input.name === undefined ? undefined : cleanText('name', input.name),
      description: cleanDescription(input.description),
    };
    return run(actor, async (tx, organizationId) => {
      const roles = await authorize(tx, actor, 'team.update', [id]);
      await updateTeam(tx, id, patch);
      return view(tx, organizationId, id, roles.get(id)!);
    });
  }

  async function remove(actor: Actor, id: number): Promise<void> {
    await run(actor, async (tx) => {
      await authorize(tx, actor, 'team.delete', [id]);
      const team = await findTeam(tx, id);
      await record(tx, actor, 'team.delete', id, { name: team?.name });
      await deleteTeam(tx, id);
    });
  }

  async function members(actor: Actor, id: number, page: PageRequest) {
    return run(actor, async (tx) => {
      await authorize(tx, actor, 'team.read', [id]);
      const { count, rows } = await teamMembersPage(tx, id, page);
      return { count, results: rows.map((r) => toMember<TeamRole>(r)) };
    });
  }

  async function addMember(actor: Actor, id: number, userId: number, role: TeamRole) {
    return run(actor, async (tx, organizationId) => {
      await authorize(tx, actor, role === 'owner' ? 'team.owners.manage' : 'team.members.manage', [id]);
      if (!(await isOrganizationMember(tx, organizationId, userId))) {
        throw new AppError('not_found', `user ${userId} not found`);
      }
      if (!(await insertTeamMember(tx, { organizationId, teamId: id, userId, role }))) {
        throw new AppError('conflict', `user ${userId} is already a member of team ${id}`);
      }
      await record(tx, actor, 'team.member.add', id, { user_id: userId, role });
      return toMember<TeamRole>((await findTeamMember(tx, id, userId))!);
    });
  }

  /**
   * Locks the team's members, then authorizes against that settled state: who is an owner cannot change
   * under us between the check and the write.
   */
  async function lockedMembership(tx: Tx, actor: Actor, id: number, userId: number) {
    const locked = await lockTeamMembers(tx, id);
    await authorize(tx, actor, 'team.read', [id]);
    const target = locked.find((m) => m.user_id === userId);
    if (!target) throw new AppError('not_found', `user ${userId} is not a member of team ${id}`);
    const owners = locked.filter((m) => m.role === 'owner').length;
    return { target, owners };
  }

  function refuseLastOwner(owners: number, id: number): void {
    if (owners <= 1) {
      throw new AppError('last_owner', `team ${id} must keep at least one owner`, { team_id: id });
    }
  }

  async function changeRole(actor: Actor, id: number, userId: number, role: TeamRole) {
    return run(actor, async (tx) => {
      const { target, owners } = await lockedMembership(tx, actor, id, userId);
      const touchesOwner = target.role === 'owner' || role === 'owner';
      await authorize(tx, actor, touchesOwner ? 'team.owners.manage' : 'team.members.manage', [id]);
      if (target.role === 'owner' && role !== 'owner') refuseLastOwner(owners, id);
      if (target.role !== role) {
        await setTeamMemberRole(tx, id, userId, role);
        await record(tx, actor, 'team.member.role_change', id, {
          user_id: userId,
          from: target.role,
          to: role,
        });
      }
      return toMember<TeamRole>((await findTeamMember(tx, id, userId))!);
    });
  }

  async function removeMember(actor: Actor, id: number, userId: number): Promise<void> {
    await run(actor, async (tx) => {
      const { target, owners } = await lockedMembership(tx, actor, id, userId);
      // Anyone may leave; removing someone else takes the member managers' right (owners' for an owner).
      if (userId !== actor.userId) {
        await authorize(tx, actor, target.role === 'owner' ? 'team.owners.manage' : 'team.members.manage', [
          id,
        ]);
      }
      if (target.role === 'owner') refuseLastOwner(owners, id);
      await deleteTeamMember(tx, id, userId);
      await record(tx, actor, userId === actor.userId ? 'team.member.leave' : 'team.member.remove', id, {
        user_id: userId,
        role: target.role,
      });
    });
  }

  return { create, list, get, update, remove, members, addMember, changeRole, removeMember };
}
