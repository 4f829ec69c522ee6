// What a sync and an export need from a provider: pages of keys, an object's bytes, a write, and a URL the
// browser can load. One implementation per provider; the service never sees a provider's SDK.
import type { Readable } from 'node:stream';

export const STORAGE_TYPES = ['s3', 'gcs', 'azure', 'redis', 'localfiles'] as const;
export type StorageType = (typeof STORAGE_TYPES)[number];

export interface ProviderOptions {
  type: StorageType;
  bucket: string;
  prefix: string;
  recursiveScan: boolean;
  /** Non-secret provider fields (region_name, s3_endpoint, account_name, host, port...). */
  settings: Record<string, unknown>;
  /** Secret provider fields, opened from the sealed column. */
  credentials: Record<string, string>;
}

export interface Network {
  /** Loopback and private addresses allowed (tests, on-premises object stores). */
  allowPrivate: boolean;
  /** The directory local-files storages may read and write under; null: local files are off. */
  localRoot: string | null;
}

export interface StoredObject {
  body: Readable;
  contentType: string | null;
  size: number | null;
}

export interface StorageClient {
  /** The object keys under the prefix, one listing call per page; memory holds one page. */
  pages(pageSize: number): AsyncIterable<string[]>;
  /** The object's bytes (a not-found key answers null). */
  get(key: string): Promise<StoredObject | null>;
  put(key: string, body: string, contentType: string): Promise<void>;
  remove(key: string): Promise<void>;
  /** A time-limited URL the browser can load directly, or null when the provider can only be proxied. */
  presign(key: string, ttlSeconds: number): Promise<string | null>;
  /** The task-data form of a key (s3://bucket/key ...). */
  uri(key: string): string;
  /** The key a URI names, when it names an object of this storage. */
  keyOf(uri: string): string | null;
  close(): Promise<void>;
}

export class ProviderError extends Error {}

export const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);

/** `prefix` as a folder: "" or ending with exactly one "/". */
export const folder = (prefix: string): string => (prefix === '' ? '' : `${prefix.replace(/\/+$/, '')}/`);

/** A key under the prefix (export objects). */
export const underPrefix = (prefix: string, name: string): string => `${folder(prefix)}${name}`;

/** scheme://bucket/key <-> key. */
export function bucketUris(scheme: string, bucket: string) {
  const start = `${scheme}://${bucket}/`;
  return {
    uri: (key: string) => `${start}${key}`,
    keyOf: (uri: string) =>
      uri.startsWith(start) && uri.length > start.length ? uri.slice(start.length) : null,
  };
}
