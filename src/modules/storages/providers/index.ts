// The client for a storage row's provider.
import { azureClient } from './azure.ts';
import { gcsClient } from './gcs.ts';
import { localClient } from './local.ts';
import { redisClient } from './redis.ts';
import { s3Client } from './s3.ts';
import type { Network, ProviderOptions, StorageClient } from './types.ts';

export * from './types.ts';

const makers = {
  s3: s3Client,
  gcs: gcsClient,
  azure: azureClient,
  redis: redisClient,
  localfiles: localClient,
};

export function openClient(options: ProviderOptions, net: Network): Promise<StorageClient> {
  return makers[options.type](options, net);
}
