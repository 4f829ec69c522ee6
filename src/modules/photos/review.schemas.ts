// Schemas of detections, detectors, tags, share links and exports.
import Type from 'typebox';
import { Id, NullableTimestamp, Timestamp } from '../../platform/http/common.schemas.ts';
import { Color, DetectionType } from './photos.schemas.ts';

const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(t: T) => Type.Union([t, Type.Null()]);
const Unit = Type.Number({ minimum: 0, maximum: 1 });

export const Region = Type.Object(
  {
    label: Type.String({ minLength: 1, maxLength: 100 }),
    box: Type.Optional(
      Type.Object(
        { x: Unit, y: Unit, width: Unit, height: Unit },
        { additionalProperties: false, description: 'image-relative (0..1) top-left corner and size' },
      ),
    ),
    polygon: Type.Optional(
      Type.Array(Type.Tuple([Unit, Unit]), {
        minItems: 3,
        maxItems: 1000,
        description: 'image-relative (0..1) [x, y] points',
      }),
    ),
    confidence: Type.Optional(Nullable(Unit)),
  },
  { additionalProperties: false },
);

export const Results = Type.Object(
  {
    regions: Type.Array(Region, { maxItems: 1000 }),
    volume: Type.Optional(
      Type.Object(
        { value: Type.Number({ minimum: 0 }), unit: Type.String({ minLength: 1, maxLength: 20 }) },
        { additionalProperties: false },
      ),
    ),
  },
  { additionalProperties: true },
);

export const Detection = Type.Object({
  id: Id,
  photo: Id,
  project: Id,
  detector: Nullable(Id),
  detection_type: DetectionType,
  model_name: Type.String(),
  model_version: Nullable(Type.String()),
  results: Type.Object({ regions: Type.Array(Type.Unknown()) }, { additionalProperties: true }),
  confidence: Nullable(Type.Number()),
  processing_time_ms: Nullable(Type.Integer()),
  user_confirmed: Type.Boolean(),
  user_feedback: Nullable(Type.Record(Type.String(), Type.Unknown())),
  reviewed_by: Nullable(Id),
  reviewed_at: NullableTimestamp,
  status: Type.Union([Type.Literal('pending'), Type.Literal('confirmed'), Type.Literal('rejected')]),
  created_at: Timestamp,
});

export const DetectionWithHistory = Type.Object({
  ...Detection.properties,
  history: Type.Array(
    Type.Object({
      id: Id,
      action: Type.String(),
      previous_results: Type.Unknown(),
      previous_confidence: Nullable(Type.Number()),
      feedback: Type.Unknown(),
      changed_by: Nullable(Id),
      created_at: Timestamp,
    }),
  ),
});

export const NewDetection = Type.Object(
  {
    detection_type: DetectionType,
    results: Results,
    confidence: Type.Optional(Nullable(Type.Number({ minimum: 0, maximum: 1 }))),
    processing_time_ms: Type.Integer({ exclusiveMinimum: 0, maximum: 86_400_000 }),
    model_name: Type.String({ minLength: 1, maxLength: 200 }),
    model_version: Type.Optional(Nullable(Type.String({ maxLength: 100 }))),
  },
  { additionalProperties: false },
);

export const Correction = Type.Object(
  {
    results: Results,
    detection_type: Type.Optional(DetectionType),
    confidence: Type.Optional(Nullable(Type.Number({ minimum: 0, maximum: 1 }))),
    feedback: Type.Optional(Type.String({ maxLength: 5000 })),
  },
  { additionalProperties: false },
);

export const Feedback = Type.Object(
  { feedback: Type.String({ minLength: 1, maxLength: 5000 }) },
  { additionalProperties: false },
);

export const QueueQuery = Type.Object({
  cursor: Type.Optional(Type.String({ maxLength: 200 })),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200, default: 50 })),
});
export const QueuePage = Type.Object({
  results: Type.Array(Detection),
  next_cursor: Nullable(Type.String()),
});

export const Detector = Type.Object({
  id: Id,
  project: Id,
  name: Type.String(),
  kind: Type.Union([Type.Literal('ml_backend'), Type.Literal('image_quality')]),
  url: Nullable(Type.String()),
  settings: Type.Record(Type.String(), Type.Unknown()),
  is_active: Type.Boolean(),
  created_at: Timestamp,
});

