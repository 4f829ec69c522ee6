import Type from 'typebox';
import { Id, NullableTimestamp, Timestamp } from '../../platform/http/common.schemas.ts';

const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(t: T) => Type.Union([t, Type.Null()]);

export const Color = Type.String({ pattern: '^#[0-9A-Fa-f]{6}$', description: '#RRGGBB' });

export const PhotoTag = Type.Object({
  id: Id,
  name: Type.String(),
  source: Type.Union([Type.Literal('ai'), Type.Literal('user')]),
  color: Nullable(Type.String()),
});

export const Photo = Type.Object({
  id: Id,
  project: Id,
  status: Type.Union([
    Type.Literal('uploaded'),
    Type.Literal('processing'),
    Type.Literal('processed'),
    Type.Literal('failed'),
  ]),
  error: Nullable(Type.String()),
  name: Type.String({ description: 'the name it was uploaded with' }),
  mime_type: Type.String({ description: 'decided from the bytes' }),
  size: Type.Integer({ minimum: 0 }),
  sha256: Type.String(),
  width: Nullable(Type.Integer()),
  height: Nullable(Type.Integer()),
  captured_at: NullableTimestamp,
  latitude: Nullable(Type.Number()),
  longitude: Nullable(Type.Number()),
  altitude: Nullable(Type.Number()),
  description: Nullable(Type.String()),
  exif: Type.Optional(Nullable(Type.Record(Type.String(), Type.Unknown()))),
  tags: Type.Array(PhotoTag),
  uploaded_by: Nullable(Id),
  created_at: Timestamp,
  urls: Type.Object({
    original: Type.String(),
    small: Nullable(Type.String()),
    large: Nullable(Type.String()),
  }),
});

export const UploadAnswer = Type.Object({ ...Photo.properties, duplicate: Type.Boolean() });

export const UploadJson = Type.Object(
  {
    upload_id: Type.String({
      pattern: '^[A-Za-z0-9_-]{1,128}$',
      description: 'the id of a finished tus upload (/api/uploads)',
    }),
  },
  { additionalProperties: false },
);

/** Documents the multipart form; the part is read as a stream. */
export const UploadForm = Type.Unsafe<unknown>({
  type: ['object', 'null'],
  properties: {
    file: { type: 'string', format: 'binary', description: 'the photo, in a part named "file"' },
  },
});

export const DETECTION_TYPES = ['damage', 'material', 'volume', 'quality'] as const;
export const DetectionType = Type.Union([
  Type.Literal('damage'),
  Type.Literal('material'),
  Type.Literal('volume'),
  Type.Literal('quality'),
]);

export const PhotoListQuery = Type.Object({
  cursor: Type.Optional(Type.String({ maxLength: 200, description: 'next_cursor of the previous page' })),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200, default: 50 })),
  sort: Type.Optional(Type.Union([Type.Literal('created_at'), Type.Literal('captured_at')])),
  tag: Type.Optional(Id),
  status: Type.Optional(
    Type.Union([
      Type.Literal('uploaded'),
      Type.Literal('processing'),
      Type.Literal('processed'),
      Type.Literal('failed'),
    ]),
  ),
  captured_from: Type.Optional(Type.String({ format: 'date-time' })),
  captured_to: Type.Optional(Type.String({ format: 'date-time' })),
  min_lat: Type.Optional(Type.Number({ minimum: -90, maximum: 90 })),
  max_lat: Type.Optional(Type.Number({ minimum: -90, maximum: 90 })),
  min_lon: Type.Optional(Type.Number({ minimum: -180, maximum: 180 })),
  max_lon: Type.Optional(Type.Number({ minimum: -180, maximum: 180 })),
  has_unconfirmed: Type.Optional(Type.Boolean({ description: 'photos with detections awaiting review' })),
  detection_type: Type.Optional(DetectionType),
  min_confidence: Type.Optional(Type.Number({ minimum: 0, maximum: 1 })),
});

export const PhotoPage = Type.Object({
  results: Type.Array(Photo),
  next_cursor: Nullable(Type.String()),
});

export const PhotoPatch = Type.Object(
  {
    description: Type.Optional(Nullable(Type.String({ maxLength: 10000 }))),
    captured_at: Type.Optional(Nullable(Type.String({ format: 'date-time' }))),
    latitude: Type.Optional(Nullable(Type.Number({ minimum: -90, maximum: 90 }))),
    longitude: Type.Optional(Nullable(Type.Number({ minimum: -180, maximum: 180 }))),
    altitude: Type.Optional(Nullable(Type.Number({ minimum: -12000, maximum: 100000 }))),
  },
  { additionalProperties: false, minProperties: 1 },
);

export const ThumbnailQuery = Type.Object({
  size: Type.Optional(Type.Union([Type.Literal('small'), Type.Literal('large')], { default: 'small' })),
});

export const PhotoIdParams = Type.Object({ id: Id });
