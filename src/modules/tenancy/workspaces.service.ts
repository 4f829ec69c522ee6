// Workspaces (Label Studio): folders of projects inside an organization, with manager and member roles. A
// public workspace is visible to every member of its organization; the rest to their members and to the
// organization's owners and admins. A workspace always keeps at least one manager.
import type { Selectable } from 'kysely';
import type { Tx } from '../../db/scope.ts';
import type { Workspaces } from '../../db/types.ts';
import { authorize, effectiveRoles } from '../../platform/access/access.ts';
import type { Action, WorkspaceRole } from '../../platform/access/policy.ts';
import type { Actor } from '../../platform/auth/actor.ts';
import type { Deps } from '../../platform/deps.ts';
import { AppError } from '../../platform/errors.ts';
import type { PageRequest } from '../../platform/http/common.schemas.ts';
import { auditTrail, organizationWork } from '../../platform/unit-of-work.ts';
import { toMember } from './group-members.repo.ts';
import { isOrganizationMember } from './teams.repo.ts';
import { cleanDescription, cleanText, isOrgAdmin } from './teams.service.ts';
import {
  deleteWorkspace,
  deleteWorkspaceMember,
  findWorkspace,
  findWorkspaceMember,
  insertWorkspace,
  insertWorkspaceMember,
  lockWorkspaceMembers,
  projectCounts,
  setWorkspaceMemberRole,
  updateWorkspace,
  type WorkspaceFields,
  workspaceMembersPage,
  workspacesPage,
} from './workspaces.repo.ts';

function toWorkspace(w: Selectable<Workspaces>, projectCount: number, role: string | null) {
  return {
    id: w.id,
    title: w.title,
    description: w.description,
    color: w.color,
    is_public: w.is_public,
    is_personal: w.is_personal,
    organization: w.organization_id,
    created_by: w.created_by,
    created_at: w.created_at,
    updated_at: w.updated_at,
    project_count: projectCount,
    role: role as WorkspaceRole | null,
  };
}

function clean(input: WorkspaceFields): WorkspaceFields {
  return {
    ...input,
    title: input.title === undefined ? undefined : cleanText('title', input.title),
    description: cleanDescription(input.description),
  };
}

