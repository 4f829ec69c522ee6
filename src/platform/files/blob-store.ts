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
  get(key: string, range?: ByteRange): Promise<Readable>;
  stat(key: string): Promise<{ size: number } | null>;
  delete(key: string): Promise<void>;
}

export const keyFor = (sha256: string) => `sha256/${sha256.slice(0, 2)}/${sha256.slice(2, 4)}/${sha256}`;

export function assertKey(key: string): void {
  if (!/^sha256\/[0-9a-f]{2}\/[0-9a-f]{2}\/[0-9a-f]{64}$/.test(key))
    throw new Error(`not a blob key: ${key}`);
}
