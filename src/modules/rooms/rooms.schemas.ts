// TypeBox schemas of the rooms, messages, panels and licenses API.
import Type from 'typebox';
import { Id, NullableTimestamp, Timestamp } from '../../platform/http/common.schemas.ts';

export const RoomType = Type.Union([Type.Literal('CHAT'), Type.Literal('DASHBOARD')]);
export const RoomRoleSchema = Type.Union([Type.Literal('OWNER'), Type.Literal('MEMBER')]);
const Name = Type.String({ minLength: 1, maxLength: 200, pattern: '\\S' });

export const RoomCreate = Type.Object(
  { name: Name, type: Type.Optional(RoomType) },
  { additionalProperties: false },
);
export const RoomUpdate = Type.Object(
  { name: Type.Optional(Name), type: Type.Optional(RoomType) },
  { additionalProperties: false, minProperties: 1 },
);

export const Room = Type.Object({
  id: Type.Integer(),
  name: Type.String(),
  type: RoomType,
  owner: Type.Union([Type.Integer(), Type.Null()]),
  engine: Type.String({ description: 'the analysis engine that answers the room (duckdb)' }),
  role: Type.Union([RoomRoleSchema, Type.Null()], { description: 'your role in the room' }),
  created_at: Timestamp,
  updated_at: Timestamp,
});
export const RoomWithToken = Type.Intersect([
  Room,
  Type.Object({
    token: Type.String({
      description: 'shown once: embeds the room read-only (GET /api/shared/rooms/{token})',
    }),
  }),
]);
export const TokenAnswer = Type.Object({ token: Type.String() });

export const RoomListQuery = Type.Object({
  page: Type.Optional(Type.Integer({ minimum: 1, default: 1 })),
  page_size: Type.Optional(Type.Integer({ minimum: 1, maximum: 200, default: 50 })),
  type: Type.Optional(RoomType),
});

export const RoomMemberParams = Type.Object({ id: Id, user_id: Id });
export const MemberAdd = Type.Object(
  { user_id: Id, role: Type.Optional(RoomRoleSchema) },
  { additionalProperties: false },
);
export const Member = Type.Object({
  user_id: Type.Integer(),
  username: Type.String(),
  role: RoomRoleSchema,
  created_at: Timestamp,
});

const Column = Type.Object({ name: Type.String(), type: Type.String() });
export const ResultTableSchema = Type.Object({
  columns: Type.Array(Column),
  rows: Type.Array(Type.Array(Type.Unknown())),
  truncated: Type.Boolean(),
});
const Chart = Type.Record(Type.String(), Type.Unknown(), { description: 'a Vega-Lite v5 spec' });

export const Message = Type.Object({
  id: Type.Integer(),
  room: Type.Integer(),
  author: Type.Integer(),
  kind: Type.Union([Type.Literal('user'), Type.Literal('bot')]),
  text: Type.String(),
  reply_to: Type.Union([Type.Integer(), Type.Null()]),
  sql: Type.Union([Type.String(), Type.Null()]),
  table: Type.Union([ResultTableSchema, Type.Null()]),
  chart: Type.Union([Chart, Type.Null()]),
  error: Type.Union([Type.String(), Type.Null()]),
  edited_at: NullableTimestamp,
  deleted: Type.Boolean(),
  created_at: Timestamp,
});
export const MessageText = Type.Object(
  { text: Type.String({ minLength: 1, maxLength: 20000, pattern: '\\S' }) },
  { additionalProperties: false },
);
export const MessageParams = Type.Object({ id: Id, message_id: Id });
export const MessageListQuery = Type.Object({
  after: Type.Optional(
    Type.Integer({ minimum: 0, description: 'messages after this id (0: from the start)' }),
  ),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200, default: 50 })),
});
export const MessagePage = Type.Object({
  results: Type.Array(Message),
  next_after: Type.Union([Type.Integer(), Type.Null()], { description: 'pass as ?after= for the next page' }),
});

