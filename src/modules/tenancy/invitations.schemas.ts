// Request and response shapes of invitations. The secret token is mailed, never answered.
import Type from 'typebox';
import { Email, Id, Timestamp } from '../../platform/http/common.schemas.ts';
import { OrgRole } from './organizations.schemas.ts';

export const ProjectRole = Type.Union([
  Type.Literal('owner'),
  Type.Literal('manager'),
  Type.Literal('annotator'),
  Type.Literal('reviewer'),
  Type.Literal('viewer'),
]);

export const TeamRole = Type.Union([Type.Literal('owner'), Type.Literal('manager'), Type.Literal('viewer')]);
export const WorkspaceRole = Type.Union([Type.Literal('manager'), Type.Literal('member')]);

const TeamGrant = Type.Object({ team_id: Id, role: TeamRole }, { additionalProperties: false });
const ProjectGrant = Type.Object({ project_id: Id, role: ProjectRole }, { additionalProperties: false });
const WorkspaceGrant = Type.Object(
  { workspace_id: Id, role: WorkspaceRole },
  { additionalProperties: false },
);
const grants = <T extends typeof TeamGrant | typeof ProjectGrant | typeof WorkspaceGrant>(item: T) =>
  Type.Optional(Type.Array(item, { maxItems: 100 }));

export const CreateInvitationBody = Type.Object(
  {
    email: Email,
    role: OrgRole,
    /** Teams (user groups) to join as viewer; `teams` names a role per team. */
    team_ids: Type.Optional(Type.Array(Id, { maxItems: 100, uniqueItems: true })),
    /** Projects to join with `project_role` (viewer when absent); `projects` names a role per project. */
    project_ids: Type.Optional(Type.Array(Id, { maxItems: 100, uniqueItems: true })),
    project_role: Type.Optional(ProjectRole),
    teams: grants(TeamGrant),
    projects: grants(ProjectGrant),
    workspaces: grants(WorkspaceGrant),
  },
  { additionalProperties: false },
);

/** Invitations to one team, project or workspace (and so into its organization as a member). */
const scoped = <T extends typeof TeamRole | typeof ProjectRole | typeof WorkspaceRole>(role: T) =>
  Type.Object({ email: Email, role: Type.Optional(role) }, { additionalProperties: false });
export const TeamInvitationBody = scoped(TeamRole);
export const ProjectInvitationBody = scoped(ProjectRole);
export const WorkspaceInvitationBody = scoped(WorkspaceRole);

export const Invitation = Type.Object({
  id: Id,
  organization: Id,
  email: Type.String(),
  role: OrgRole,
  team_ids: Type.Array(Id),
  team_roles: Type.Array(Type.Object({ team_id: Id, role: TeamRole })),
  project_roles: Type.Array(Type.Object({ project_id: Id, role: ProjectRole })),
  workspace_roles: Type.Array(Type.Object({ workspace_id: Id, role: WorkspaceRole })),
  expires_at: Timestamp,
  created_at: Timestamp,
  invited_by: Type.Union([Id, Type.Null()]),
});

export const InvitationParams = Type.Object({ id: Id, invitation_id: Id });

export const AcceptInvitationBody = Type.Object(
  { token: Type.String({ minLength: 10, maxLength: 200 }) },
  { additionalProperties: false },
);

export const AcceptedInvitation = Type.Object({ organization_id: Id, role: OrgRole });
