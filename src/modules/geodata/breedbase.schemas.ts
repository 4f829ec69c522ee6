// Wire shapes of Breedbase connections: a project's link to a Breedbase server and its trials. The password or
// token is write-only: sealed at rest and answered only as `has_secret`.
import Type from 'typebox';
import { Timestamp } from '../../platform/http/common.schemas.ts';

const TrialIds = Type.Array(Type.String({ minLength: 1, maxLength: 255 }), {
  maxItems: 1000,
  uniqueItems: true,
});
const BaseUrl = Type.String({
  minLength: 1,
  maxLength: 2048,
  description: 'http(s) URL of the Breedbase server',
});

export const BreedbaseConnection = Type.Object({
  id: Type.Integer(),
  project_id: Type.Integer(),
  base_url: Type.String(),
  trial_ids: Type.Array(Type.String()),
  username: Type.Union([Type.String(), Type.Null()]),
  has_secret: Type.Boolean(),
  created_by: Type.Union([Type.Integer(), Type.Null()]),
  created_at: Timestamp,
  updated_at: Timestamp,
});

export const CreateBreedbaseBody = Type.Object(
  {
    base_url: BaseUrl,
    trial_ids: Type.Optional(TrialIds),
    username: Type.Optional(Type.Union([Type.String({ maxLength: 255 }), Type.Null()])),
    secret: Type.Optional(Type.Union([Type.String({ minLength: 1, maxLength: 4096 }), Type.Null()])),
  },
  { additionalProperties: false },
);

export const UpdateBreedbaseBody = Type.Object(
  {
    base_url: Type.Optional(BaseUrl),
    trial_ids: Type.Optional(TrialIds),
    username: Type.Optional(Type.Union([Type.String({ maxLength: 255 }), Type.Null()])),
    secret: Type.Optional(
      Type.Union([Type.String({ minLength: 1, maxLength: 4096 }), Type.Null()], {
        description: 'a new secret, or null to remove it',
      }),
    ),
  },
  { additionalProperties: false, minProperties: 1 },
);
