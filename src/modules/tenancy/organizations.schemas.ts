// Request and response shapes of organizations, memberships and the audit log.
import Type from 'typebox';
import { Id, NullableString, Timestamp } from '../../platform/http/common.schemas.ts';

export const OrgRole = Type.Union([Type.Literal('owner'), Type.Literal('admin'), Type.Literal('member')]);

// The database's own rule (lowercase words joined by single hyphens), so a valid body never fails its CHECK.
export const Slug = Type.String({
  pattern: '^[a-z0-9]+(-[a-z0-9]+)*$',
  maxLength: 100,
  description: 'lowercase letters, digits and single hyphens; unique across the instance',
});

const ContactInfo = Type.Object(
  {},
  { additionalProperties: true, maxProperties: 50, description: 'free-form contact details' },
);

export const Organization = Type.Object({
  id: Id,
  name: Type.String(),
  slug: Type.String(),
  is_personal: Type.Boolean(),
  contact_info: ContactInfo,
  created_by: Type.Union([Id, Type.Null()]),
  created_at: Timestamp,
  updated_at: Timestamp,
  role: Type.Union([OrgRole, Type.Null()], { description: "the signed-in user's role in it" }),
});

export const CreateOrganizationBody = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 255 }),
    slug: Type.Optional(Slug),
  },
  { additionalProperties: false },
);

export const UpdateOrganizationBody = Type.Object(
  {
    name: Type.Optional(Type.String({ minLength: 1, maxLength: 255 })),
    slug: Type.Optional(Slug),
    contact_info: Type.Optional(ContactInfo),
  },
  { additionalProperties: false, minProperties: 1 },
);

export const MembershipParams = Type.Object({ id: Id, user_id: Id });

/** Label Studio's membership shape: the user object, the organization id, the role. */
export const Membership = Type.Object({
  user: Type.Object({
    id: Id,
    email: Type.String(),
    username: Type.String(),
    first_name: Type.String(),
    last_name: Type.String(),
    avatar: NullableString(2048),
  }),
  organization: Id,
  role: OrgRole,
  created_at: Timestamp,
});

export const UpdateMembershipBody = Type.Object({ role: OrgRole }, { additionalProperties: false });

export const AuditEntry = Type.Object({
  id: Id,
  action: Type.String(),
  actor: Type.Union([Type.Object({ id: Id, username: Type.String() }), Type.Null()]),
  auth_method: Type.Union([Type.String(), Type.Null()]),
  target_type: Type.Union([Type.String(), Type.Null()]),
  target_id: Type.Union([Type.String(), Type.Null()]),
  ip: Type.Union([Type.String(), Type.Null()]),
  user_agent: Type.Union([Type.String(), Type.Null()]),
  details: Type.Unknown(),
  created_at: Timestamp,
});

export const AuditQuery = Type.Object({
  action: Type.Optional(
    Type.String({ pattern: '^[a-z_]+(\\.[a-z_]+)+$', maxLength: 100, description: 'exact action name' }),
  ),
  page: Type.Optional(Type.Integer({ minimum: 1 })),
  page_size: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000 })),
});
