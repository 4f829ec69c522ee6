// Request and response shapes of group access (a team's role on a project or on a tag) and project groups.
import Type from 'typebox';
import { projectRoles } from '../../platform/access/policy.ts';
import { Id, NullableString, PageQuery, Timestamp } from '../../platform/http/common.schemas.ts';

export const ProjectRoleName = Type.Enum(projectRoles);
const Nullable = <T extends ReturnType<typeof Type.String>>(t: T) => Type.Union([t, Type.Null()]);

export const RoleBody = Type.Object({ role: ProjectRoleName }, { additionalProperties: false });

const TeamBrief = Type.Object({ id: Id, name: Type.String() });
const ProjectBrief = Type.Object({ id: Id, title: Type.String() });
const TagBrief = Type.Object({ id: Id, title: Type.String() });

/** A team's role on one project: every member of the team holds it there. */
export const ProjectGroupGrant = Type.Object({
  team: TeamBrief,
  project: ProjectBrief,
  role: ProjectRoleName,
  created_by: Type.Union([Id, Type.Null()]),
  created_at: Timestamp,
  updated_at: Timestamp,
});

/** A team's role on a tag: every member holds it on every project with the tag. */
export const TeamTagGrant = Type.Object({
  team: TeamBrief,
  tag: TagBrief,
  role: ProjectRoleName,
  created_by: Type.Union([Id, Type.Null()]),
  created_at: Timestamp,
  updated_at: Timestamp,
});

export const GrantParams = Type.Object({ id: Id, team_id: Id });
export const TagGrantParams = Type.Object({ id: Id, tag_id: Id });
export const GroupProjectParams = Type.Object({ id: Id, project_id: Id });

export const ProjectGroup = Type.Object({
  id: Id,
  organization: Id,
  title: Type.String(),
  description: Nullable(Type.String()),
  created_by: Type.Union([Id, Type.Null()]),
  created_at: Timestamp,
  updated_at: Timestamp,
  /** Projects in the group that you may read. */
  project_count: Type.Integer({ minimum: 0 }),
  /** owner: you created it or administer the organization; member: you see it. */
  role: Type.Union([Type.Literal('owner'), Type.Literal('member')]),
});

export const CreateProjectGroupBody = Type.Object(
  {
    title: Type.String({ minLength: 1, maxLength: 255 }),
    description: Type.Optional(NullableString(10000)),
    project_ids: Type.Optional(Type.Array(Id, { maxItems: 1000, uniqueItems: true })),
  },
  { additionalProperties: false },
);

export const UpdateProjectGroupBody = Type.Object(
  {
    title: Type.Optional(Type.String({ minLength: 1, maxLength: 255 })),
    description: Type.Optional(NullableString(10000)),
  },
  { additionalProperties: false },
);

export const ProjectGroupListQuery = Type.Object({
  ...PageQuery.properties,
  search: Type.Optional(Type.String({ maxLength: 255, description: 'part of the title, any case' })),
  project: Type.Optional({ ...Id, description: 'only groups that contain this project' }),
});

export const AddGroupProjectsBody = Type.Object(
  { project_ids: Type.Array(Id, { minItems: 1, maxItems: 1000, uniqueItems: true }) },
  { additionalProperties: false },
);

export const GroupProject = Type.Object({
  id: Id,
  title: Type.String(),
  added_at: Timestamp,
});

export const AddedGroupProjects = Type.Object({ added: Type.Integer({ minimum: 0 }) });
