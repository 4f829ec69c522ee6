// Azure Blob Storage (and Azurite) with an account name and key. `azure_endpoint` (a setting) points at
// another service than <account>.blob.core.windows.net; it is checked like a webhook URL when the client is made.
import {
  BlobSASPermissions,
  BlobServiceClient,
  generateBlobSASQueryParameters,
  StorageSharedKeyCredential,
} from '@azure/storage-blob';
import { checkEndpoint } from './net.ts';
import {
  bucketUris,
  folder,
  type Network,
  ProviderError,
  type ProviderOptions,
  type StorageClient,
  str,
} from './types.ts';

export async function azureClient(o: ProviderOptions, net: Network): Promise<StorageClient> {
  const account = str(o.settings.account_name);
  const key = o.credentials.account_key;
  if (!account) throw new ProviderError('account_name is required');
  if (!key) throw new ProviderError('account_key is required');
  const endpoint = str(o.settings.azure_endpoint) ?? `https://${account}.blob.core.windows.net`;
  await checkEndpoint(endpoint, net.allowPrivate, 'azure_endpoint');
  let credential: StorageSharedKeyCredential;
  try {
    credential = new StorageSharedKeyCredential(account, key);
  } catch {
    throw new ProviderError('account_key is not a valid base64 key');
  }
  const service = new BlobServiceClient(endpoint, credential, { retryOptions: { maxTries: 3 } });
  const container = service.getContainerClient(o.bucket);
  const prefix = folder(o.prefix);
  return {
    ...bucketUris('azure-blob', o.bucket),
    async *pages(pageSize) {
      const options = { prefix: prefix || undefined };
      const iterator = o.recursiveScan
        ? container.listBlobsFlat(options).byPage({ maxPageSize: pageSize })
        : container.listBlobsByHierarchy('/', options).byPage({ maxPageSize: pageSize });
      for await (const page of iterator) {
        const keys = page.segment.blobItems.map((b) => b.name).filter((k) => !k.endsWith('/'));
        if (keys.length > 0) yield keys;
      }
    },
    async get(name) {
      const blob = container.getBlobClient(name);
      try {
        const res = await blob.download();
        return {
          body: res.readableStreamBody as NodeJS.ReadableStream as never,
          contentType: res.contentType ?? null,
          size: res.contentLength ?? null,
        };
      } catch (err) {
        if ((err as { statusCode?: number }).statusCode === 404) return null;
        throw err;
      }
    },
    async put(name, body, contentType) {
      await container
        .getBlockBlobClient(name)
        .upload(body, Buffer.byteLength(body), { blobHTTPHeaders: { blobContentType: contentType } });
    },
    async remove(name) {
      await container.getBlobClient(name).deleteIfExists();
    },
    async presign(name, ttl) {
      const sas = generateBlobSASQueryParameters(
        {
          containerName: o.bucket,
          blobName: name,
          permissions: BlobSASPermissions.parse('r'),
          expiresOn: new Date(Date.now() + ttl * 1000),
        },
        credential,
      );
      return `${container.getBlobClient(name).url}?${sas.toString()}`;
    },
    async close() {},
  };
}