export function createWorkspacesService({ database, config }: Pick<Deps, 'database' | 'config'>) {
  const options = { approvalRequired: config.APPROVAL_REQUIRED };
  const run = organizationWork(database);
  const record = auditTrail('workspace');

  /**
   * Reading follows the list: a public workspace is readable by every member of its organization (the unit of
   * work already requires that membership); any other goes through workspace.read. Returns the actor's role.
   */
  async function authorizeRead(tx: Tx, actor: Actor, id: number) {
    const workspace = await findWorkspace(tx, id);
    if (workspace?.is_public) {
      const roles = await effectiveRoles(tx, actor, 'workspace', [id]);
      return { workspace, role: roles.get(id) ?? null };
    }
    const roles = await authorize(tx, actor, 'workspace.read', [id]);
    if (!workspace) throw new AppError('not_found', `workspace ${id} not found`);
    return { workspace, role: roles.get(id)! };
  }

  /** authorize(), except that a public workspace is visible to the actor: lacking the role there is 403. */
  async function authorizeManage(tx: Tx, actor: Actor, action: Action, id: number) {
    try {
      return await authorize(tx, actor, action, [id]);
    } catch (err) {
      if (err instanceof AppError && err.code === 'not_found' && (await findWorkspace(tx, id))?.is_public) {
        throw new AppError('forbidden', `${action} needs the manager role on workspace ${id}`);
      }
      throw err;
    }
  }

  async function view(tx: Tx, organizationId: number, w: Selectable<Workspaces>, role: string | null) {
    const counts = await projectCounts(tx, organizationId, [w.id]);
    return toWorkspace(w, counts.get(w.id) ?? 0, role);
  }

  async function create(actor: Actor, input: WorkspaceFields & { title: string }) {
    const fields = clean(input);
    return run(actor, async (tx, organizationId) => {
      await authorize(tx, actor, 'workspace.create', [], options);
      const w = await insertWorkspace(tx, {
        ...fields,
        title: fields.title!,
        organizationId,
        createdBy: actor.userId,
      });
      await insertWorkspaceMember(tx, {
        organizationId,
        workspaceId: w.id,
        userId: actor.userId,
        role: 'manager',
      });
      await record(tx, actor, 'workspace.create', w.id, { title: w.title });
      return toWorkspace(w, 0, 'manager');
    });
  }

  async function list(actor: Actor, page: PageRequest) {
    return run(actor, async (tx, organizationId) => {
      const all = await isOrgAdmin(tx, actor);
      const { count, rows } = await workspacesPage(tx, { organizationId, userId: actor.userId, all }, page);
      const ids = rows.map((w) => w.id);
      const counts = await projectCounts(tx, organizationId, ids);
      const roles = await effectiveRoles(tx, actor, 'workspace', ids);
      return {
        count,
        results: rows.map((w) => toWorkspace(w, counts.get(w.id) ?? 0, roles.get(w.id) ?? null)),
      };
    });
  }

  async function get(actor: Actor, id: number) {
    return run(actor, async (tx, organizationId) => {
      const { workspace, role } = await authorizeRead(tx, actor, id);
      return view(tx, organizationId, workspace, role);
    });
  }

  async function update(actor: Actor, id: number, input: WorkspaceFields) {
    const patch = clean(input);
    return run(actor, async (tx, organizationId) => {
      const roles = await authorizeManage(tx, actor, 'workspace.update', id);
      const w = await updateWorkspace(tx, id, patch);
      return view(tx, organizationId, w, roles.get(id)!);
    });
  }

  async function remove(actor: Actor, id: number): Promise<void> {
    await run(actor, async (tx) => {
      await authorizeManage(tx, actor, 'workspace.delete', id);
      const w = await findWorkspace(tx, id);
      await record(tx, actor, 'workspace.delete', id, { title: w?.title });
      await deleteWorkspace(tx, id);
    });
  }

  async function members(actor: Actor, id: number, page: PageRequest) {
    return run(actor, async (tx) => {
      await authorizeRead(tx, actor, id);
      const { count, rows } = await workspaceMembersPage(tx, id, page);
      return { count, results: rows.map((r) => toMember<WorkspaceRole>(r)) };
    });
  }

  async function addMember(actor: Actor, id: number, userId: number, role: WorkspaceRole) {
    return run(actor, async (tx, organizationId) => {
      await authorizeManage(tx, actor, 'workspace.members.manage', id);
      if (!(await isOrganizationMember(tx, organizationId, userId))) {
        throw new AppError('not_found', `user ${userId} not found`);
      }
      if (!(await insertWorkspaceMember(tx, { organizationId, workspaceId: id, userId, role }))) {
        throw new AppError('conflict', `user ${userId} is already a member of workspace ${id}`);
      }
      await record(tx, actor, 'workspace.member.add', id, { user_id: userId, role });
      return toMember<WorkspaceRole>((await findWorkspaceMember(tx, id, userId))!);
    });
  }

  /** Locks the members first, so "the last manager" is decided on a state no one else can change. */
  async function lockedMembership(tx: Tx, actor: Actor, id: number, userId: number) {
    const locked = await lockWorkspaceMembers(tx, id);
    await authorizeRead(tx, actor, id);
    const target = locked.find((m) => m.user_id === userId);
    if (!target) throw new AppError('not_found', `user ${userId} is not a member of workspace ${id}`);
    const managers = locked.filter((m) => m.role === 'manager').length;
    return { target, managers };
  }

  function refuseLastManager(managers: number, id: number): void {
    if (managers <= 1) {
      throw new AppError('last_owner', `workspace ${id} must keep at least one manager`, {
        workspace_id: id,
      });
    }
  }

  async function changeRole(actor: Actor, id: number, userId: number, role: WorkspaceRole) {
    return run(actor, async (tx) => {
      const { target, managers } = await lockedMembership(tx, actor, id, userId);
      await authorizeManage(tx, actor, 'workspace.members.manage', id);
      if (target.role === 'manager' && role !== 'manager') refuseLastManager(managers, id);
      if (target.role !== role) {
        await setWorkspaceMemberRole(tx, id, userId, role);
        await record(tx, actor, 'workspace.member.role_change', id, {
          user_id: userId,
          from: target.role,
          to: role,
        });
      }
      return toMember<WorkspaceRole>((await findWorkspaceMember(tx, id, userId))!);
    });
  }

  async function removeMember(actor: Actor, id: number, userId: number): Promise<void> {
    await run(actor, async (tx) => {
      const { target, managers } = await lockedMembership(tx, actor, id, userId);
      // Anyone may leave; removing someone else takes a manager.
      if (userId !== actor.userId) await authorizeManage(tx, actor, 'workspace.members.manage', id);
      if (target.role === 'manager') refuseLastManager(managers, id);
      await deleteWorkspaceMember(tx, id, userId);
      const action = userId === actor.userId ? 'workspace.member.leave' : 'workspace.member.remove';
      await record(tx, actor, action, id, { user_id: userId, role: target.role });
    });
  }

  return { create, list, get, update, remove, members, addMember, changeRole, removeMember };
}
