// Blobs in an S3-compatible bucket (AWS S3, MinIO, Ceph, R2...). The upload is spooled to a local temporary
// file first: the key is the content's SHA-256, known only once every byte has been read.
import { createReadStream } from 'node:fs';
import type { Readable } from 'node:stream';
import {
  DeleteObjectCommand,
  GetObjectCommand,
  HeadObjectCommand,
  NotFound,
  PutObjectCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { assertKey, type BlobStore, keyFor } from './blob-store.ts';
import { hashFile, spool } from './spool.ts';

export interface S3Settings {
  endpoint?: string;
  region: string;
  bucket: string;
  accessKeyId?: string;
  secretAccessKey?: string;
  forcePathStyle: boolean;
  prefix: string;
}

export function createS3BlobStore(settings: S3Settings, tmpDir: string): BlobStore {
  const client = new S3Client({
    region: settings.region,
    forcePathStyle: settings.forcePathStyle,
    ...(settings.endpoint && { endpoint: settings.endpoint }),
    ...(settings.accessKeyId &&
      settings.secretAccessKey && {
        credentials: { accessKeyId: settings.accessKeyId, secretAccessKey: settings.secretAccessKey },
      }),
  });
  const Bucket = settings.bucket;
  const objectKey = (key: string) => {
    assertKey(key);
    return `${settings.prefix}${key}`;
  };

  async function head(key: string) {
    try {
      return await client.send(new HeadObjectCommand({ Bucket, Key: objectKey(key) }));
    } catch (err) {
      if (
        err instanceof NotFound ||
        (err as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode === 404
      ) {
        return null;
      }
      throw err;
    }
  }

  /** Uploads a local file whose hash is known, unless the bucket has those bytes already. */
  async function upload(file: string, sha256: string, size: number) {
    const key = keyFor(sha256);
    if (!(await head(key))) {
      await client.send(
        new PutObjectCommand({
          Bucket,
          Key: objectKey(key),
          Body: createReadStream(file),
          ContentLength: size,
          ChecksumSHA256: Buffer.from(sha256, 'hex').toString('base64'),
        }),
      );
    }
    return { key, sha256, size };
  }

  return {
    kind: 's3',
    async put(source, options = {}) {
      const s = await spool(source, tmpDir, options.maxBytes);
      try {
        return await upload(s.file, s.sha256, s.size);
      } finally {
        await s.discard();
      }
    },
    async putFile(file) {
      const { sha256, size } = await hashFile(file);
      return upload(file, sha256, size);
    },
    async get(key, range) {
      const out = await client.send(
        new GetObjectCommand({
          Bucket,
          Key: objectKey(key),
          ...(range && { Range: `bytes=${range.start}-${range.end ?? ''}` }),
        }),
      );
      return out.Body as Readable;
    },
    async stat(key) {
      const h = await head(key);
      return h ? { size: Number(h.ContentLength ?? 0) } : null;
    },
    async delete(key) {
      await client.send(new DeleteObjectCommand({ Bucket, Key: objectKey(key) }));
    },
  };
}
