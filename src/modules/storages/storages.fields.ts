// A storage row <-> Label Studio's storage object, and the provider options a client is made from.
import { open, seal } from '../../platform/crypto.ts';
import { AppError } from '../../platform/errors.ts';
import type { ProviderOptions, StorageType } from './providers/types.ts';
import type { StorageRow } from './storages.repo.ts';
import { SECRET_KEYS, SETTING_KEYS } from './storages.schemas.ts';

export type Direction = 'import' | 'export';

export type StorageInput = Partial<Record<(typeof SECRET_KEYS)[number], string>> &
  Partial<Record<(typeof SETTING_KEYS)[number], string | number>> & {
    project?: number;
    title?: string;
    description?: string;
    bucket?: string;
    container?: string;
    path?: string;
    prefix?: string;
    regex_filter?: string | null;
    use_blob_urls?: boolean;
    presign?: boolean;
    presign_ttl?: number;
    recursive_scan?: boolean;
    can_delete_objects?: boolean;
  };

export const TYPE_TITLES: Record<StorageType, string> = {
  s3: 'AWS S3',
  gcs: 'Google Cloud Storage',
  azure: 'Microsoft Azure',
  redis: 'Redis',
  localfiles: 'Local files',
};

const invalid = (field: string, message: string) =>
  new AppError('validation_failed', `${field} ${message}`, [{ in: 'body', field, message }]);

/** The bucket a body names: Azure's container, local files' path, Redis has none. */
function bucketOf(type: StorageType, input: StorageInput): string | undefined {
  if (type === 'azure') return input.container ?? input.bucket;
  if (type === 'localfiles') return input.path ?? input.bucket;
  if (type === 'redis') return '';
  return input.bucket;
}

/** Redis keeps its key prefix in `path` (Label Studio's field). */
const prefixOf = (type: StorageType, input: StorageInput) =>
  type === 'redis' ? (input.path ?? input.prefix) : input.prefix;

export function checkRegex(pattern: string | null | undefined): void {
  if (!pattern) return;
  try {
    new RegExp(pattern);
  } catch (err) {
    throw invalid('regex_filter', `is not a valid regular expression (${(err as Error).message})`);
  }
}

/** The columns a body sets (create: every column; update: only those given). */
export function columnsOf(
  type: StorageType,
  input: StorageInput,
  current: { settings: Record<string, unknown>; credentials: Record<string, string> } | null,
  dataKey: Buffer,
) {
  checkRegex(input.regex_filter);
  const settings = { ...(current?.settings ?? {}) };
  for (const k of SETTING_KEYS) if (input[k] !== undefined) settings[k] = input[k];
  const credentials = { ...(current?.credentials ?? {}) };
  let credentialsChanged = false;
  for (const k of SECRET_KEYS) {
    const v = input[k];
    if (v === undefined) continue;
    credentialsChanged = true;
    if (v === '') delete credentials[k];
    else credentials[k] = v;
  }
  if (type === 'gcs' && credentials.google_application_credentials) {
    try {
      JSON.parse(credentials.google_application_credentials);
    } catch {
      throw invalid('google_application_credentials', 'must be the JSON key of a service account');
    }
  }
  const bucket = bucketOf(type, input);
  const prefix = prefixOf(type, input);
  if (!current && type !== 'redis' && !bucket)
    throw invalid(type === 'azure' ? 'container' : type === 'localfiles' ? 'path' : 'bucket', 'is required');
  return {
    ...(input.title !== undefined && { title: input.title }),
    ...(input.description !== undefined && { description: input.description }),
    ...(bucket !== undefined && { bucket }),
    ...(prefix !== undefined && { prefix }),
    ...(input.regex_filter !== undefined && { regex_filter: input.regex_filter || null }),
    ...(input.use_blob_urls !== undefined && { use_blob_urls: input.use_blob_urls }),
    ...(input.presign !== undefined && { presign: input.presign }),
    ...(input.presign_ttl !== undefined && { presign_ttl: input.presign_ttl }),
    ...(input.recursive_scan !== undefined && { recursive_scan: input.recursive_scan }),
    ...(input.can_delete_objects !== undefined && { can_delete_objects: input.can_delete_objects }),
    settings: JSON.stringify(settings),
    ...((credentialsChanged || !current) && {
      credentials: Object.keys(credentials).length > 0 ? seal(dataKey, JSON.stringify(credentials)) : null,
    }),
  };
}

export const credentialsOf = (
  row: { credentials: string | null },
  dataKey: Buffer,
): Record<string, string> => (row.credentials ? JSON.parse(open(dataKey, row.credentials)) : {});

export function providerOptions(row: StorageRow, dataKey: Buffer): ProviderOptions {
  return {
    type: row.type as StorageType,
    bucket: row.bucket,
    prefix: row.prefix,
    recursiveScan: row.recursive_scan,
    settings: row.settings as Record<string, unknown>,
    credentials: credentialsOf(row, dataKey),
  };
}

export function toStorage(row: StorageRow, dataKey: Buffer) {
  const settings = row.settings as Record<string, string | number>;
  const type = row.type as StorageType;
  const out: Record<string, unknown> = {
    id: row.id,
    type,
    direction: row.direction as Direction,
    project: row.project_id,
    title: row.title,
    description: row.description,
    bucket: row.bucket,
    prefix: row.prefix,
    regex_filter: row.regex_filter,
    use_blob_urls: row.use_blob_urls,
    presign: row.presign,
    presign_ttl: row.presign_ttl,
    recursive_scan: row.recursive_scan,
    can_delete_objects: row.can_delete_objects,
    credentials_set: Object.keys(credentialsOf(row, dataKey)).sort(),
    status: row.status,
    traceback: row.traceback,
    last_sync: row.last_sync,
    last_sync_count: row.last_sync_count,
    last_sync_job: row.last_sync_job,
    meta: row.meta as Record<string, unknown>,
    created_by: row.created_by,
    created_at: row.created_at,
    updated_at: row.updated_at,
  };
  for (const k of SETTING_KEYS) if (settings[k] !== undefined) out[k] = settings[k];
  if (type === 'azure') out.container = row.bucket;
  if (type === 'localfiles') out.path = row.bucket;
  if (type === 'redis') out.path = row.prefix;
  return out as never;
}
