// Label Studio's annotation, draft, prediction and comment bodies. Responses reuse the task module's shapes.
import Type from 'typebox';
import { Id, Timestamp } from '../../platform/http/common.schemas.ts';

/** A result array: Label Studio regions `{id, from_name, to_name, type, value, ...}`, checked by the config. */
export const Result = Type.Array(Type.Unknown(), { maxItems: 10_000 });
const LeadTime = Type.Union([Type.Number({ minimum: 0, maximum: 1e9 }), Type.Null()]);
const NullableId = Type.Union([Id, Type.Null()]);

// Fields Label Studio clients send along that the server decides itself; accepted and ignored.
const ignored = {
  task: Type.Optional(Type.Unknown()),
  project: Type.Optional(Type.Unknown()),
  completed_by: Type.Optional(Type.Unknown()),
  updated_by: Type.Optional(Type.Unknown()),
  unique_id: Type.Optional(Type.Unknown()),
  import_id: Type.Optional(Type.Unknown()),
  last_action: Type.Optional(Type.Unknown()),
};

export const CreateAnnotationBody = Type.Object(
  {
    result: Type.Optional(Result),
    was_cancelled: Type.Optional(Type.Boolean()),
    ground_truth: Type.Optional(Type.Boolean()),
    lead_time: Type.Optional(LeadTime),
    draft_id: Type.Optional(Id),
    parent_prediction: Type.Optional(NullableId),
    parent_annotation: Type.Optional(NullableId),
    ...ignored,
  },
  { additionalProperties: false },
);

export const UpdateAnnotationBody = Type.Object(
  {
    result: Type.Optional(Result),
    was_cancelled: Type.Optional(Type.Boolean()),
    ground_truth: Type.Optional(Type.Boolean()),
    lead_time: Type.Optional(LeadTime),
    ...ignored,
  },
  { additionalProperties: false },
);

export const ListQuery = Type.Object({
  page: Type.Optional(Type.Integer({ minimum: 1 })),
  page_size: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000 })),
});

export const Draft = Type.Object({
  id: Id,
  user: Type.String({ description: "the author's email, as Label Studio shows it" }),
  user_id: Id,
  task: Id,
  project: Id,
  annotation: NullableId,
  result: Type.Array(Type.Unknown()),
  lead_time: Type.Union([Type.Number(), Type.Null()]),
  was_postponed: Type.Boolean(),
  created_at: Timestamp,
  updated_at: Timestamp,
});

export const DraftBody = Type.Object(
  {
    result: Type.Optional(Result),
    lead_time: Type.Optional(LeadTime),
    was_postponed: Type.Optional(Type.Boolean()),
    annotation: Type.Optional(NullableId),
    task: Type.Optional(Type.Unknown()),
    project: Type.Optional(Type.Unknown()),
    user: Type.Optional(Type.Unknown()),
  },
  { additionalProperties: false },
);

export const CreatePredictionBody = Type.Object(
  {
    task: Id,
    result: Type.Union([Result, Type.String({ maxLength: 10_000 })]),
    score: Type.Optional(Type.Union([Type.Number(), Type.Null()])),
    model_version: Type.Optional(Type.Union([Type.String({ maxLength: 1000 }), Type.Null()])),
    project: Type.Optional(Type.Unknown()),
  },
  { additionalProperties: false },
);

export const UpdatePredictionBody = Type.Object(
  {
    result: Type.Optional(Type.Union([Result, Type.String({ maxLength: 10_000 })])),
    score: Type.Optional(Type.Union([Type.Number(), Type.Null()])),
    model_version: Type.Optional(Type.Union([Type.String({ maxLength: 1000 }), Type.Null()])),
    task: Type.Optional(Type.Unknown()),
    project: Type.Optional(Type.Unknown()),
  },
  { additionalProperties: false },
);

export const PredictionListQuery = Type.Object({
  task: Type.Optional(Id),
  project: Type.Optional(Id),
  page: Type.Optional(Type.Integer({ minimum: 1 })),
  page_size: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000 })),
});

export const Comment = Type.Object({
  id: Id,
  text: Type.String(),
  annotation: NullableId,
  task: Id,
  project: Id,
  created_by: NullableId,
  is_resolved: Type.Boolean(),
  created_at: Timestamp,
  updated_at: Timestamp,
});

export const CommentText = Type.String({ minLength: 1, maxLength: 20_000 });

export const CreateCommentBody = Type.Object(
  {
    text: CommentText,
    annotation: Type.Optional(Id),
    task: Type.Optional(Id),
    is_resolved: Type.Optional(Type.Boolean()),
    project: Type.Optional(Type.Unknown()),
  },
  { additionalProperties: false },
);

export const UpdateCommentBody = Type.Object(
  {
    text: Type.Optional(CommentText),
    is_resolved: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false, minProperties: 1 },
);

export const CommentListQuery = Type.Object({
  annotation: Type.Optional(Id),
  task: Type.Optional(Id),
  project: Type.Optional(Id),
  page: Type.Optional(Type.Integer({ minimum: 1 })),
  page_size: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000 })),
});
