// Request and response shapes of the projects resource. One Project object serves every route; it is flat so
// the annotation module can add Label Studio's fields (label_config, task_number, ...) beside these.
import Type from 'typebox';
import { projectRoles } from '../../platform/access/policy.ts';
import { Id, NullableString, Timestamp } from '../../platform/http/common.schemas.ts';

export const moduleNames = ['annotation', 'photos', 'geodata', 'rooms'] as const;
export type ModuleName = (typeof moduleNames)[number];

export const ProjectRoleSchema = Type.Enum(projectRoles);
export const visibilities = ['public', 'private'] as const;
export const statuses = ['active', 'completed', 'archived'] as const;
export const Visibility = Type.Enum(visibilities);
export const Status = Type.Enum(statuses);
export const ModuleNameSchema = Type.Enum(moduleNames);

export const Title = Type.String({ minLength: 1, maxLength: 255 });
export const Slug = Type.String({
  maxLength: 100,
  pattern: '^[a-z0-9]+(-[a-z0-9]+)*$',
  description: 'lower-case letters and digits in groups joined by single hyphens',
});
const Description = Type.String({ maxLength: 100000 });

export const UserBrief = Type.Object({
  id: Id,
  username: Type.String(),
  email: Type.String(),
  first_name: NullableString(100),
  last_name: NullableString(100),
});

/** The core fields; modules spread their own beside them (the object stays flat). */
export const projectProperties = {
  id: Id,
  title: Type.String(),
  slug: Type.String(),
  description: Type.Union([Type.String(), Type.Null()]),
  visibility: Visibility,
  status: Status,
  organization: Id,
  team: Type.Union([Id, Type.Null()]),
  workspace: Type.Union([Id, Type.Null()]),
  created_by: Type.Union([UserBrief, Type.Null()]),
  created_at: Timestamp,
  updated_at: Timestamp,
  modules: Type.Array(ModuleNameSchema, { description: 'the enabled modules' }),
  liked: Type.Boolean({ description: 'bookmarked by the signed-in user' }),
  like_count: Type.Integer({ minimum: 0 }),
  role: Type.Enum(projectRoles, { description: "the signed-in user's effective role" }),
};

export const Project = Type.Object(projectProperties);

export const CreateProjectBody = Type.Object(
  {
    title: Title,
    description: Type.Optional(Type.Union([Description, Type.Null()])),
    slug: Type.Optional(Slug),
    visibility: Type.Optional(Visibility),
    status: Type.Optional(Status),
    team_id: Type.Optional(Type.Union([Id, Type.Null()])),
    workspace_id: Type.Optional(Type.Union([Id, Type.Null()])),
  },
  { additionalProperties: false },
);

export const UpdateProjectBody = Type.Object(
  {
    title: Type.Optional(Title),
    description: Type.Optional(Type.Union([Description, Type.Null()])),
    slug: Type.Optional(Slug),
    visibility: Type.Optional(Visibility),
    status: Type.Optional(Status),
    team_id: Type.Optional(Type.Union([Id, Type.Null()])),
    workspace_id: Type.Optional(Type.Union([Id, Type.Null()])),
  },
  { additionalProperties: false },
);

export const ProjectListQuery = Type.Object({
  workspace: Type.Optional(Id),
  team: Type.Optional(Id),
  visibility: Type.Optional(Visibility),
  search: Type.Optional(Type.String({ maxLength: 255, description: 'title contains (case-insensitive)' })),
  liked: Type.Optional(Type.Boolean({ description: 'true: only bookmarked; false: only not bookmarked' })),
  page: Type.Optional(Type.Integer({ minimum: 1 })),
  page_size: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000 })),
});

export const LikeState = Type.Object({ liked: Type.Boolean(), like_count: Type.Integer({ minimum: 0 }) });

export const ModulesBody = Type.Object(
  { enabled: Type.Array(ModuleNameSchema, { maxItems: moduleNames.length * 4 }) },
  { additionalProperties: false },
);

export const ModulesState = Type.Object({
  modules: Type.Array(Type.Object({ name: ModuleNameSchema, enabled: Type.Boolean() })),
});

export const MemberParams = Type.Object({ id: Id, user_id: Id });

export const Member = Type.Object({
  user: UserBrief,
  role: ProjectRoleSchema,
  created_at: Timestamp,
});

export const AddMemberBody = Type.Object(
  { user_id: Id, role: ProjectRoleSchema },
  { additionalProperties: false },
);

export const UpdateMemberBody = Type.Object({ role: ProjectRoleSchema }, { additionalProperties: false });

export const MemberPageQuery = Type.Object({
  page: Type.Optional(Type.Integer({ minimum: 1 })),
  page_size: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000 })),
});

/** The Project, create and update schemas with the extensions' fields beside the core ones. */
export function extendedSchemas(extensions: readonly { properties: object; input: object }[]) {
  const props = Object.assign({}, ...extensions.map((e) => e.properties));
  const input = Object.fromEntries(
    extensions.flatMap((e) => Object.entries(e.input).map(([k, v]) => [k, Type.Optional(v)])),
  );
  return {
    Project: Type.Object({ ...projectProperties, ...props }),
    CreateProjectBody: Type.Object(
      { ...CreateProjectBody.properties, ...input },
      { additionalProperties: false },
    ),
    UpdateProjectBody: Type.Object(
      { ...UpdateProjectBody.properties, ...input },
      { additionalProperties: false },
    ),
  };
}
