// Group access (seed 003 user_group_project, user_group_tag): a team given a role on a project, or on a tag,
// passes that role to every member of the team on the project (or on every project with the tag). Nothing is
// copied into project_members: the policy reads the grants live (src/platform/access/access.ts), so removing
// a person from the team or the grant from the project takes their access away in the same commit, and the
// read cache hears of it through the tables' change notices.
import { authorize } from '../../platform/access/access.ts';
import type { ProjectRole } from '../../platform/access/policy.ts';
import type { Actor } from '../../platform/auth/actor.ts';
import type { Deps } from '../../platform/deps.ts';
import { AppError } from '../../platform/errors.ts';
import type { PageRequest } from '../../platform/http/common.schemas.ts';
import { auditTrail, organizationWork } from '../../platform/unit-of-work.ts';
import {
  deleteGrant,
  deleteTagGrant,
  exists,
  findGrant,
  grantsPage,
  readGrant,
  readTagGrant,
  tagGrantsPage,
  upsertGrant,
  upsertTagGrant,
} from './access.repo.ts';

export function createGroupAccessService({ database, config }: Pick<Deps, 'database' | 'config'>) {
  const run = organizationWork(database);
  const options = { approvalRequired: config.APPROVAL_REQUIRED };
  const recordProject = auditTrail('project');
  const recordTeam = auditTrail('team');

  /** Granting or taking away the owner role is the owners' right, as for direct members. */
  const manageAction = (...roles: (string | undefined)[]) =>
    roles.includes('owner') ? ('project.owners.manage' as const) : ('project.groups.manage' as const);

  async function projectGrants(actor: Actor, projectId: number, page: PageRequest) {
    return run(actor, async (tx) => {
      await authorize(tx, actor, 'project.members.read', [projectId]);
      return grantsPage(tx, { projectId }, page);
    });
  }

  async function teamProjects(actor: Actor, teamId: number, page: PageRequest) {
    return run(actor, async (tx) => {
      await authorize(tx, actor, 'team.read', [teamId]);
      return grantsPage(tx, { teamId }, page);
    });
  }

  async function grant(actor: Actor, projectId: number, teamId: number, role: ProjectRole) {
    return run(actor, async (tx, organizationId) => {
      await authorize(tx, actor, 'project.groups.manage', [projectId], options);
      if (!(await exists(tx, 'teams', teamId))) throw new AppError('not_found', `team ${teamId} not found`);
      const before = await findGrant(tx, projectId, teamId);
      await authorize(tx, actor, manageAction(role, before?.role), [projectId], options);
      await upsertGrant(tx, { organizationId, projectId, teamId, role, by: actor.userId });
      if (before?.role !== role) {
        await recordProject(tx, actor, 'project.group.grant', projectId, {
          team_id: teamId,
          from: before?.role ?? null,
          to: role,
        });
      }
      return { created: before === undefined, grant: await readGrant(tx, projectId, teamId) };
    });
  }

  async function revoke(actor: Actor, projectId: number, teamId: number): Promise<void> {
    await run(actor, async (tx) => {
      await authorize(tx, actor, 'project.groups.manage', [projectId]);
      const before = await findGrant(tx, projectId, teamId);
      if (!before) throw new AppError('not_found', `team ${teamId} has no role on project ${projectId}`);
      await authorize(tx, actor, manageAction(before.role), [projectId]);
      await deleteGrant(tx, projectId, teamId);
      await recordProject(tx, actor, 'project.group.revoke', projectId, {
        team_id: teamId,
        role: before.role,
      });
    });
  }

  async function teamTags(actor: Actor, teamId: number, page: PageRequest) {
    return run(actor, async (tx) => {
      await authorize(tx, actor, 'team.read', [teamId]);
      return tagGrantsPage(tx, teamId, page);
    });
  }

  /** A role on a tag reaches projects the actor may not manage, so it is the organization administrators'. */
  async function grantTag(actor: Actor, teamId: number, tagId: number, role: ProjectRole) {
    return run(actor, async (tx, organizationId) => {
      await authorize(tx, actor, 'organization.team_tags.manage', [], options);
      if (!(await exists(tx, 'teams', teamId))) throw new AppError('not_found', `team ${teamId} not found`);
      if (!(await exists(tx, 'tags', tagId))) throw new AppError('not_found', `tag ${tagId} not found`);
      const before = await readTagGrant(tx, teamId, tagId);
      await upsertTagGrant(tx, { organizationId, teamId, tagId, role, by: actor.userId });
      if (before?.role !== role) {
        await recordTeam(tx, actor, 'team.tag.grant', teamId, {
          tag_id: tagId,
          from: before?.role ?? null,
          to: role,
        });
      }
      return { created: before === undefined, grant: (await readTagGrant(tx, teamId, tagId))! };
    });
  }

  async function revokeTag(actor: Actor, teamId: number, tagId: number): Promise<void> {
    await run(actor, async (tx) => {
      await authorize(tx, actor, 'organization.team_tags.manage', []);
      if (!(await exists(tx, 'teams', teamId))) throw new AppError('not_found', `team ${teamId} not found`);
      if (!(await deleteTagGrant(tx, teamId, tagId))) {
        throw new AppError('not_found', `team ${teamId} has no role on tag ${tagId}`);
      }
      await recordTeam(tx, actor, 'team.tag.revoke', teamId, { tag_id: tagId });
    });
  }

  return { projectGrants, teamProjects, grant, revoke, teamTags, grantTag, revokeTag };
}

export type GroupAccessService = ReturnType<typeof createGroupAccessService>;
