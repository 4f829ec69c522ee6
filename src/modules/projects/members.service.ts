// A project's direct members (D2S rules): owners and managers manage members, only owners grant or revoke
// the owner role, anyone may leave, and a project always keeps at least one direct owner. Team-derived roles
// are not members here; they come and go with the team (effectiveRoles computes them live).
import type { Tx } from '../../db/scope.ts';
import { authorize } from '../../platform/access/access.ts';
import type { ProjectRole } from '../../platform/access/policy.ts';
import type { Actor } from '../../platform/auth/actor.ts';
import type { Deps } from '../../platform/deps.ts';
import { AppError } from '../../platform/errors.ts';
import type { PageRequest } from '../../platform/http/common.schemas.ts';
import { auditTrail, organizationWork } from '../../platform/unit-of-work.ts';
import {
  deleteMember,
  findMember,
  insertMember,
  isOrganizationMember,
  lockMembers,
  membersPage,
  setMemberRole,
} from './members.repo.ts';

export function createMembersService({ database }: Pick<Deps, 'database'>) {
  const run = organizationWork(database);
  const record = auditTrail('project');

  const manageAction = (...roles: string[]) =>
    roles.includes('owner') ? ('project.owners.manage' as const) : ('project.members.manage' as const);

  /**
   * Locks the project's direct members and finds the target among them: the owner count cannot change under
   * us between this check and the write.
   */
  async function locked(tx: Tx, id: number, userId: number) {
    const members = await lockMembers(tx, id);
    const target = members.find((m) => m.user_id === userId);
    if (!target) throw new AppError('not_found', `user ${userId} is not a member of project ${id}`);
    return { target, owners: members.filter((m) => m.role === 'owner').length };
  }

  function refuseLastOwner(owners: number, id: number): void {
    if (owners <= 1) {
      throw new AppError('last_owner', `project ${id} must keep at least one owner`, { project_id: id });
    }
  }

  async function list(actor: Actor, id: number, page: PageRequest) {
    return run(actor, async (tx) => {
      await authorize(tx, actor, 'project.members.read', [id]);
      return membersPage(tx, id, page);
    });
  }

  async function add(actor: Actor, id: number, userId: number, role: ProjectRole) {
    return run(actor, async (tx, organizationId) => {
      await authorize(tx, actor, manageAction(role), [id]);
      if (!(await isOrganizationMember(tx, organizationId, userId))) {
        throw new AppError('not_found', `user ${userId} not found in this organization`);
      }
      if (!(await insertMember(tx, organizationId, id, userId, role))) {
        throw new AppError('conflict', `user ${userId} is already a member of project ${id}`);
      }
      await record(tx, actor, 'project.member.add', id, { user_id: userId, role });
      return (await findMember(tx, id, userId))!;
    });
  }

  async function changeRole(actor: Actor, id: number, userId: number, role: ProjectRole) {
    return run(actor, async (tx) => {
      // The weakest right any role change needs, before taking locks; the exact one once the target is known.
      await authorize(tx, actor, 'project.members.manage', [id]);
      const { target, owners } = await locked(tx, id, userId);
      await authorize(tx, actor, manageAction(target.role, role), [id]);
      if (target.role === 'owner' && role !== 'owner') refuseLastOwner(owners, id);
      if (target.role !== role) {
        await setMemberRole(tx, id, userId, role);
        await record(tx, actor, 'project.member.role_change', id, {
          user_id: userId,
          from: target.role,
          to: role,
        });
      }
      return (await findMember(tx, id, userId))!;
    });
  }

  async function remove(actor: Actor, id: number, userId: number): Promise<void> {
    await run(actor, async (tx) => {
      // Anyone may leave; removing someone else takes the member managers' right (owners' for an owner).
      const leaving = userId === actor.userId;
      await authorize(tx, actor, leaving ? 'project.read' : 'project.members.manage', [id]);
      const { target, owners } = await locked(tx, id, userId);
      if (!leaving) await authorize(tx, actor, manageAction(target.role), [id]);
      if (target.role === 'owner') refuseLastOwner(owners, id);
      await deleteMember(tx, id, userId);
      await record(tx, actor, leaving ? 'project.member.leave' : 'project.member.remove', id, {
        user_id: userId,
        role: target.role,
      });
    });
  }

  return { list, add, changeRole, remove };
}

export type MembersService = ReturnType<typeof createMembersService>;
