import Type from 'typebox';
import { Id, Timestamp } from '../../platform/http/common.schemas.ts';

const fileFields = {
  id: Id,
  name: Type.String({ description: 'the name it was uploaded with' }),
  mime_type: Type.String({
    description: 'decided from the bytes (magic numbers); text formats from the name',
  }),
  size: Type.Integer({ minimum: 0, description: 'bytes' }),
  sha256: Type.String({ pattern: '^[0-9a-f]{64}$' }),
  project: Type.Union([Id, Type.Null()]),
  uploaded_by: Type.Union([Id, Type.Null()]),
  created_at: Timestamp,
};

export const CompanionFile = Type.Object(fileFields);

export const FileRecord = Type.Object({
  ...fileFields,
  parent: Type.Union([Id, Type.Null()], { description: 'the main file, for a companion file' }),
  companions: Type.Array(CompanionFile, {
    description: 'files kept with this one (.raw/.zraw of a .mhd; .dbf/.shx/.prj/.cpg of a .shp)',
  }),
});

export const FileListQuery = Type.Object({
  project: Type.Optional(Id),
  page: Type.Optional(Type.Integer({ minimum: 1 })),
  page_size: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000 })),
});

/** Documents the multipart form; the parts are read as a stream, not validated as a body. */
export const UploadForm = Type.Unsafe<unknown>({
  type: ['object', 'null'],
  properties: {
    file: {
      type: 'array',
      items: { type: 'string', format: 'binary' },
      description: 'the dataset: a main file and its companion files, each a part named "file"',
    },
    project_id: { type: 'integer', minimum: 1, description: 'the project to add it to' },
  },
});

export const UploadIdParams = Type.Object({
  id: Type.String({
    pattern: '^[A-Za-z0-9_-]{1,128}$',
    description: 'the tus upload id (last segment of its URL)',
  }),
});

export const TusCreated = Type.Null({
  description: 'created; Location has the upload URL, Upload-Offset the bytes received with the request',
});
export const TusPatched = Type.Null({
  description: 'bytes stored; Upload-Offset is the new offset. The last one also sends Groundtruth-File-Id',
});
