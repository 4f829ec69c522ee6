// The role-to-action matrix: the one place that says who may do what. docs/permissions.md is rendered from it
// (`npm run docs:permissions`) and a test fails when the two differ.
import { geodataRules } from './policy.geodata.ts';
import { orderRules } from './policy.orders.ts';
import {
  indoorProjectRoles,
  jobRoles,
  orgRoles,
  type ProjectRole,
  projectGroupRoles,
  projectRoles,
  type ResourceKind,
  type Rule,
  roomRoles,
  type TeamRole,
  teamRoles,
  workspaceRoles,
} from './policy.roles.ts';

export * from './policy.roles.ts';

const everyOrgRole = orgRoles;
const everyProjectRole = projectRoles;

export const policy = {
  'organization.read': { on: 'organization', roles: everyOrgRole, summary: 'see the organization' },
  'organization.update': {
    on: 'organization',
    roles: ['owner', 'admin'],
    summary: 'rename, edit contact info',
  },
  'organization.delete': { on: 'organization', roles: ['owner'], summary: 'delete the organization' },
  'organization.members.read': { on: 'organization', roles: everyOrgRole, summary: 'list members' },
  'organization.members.manage': {
    on: 'organization',
    roles: ['owner', 'admin'],
    summary: 'change roles, remove members (only owners touch owners)',
  },
  'organization.owners.manage': {
    on: 'organization',
    roles: ['owner'],
    summary: 'grant or revoke the owner role',
  },
  'organization.invitations.manage': {
    on: 'organization',
    roles: ['owner', 'admin'],
    summary: 'invite, list and revoke invitations',
  },
  'organization.audit.read': { on: 'organization', roles: ['owner', 'admin'], summary: 'read the audit log' },
  'organization.webhooks.manage': {
    on: 'organization',
    roles: ['owner', 'admin'],
    summary: 'create, change, test and delete organization webhooks',
  },
  'organization.vocabulary.manage': {
    on: 'organization',
    roles: ['owner', 'admin'],
    summary: 'create, change and delete task flags and project tags',
  },
  'models.read': {
    on: 'organization',
    roles: everyOrgRole,
    summary: 'see model interfaces and their versions',
  },
  'models.manage': {
    on: 'organization',
    roles: ['owner', 'admin'],
    summary: 'manage model provider connections (API keys), model interfaces and versions',
  },
  'team.create': { on: 'organization', roles: everyOrgRole, creates: true, summary: 'create a team' },
  'workspace.create': {
    on: 'organization',
    roles: everyOrgRole,
    creates: true,
    summary: 'create a workspace',
  },
  'project.create': { on: 'organization', roles: everyOrgRole, creates: true, summary: 'create a project' },

  'project_group.create': {
    on: 'organization',
    roles: everyOrgRole,
    creates: true,
    summary: 'create a project group (you own it)',
  },
  'organization.team_tags.manage': {
    on: 'organization',
    roles: ['owner', 'admin'],
    summary: 'give a team a role on every project with a tag, change or take it away',
  },

  'team.read': { on: 'team', roles: teamRoles, summary: 'see the team and its members' },
  'team.update': { on: 'team', roles: ['owner', 'manager'], summary: 'rename, describe' },
  'team.delete': { on: 'team', roles: ['owner'], summary: 'delete the team' },
  'team.members.manage': { on: 'team', roles: ['owner', 'manager'], summary: 'add, change, remove members' },
  'team.owners.manage': { on: 'team', roles: ['owner'], summary: 'grant or revoke the owner role' },
  'team.invite': {
    on: 'team',
    roles: ['owner', 'manager'],
    summary: 'invite an email address into the team (and the organization, as member)',
  },

  'workspace.read': { on: 'workspace', roles: workspaceRoles, summary: 'see the workspace and its members' },
  'workspace.update': { on: 'workspace', roles: ['manager'], summary: 'rename, describe, recolour' },
  'workspace.delete': { on: 'workspace', roles: ['manager'], summary: 'delete the workspace' },
  'workspace.members.manage': { on: 'workspace', roles: ['manager'], summary: 'add, change, remove members' },
  'workspace.invite': {
    on: 'workspace',
    roles: ['manager'],
    summary: 'invite an email address into the workspace (and the organization, as member)',
  },

  'project.read': { on: 'project', roles: everyProjectRole, summary: 'see the project' },
  'project.update': { on: 'project', roles: ['owner', 'manager'], summary: 'edit fields, team, workspace' },
  'project.delete': { on: 'project', roles: ['owner'], summary: 'delete the project' },
  'project.members.read': { on: 'project', roles: everyProjectRole, summary: 'list members' },
  'project.members.manage': {
    on: 'project',
    roles: ['owner', 'manager'],
    summary: 'add, change, remove non-owner members',
  },
  'project.owners.manage': { on: 'project', roles: ['owner'], summary: 'grant or revoke the owner role' },
  'project.invite': {
    on: 'project',
    roles: ['owner', 'manager'],
    summary: 'invite an email address into the project (and the organization, as member); owner: owners only',
  },
  'project.groups.manage': {
    on: 'project',
    roles: ['owner', 'manager'],
    summary:
      'give a team (user group) a role on the project, change or take it away (owner: project.owners.manage)',
  },
  'project.modules.update': {
    on: 'project',
    roles: ['owner', 'manager'],
    summary: 'enable or disable modules',
  },
  'project.like': { on: 'project', roles: everyProjectRole, summary: 'bookmark the project' },
  'onboarding.read': {
    on: 'project',
    roles: everyProjectRole,
    summary: "see the project's onboarding steps and which are done",
  },
  'onboarding.update': {
    on: 'project',
    roles: ['owner', 'manager'],
    summary: 'mark onboarding steps done or not done',
  },
  'tasks.read': {
    on: 'project',
    roles: everyProjectRole,
    summary: "see the project's tasks and annotations",
  },
  'tasks.manage': {
    on: 'project',
    roles: ['owner', 'manager'],
    summary: 'create, import, change and delete tasks',
  },
  'annotations.create': {
    on: 'project',
    roles: ['owner', 'manager', 'annotator'],
    summary: 'label tasks (annotations, drafts, /next); change and delete your own annotations',
  },
  'annotations.review': {
    on: 'project',
    roles: ['owner', 'manager', 'reviewer'],
    summary: "change and delete anyone's annotations, resolve comments",
  },
  'comments.create': {
    on: 'project',
    roles: ['owner', 'manager', 'annotator', 'reviewer'],
    summary: 'comment on annotations; change and delete your own comments',
  },
  'predictions.manage': {
    on: 'project',
    roles: ['owner', 'manager'],
    summary: 'create, change and delete predictions',
  },
  'tasks.import': {
    on: 'project',
    roles: ['owner', 'manager'],
    creates: true,
    summary: 'import tasks (JSON, files, URL), reimport file uploads',
  },
  'tasks.export': {
    on: 'project',
    roles: ['owner', 'manager', 'reviewer'],
    summary: 'export tasks and annotations, create and download snapshot exports',
  },
  'dm.views.own': {
    on: 'project',
    roles: everyProjectRole,
    creates: true,
    summary: 'create, see, change and delete their own data manager views',
  },
  'dm.views.manage': {
    on: 'project',
    roles: ['owner', 'manager'],
    summary: "see, change and delete other people's data manager views",
  },
  'dm.actions.run': {
    on: 'project',
    roles: ['owner', 'manager'],
    summary: 'run data manager actions (delete tasks, annotations or predictions, remove duplicates)',
  },
  'ml.read': {
    on: 'project',
    roles: everyProjectRole,
    summary: "see the project's ML backends, their jobs and model runs",
  },
  'ml.manage': {
    on: 'project',
    roles: ['owner', 'manager'],
    summary: 'connect, change and remove ML backends; train, retrieve predictions, start model runs',
  },
  'ml.interactive': {
    on: 'project',
    roles: ['owner', 'manager', 'annotator', 'reviewer'],
    summary: 'ask an interactive ML backend to pre-annotate one task',
  },
  'storages.manage': {
    on: 'project',
    roles: ['owner', 'manager'],
    creates: true,
    summary: 'connect, change, validate, sync and disconnect cloud storages (import and export)',
  },
  'project.webhooks.manage': {
    on: 'project',
    roles: ['owner', 'manager'],
    summary: "create, change, test and delete the project's webhooks",
  },
  'photos.read': {
    on: 'project',
    roles: everyProjectRole,
    jobRoles,
    summary: 'see photos, thumbnails, detections, tags; export them',
  },
  'photos.upload': {
    on: 'project',
    roles: ['owner', 'manager', 'annotator'],
    jobRoles: ['contractor', 'project_manager'],
    creates: true,
    summary: 'upload photos',
  },
  'photos.tag': {
    on: 'project',
    roles: ['owner', 'manager', 'annotator', 'reviewer'],
    jobRoles: ['contractor', 'project_manager'],
    summary: 'create tags, tag and untag photos (one or a selection)',
  },
  'detections.review': {
    on: 'project',
    roles: ['owner', 'manager', 'reviewer'],
    jobRoles: ['insurance_adjuster', 'project_manager'],
    summary: 'work the review queue: confirm, reject, correct, add detections',
  },
  'photos.manage': {
    on: 'project',
    roles: ['owner', 'manager'],
    jobRoles: ['project_manager'],
    summary: 'edit and delete photos, detectors, share links, delete tags',
  },

  'project_group.read': {
    on: 'project_group',
    roles: projectGroupRoles,
    summary: 'see the project group and those of its projects you may read',
  },
  'project_group.update': {
    on: 'project_group',
    roles: ['owner'],
    summary: 'rename, describe, add and remove projects (ones you may read)',
  },
  'project_group.delete': { on: 'project_group', roles: ['owner'], summary: 'delete the project group' },

  'room.create': {
    on: 'organization',
    roles: everyOrgRole,
    creates: true,
    summary: 'create a chat or dashboard room',
  },
  'license.read': {
    on: 'organization',
    roles: everyOrgRole,
    summary: "see the organization's license and seats",
  },
  'license.manage': {
    on: 'organization',
    roles: ['owner', 'admin'],
    summary: 'take a plan, assign and release seats',
  },
  'room.read': {
    on: 'room',
    roles: roomRoles,
    summary: 'see the room, its members, messages, files and dashboard panels',
  },
  'room.contribute': {
    on: 'room',
    roles: roomRoles,
    summary: 'ask questions (post messages; edit and delete your own), attach and detach files',
  },
  'room.update': { on: 'room', roles: ['OWNER'], summary: 'rename, change settings, rotate the share token' },
  'room.members.manage': { on: 'room', roles: ['OWNER'], summary: 'add, change and remove members' },
  'room.panels.manage': {
    on: 'room',
    roles: ['OWNER'],
    summary: 'create, move, resize, edit and delete panels',
  },
  'room.delete': { on: 'room', roles: ['OWNER'], summary: 'delete the room' },
  ...geodataRules,
  ...orderRules,
} as const satisfies Record<string, Rule>;

