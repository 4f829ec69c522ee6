// Project groups (seed 003 projects_projectgroup): named collections of an organization's projects; a project
// may be in many. The creator (and the organization's owners and admins) owns a group; every other member sees
// it, and sees only those of its projects they may read. A group grants no access of its own.
import type { Tx } from '../../db/scope.ts';
import { authorize, effectiveRoles } from '../../platform/access/access.ts';
import type { Actor } from '../../platform/auth/actor.ts';
import type { Deps } from '../../platform/deps.ts';
import { AppError } from '../../platform/errors.ts';
import type { PageRequest } from '../../platform/http/common.schemas.ts';
import { auditTrail, organizationWork } from '../../platform/unit-of-work.ts';
import { readableProjects } from '../projects/index.ts';
import { cleanDescription, cleanText } from '../tenancy/index.ts';
import {
  addProjects,
  deleteProjectGroup,
  findProjectGroup,
  groupProjectsPage,
  insertProjectGroup,
  projectGroupsPage,
  readableCounts,
  removeProject,
  toProjectGroup,
  updateProjectGroup,
} from './project-groups.repo.ts';

export interface ProjectGroupInput {
  title?: string | undefined;
  description?: string | null | undefined;
}

export function createProjectGroupsService({ database, config }: Pick<Deps, 'database' | 'config'>) {
  const run = organizationWork(database);
  const options = { approvalRequired: config.APPROVAL_REQUIRED };
  const record = auditTrail('project_group');

  async function view(tx: Tx, actor: Actor, id: number, role: string) {
    const group = await findProjectGroup(tx, id);
    if (!group) throw new AppError('not_found', `project group ${id} not found`);
    const counts = await readableCounts(tx, [id], (a) => readableProjects(actor.userId, a));
    return toProjectGroup(group, counts.get(id) ?? 0, role);
  }

  async function create(actor: Actor, input: ProjectGroupInput & { title: string; project_ids?: number[] }) {
    const title = cleanText('title', input.title);
    const description = cleanDescription(input.description) ?? null;
    return run(actor, async (tx, organizationId) => {
      await authorize(tx, actor, 'project_group.create', [], options);
      const projectIds = input.project_ids ?? [];
      if (projectIds.length) await authorize(tx, actor, 'project.read', projectIds);
      const group = await insertProjectGroup(tx, {
        organizationId,
        title,
        description,
        createdBy: actor.userId,
      });
      if (projectIds.length) await addProjects(tx, organizationId, group.id, projectIds);
      await record(tx, actor, 'project_group.create', group.id, { title, project_ids: projectIds });
      return view(tx, actor, group.id, 'owner');
    });
  }

  async function list(
    actor: Actor,
    filter: { search?: string | undefined; project?: number | undefined },
    page: PageRequest,
  ) {
    return run(actor, async (tx) => {
      // Filtering by a project is asking about the project: it has to be one the actor may read.
      if (filter.project !== undefined) await authorize(tx, actor, 'project.read', [filter.project]);
      const { count, rows } = await projectGroupsPage(
        tx,
        { search: filter.search, projectId: filter.project },
        page,
      );
      const ids = rows.map((g) => g.id);
      const roles = await effectiveRoles(tx, actor, 'project_group', ids);
      const counts = await readableCounts(tx, ids, (a) => readableProjects(actor.userId, a));
      return {
        count,
        results: rows.map((g) => toProjectGroup(g, counts.get(g.id) ?? 0, roles.get(g.id) ?? 'member')),
      };
    });
  }

  async function get(actor: Actor, id: number) {
    return run(actor, async (tx) => {
      const roles = await authorize(tx, actor, 'project_group.read', [id]);
      return view(tx, actor, id, roles.get(id)!);
    });
  }

  async function update(actor: Actor, id: number, input: ProjectGroupInput) {
    const patch = {
      title: input.title === undefined ? undefined : cleanText('title', input.title),
      description: cleanDescription(input.description),
    };
    return run(actor, async (tx) => {
      const roles = await authorize(tx, actor, 'project_group.update', [id]);
      await updateProjectGroup(tx, id, patch);
      await record(tx, actor, 'project_group.update', id, { ...patch });
      return view(tx, actor, id, roles.get(id)!);
    });
  }

  async function remove(actor: Actor, id: number): Promise<void> {
    await run(actor, async (tx) => {
      await authorize(tx, actor, 'project_group.delete', [id]);
      const group = await findProjectGroup(tx, id);
      await record(tx, actor, 'project_group.delete', id, { title: group?.title });
      await deleteProjectGroup(tx, id);
    });
  }

  async function projects(actor: Actor, id: number, page: PageRequest) {
    return run(actor, async (tx) => {
      await authorize(tx, actor, 'project_group.read', [id]);
      return groupProjectsPage(tx, id, (a) => readableProjects(actor.userId, a), page);
    });
  }

  async function add(actor: Actor, id: number, projectIds: number[]) {
    return run(actor, async (tx, organizationId) => {
      await authorize(tx, actor, 'project_group.update', [id]);
      await authorize(tx, actor, 'project.read', projectIds);
      const added = await addProjects(tx, organizationId, id, projectIds);
      if (added) await record(tx, actor, 'project_group.projects.add', id, { project_ids: projectIds });
      return { added };
    });
  }

  async function drop(actor: Actor, id: number, projectId: number): Promise<void> {
    await run(actor, async (tx) => {
      await authorize(tx, actor, 'project_group.update', [id]);
      await authorize(tx, actor, 'project.read', [projectId]);
      if (!(await removeProject(tx, id, projectId))) {
        throw new AppError('not_found', `project ${projectId} is not in project group ${id}`);
      }
      await record(tx, actor, 'project_group.projects.remove', id, { project_id: projectId });
    });
  }

  return { create, list, get, update, remove, projects, add, drop };
}

export type ProjectGroupsService = ReturnType<typeof createProjectGroupsService>;
