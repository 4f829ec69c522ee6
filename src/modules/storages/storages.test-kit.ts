// Local servers for the storage tests: s3rver (S3), Azurite (Azure Blob, in memory), a small fake of the GCS
// JSON API written here (no GCS emulator is on npm), and Redis on this machine with a random key prefix.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import BlobConfigurationModule from 'azurite/dist/src/blob/BlobConfiguration.js';
import BlobServerModule from 'azurite/dist/src/blob/BlobServer.js';
import S3rver from 's3rver';

export function scratchDir(name: string): { dir: string; remove: () => void } {
  const dir = mkdtempSync(path.join(os.tmpdir(), `gt-${name}-`));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

export async function startS3(dir: string, buckets: string[]) {
  const server = new S3rver({
    port: 0,
    address: '127.0.0.1',
    silent: true,
    directory: dir,
    configureBuckets: buckets.map((name) => ({ name, configs: [] })),
  });
  const { port } = await server.run();
  return { endpoint: `http://127.0.0.1:${port}`, stop: () => server.close() };
}

/** Azurite's well-known development account. */
export const AZURITE_ACCOUNT = 'devstoreaccount1';
export const AZURITE_KEY =
  'Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==';

export async function startAzurite(dir: string) {
  // CommonJS default exports, seen through ESM.
  const Config = ((BlobConfigurationModule as { default?: unknown }).default ??
    BlobConfigurationModule) as never;
  const Server = ((BlobServerModule as { default?: unknown }).default ?? BlobServerModule) as never;
  const config = new (Config as new (...a: unknown[]) => object)(
    '127.0.0.1',
    0,
    undefined,
    path.join(dir, 'meta.json'),
    path.join(dir, 'extent.json'),
    [{ locationId: 'Default', locationPath: path.join(dir, 'data'), maxConcurrency: 1 }],
    false,
    undefined,
    false,
    undefined,
    true, // loose
    true, // skip the API version check (the SDK can be newer than Azurite)
    '',
    '',
    '',
    undefined,
    false,
    true, // in memory
  );
  const server = new (
    Server as new (
      c: object,
    ) => {
      start(): Promise<void>;
      close(): Promise<void>;
      clean(): Promise<void>;
      getHttpServerAddress(): string;
    }
  )(config);
  await server.start();
  return {
    endpoint: `${server.getHttpServerAddress()}/${AZURITE_ACCOUNT}`,
    stop: async () => {
      await server.close();
      await server.clean().catch(() => {});
    },
  };
}

/**
 * The parts of the GCS JSON API the provider uses: list (prefix, delimiter, maxResults, pageToken), media
 * download, media upload, delete, and a token endpoint that hands out one bearer token. Requests without it
 * are refused when `token` is set.
 */
export async function startFakeGcs(token: string | null = null) {
  const buckets = new Map<string, Map<string, { body: Buffer; type: string }>>();
  const bucket = (name: string) => {
    const b = buckets.get(name) ?? new Map<string, { body: Buffer; type: string }>();
    buckets.set(name, b);
    return b;
  };
  const server = http.createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const body = Buffer.concat(chunks);
    const url = new URL(req.url!, 'http://x');
    const send = (status: number, value?: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(value === undefined ? '' : JSON.stringify(value));
    };
    if (url.pathname === '/token') {
      const form = new URLSearchParams(body.toString());
      if (form.get('grant_type') !== 'urn:ietf:params:oauth:grant-type:jwt-bearer' || !form.get('assertion'))
        return send(400, { error: 'invalid_grant' });
      return send(200, { access_token: token, expires_in: 3600, token_type: 'Bearer' });
    }
    if (token && req.headers.authorization !== `Bearer ${token}`) return send(401, { error: 'unauthorized' });
    const list = url.pathname.match(/^\/storage\/v1\/b\/([^/]+)\/o$/);
    const one = url.pathname.match(/^\/storage\/v1\/b\/([^/]+)\/o\/(.+)$/);
    const upload = url.pathname.match(/^\/upload\/storage\/v1\/b\/([^/]+)\/o$/);
    if (list && req.method === 'GET') {
      const prefix = url.searchParams.get('prefix') ?? '';
      const delimiter = url.searchParams.get('delimiter');
      const max = Number(url.searchParams.get('maxResults') ?? 1000);
      const start = Number(url.searchParams.get('pageToken') ?? 0);
      const names = [...bucket(decodeURIComponent(list[1]!)).keys()]
        .filter((n) => n.startsWith(prefix))
        .filter((n) => !delimiter || !n.slice(prefix.length).includes(delimiter))
        .sort();
      const page = names.slice(start, start + max);
      return send(200, {
        items: page.map((name) => ({ name })),
        ...(start + max < names.length && { nextPageToken: String(start + max) }),
      });
    }
    if (one && req.method === 'GET') {
      const o = bucket(decodeURIComponent(one[1]!)).get(decodeURIComponent(one[2]!));
      if (!o) return send(404, { error: 'not found' });
      res.writeHead(200, { 'content-type': o.type, 'content-length': o.body.length });
      return res.end(o.body);
    }
    if (one && req.method === 'DELETE') {
      bucket(decodeURIComponent(one[1]!)).delete(decodeURIComponent(one[2]!));
      return send(204);
    }
    if (upload && req.method === 'POST') {
      const name = url.searchParams.get('name')!;
      bucket(decodeURIComponent(upload[1]!)).set(name, {
        body,
        type: req.headers['content-type'] ?? 'application/octet-stream',
      });
      return send(200, { name });
    }
    send(404, { error: 'no such route' });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    tokenUri: `http://127.0.0.1:${port}/token`,
    bucket,
    stop: () => new Promise<void>((r) => server.close(() => r())),
  };
}

export const REDIS = { host: '127.0.0.1', port: 6379 };
export const redisPrefix = () => `gt-test-${randomBytes(6).toString('hex')}:`;
