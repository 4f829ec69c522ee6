// Request and response shapes of accounts, sessions, users and API keys.
import Type from 'typebox';
import {
  Email,
  Id,
  NullableString,
  NullableTimestamp,
  Timestamp,
  TimestampInput,
} from '../../platform/http/common.schemas.ts';

export const Username = Type.String({
  pattern: '^[A-Za-z0-9_]{3,50}$',
  description: '3-50 letters, digits or underscores',
});
// The password rules are checked in code so each broken rule is named; the schema only bounds the size.
export const Password = Type.String({ minLength: 1, maxLength: 256 });

export const User = Type.Object({
  id: Id,
  email: Type.String(),
  username: Type.String(),
  first_name: NullableString(100),
  last_name: NullableString(100),
  avatar: NullableString(2048),
  country: NullableString(100),
  profession: NullableString(100),
  is_active: Type.Boolean(),
  is_approved: Type.Boolean(),
  is_email_confirmed: Type.Boolean(),
  is_superuser: Type.Boolean(),
  is_staff: Type.Boolean(),
  active_organization: Type.Union([Id, Type.Null()]),
  last_login: NullableTimestamp,
  created_at: Timestamp,
});

export const SignupBody = Type.Object(
  {
    email: Email,
    username: Username,
    password: Password,
    first_name: Type.Optional(Type.String({ maxLength: 100 })),
    last_name: Type.Optional(Type.String({ maxLength: 100 })),
    invite_token: Type.Optional(Type.String({ minLength: 10, maxLength: 200 })),
  },
  { additionalProperties: false },
);

export const LoginBody = Type.Object(
  {
    login: Type.String({ minLength: 1, maxLength: 254, description: 'email or username' }),
    password: Password,
  },
  { additionalProperties: false },
);

export const Tokens = Type.Object({
  access_token: Type.String(),
  refresh_token: Type.String(),
  token_type: Type.Literal('bearer'),
  expires_in: Type.Integer({ description: 'seconds until access_token expires' }),
  user: User,
});

export const RefreshBody = Type.Object(
  { refresh_token: Type.Optional(Type.String({ minLength: 10, maxLength: 200 })) },
  { additionalProperties: false },
);

export const TokenBody = Type.Object(
  { token: Type.String({ minLength: 10, maxLength: 200 }) },
  { additionalProperties: false },
);
export const EmailBody = Type.Object({ email: Email }, { additionalProperties: false });
export const ResetBody = Type.Object(
  { token: Type.String({ minLength: 10, maxLength: 200 }), password: Password },
  { additionalProperties: false },
);
export const Accepted = Type.Object({ detail: Type.String() });

export const UpdateMeBody = Type.Object(
  {
    first_name: Type.Optional(Type.Union([Type.String({ maxLength: 100 }), Type.Null()])),
    last_name: Type.Optional(Type.Union([Type.String({ maxLength: 100 }), Type.Null()])),
    avatar: Type.Optional(Type.Union([Type.String({ format: 'uri', maxLength: 2048 }), Type.Null()])),
    country: Type.Optional(Type.Union([Type.String({ maxLength: 100 }), Type.Null()])),
    profession: Type.Optional(Type.Union([Type.String({ maxLength: 100 }), Type.Null()])),
    active_organization: Type.Optional(Id),
  },
  { additionalProperties: false, minProperties: 1 },
);

export const ChangePasswordBody = Type.Object(
  { current_password: Password, new_password: Password },
  { additionalProperties: false },
);

export const UserSearchQuery = Type.Object({
  search: Type.Optional(Type.String({ maxLength: 254 })),
  page: Type.Optional(Type.Integer({ minimum: 1 })),
  page_size: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000 })),
});

export const ApiKey = Type.Object({
  id: Id,
  name: Type.String(),
  prefix: Type.String({ description: 'the first characters of the key, to recognise it' }),
  created_at: Timestamp,
  last_used_at: NullableTimestamp,
  expires_at: NullableTimestamp,
});
export const CreatedApiKey = Type.Intersect([
  ApiKey,
  Type.Object({ key: Type.String({ description: 'shown once' }) }),
]);
export const CreateApiKeyBody = Type.Object(
  { name: Type.String({ minLength: 1, maxLength: 100 }), expires_at: Type.Optional(TimestampInput) },
  { additionalProperties: false },
);

export const LegacyToken = Type.Object({ token: Type.String() });
export const WhoAmI = Type.Object({
  id: Id,
  email: Type.String(),
  username: Type.String(),
  first_name: Type.String(),
  last_name: Type.String(),
  avatar: Type.Union([Type.String(), Type.Null()]),
  initials: Type.String(),
  phone: Type.String(),
  active_organization: Type.Union([Id, Type.Null()]),
  allow_newsletters: Type.Boolean(),
  date_joined: Timestamp,
  last_activity: NullableTimestamp,
});
