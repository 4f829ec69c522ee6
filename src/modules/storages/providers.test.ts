// The same contract for the five providers against real local servers (s3rver, Azurite, Redis on this
// machine, a directory) and the fake GCS JSON API: pages of keys under the prefix (recursive or not), object
// bytes, writes, deletes, presigned URLs that work; and the refusals (internal endpoints, paths outside the
// local root).
import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { buffer } from 'node:stream/consumers';
import { after, before, describe, test } from 'node:test';
import { Redis } from 'ioredis';
import {
  type Network,
  openClient,
  ProviderError,
  type ProviderOptions,
  type StorageClient,
} from './providers/index.ts';
import {
  AZURITE_ACCOUNT,
  AZURITE_KEY,
  REDIS,
  redisPrefix,
  scratchDir,
  startAzurite,
  startFakeGcs,
  startS3,
} from './storages.test-kit.ts';

const scratch = scratchDir('storages');
after(() => scratch.remove());
const open: Network = { allowPrivate: true, localRoot: scratch.dir };

const collect = async (client: StorageClient, pageSize: number) => {
  const pages: string[][] = [];
  for await (const p of client.pages(pageSize)) pages.push(p);
  return pages;
};

interface Setup {
  options: (prefix: string, recursive: boolean) => ProviderOptions;
  /** A key as the provider names it (Redis keys carry the test's own prefix). */
  k?: (key: string) => string;
  /** Non-recursive listings in small pages (s3rver's continuation tokens fail on Node 24). */
  flatPage?: number;
  stop?: () => Promise<void>;
}

function contract(name: string, setup: () => Promise<Setup>, presigns: boolean) {
  describe(`storage provider: ${name}`, () => {
    let s: Setup;
    before(async () => {
      s = await setup();
    });
    after(() => s.stop?.());

    test('writes, lists a page at a time, reads and deletes', async () => {
      const k = s.k ?? ((key: string) => key);
      const writer = await openClient(s.options('', true), open);
      try {
        for (let i = 0; i < 7; i++) await writer.put(k(`in/obj-${i}.json`), `{"n":${i}}`, 'application/json');
        await writer.put(k('in/deeper/x.json'), '{"n":"x"}', 'application/json');
        await writer.put(k('outside.json'), '{}', 'application/json');
      } finally {
        await writer.close();
      }
      const flat = await openClient(s.options('in', false), open);
      const deep = await openClient(s.options('in', true), open);
      try {
        const pages = await collect(flat, s.flatPage ?? 3);
        assert.ok(
          pages.every((p) => p.length <= (s.flatPage ?? 3)),
          `small pages: ${JSON.stringify(pages)}`,
        );
        const keys = pages.flat().sort();
        const expected = Array.from({ length: 7 }, (_, i) => k(`in/obj-${i}.json`));
        // Redis has no folders: a non-recursive listing holds the deeper key too.
        assert.deepEqual(
          keys.filter((x) => !x.includes('deeper')),
          expected,
        );
        const deepPages = await collect(deep, 3);
        assert.ok(deepPages.length >= 3, `paged: ${JSON.stringify(deepPages)}`);
        const all = deepPages.flat().sort();
        assert.deepEqual(all, [...expected, k('in/deeper/x.json')].sort());
        const object = await deep.get(k('in/obj-3.json'));
        assert.ok(object);
        assert.equal((await buffer(object.body)).toString(), '{"n":3}');
        assert.equal(await deep.get(k('in/none.json')), null);
        assert.equal(deep.keyOf(deep.uri(k('in/obj-3.json'))), k('in/obj-3.json'));
        await deep.remove(k('in/obj-3.json'));
        assert.equal(await deep.get(k('in/obj-3.json')), null);
        const url = await deep.presign(k('in/obj-4.json'), 60);
        if (presigns) {
          assert.ok(url);
          const res = await fetch(url);
          assert.equal(res.status, 200);
          assert.equal(await res.text(), '{"n":4}');
        } else assert.equal(url, null);
      } finally {
        await flat.close();
        await deep.close();
      }
    });
  });
}

contract(
  's3 (s3rver)',
  async () => {
    const server = await startS3(path.join(scratch.dir, 's3rver'), ['contract']);
    return {
      options: (prefix, recursive) => ({
        type: 's3',
        bucket: 'contract',
        prefix,
        recursiveScan: recursive,
        settings: { s3_endpoint: server.endpoint, region_name: 'us-east-1' },
        credentials: { aws_access_key_id: 'S3RVER', aws_secret_access_key: 'S3RVER' },
      }),
      stop: server.stop,
    };
  },
  true,
);

