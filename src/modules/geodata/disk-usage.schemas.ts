// Wire shapes of disk usage: snapshots of bytes and file counts per organization and per user.
import Type from 'typebox';
import { PageQuery, Timestamp } from '../../platform/http/common.schemas.ts';

const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(t: T) => Type.Union([t, Type.Null()]);

export const DiskUsageRow = Type.Object({
  user_id: Nullable(Type.Integer({ description: 'null: the organization total' })),
  email: Nullable(Type.String()),
  total_bytes: Type.Integer(),
  file_count: Type.Integer(),
  recorded_at: Timestamp,
});

export const DiskUsageAnswer = Type.Object({
  scope: Type.Union([Type.Literal('organization'), Type.Literal('user')], {
    description: 'organization: you see every member (owners, admins); user: your own row',
  }),
  recorded_at: Nullable(Timestamp),
  organization: Nullable(DiskUsageRow),
  count: Type.Integer(),
  next: Nullable(Type.String()),
  previous: Nullable(Type.String()),
  results: Type.Array(DiskUsageRow, {
    description:
      "per-user rows of the latest snapshot, largest first; with history=true the organization's totals, newest first",
  }),
});

export const DiskUsageQuery = Type.Object(
  {
    ...PageQuery.properties,
    history: Type.Optional(
      Type.Boolean({ description: "the organization's snapshots over time (owners, admins)" }),
    ),
  },
  { additionalProperties: false },
);

export const RefreshAnswer = Type.Object({
  job_id: Type.Integer({ description: 'follow it at /api/jobs/{job_id}' }),
  state: Type.Literal('queued'),
});
