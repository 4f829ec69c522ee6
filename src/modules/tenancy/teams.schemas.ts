// Request and response shapes of teams (D2S) and their members.
import Type from 'typebox';
import { Id, PageQuery, Timestamp } from '../../platform/http/common.schemas.ts';

/** The columns' CHECK constraints, mirrored so bad input is a 400 and never reaches the database. */
export const MAX_DESCRIPTION = 10000;
export const Description = Type.Union([Type.String({ maxLength: MAX_DESCRIPTION }), Type.Null()]);
export const NullableText = Type.Union([Type.String(), Type.Null()]);

export const TeamRoleName = Type.Union([
  Type.Literal('owner'),
  Type.Literal('manager'),
  Type.Literal('viewer'),
]);

/** A member's person, as Label Studio lists organization members. */
export const MemberUser = Type.Object({
  id: Id,
  email: Type.String(),
  username: Type.String(),
  first_name: NullableText,
  last_name: NullableText,
});

export const Team = Type.Object({
  id: Id,
  name: Type.String(),
  description: NullableText,
  organization: Id,
  created_by: Type.Union([Id, Type.Null()]),
  created_at: Timestamp,
  updated_at: Timestamp,
  member_count: Type.Integer({ minimum: 0 }),
  /** Your role on the team; organization owners and admins hold owner. */
  role: TeamRoleName,
});

export const TeamMember = Type.Object({
  user: MemberUser,
  role: TeamRoleName,
  created_at: Timestamp,
});

export const CreateTeamBody = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 255 }),
    description: Type.Optional(Description),
  },
  { additionalProperties: false },
);

export const UpdateTeamBody = Type.Object(
  {
    name: Type.Optional(Type.String({ minLength: 1, maxLength: 255 })),
    description: Type.Optional(Description),
  },
  { additionalProperties: false },
);

export const TeamListQuery = Type.Object({
  ...PageQuery.properties,
  search: Type.Optional(Type.String({ maxLength: 255, description: 'part of the name, any case' })),
});

export const MemberParams = Type.Object({ id: Id, user_id: Id });

export const AddTeamMemberBody = Type.Object(
  {
    user_id: Id,
    role: Type.Optional(TeamRoleName),
  },
  { additionalProperties: false },
);

export const UpdateTeamMemberBody = Type.Object({ role: TeamRoleName }, { additionalProperties: false });
