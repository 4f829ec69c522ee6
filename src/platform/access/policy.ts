// The role-to-action matrix: the one place that says who may do what. docs/permissions.md is rendered from it
// (`npm run docs:permissions`) and a test fails when the two differ.

export const orgRoles = ['owner', 'admin', 'member'] as const;
export const projectRoles = ['owner', 'manager', 'annotator', 'reviewer', 'viewer'] as const;
export const teamRoles = ['owner', 'manager', 'viewer'] as const;
export const workspaceRoles = ['manager', 'member'] as const;

export type OrgRoleName = (typeof orgRoles)[number];
export type ProjectRole = (typeof projectRoles)[number];
export type TeamRole = (typeof teamRoles)[number];
export type WorkspaceRole = (typeof workspaceRoles)[number];

export type ResourceKind = 'organization' | 'project' | 'team' | 'workspace';

export interface Rule {
  on: ResourceKind;
  roles: readonly string[];
  /** Creates content: refused for unapproved accounts when APPROVAL_REQUIRED=true. */
  creates?: boolean;
  summary: string;
}

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
  'team.create': { on: 'organization', roles: everyOrgRole, creates: true, summary: 'create a team' },
  'workspace.create': {
    on: 'organization',
    roles: everyOrgRole,
    creates: true,
    summary: 'create a workspace',
  },
  'project.create': { on: 'organization', roles: everyOrgRole, creates: true, summary: 'create a project' },

  'team.read': { on: 'team', roles: teamRoles, summary: 'see the team and its members' },
  'team.update': { on: 'team', roles: ['owner', 'manager'], summary: 'rename, describe' },
  'team.delete': { on: 'team', roles: ['owner'], summary: 'delete the team' },
  'team.members.manage': { on: 'team', roles: ['owner', 'manager'], summary: 'add, change, remove members' },
  'team.owners.manage': { on: 'team', roles: ['owner'], summary: 'grant or revoke the owner role' },

  'workspace.read': { on: 'workspace', roles: workspaceRoles, summary: 'see the workspace and its members' },
  'workspace.update': { on: 'workspace', roles: ['manager'], summary: 'rename, describe, recolour' },
  'workspace.delete': { on: 'workspace', roles: ['manager'], summary: 'delete the workspace' },
  'workspace.members.manage': { on: 'workspace', roles: ['manager'], summary: 'add, change, remove members' },

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
  'project.modules.update': {
    on: 'project',
    roles: ['owner', 'manager'],
    summary: 'enable or disable modules',
  },
  'project.like': { on: 'project', roles: everyProjectRole, summary: 'bookmark the project' },
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
  'project.webhooks.manage': {
    on: 'project',
    roles: ['owner', 'manager'],
    summary: "create, change, test and delete the project's webhooks",
  },
} as const satisfies Record<string, Rule>;

export type Action = keyof typeof policy;

/**
 * Organization owners and admins administer everything in their organization: this is the role they hold on
 * each team, workspace and project without being listed there.
 */
export const orgAdminImplies: Record<Exclude<ResourceKind, 'organization'>, string> = {
  project: 'owner',
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
          : workspaceRoles;
  let best: string | null = null;
  for (const r of roles) {
    if (r && order.includes(r) && (best === null || order.indexOf(r) < order.indexOf(best))) best = r;
  }
  return best;
}

export function allows(action: Action, role: string | null): boolean {
  return role !== null && (policy[action].roles as readonly string[]).includes(role);
}
