// Request and response shapes of workspaces (Label Studio: folders of projects) and their members.
import Type from 'typebox';
import { Id, Timestamp } from '../../platform/http/common.schemas.ts';
import { Description, MemberUser, NullableText } from './teams.schemas.ts';

export const WorkspaceRoleName = Type.Union([Type.Literal('manager'), Type.Literal('member')]);

const Title = Type.String({ minLength: 1, maxLength: 255 });
const Color = Type.String({ pattern: '^#[0-9A-Fa-f]{6}$', description: '#RRGGBB' });

export const Workspace = Type.Object({
  id: Id,
  title: Type.String(),
  description: NullableText,
  color: Type.Union([Type.String(), Type.Null()]),
  is_public: Type.Boolean(),
  is_personal: Type.Boolean(),
  organization: Id,
  created_by: Type.Union([Id, Type.Null()]),
  created_at: Timestamp,
  updated_at: Timestamp,
  project_count: Type.Integer({ minimum: 0 }),
  /** Your role; null when you see a public workspace without being its member. */
  role: Type.Union([WorkspaceRoleName, Type.Null()]),
});

export const WorkspaceMember = Type.Object({
  user: MemberUser,
  role: WorkspaceRoleName,
  created_at: Timestamp,
});

export const CreateWorkspaceBody = Type.Object(
  {
    title: Title,
    description: Type.Optional(Description),
    color: Type.Optional(Type.Union([Color, Type.Null()])),
    is_public: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
);

export const UpdateWorkspaceBody = Type.Object(
  {
    title: Type.Optional(Title),
    description: Type.Optional(Description),
    color: Type.Optional(Type.Union([Color, Type.Null()])),
    is_public: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
);

export const AddWorkspaceMemberBody = Type.Object(
  { user_id: Id, role: Type.Optional(WorkspaceRoleName) },
  { additionalProperties: false },
);

export const UpdateWorkspaceMemberBody = Type.Object(
  { role: WorkspaceRoleName },
  { additionalProperties: false },
);
