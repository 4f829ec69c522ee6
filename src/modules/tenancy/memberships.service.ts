// The members of an organization: list, change a role, remove (or leave). Only owners touch the owner role;
// there is always at least one owner.
import type { Tx } from '../../db/scope.ts';
import { authorize } from '../../platform/access/access.ts';
import type { Actor } from '../../platform/auth/actor.ts';
import type { Deps } from '../../platform/deps.ts';
import { AppError } from '../../platform/errors.ts';
import type { PageRequest } from '../../platform/http/common.schemas.ts';
import {
  listMembers,
  lockOwners,
  memberRole,
  membership,
  removeMember,
  setMemberRole,
} from './memberships.repo.ts';
import { auditBy, inOrganization } from './org-scope.ts';

type OrgRole = 'owner' | 'admin' | 'member';

export function createMembershipsService({ database, config }: Pick<Deps, 'database' | 'config'>) {
  const db = database.db;
  const options = { approvalRequired: config.APPROVAL_REQUIRED };

  async function list(actor: Actor, id: number, page: PageRequest) {
    return inOrganization(db, actor, id, async (tx, a) => {
      await authorize(tx, a, 'organization.members.read', [id], options);
      return listMembers(tx, id, page);
    });
  }

  /**
   * The target's current role, with the owner rows locked first so that the last-owner rule holds under
   * concurrent changes.
   */
  async function lockedTarget(tx: Tx, id: number, userId: number) {
    const owners = await lockOwners(tx, id);
    const role = await memberRole(tx, id, userId);
    if (role === null) throw new AppError('not_found', `member ${userId} not found`);
    return { owners, role: role as OrgRole };
  }

  function refuseLastOwner(owners: number[], userId: number, what: string): void {
    if (owners.length === 1 && owners[0] === userId) {
      throw new AppError('last_owner', `the last owner cannot be ${what}; make someone else owner first`);
    }
  }

  async function changeRole(actor: Actor, id: number, userId: number, role: OrgRole) {
    return inOrganization(db, actor, id, async (tx, a) => {
      await authorize(tx, a, 'organization.members.manage', [id], options);
      const target = await lockedTarget(tx, id, userId);
      if (target.role === 'owner' || role === 'owner') {
        await authorize(tx, a, 'organization.owners.manage', [id], options);
      }
      if (target.role === 'owner' && role !== 'owner') refuseLastOwner(target.owners, userId, 'demoted');
      if (target.role !== role) {
        await setMemberRole(tx, id, userId, role);
        await auditBy(
          tx,
          a,
          id,
          'membership.role_change',
          { type: 'user', id: userId },
          {
            from: target.role,
            to: role,
          },
        );
      }
      return membership(tx, id, userId);
    });
  }

  async function remove(actor: Actor, id: number, userId: number) {
    await inOrganization(db, actor, id, async (tx, a) => {
      const leaving = userId === a.userId;
      // Anyone may leave; removing someone else takes the members.manage (and for owners owners.manage) right.
      if (!leaving) await authorize(tx, a, 'organization.members.manage', [id], options);
      const target = await lockedTarget(tx, id, userId);
      if (!leaving && target.role === 'owner') {
        await authorize(tx, a, 'organization.owners.manage', [id], options);
      }
      if (target.role === 'owner') refuseLastOwner(target.owners, userId, 'removed');
      await removeMember(tx, id, userId);
      await auditBy(
        tx,
        a,
        id,
        leaving ? 'membership.leave' : 'membership.remove',
        { type: 'user', id: userId },
        {
          role: target.role,
        },
      );
    });
  }

  return { list, changeRole, remove };
}

export type MembershipsService = ReturnType<typeof createMembershipsService>;
