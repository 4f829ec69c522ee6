import Type from 'typebox';
import { Id, NullableTimestamp, Timestamp } from '../../platform/http/common.schemas.ts';

export const JobState = Type.Union([
  Type.Literal('queued'),
  Type.Literal('running'),
  Type.Literal('succeeded'),
  Type.Literal('failed'),
  Type.Literal('cancelled'),
]);

export const Job = Type.Object({
  id: Id,
  kind: Type.String(),
  state: JobState,
  progress: Type.Integer({ minimum: 0, maximum: 100 }),
  message: Type.Union([Type.String(), Type.Null()]),
  error: Type.Union([Type.String(), Type.Null()]),
  result: Type.Unknown(),
  project: Type.Union([Id, Type.Null()]),
  created_by: Type.Union([Id, Type.Null()]),
  attempts: Type.Integer(),
  created_at: Timestamp,
  started_at: NullableTimestamp,
  finished_at: NullableTimestamp,
});

export const JobListQuery = Type.Object({
  project: Type.Optional(Id),
  state: Type.Optional(JobState),
  page: Type.Optional(Type.Integer({ minimum: 1 })),
  page_size: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000 })),
});
