// The configured blob store.
import path from 'node:path';
import type { Config } from '../../config.ts';
import type { BlobStore } from './blob-store.ts';
import { createLocalBlobStore } from './local-store.ts';
import { createS3BlobStore } from './s3-store.ts';

export type { BlobStore, ByteRange, StoredBlob } from './blob-store.ts';

export function createBlobStore(config: Config): BlobStore {
  const root = path.resolve(config.DATA_DIR, 'blobs');
  if (config.BLOB_STORE === 'local') return createLocalBlobStore(root);
  return createS3BlobStore(
    {
      bucket: config.S3_BUCKET!,
      region: config.S3_REGION,
      forcePathStyle: config.S3_FORCE_PATH_STYLE,
      prefix: config.S3_PREFIX,
      ...(config.S3_ENDPOINT && { endpoint: config.S3_ENDPOINT }),
      ...(config.S3_ACCESS_KEY_ID && { accessKeyId: config.S3_ACCESS_KEY_ID }),
      ...(config.S3_SECRET_ACCESS_KEY && { secretAccessKey: config.S3_SECRET_ACCESS_KEY }),
    },
    path.join(root, 'tmp'),
  );
}
