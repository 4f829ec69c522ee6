// Request and response shapes of raw data archives and the photogrammetry (ODM) hook.
import Type from 'typebox';
import { Id, Timestamp } from '../../platform/http/common.schemas.ts';
import { dataTypes, productStatuses } from './geodata.schemas.ts';

const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(t: T) => Type.Union([t, Type.Null()]);

export const RawDataUploadJson = Type.Object(
  {
    upload_id: Type.String({
      pattern: '^[A-Za-z0-9_-]{1,128}$',
      description: 'the id of a finished tus upload (/api/uploads) of a ZIP archive',
    }),
  },
  { additionalProperties: false },
);
export const RawDataUploadForm = Type.Unsafe<unknown>({
  type: ['object', 'null'],
  properties: {
    file: { type: 'string', format: 'binary', description: 'the ZIP archive, in a part named "file"' },
  },
});

export const RawData = Type.Object({
  id: Id,
  project_id: Id,
  flight_id: Id,
  original_name: Type.String(),
  file_id: Nullable(Id),
  size_bytes: Nullable(Type.Integer()),
  sha256: Nullable(Type.String()),
  status: Type.Enum(productStatuses),
  error: Nullable(Type.String()),
  image_count: Nullable(Type.Integer()),
  footprints: Nullable(
    Type.Record(Type.String(), Type.Unknown(), {
      description:
        'GeoJSON FeatureCollection of the images with EXIF GPS (properties name, captured_at), its bbox, ' +
        'and images_without_gps',
    }),
  ),
  job: Nullable(Type.Object({ id: Id, state: Type.String(), progress: Type.Integer() })),
  file_url: Type.String({ description: 'range download of the archive (members)' }),
  created_by: Nullable(Id),
  created_at: Timestamp,
  updated_at: Timestamp,
});

export const runStatuses = ['waiting', 'running', 'failed', 'done'] as const;

export const ProcessingRun = Type.Object({
  id: Id,
  raw_data_id: Id,
  flight_id: Id,
  status: Type.Enum(runStatuses),
  progress: Type.Integer({ minimum: 0, maximum: 100 }),
  message: Nullable(Type.String()),
  token_expires_at: Timestamp,
  data_product_ids: Type.Array(Id),
  created_by: Nullable(Id),
  created_at: Timestamp,
  updated_at: Timestamp,
  finished_at: Nullable(Timestamp),
});

export const ProcessingStarted = Type.Object({
  ...ProcessingRun.properties,
  archive_url: Type.String({ description: 'GET: the archive, no login (the token is the credential)' }),
  callback_url: Type.String({ description: 'POST multipart `file` + `data_type`: deliver a product' }),
  status_url: Type.String({ description: 'POST {status, message, progress}: report progress' }),
});

export const RunTokenParams = Type.Object({
  token: Type.String({ pattern: '^[A-Za-z0-9_-]{20,100}$', description: 'the run token' }),
});

export const RunStatusBody = Type.Object(
  {
    status: Type.Enum(['running', 'failed', 'done'] as const),
    message: Type.Optional(Type.String({ maxLength: 4096 })),
    progress: Type.Optional(Type.Integer({ minimum: 0, maximum: 100 })),
  },
  { additionalProperties: false },
);

export const RunStatus = Type.Object({
  id: Id,
  status: Type.Enum(runStatuses),
  progress: Type.Integer(),
  message: Nullable(Type.String()),
});

export const ProductForm = Type.Unsafe<unknown>({
  type: ['object', 'null'],
  properties: {
    data_type: {
      type: 'string',
      enum: [...dataTypes],
      description: 'what the file is (before the file part)',
    },
    file: { type: 'string', format: 'binary', description: 'a GeoTIFF, or a COPC point cloud' },
  },
});