contract(
  'azure (Azurite)',
  async () => {
    const server = await startAzurite(path.join(scratch.dir, 'azurite'));
    const { BlobServiceClient, StorageSharedKeyCredential } = await import('@azure/storage-blob');
    await new BlobServiceClient(server.endpoint, new StorageSharedKeyCredential(AZURITE_ACCOUNT, AZURITE_KEY))
      .getContainerClient('contract')
      .create();
    return {
      options: (prefix, recursive) => ({
        type: 'azure',
        bucket: 'contract',
        prefix,
        recursiveScan: recursive,
        settings: { account_name: AZURITE_ACCOUNT, azure_endpoint: server.endpoint },
        credentials: { account_key: AZURITE_KEY },
      }),
      stop: server.stop,
    };
  },
  true,
);

contract(
  'gcs (fake JSON API, service account token)',
  async () => {
    const server = await startFakeGcs('fake-token-123');
    const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const key = JSON.stringify({
      client_email: 'sync@project.iam.gserviceaccount.com',
      private_key: privateKey.export({ type: 'pkcs8', format: 'pem' }),
      token_uri: server.tokenUri,
    });
    return {
      options: (prefix, recursive) => ({
        type: 'gcs',
        bucket: 'contract',
        prefix,
        recursiveScan: recursive,
        settings: { gcs_endpoint: server.endpoint },
        credentials: { google_application_credentials: key },
      }),
      stop: server.stop,
    };
  },
  false,
);

contract(
  'redis (this machine)',
  async () => {
    const prefix = redisPrefix();
    return {
      options: (p, recursive) => ({
        type: 'redis',
        bucket: '',
        prefix: `${prefix}${p}`,
        recursiveScan: recursive,
        settings: { host: REDIS.host, port: REDIS.port, db: 0 },
        credentials: {},
      }),
      k: (key) => `${prefix}${key}`,
      stop: async () => {
        const r = new Redis(REDIS);
        const keys = await r.keys(`${prefix}*`);
        if (keys.length) await r.del(...keys);
        r.disconnect();
      },
    };
  },
  false,
);

contract(
  'local files',
  async () => {
    const dir = path.join(scratch.dir, 'local');
    mkdirSync(dir);
    return {
      options: (prefix, recursive) => ({
        type: 'localfiles',
        bucket: dir,
        prefix,
        recursiveScan: recursive,
        settings: {},
        credentials: {},
      }),
    };
  },
  false,
);

describe('storage providers refuse', () => {
  test('internal endpoints unless allowed', async () => {
    const closed: Network = { allowPrivate: false, localRoot: null };
    for (const o of [
      { type: 's3', settings: { s3_endpoint: 'http://127.0.0.1:9000' }, credentials: {} },
      { type: 'gcs', settings: { gcs_endpoint: 'http://10.0.0.8' }, credentials: {} },
      {
        type: 'azure',
        settings: { account_name: 'a', azure_endpoint: 'http://localhost:10000/a' },
        credentials: { account_key: AZURITE_KEY },
      },
      { type: 'redis', settings: { host: '127.0.0.1' }, credentials: {} },
    ] as const) {
      await assert.rejects(
        openClient({ ...o, bucket: 'b', prefix: '', recursiveScan: false } as ProviderOptions, closed),
        (err: Error) => err instanceof ProviderError && /loopback or private/.test(err.message),
        o.type,
      );
    }
  });

  test('local files outside the root, when off, and keys that climb out', async () => {
    const base = {
      type: 'localfiles',
      prefix: '',
      recursiveScan: true,
      settings: {},
      credentials: {},
    } as const;
    const root = path.join(scratch.dir, 'root');
    const inside = path.join(root, 'in');
    mkdirSync(inside, { recursive: true });
    writeFileSync(path.join(scratch.dir, 'secret.txt'), 'secret');
    symlinkSync(scratch.dir, path.join(inside, 'escape'));
    await assert.rejects(
      openClient({ ...base, bucket: inside }, { allowPrivate: true, localRoot: null }),
      /off/,
    );
    await assert.rejects(
      openClient({ ...base, bucket: scratch.dir }, { allowPrivate: true, localRoot: root }),
      /must be under/,
    );
    await assert.rejects(
      openClient({ ...base, bucket: `${inside}/../..` }, { allowPrivate: true, localRoot: root }),
      /must be under/,
    );
    const client = await openClient({ ...base, bucket: inside }, { allowPrivate: true, localRoot: root });
    assert.equal(await client.get('../../secret.txt'), null);
    assert.equal(await client.get('/etc/passwd'), null);
    assert.equal(await client.get('escape/secret.txt'), null);
    await assert.rejects(client.put('../x.json', '{}', 'application/json'), /not a path inside/);
    await assert.rejects(client.put('escape/x.json', '{}', 'application/json'), /not a path inside/);
  });
});
