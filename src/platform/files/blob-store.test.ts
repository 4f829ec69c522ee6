// The same contract for both blob stores: local disk, and S3 against a local S3 server (s3rver) on 127.0.0.1.
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { buffer } from 'node:stream/consumers';
import { after, before, describe, test } from 'node:test';
import S3rver from 's3rver';
import { loadConfig } from '../../config.ts';
import type { BlobStore } from './blob-store.ts';
import { createBlobStore } from './index.ts';

const scratch = mkdtempSync(path.join(os.tmpdir(), 'gt-blobs-'));
after(() => rmSync(scratch, { recursive: true, force: true }));

function contract(name: string, make: () => Promise<{ store: BlobStore; stop?: () => Promise<void> }>) {
  describe(`blob store: ${name}`, () => {
    let store: BlobStore;
    let stop: (() => Promise<void>) | undefined;
    before(async () => {
      ({ store, stop } = await make());
    });
    after(async () => stop?.());

    test('put streams in, keys by SHA-256, and the same bytes keep one key', async () => {
      const bytes = randomBytes(300_000);
      const sha = createHash('sha256').update(bytes).digest('hex');
      const a = await store.put(Readable.from([bytes.subarray(0, 1000), bytes.subarray(1000)]));
      assert.deepEqual(a, {
        key: `sha256/${sha.slice(0, 2)}/${sha.slice(2, 4)}/${sha}`,
        sha256: sha,
        size: bytes.length,
      });
      const b = await store.put(Readable.from([bytes]));
      assert.equal(b.key, a.key);
      assert.deepEqual(await buffer(await store.get(a.key)), bytes);
      assert.deepEqual(await store.stat(a.key), { size: bytes.length });
    });

    test('putFile stores a finished file under its hash and leaves the file to its owner', async () => {
      const bytes = randomBytes(200_000);
      const sha = createHash('sha256').update(bytes).digest('hex');
      const file = path.join(scratch, `${name}-out.bin`);
      writeFileSync(file, bytes);
      const a = await store.putFile(file);
      assert.deepEqual(a, {
        key: `sha256/${sha.slice(0, 2)}/${sha.slice(2, 4)}/${sha}`,
        sha256: sha,
        size: bytes.length,
      });
      assert.deepEqual(readFileSync(file), bytes);
      assert.deepEqual((await store.putFile(file)).key, a.key);
      rmSync(file);
      assert.deepEqual(await buffer(await store.get(a.key)), bytes);
      if (store.localPath) assert.deepEqual(readFileSync(store.localPath(a.key)), bytes);
    });

    test('range reads return exactly the bytes asked for', async () => {
      const bytes = Buffer.from('0123456789abcdefghij');
      const { key } = await store.put(Readable.from([bytes]));
      assert.equal((await buffer(await store.get(key, { start: 5, end: 9 }))).toString(), '56789');
      assert.equal((await buffer(await store.get(key, { start: 15 }))).toString(), 'fghij');
    });

    test('a source larger than maxBytes is refused and nothing is kept', async () => {
      await assert.rejects(
        store.put(Readable.from([randomBytes(2048)]), { maxBytes: 1000 }),
        /larger than 1000 bytes/,
      );
      const tmp = path.join(scratch, name, 'blobs', 'tmp');
      const left = (() => {
        try {
          return readdirSync(tmp);
        } catch {
          return [];
        }
      })();
      assert.deepEqual(left, []);
    });

    test('delete removes the blob; stat of a missing key is null', async () => {
      const { key } = await store.put(Readable.from([Buffer.from(`gone ${Date.now()}`)]));
      await store.delete(key);
      assert.equal(await store.stat(key), null);
      await assert.rejects(store.stat('../../etc/passwd'), /not a blob key/);
    });
  });
}

contract('local', async () => ({
  store: createBlobStore(loadConfig({ DATA_DIR: path.join(scratch, 'local') })),
}));

contract('s3', async () => {
  const dir = path.join(scratch, 's3rver');
  const server = new S3rver({
    port: 0,
    address: '127.0.0.1',
    silent: true,
    directory: dir,
    configureBuckets: [{ name: 'groundtruth-test', configs: [] }],
  });
  const { port } = await server.run();
  const store = createBlobStore(
    loadConfig({
      DATA_DIR: path.join(scratch, 's3'),
      BLOB_STORE: 's3',
      S3_ENDPOINT: `http://127.0.0.1:${port}`,
      S3_BUCKET: 'groundtruth-test',
      S3_ACCESS_KEY_ID: 'S3RVER',
      S3_SECRET_ACCESS_KEY: 'S3RVER',
      S3_PREFIX: 'blobs/',
    }),
  );
  return { store, stop: () => server.close() };
});
