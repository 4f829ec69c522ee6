// Label Studio's webhook object, plus the signing secret (shown once) and delivery state.
import Type from 'typebox';
import { Id, NullableTimestamp, Timestamp } from '../../platform/http/common.schemas.ts';
import { WEBHOOK_ACTIONS } from '../../platform/webhooks/dispatcher.ts';

export const Action = Type.Enum([...WEBHOOK_ACTIONS]);
const Headers = Type.Record(
  Type.String({ pattern: '^[A-Za-z0-9-]{1,64}$' }),
  Type.String({ maxLength: 2048 }),
  {
    maxProperties: 10,
  },
);

export const Webhook = Type.Object({
  id: Id,
  organization: Id,
  project: Type.Union([Id, Type.Null()]),
  url: Type.String(),
  send_payload: Type.Boolean(),
  send_for_all_actions: Type.Boolean(),
  headers: Type.Record(Type.String(), Type.String()),
  is_active: Type.Boolean(),
  actions: Type.Array(Type.String()),
  consecutive_failures: Type.Integer(),
  disabled_at: NullableTimestamp,
  created_at: Timestamp,
  updated_at: Timestamp,
});
export const CreatedWebhook = Type.Intersect([
  Webhook,
  Type.Object({
    secret: Type.String({ description: 'HMAC-SHA256 signing secret; shown only in this answer' }),
  }),
]);

export const CreateWebhookBody = Type.Object(
  {
    url: Type.String({ format: 'uri', minLength: 8, maxLength: 2048 }),
    project: Type.Optional(Type.Union([Id, Type.Null()])),
    send_payload: Type.Optional(Type.Boolean()),
    send_for_all_actions: Type.Optional(Type.Boolean()),
    headers: Type.Optional(Headers),
    is_active: Type.Optional(Type.Boolean()),
    actions: Type.Optional(Type.Array(Action, { maxItems: 64, uniqueItems: true })),
  },
  { additionalProperties: false },
);

export const UpdateWebhookBody = Type.Object(
  {
    url: Type.Optional(Type.String({ format: 'uri', minLength: 8, maxLength: 2048 })),
    send_payload: Type.Optional(Type.Boolean()),
    send_for_all_actions: Type.Optional(Type.Boolean()),
    headers: Type.Optional(Headers),
    is_active: Type.Optional(Type.Boolean()),
    actions: Type.Optional(Type.Array(Action, { maxItems: 64, uniqueItems: true })),
  },
  { additionalProperties: false, minProperties: 1 },
);

export const WebhookListQuery = Type.Object({ project: Type.Optional(Id) });

export const Delivery = Type.Object({
  id: Id,
  action: Type.String(),
  status: Type.Union([Type.Literal('pending'), Type.Literal('succeeded'), Type.Literal('failed')]),
  attempts: Type.Integer(),
  response_status: Type.Union([Type.Integer(), Type.Null()]),
  error: Type.Union([Type.String(), Type.Null()]),
  payload: Type.Unknown(),
  created_at: Timestamp,
  delivered_at: NullableTimestamp,
});

export const ActionsInfo = Type.Record(
  Type.String(),
  Type.Object({ name: Type.String(), description: Type.String(), organization_only: Type.Boolean() }),
);
