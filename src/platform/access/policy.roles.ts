// Roles and the shape of a policy rule (policy.ts holds the matrix).
export const orgRoles = ['owner', 'admin', 'member'] as const;
export const projectRoles = ['owner', 'manager', 'annotator', 'reviewer', 'viewer'] as const;
export const teamRoles = ['owner', 'manager', 'viewer'] as const;
export const workspaceRoles = ['manager', 'member'] as const;
/** Seed 004's job roles: what a member does in the organization, on top of their project role. */
export const jobRoles = ['contractor', 'insurance_adjuster', 'project_manager'] as const;
/** Seed 001 (NVEIL) spells room roles in capitals; they are stored and shown that way. */
export const roomRoles = ['OWNER', 'MEMBER'] as const;
/** A project group's creator (and the organization's owners and admins) own it; every other member sees it. */
export const projectGroupRoles = ['owner', 'member'] as const;
/** D2S indoor projects: the creator and the organization's owners and admins own one; a team's roles carry. */
export const indoorProjectRoles = ['owner', 'manager', 'viewer'] as const;

export type OrgRoleName = (typeof orgRoles)[number];
export type ProjectRole = (typeof projectRoles)[number];
export type TeamRole = (typeof teamRoles)[number];
export type WorkspaceRole = (typeof workspaceRoles)[number];
export type JobRole = (typeof jobRoles)[number];
export type RoomRole = (typeof roomRoles)[number];
export type ProjectGroupRole = (typeof projectGroupRoles)[number];
export type IndoorProjectRole = (typeof indoorProjectRoles)[number];

export type ResourceKind =
  | 'organization'
  | 'project'
  | 'team'
  | 'workspace'
  | 'room'
  | 'project_group'
  | 'indoor_project';

export interface Rule {
  on: ResourceKind;
  roles: readonly string[];
  /** Creates content: refused for unapproved accounts when APPROVAL_REQUIRED=true. */
  creates?: boolean;
  /**
   * Job roles (organization members' seed 004 roles) that also allow the action on a project the person has any
   * role on: a job role widens what a project member may do, it never makes a project visible.
   */
  jobRoles?: readonly JobRole[];
  /**
   * Organization members holding the finance duty (`finance_staff`, granted by an owner) may do this action too,
   * whatever their organization role.
   */
  finance?: boolean;
  summary: string;
}
