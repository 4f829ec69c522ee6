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

export const CreateInvitationBody = Type.Object(
  {
    email: Email,
    role: OrgRole,
    team_ids: Type.Optional(Type.Array(Id, { maxItems: 100, uniqueItems: true })),
    project_ids: Type.Optional(Type.Array(Id, { maxItems: 100, uniqueItems: true })),
    project_role: Type.Optional(ProjectRole),
  },
  { additionalProperties: false },
);

export const Invitation = Type.Object({
  id: Id,
  organization: Id,
  email: Type.String(),
  role: OrgRole,
  team_ids: Type.Array(Id),
  project_roles: Type.Array(Type.Object({ project_id: Id, role: ProjectRole })),
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
