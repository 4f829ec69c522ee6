// Label Studio's task shapes (`/api/tasks`).
import Type from 'typebox';
import { Id, NullableTimestamp, Timestamp } from '../../platform/http/common.schemas.ts';

const JsonObject = Type.Record(Type.String(), Type.Unknown());

export const Annotation = Type.Object(
  {
    id: Id,
    task: Id,
    project: Id,
    result: Type.Array(Type.Unknown()),
    result_count: Type.Integer(),
    was_cancelled: Type.Boolean(),
    ground_truth: Type.Boolean(),
    lead_time: Type.Union([Type.Number(), Type.Null()]),
    completed_by: Type.Union([Id, Type.Null()]),
    updated_by: Type.Union([Id, Type.Null()]),
    parent_prediction: Type.Union([Id, Type.Null()]),
    parent_annotation: Type.Union([Id, Type.Null()]),
    last_action: Type.Union([Type.String(), Type.Null()]),
    created_at: Timestamp,
    updated_at: Timestamp,
  },
  { additionalProperties: true },
);

export const Prediction = Type.Object({
  id: Id,
  task: Id,
  project: Id,
  result: Type.Array(Type.Unknown()),
  score: Type.Union([Type.Number(), Type.Null()]),
  model_version: Type.String(),
  created_at: Timestamp,
  updated_at: Timestamp,
});

export const Task = Type.Object({
  id: Id,
  project: Id,
  inner_id: Type.Integer(),
  data: JsonObject,
  meta: JsonObject,
  is_labeled: Type.Boolean(),
  overlap: Type.Integer(),
  total_annotations: Type.Integer(),
  cancelled_annotations: Type.Integer(),
  total_predictions: Type.Integer(),
  comment_count: Type.Integer(),
  unresolved_comment_count: Type.Integer(),
  last_comment_updated_at: NullableTimestamp,
  completed_at: NullableTimestamp,
  file_upload: Type.Union([Id, Type.Null()]),
  updated_by: Type.Union([Id, Type.Null()]),
  created_at: Timestamp,
  updated_at: Timestamp,
  annotations: Type.Optional(Type.Array(Annotation)),
  predictions: Type.Optional(Type.Array(Prediction)),
});

export const CreateTaskBody = Type.Object(
  { project: Id, data: JsonObject, meta: Type.Optional(JsonObject) },
  { additionalProperties: false },
);

export const UpdateTaskBody = Type.Object(
  {
    data: Type.Optional(JsonObject),
    meta: Type.Optional(JsonObject),
    is_labeled: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false, minProperties: 1 },
);

export const TaskListQuery = Type.Object({
  project: Id,
  page: Type.Optional(Type.Integer({ minimum: 1 })),
  page_size: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000 })),
  fields: Type.Optional(Type.Union([Type.Literal('all'), Type.Literal('task_only')])),
  /** A data manager view whose filters and ordering apply (takes precedence over `query`). */
  view: Type.Optional(Id),
  /** Label Studio's `{"filters", "ordering", "selectedItems"}` as JSON text. */
  query: Type.Optional(Type.String({ maxLength: 1_000_000 })),
});

const UserList = Type.Array(Id);

/**
 * A task as the data manager lists it (Label Studio's DataManagerTaskSerializer): the task's fields with
 * `updated_by` as `[{user_id}]` and `file_upload` as the file's name, plus the computed columns.
 */
export const DmTask = Type.Object({
  ...Task.properties,
  file_upload: Type.Union([Type.String(), Type.Null()]),
  updated_by: Type.Array(Type.Object({ user_id: Id })),
  annotators: UserList,
  annotations_ids: Type.String({ description: 'ids of the annotations, comma-separated' }),
  annotations_results: Type.String({
    description: "the annotations' results as text, at most 500 characters",
  }),
  predictions_results: Type.String({
    description: "the predictions' results as text, at most 500 characters",
  }),
  predictions_score: Type.Union([Type.Number(), Type.Null()]),
  predictions_model_versions: Type.String({ description: 'distinct model versions, comma-separated' }),
  avg_lead_time: Type.Union([Type.Number(), Type.Null()]),
  draft_exists: Type.Boolean(),
  ground_truth: Type.Boolean(),
  comment_authors: UserList,
  storage_filename: Type.Union([Type.String(), Type.Null()]),
});

/** Label Studio's paging of tasks: `{tasks, total, total_annotations, total_predictions}`. */
export const TaskPage = Type.Object({
  tasks: Type.Array(DmTask),
  total: Type.Integer(),
  total_annotations: Type.Integer(),
  total_predictions: Type.Integer(),
});
