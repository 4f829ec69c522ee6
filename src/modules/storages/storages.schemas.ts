// Label Studio's storage objects (io_storages serializers): the common fields, each provider's own, and the
// credential fields, which are accepted on write and never returned (`credentials_set` names those set).
import Type from 'typebox';
import { Id, NullableTimestamp, Timestamp } from '../../platform/http/common.schemas.ts';
import { STORAGE_TYPES } from './providers/types.ts';

export const StorageTypeName = Type.Enum([...STORAGE_TYPES], { description: 'the provider' });
export const TypeParams = Type.Object({ type: StorageTypeName });
export const TypeIdParams = Type.Object({ type: StorageTypeName, id: Id });
export const ProjectQuery = Type.Object({ project: Type.Optional(Id) });

const Text = (max: number) => Type.String({ maxLength: max });

/** Fields of one provider that are not secret (kept in `settings`). */
const providerFields = {
  region_name: Type.Optional(Text(64)),
  s3_endpoint: Type.Optional(Type.String({ maxLength: 2048, description: 'an S3-compatible service URL' })),
  account_name: Type.Optional(Text(256)),
  azure_endpoint: Type.Optional(
    Type.String({ maxLength: 2048, description: 'a Blob service URL (Azurite...)' }),
  ),
  google_project_id: Type.Optional(Text(256)),
  gcs_endpoint: Type.Optional(Type.String({ maxLength: 2048, description: 'a GCS JSON API base URL' })),
  host: Type.Optional(Text(256)),
  port: Type.Optional(Type.Integer({ minimum: 1, maximum: 65535 })),
  db: Type.Optional(Type.Integer({ minimum: 0, maximum: 15 })),
};

const secretFields = {
  aws_access_key_id: Type.Optional(Text(256)),
  aws_secret_access_key: Type.Optional(Text(1024)),
  aws_session_token: Type.Optional(Text(4096)),
  account_key: Type.Optional(Text(1024)),
  google_application_credentials: Type.Optional(Text(20000)),
  password: Type.Optional(Text(1024)),
};

const commonFields = {
  title: Type.Optional(Text(2048)),
  description: Type.Optional(Text(10000)),
  bucket: Type.Optional(Text(1024)),
  container: Type.Optional(Type.String({ maxLength: 1024, description: 'Azure: the container (= bucket)' })),
  path: Type.Optional(
    Type.String({ maxLength: 1024, description: 'local files: the directory; Redis: the key prefix' }),
  ),
  prefix: Type.Optional(Text(1024)),
  regex_filter: Type.Optional(Type.Union([Text(1024), Type.Null()])),
  use_blob_urls: Type.Optional(Type.Boolean()),
  presign: Type.Optional(Type.Boolean()),
  presign_ttl: Type.Optional(Type.Integer({ minimum: 1, maximum: 10080, description: 'minutes' })),
  recursive_scan: Type.Optional(Type.Boolean()),
  can_delete_objects: Type.Optional(Type.Boolean()),
  ...providerFields,
  ...secretFields,
};

export const CreateStorageBody = Type.Object(
  { project: Id, ...commonFields },
  { additionalProperties: false },
);
export const UpdateStorageBody = Type.Object(
  { project: Type.Optional(Id), ...commonFields },
  { additionalProperties: false },
);
export const ValidateStorageBody = Type.Object(
  {
    project: Id,
    id: Type.Optional(
      Type.Union([Id, Type.Null()], { description: 'an existing storage: its credentials fill in' }),
    ),
    ...commonFields,
  },
  { additionalProperties: false },
);

export const SETTING_KEYS = Object.keys(providerFields) as (keyof typeof providerFields)[];
export const SECRET_KEYS = Object.keys(secretFields) as (keyof typeof secretFields)[];

export const Storage = Type.Object({
  id: Id,
  type: StorageTypeName,
  direction: Type.Enum(['import', 'export']),
  project: Id,
  title: Type.String(),
  description: Type.String(),
  bucket: Type.String(),
  prefix: Type.String(),
  regex_filter: Type.Union([Type.String(), Type.Null()]),
  use_blob_urls: Type.Boolean(),
  presign: Type.Boolean(),
  presign_ttl: Type.Integer(),
  recursive_scan: Type.Boolean(),
  can_delete_objects: Type.Boolean(),
  region_name: Type.Optional(Type.String()),
  s3_endpoint: Type.Optional(Type.String()),
  account_name: Type.Optional(Type.String()),
  azure_endpoint: Type.Optional(Type.String()),
  container: Type.Optional(Type.String()),
  path: Type.Optional(Type.String()),
  google_project_id: Type.Optional(Type.String()),
  gcs_endpoint: Type.Optional(Type.String()),
  host: Type.Optional(Type.String()),
  port: Type.Optional(Type.Integer()),
  db: Type.Optional(Type.Integer()),
  credentials_set: Type.Array(Type.String(), {
    description: 'which credential fields are stored (never shown)',
  }),
  status: Type.Enum(['initialized', 'queued', 'in_progress', 'failed', 'completed']),
  traceback: Type.Union([Type.String(), Type.Null()]),
  last_sync: NullableTimestamp,
  last_sync_count: Type.Union([Type.Integer(), Type.Null()]),
  last_sync_job: Type.Union([Id, Type.Null()]),
  meta: Type.Record(Type.String(), Type.Unknown()),
  created_by: Type.Union([Id, Type.Null()]),
  created_at: Timestamp,
  updated_at: Timestamp,
});

export const StorageTypeInfo = Type.Object({ name: StorageTypeName, title: Type.String() });

export const ResolveQuery = Type.Object({
  // Optional in the schema so that a task of another organization answers 404 before the URI is looked at.
  fileuri: Type.Optional(
    Type.String({
      minLength: 1,
      maxLength: 4096,
      description: 'the object URI from task data (s3://bucket/key...), plain or base64; required',
    }),
  ),
});