export const AttachFile = Type.Object(
  { file_id: Id, panel_id: Type.Optional(Id) },
  { additionalProperties: false },
);
export const RoomFileParams = Type.Object({ id: Id, file_id: Id });
const FileSummary = Type.Object({
  id: Type.Integer(),
  name: Type.String(),
  size: Type.Integer(),
  mime_type: Type.String(),
});
export const RoomFile = Type.Object({
  id: Type.Integer(),
  name: Type.String(),
  size: Type.Integer(),
  mime_type: Type.String(),
  table: Type.String({ description: 'the SQL table name the bot reads it as' }),
  panel: Type.Union([Type.Integer(), Type.Null()]),
  companions: Type.Array(FileSummary),
  attached_at: Timestamp,
});

const Layout = Type.Object(
  {
    x: Type.Integer({ minimum: 0, maximum: 1000 }),
    y: Type.Integer({ minimum: 0, maximum: 100000 }),
    w: Type.Integer({ minimum: 1, maximum: 1000 }),
    h: Type.Integer({ minimum: 1, maximum: 1000 }),
  },
  { additionalProperties: false },
);
const PanelConfig = Type.Object(
  {
    sql: Type.Optional(Type.String({ maxLength: 20000 })),
    chart: Type.Optional(Chart),
    table: Type.Optional(ResultTableSchema),
    message_id: Type.Optional(Id),
  },
  {
    additionalProperties: false,
    description: 'message_id pins a bot answer: its SQL, table and chart are copied',
  },
);
const PanelResultSchema = Type.Object({
  text: Type.String(),
  error: Type.Union([Type.String(), Type.Null()]),
  table: Type.Union([ResultTableSchema, Type.Null()]),
  chart: Type.Union([Chart, Type.Null()]),
  files_version: Type.String({ description: 'changes when a file the query reads changes' }),
  cached: Type.Boolean({ description: 'true when this process had the result for this file version' }),
});
export const PanelCreate = Type.Object(
  { name: Name, layout: Layout, config: Type.Optional(PanelConfig) },
  { additionalProperties: false },
);
export const PanelUpdate = Type.Object(
  { name: Type.Optional(Name), layout: Type.Optional(Layout), config: Type.Optional(PanelConfig) },
  { additionalProperties: false, minProperties: 1 },
);
export const PanelParams = Type.Object({ id: Id, panel_id: Id });
export const Panel = Type.Object({
  id: Type.Integer(),
  room: Type.Integer(),
  name: Type.String(),
  layout: Layout,
  config: Type.Record(Type.String(), Type.Unknown()),
  result: Type.Union([PanelResultSchema, Type.Null()], {
    description: "the panel's query run again over the room's files as they are now; null without a query",
  }),
  created_at: Timestamp,
  updated_at: Timestamp,
});

export const SharedParams = Type.Object({ room_token: Type.String({ minLength: 20, maxLength: 100 }) });
export const SharedRoom = Type.Object({
  room: Type.Object({ id: Type.Integer(), name: Type.String(), type: RoomType }),
  panels: Type.Array(Panel),
  messages: Type.Array(Message, { description: 'the latest bot answers of a CHAT room' }),
});

export const Plan = Type.Object({
  code: Type.String(),
  name: Type.String(),
  max_rooms: Type.Integer(),
  max_storage_bytes: Type.Integer(),
  max_seats: Type.Integer(),
  max_rows_per_query: Type.Integer(),
});
export const License = Type.Object({
  id: Type.Integer(),
  plan: Plan,
  status: Type.String(),
  starts_at: Timestamp,
  ends_at: NullableTimestamp,
  seats_used: Type.Integer(),
});
export const LicenseCreate = Type.Object(
  { plan: Type.String({ minLength: 1, maxLength: 50, pattern: '^[a-z0-9_]+$' }) },
  { additionalProperties: false },
);
export const Seat = Type.Object({
  id: Type.Integer(),
  user_id: Type.Integer(),
  assigned_at: Timestamp,
});
export const SeatAssign = Type.Object({ user_id: Id }, { additionalProperties: false });
export const SeatParams = Type.Object({ id: Id, user_id: Id });
export const PageQuery = Type.Object({
  page: Type.Optional(Type.Integer({ minimum: 1, default: 1 })),
  page_size: Type.Optional(Type.Integer({ minimum: 1, maximum: 200, default: 50 })),
});