export const NewDetector = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 100 }),
    kind: Type.Union([Type.Literal('ml_backend'), Type.Literal('image_quality')]),
    url: Type.Optional(Type.String({ maxLength: 2048, description: 'the ML backend base URL (ml_backend)' })),
    detection_type: Type.Optional(
      Type.Union([Type.Literal('damage'), Type.Literal('material'), Type.Literal('volume')], {
        description: "what the model's findings are recorded as (ml_backend; default damage)",
      }),
    ),
    label_config: Type.Optional(
      Type.String({ maxLength: 100_000, description: 'sent to /setup and /predict' }),
    ),
    is_active: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
);

export const DetectorParams = Type.Object({ id: Id, detector_id: Id });
export const TagParams = Type.Object({ id: Id, tag_id: Id });

export const Tag = Type.Object({
  id: Id,
  project: Id,
  name: Type.String(),
  source: Type.Union([Type.Literal('ai'), Type.Literal('user')]),
  color: Nullable(Type.String()),
  created_at: Timestamp,
});
export const NewTag = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 100, pattern: '\\S' }),
    color: Type.Optional(Nullable(Color)),
  },
  { additionalProperties: false },
);
export const TagPatch = Type.Object(
  {
    name: Type.Optional(Type.String({ minLength: 1, maxLength: 100, pattern: '\\S' })),
    color: Type.Optional(Nullable(Color)),
  },
  { additionalProperties: false, minProperties: 1 },
);
const TagName = Type.String({ minLength: 1, maxLength: 100, pattern: '\\S' });
export const PhotoTagsInput = Type.Object(
  {
    names: Type.Optional(Type.Array(TagName, { maxItems: 100 })),
    tag_ids: Type.Optional(Type.Array(Id, { maxItems: 100 })),
  },
  { additionalProperties: false, minProperties: 1 },
);
export const PhotoTagParams = Type.Object({ id: Id, tag_id: Id });
export const BulkTags = Type.Object(
  {
    photo_ids: Type.Array(Id, { minItems: 1, maxItems: 1000 }),
    add: Type.Optional(Type.Array(TagName, { maxItems: 100 })),
    add_ids: Type.Optional(Type.Array(Id, { maxItems: 100 })),
    remove_ids: Type.Optional(Type.Array(Id, { maxItems: 100 })),
  },
  { additionalProperties: false },
);
export const BulkAnswer = Type.Object({
  photos: Type.Integer(),
  added: Type.Integer(),
  removed: Type.Integer(),
});

export const ShareInput = Type.Object(
  {
    photo_ids: Type.Array(Id, { minItems: 1, maxItems: 1000 }),
    expires_in_days: Type.Optional(Type.Integer({ minimum: 1, maximum: 90, default: 7 })),
  },
  { additionalProperties: false },
);
export const ShareLink = Type.Object({
  id: Id,
  project: Id,
  photo_ids: Type.Array(Id),
  expires_at: Timestamp,
  revoked_at: NullableTimestamp,
  created_at: Timestamp,
});
export const CreatedShare = Type.Object({
  ...ShareLink.properties,
  token: Type.String({ description: 'shown once; only its hash is kept' }),
  url: Type.String(),
});
export const TokenParams = Type.Object({ token: Type.String({ pattern: '^[A-Za-z0-9_-]{43}$' }) });
export const TokenPhotoParams = Type.Object({
  token: Type.String({ pattern: '^[A-Za-z0-9_-]{43}$' }),
  photo_id: Id,
});

export const ExportQuery = Type.Object({
  format: Type.Optional(Type.Union([Type.Literal('csv'), Type.Literal('coco')], { default: 'csv' })),
});

export const JobRoleParams = Type.Object({ id: Id, user_id: Id });
export const JobRoleBody = Type.Object(
  {
    job_role: Type.Union([
      Type.Literal('contractor'),
      Type.Literal('insurance_adjuster'),
      Type.Literal('project_manager'),
      Type.Null(),
    ]),
  },
  { additionalProperties: false },
);