export type Action = keyof typeof policy;

/**
 * Organization owners and admins administer everything in their organization: this is the role they hold on
 * each team, workspace and project without being listed there.
 */
export const orgAdminImplies: Record<Exclude<ResourceKind, 'organization'>, string> = {
  project: 'owner',
  project_group: 'owner',
  indoor_project: 'owner',
  room: 'OWNER',
  team: 'owner',
  workspace: 'manager',
};

/** A team member's role carries onto the team's projects under the same name (D2S). */
export const teamRoleOnProject: Record<TeamRole, ProjectRole> = {
  owner: 'owner',
  manager: 'manager',
  viewer: 'viewer',
};

/** The stronger of two roles of one kind (earlier in the kind's list is stronger). */
export function strongest(kind: ResourceKind, ...roles: (string | null | undefined)[]): string | null {
  const order: readonly string[] =
    kind === 'organization'
      ? orgRoles
      : kind === 'project'
        ? projectRoles
        : kind === 'team'
          ? teamRoles
          : kind === 'room'
            ? roomRoles
            : kind === 'project_group'
              ? projectGroupRoles
              : kind === 'indoor_project'
                ? indoorProjectRoles
                : workspaceRoles;
  let best: string | null = null;
  for (const r of roles) {
    if (r && order.includes(r) && (best === null || order.indexOf(r) < order.indexOf(best))) best = r;
  }
  return best;
}

/** Whether members with the finance duty may do `action` whatever their role. */
export function financeAllows(action: Action): boolean {
  return (policy[action] as Rule).finance === true;
}

export function allows(action: Action, role: string | null): boolean {
  return role !== null && (policy[action].roles as readonly string[]).includes(role);
}

/** Whether a project member with `jobRole` may do `action` through that job role. */
export function jobRoleAllows(action: Action, jobRole: string | null): boolean {
  const granted = (policy[action] as Rule).jobRoles;
  return jobRole !== null && granted !== undefined && (granted as readonly string[]).includes(jobRole);
}
