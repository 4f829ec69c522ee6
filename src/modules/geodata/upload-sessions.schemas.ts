// Wire shapes of upload sessions (D2S upload): what a tus upload will become once its last byte is in.
import Type from 'typebox';
import { Id, Paged, PageQuery, Timestamp } from '../../platform/http/common.schemas.ts';
import { dataTypes } from './geodata.schemas.ts';

const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(t: T) => Type.Union([t, Type.Null()]);
const Target = Type.Union([
  Type.Literal('data_product'),
  Type.Literal('raw_data'),
  Type.Literal('vector_layer'),
]);

export const CreateUploadSession = Type.Object(
  {
    target: Target,
    flight_id: Type.Optional(Id),
    project_id: Type.Optional(Id),
    data_type: Type.Optional(Type.Enum(dataTypes)),
    filename: Type.String({ minLength: 1, maxLength: 1024, pattern: '\\S' }),
    size: Type.Integer({ minimum: 1, description: 'the Upload-Length in bytes' }),
    filetype: Type.Optional(Type.String({ maxLength: 255 })),
  },
  { additionalProperties: false },
);

export const UploadSession = Type.Object({
  id: Type.Integer(),
  target: Target,
  flight_id: Nullable(Type.Integer()),
  project_id: Nullable(Type.Integer()),
  data_type: Nullable(Type.String()),
  file_name: Nullable(Type.String()),
  status: Type.Union([Type.Literal('uploading'), Type.Literal('completed'), Type.Literal('failed')]),
  size_bytes: Nullable(Type.Integer()),
  bytes_received: Nullable(Type.Integer({ description: 'null when the unfinished upload expired' })),
  upload_finished: Type.Boolean({ description: 'the last byte is in: POST .../complete creates the target' }),
  upload_id: Type.String(),
  upload_url: Type.String({ description: 'the tus upload: PATCH bytes here (Tus-Resumable: 1.0.0)' }),
  file_id: Nullable(Type.Integer()),
  target_id: Nullable(Type.Integer({ description: 'the data product or vector layer it became' })),
  error: Nullable(Type.String()),
  created_at: Timestamp,
  updated_at: Timestamp,
});
export const UploadSessionPage = Paged(UploadSession);

export const UploadSessionListQuery = Type.Object(
  {
    ...PageQuery.properties,
    status: Type.Optional(
      Type.Union([Type.Literal('uploading'), Type.Literal('completed'), Type.Literal('failed')]),
    ),
  },
  { additionalProperties: false },
);
