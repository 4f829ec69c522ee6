// Wire shapes of /api/extensions: the catalogue of feature switches and their grants to teams and users.
import Type from 'typebox';
import { Id, Timestamp } from '../../platform/http/common.schemas.ts';

export const Extension = Type.Object({
  id: Type.Integer(),
  name: Type.String(),
  description: Type.String(),
  is_active: Type.Boolean({ description: 'false: switched off for everyone by the operator' }),
});

export const ExtensionGrant = Type.Object({
  extension_id: Type.Integer(),
  extension: Type.String(),
  team_id: Type.Union([Type.Integer(), Type.Null()]),
  user_id: Type.Union([Type.Integer(), Type.Null()]),
  is_active: Type.Boolean(),
  updated_at: Timestamp,
});

export const MyExtension = Type.Object({
  id: Type.Integer(),
  name: Type.String(),
  description: Type.String(),
  via: Type.Union([Type.Literal('user'), Type.Literal('team')], {
    description: 'a grant to the user, or to a team the user is a member of',
  }),
});

export const GrantBody = Type.Object(
  { is_active: Type.Optional(Type.Boolean({ default: true })) },
  { additionalProperties: false },
);

export const TeamGrantParams = Type.Object({ id: Id, team_id: Id });
export const UserGrantParams = Type.Object({ id: Id, user_id: Id });
