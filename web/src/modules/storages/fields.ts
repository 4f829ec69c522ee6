// Which fields each storage provider takes (README "Connect a bucket"), and the form <-> request body.
// Secret fields are write-only: the API returns only `credentials_set`, the names of those stored.
import type { Ok } from '../../api/client';

export type StorageType = 's3' | 'gcs' | 'azure' | 'redis' | 'localfiles';
export type Direction = 'import' | 'export';
export type Storage = Ok<'/api/storages/{type}/{id}', 'get'>;

export interface FieldSpec {
  key: string;
  label: string;
  kind?: 'text' | 'number' | 'secret' | 'secret-area';
  required?: boolean;
  hint?: string;
  placeholder?: string;
}

export const TYPES: { value: StorageType; label: string }[] = [
  { value: 's3', label: 'AWS S3 (or S3-compatible)' },
  { value: 'gcs', label: 'Google Cloud Storage' },
  { value: 'azure', label: 'Microsoft Azure Blob Storage' },
  { value: 'redis', label: 'Redis' },
  { value: 'localfiles', label: 'Local files' },
];

export const typeLabel = (t: string) => TYPES.find((x) => x.value === t)?.label ?? t;

const prefix: FieldSpec = { key: 'prefix', label: 'Prefix', hint: 'Only keys under this prefix' };

export const PROVIDER_FIELDS: Record<StorageType, FieldSpec[]> = {
  s3: [
    { key: 'bucket', label: 'Bucket', required: true },
    prefix,
    { key: 'region_name', label: 'Region', placeholder: 'us-east-1' },
    { key: 's3_endpoint', label: 'S3 endpoint', hint: 'For MinIO, Ceph, R2…; blank for AWS' },
    { key: 'aws_access_key_id', label: 'Access key ID', kind: 'secret' },
    { key: 'aws_secret_access_key', label: 'Secret access key', kind: 'secret' },
    { key: 'aws_session_token', label: 'Session token', kind: 'secret' },
  ],
  gcs: [
    { key: 'bucket', label: 'Bucket', required: true },
    prefix,
    { key: 'google_project_id', label: 'Google project ID' },
    { key: 'gcs_endpoint', label: 'GCS endpoint', hint: 'Blank for Google' },
    {
      key: 'google_application_credentials',
      label: 'Service account key (JSON)',
      kind: 'secret-area',
    },
  ],
  azure: [
    { key: 'container', label: 'Container', required: true },
    prefix,
    { key: 'account_name', label: 'Account name' },
    { key: 'azure_endpoint', label: 'Blob service endpoint', hint: 'For Azurite…; blank for Azure' },
    { key: 'account_key', label: 'Account key', kind: 'secret' },
  ],
  redis: [
    { key: 'host', label: 'Host', required: true },
    { key: 'port', label: 'Port', kind: 'number', placeholder: '6379' },
    { key: 'db', label: 'Database number', kind: 'number', placeholder: '0' },
    { key: 'path', label: 'Key prefix' },
    { key: 'password', label: 'Password', kind: 'secret' },
  ],
  localfiles: [
    {
      key: 'path',
      label: 'Directory',
      required: true,
      placeholder: '/srv/data/project-1',
      hint: 'An absolute directory under the server’s STORAGE_LOCAL_ROOT',
    },
  ],
};

export interface Draft {
  type: StorageType;
  title: string;
  values: Record<string, string>;
  regex_filter: string;
  use_blob_urls: boolean;
  presign: boolean;
  presign_ttl: string;
  recursive_scan: boolean;
  can_delete_objects: boolean;
}

export const emptyDraft = (type: StorageType = 's3'): Draft => ({
  type,
  title: '',
  values: {},
  regex_filter: '',
  use_blob_urls: false,
  presign: true,
  presign_ttl: '15',
  recursive_scan: false,
  can_delete_objects: false,
});

/** A stored storage as a draft: its settings filled in, its secrets blank (blank keeps them). */
export function draftOf(s: Storage): Draft {
  const values: Record<string, string> = {};
  const record = s as unknown as Record<string, unknown>;
  for (const f of PROVIDER_FIELDS[s.type]) {
    if (f.kind === 'secret' || f.kind === 'secret-area') continue;
    const v = f.key === 'bucket' ? s.bucket : record[f.key];
    if (v !== undefined && v !== null && v !== '') values[f.key] = String(v);
  }
  if (s.type === 'localfiles' && !values.path) values.path = s.bucket;
  if (s.type === 'azure' && !values.container) values.container = s.bucket;
  if (s.type === 'redis' && !values.path && s.prefix) values.path = s.prefix;
  return {
    type: s.type,
    title: s.title,
    values,
    regex_filter: s.regex_filter ?? '',
    use_blob_urls: s.use_blob_urls,
    presign: s.presign,
    presign_ttl: String(s.presign_ttl),
    recursive_scan: s.recursive_scan,
    can_delete_objects: s.can_delete_objects,
  };
}

/** The request body of a draft; empty secrets are left out so stored ones stay. */
export function bodyOf(d: Draft, direction: Direction): Record<string, string | number | boolean | null> {
  const body: Record<string, string | number | boolean | null> = { title: d.title.trim() };
  for (const f of PROVIDER_FIELDS[d.type]) {
    const raw = d.values[f.key] ?? '';
    if (f.kind === 'secret' || f.kind === 'secret-area') {
      if (raw) body[f.key] = raw;
      continue;
    }
    const v = raw.trim();
    if (f.kind === 'number') {
      if (v) body[f.key] = Number(v);
    } else if (v || f.key === 'prefix') body[f.key] = v;
  }
  if (direction === 'import') {
    body.regex_filter = d.regex_filter.trim() || null;
    body.use_blob_urls = d.use_blob_urls;
    body.recursive_scan = d.recursive_scan;
    if (d.type === 's3' || d.type === 'azure' || d.type === 'gcs') {
      body.presign = d.presign;
      body.presign_ttl = Number(d.presign_ttl) || 15;
    }
  } else body.can_delete_objects = d.can_delete_objects;
  return body;
}

/** Where a storage points, in one line. */
export function locationOf(s: Storage): string {
  if (s.type === 'redis') return `redis://${s.host ?? '?'}:${s.port ?? 6379}/${s.db ?? 0} ${s.prefix}`.trim();
  if (s.type === 'localfiles') return s.path ?? s.bucket;
  const scheme = s.type === 'azure' ? 'azure-blob' : s.type === 'gcs' ? 'gs' : 's3';
  return `${scheme}://${s.container ?? s.bucket}${s.prefix ? `/${s.prefix}` : ''}`;
}
