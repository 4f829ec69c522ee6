// Amazon S3 and S3-compatible services (MinIO, s3rver...) through the AWS SDK. A custom endpoint is checked like
// a webhook URL and every connection re-checks the addresses its host resolves to.
import http from 'node:http';
import https from 'node:https';
import type { Readable } from 'node:stream';
import {
  DeleteObjectCommand,
  GetObjectCommand,
  ListObjectsCommand,
  PutObjectCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { guardedLookup } from '../../../platform/webhooks/address.ts';
import { checkEndpoint } from './net.ts';
import { bucketUris, folder, type Network, type ProviderOptions, type StorageClient, str } from './types.ts';

export async function s3Client(o: ProviderOptions, net: Network): Promise<StorageClient> {
  const endpoint = str(o.settings.s3_endpoint);
  if (endpoint) await checkEndpoint(endpoint, net.allowPrivate, 's3_endpoint');
  const lookup = guardedLookup(net.allowPrivate) as never;
  const keyId = o.credentials.aws_access_key_id;
  const secret = o.credentials.aws_secret_access_key;
  const client = new S3Client({
    region: str(o.settings.region_name) ?? 'us-east-1',
    ...(endpoint && { endpoint, forcePathStyle: true }),
    ...(keyId &&
      secret && {
        credentials: {
          accessKeyId: keyId,
          secretAccessKey: secret,
          ...(o.credentials.aws_session_token && { sessionToken: o.credentials.aws_session_token }),
        },
      }),
    requestHandler: {
      httpAgent: new http.Agent({ keepAlive: true, lookup }),
      httpsAgent: new https.Agent({ keepAlive: true, lookup }),
      requestTimeout: 60_000,
    },
    maxAttempts: 3,
  });
  const Bucket = o.bucket;
  const prefix = folder(o.prefix);
  const uris = bucketUris('s3', Bucket);
  return {
    ...uris,
    async *pages(pageSize) {
      // ListObjects (v1, by marker): S3, MinIO and s3rver all page it the same way; s3rver's v2 continuation
      // tokens use DES, which Node 24's OpenSSL refuses.
      let marker: string | undefined;
      for (;;) {
        const page = await client.send(
          new ListObjectsCommand({
            Bucket,
            Prefix: prefix || undefined,
            Delimiter: o.recursiveScan ? undefined : '/',
            MaxKeys: pageSize,
            Marker: marker,
          }),
        );
        const all = (page.Contents ?? []).map((c: { Key?: string }) => c.Key ?? '');
        const keys = all.filter((k: string) => k !== '' && !k.endsWith('/'));
        if (keys.length > 0) yield keys;
        if (!page.IsTruncated) return;
        const prefixes = (page.CommonPrefixes ?? []).map((p: { Prefix?: string }) => p.Prefix ?? '');
        const next = page.NextMarker ?? [...all, ...prefixes].sort().at(-1);
        if (!next || next === marker) return;
        marker = next;
      }
    },
    async get(key) {
      try {
        const res = await client.send(new GetObjectCommand({ Bucket, Key: key }));
        return {
          body: res.Body as Readable,
          contentType: res.ContentType ?? null,
          size: res.ContentLength ?? null,
        };
      } catch (err) {
        if ((err as { name?: string }).name === 'NoSuchKey') return null;
        throw err;
      }
    },
    async put(key, body, contentType) {
      await client.send(new PutObjectCommand({ Bucket, Key: key, Body: body, ContentType: contentType }));
    },
    async remove(key) {
      await client.send(new DeleteObjectCommand({ Bucket, Key: key }));
    },
    presign: (key, ttl) =>
      getSignedUrl(client, new GetObjectCommand({ Bucket, Key: key }), { expiresIn: ttl }),
    async close() {
      client.destroy();
    },
  };
}
