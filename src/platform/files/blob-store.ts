// The blob store port: content-addressed by SHA-256 (the same bytes are stored once), written by streaming,
// read by streaming with byte ranges. Local disk under DATA_DIR/blobs by default; any S3-compatible service in
// production.
import type { Readable } from 'node:stream';

export interface StoredBlob {
  key: string;
  sha256: string;
  size: number;
}

export interface ByteRange {
  start: number;
  /** Inclusive, as in HTTP Range. */
  end?: number;
}

export interface BlobStore {
  readonly kind: 'local' | 's3';
  /** Streams `source` in; refuses (and keeps nothing) past `maxBytes`. */
  put(source: Readable, options?: { maxBytes?: number }): Promise<StoredBlob>;
  /**
   * Stores a finished local file (e.g. a tool's output) without streaming it through a spool copy: it is
   * hashed where it lies, then hard-linked into place on local disk (copied when that cannot be) or uploaded
   * from the file to S3. The caller still owns `file` and removes it.
   */
  putFile(file: string): Promise<StoredBlob>;
  get(key: string, range?: ByteRange): Promise<Readable>;
  /**
   * The blob's path on this machine, for tools that read files (GDAL): only the local disk store has one; the
   * file must be treated as read-only. Callers fall back to `get` when it is absent.
   */
  localPath?(key: string): string;
  stat(key: string): Promise<{ size: number } | null>;
  delete(key: string): Promise<void>;
}

export const keyFor = (sha256: string) => `sha256/${sha256.slice(0, 2)}/${sha256.slice(2, 4)}/${sha256}`;

export function assertKey(key: string): void {
  if (!/^sha256\/[0-9a-f]{2}\/[0-9a-f]{2}\/[0-9a-f]{64}$/.test(key))
    throw new Error(`not a blob key: ${key}`);
}
