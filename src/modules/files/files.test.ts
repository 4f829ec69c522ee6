// /api/files end to end: datasets with companion files in one multipart request, types from the bytes,
// shared blobs, downloads with ranges, deleting, and bad input. Access rules: files.access.test.ts.
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { createTestApp } from '../../../test/app.ts';
import { forEachDatabase } from '../../../test/harness.ts';
import { type Person, signUp } from '../../../test/http-factories.ts';
import { loadConfig } from '../../config.ts';
import { inScope } from '../../db/scope.ts';
import { createBlobStore } from '../../platform/files/index.ts';
import type { App } from '../../platform/http/app-types.ts';
import { applyBlobRefs, filesClient, MHD, PNG_HEADER } from './files.test-kit.ts';

const sha = (b: Buffer | string) => createHash('sha256').update(b).digest('hex');

forEachDatabase('files', (ctx) => {
  let app: App;
  let owner: Person;
  let stranger: Person;
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'gt-files-'));

  before(async () => {
    await applyBlobRefs(ctx.database);
    app = await createTestApp(ctx.database, { DATA_DIR: dataDir });
    await app.ready();
    await signUp(app); // the first person is a superuser; none of the actors below is
    owner = await signUp(app);
    stranger = await signUp(app);
  });
  after(async () => {
    await app.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  const { upload, get } = filesClient(() => app);

  async function storageKeys(orgId: number, userId: number, ids: number[]) {
    return inScope(ctx.database.db, { organizationId: orgId, userId }, (tx) =>
      tx.selectFrom('files').select(['id', 'storage_key']).where('id', 'in', ids).orderBy('id').execute(),
    );
  }

  test('a .mhd with its .raw is one dataset: the header is the parent, the voxels its companion', async () => {
    const raw = randomBytes(64);
    const res = await upload(owner, [
      { name: 'ct.mhd', bytes: MHD, type: 'application/octet-stream' },
      { name: 'ct.raw', bytes: raw },
    ]);
    assert.equal(res.statusCode, 201, res.body);
    const body = res.json();
    assert.equal(body.name, 'ct.mhd');
    assert.equal(body.mime_type, 'text/plain');
    assert.equal(body.size, Buffer.byteLength(MHD));
    assert.equal(body.sha256, sha(MHD));
    assert.equal(body.project, null);
    assert.equal(body.uploaded_by, owner.id);
    assert.equal(body.parent, null);
    assert.equal(body.companions.length, 1);
    const [companion] = body.companions;
    assert.deepEqual(
      { name: companion.name, size: companion.size, sha256: companion.sha256, mime: companion.mime_type },
      { name: 'ct.raw', size: 64, sha256: sha(raw), mime: 'application/octet-stream' },
    );

    const one = await get(owner, `/api/files/${body.id}`);
    assert.equal(one.statusCode, 200);
    assert.deepEqual(one.json(), body);
    const part = await get(owner, `/api/files/${companion.id}`);
    assert.equal(part.json().parent, body.id);
    const list = await get(owner, '/api/files');
    assert.equal(list.json().results[0].id, body.id, 'newest first, main files only');
    assert.ok(!list.json().results.some((f: { id: number }) => f.id === companion.id));
    const bytes = await get(owner, `/api/files/${companion.id}/content`);
    assert.deepEqual(bytes.rawPayload, raw);
  });

  test('a shapefile keeps its .dbf, .shx and .prj; a .csv alone is text/csv', async () => {
    const shp = await upload(owner, [
      { name: 'parcels.shp', bytes: randomBytes(100) },
      { name: 'parcels.dbf', bytes: randomBytes(50) },
      { name: 'parcels.shx', bytes: randomBytes(20) },
      { name: 'parcels.prj', bytes: 'GEOGCS["WGS 84"]' },
    ]);
    assert.equal(shp.statusCode, 201, shp.body);
    assert.deepEqual(
      shp.json().companions.map((c: { name: string }) => c.name),
      ['parcels.dbf', 'parcels.shx', 'parcels.prj'],
    );
    const csv = await upload(owner, [
      { name: 'yield.csv', bytes: 'plot,kg\n1,20\n', type: 'application/octet-stream' },
    ]);
    assert.equal(csv.statusCode, 201, csv.body);
    assert.equal(csv.json().mime_type, 'text/csv');
    assert.deepEqual(csv.json().companions, []);
  });

  test('the same bytes twice are two files sharing one blob', async () => {
    const bytes = randomBytes(4096);
    const a = (await upload(owner, [{ name: 'a.bin', bytes }])).json();
    const b = (await upload(owner, [{ name: 'b.bin', bytes }])).json();
    assert.notEqual(a.id, b.id);
    assert.equal(a.sha256, b.sha256);
    const rows = await storageKeys(owner.orgId, owner.id, [a.id, b.id]);
    assert.equal(rows.length, 2);
    assert.equal(rows[0]!.storage_key, rows[1]!.storage_key);
    assert.equal(rows[0]!.storage_key, `sha256/${a.sha256.slice(0, 2)}/${a.sha256.slice(2, 4)}/${a.sha256}`);
  });

  test('the type comes from the bytes, not the name or the declared type', async () => {
    const png = await upload(owner, [{ name: 'table.csv', bytes: PNG_HEADER, type: 'text/csv' }]);
    assert.equal(png.statusCode, 201, png.body);
    assert.equal(png.json().mime_type, 'image/png');
    const zip = Buffer.concat([Buffer.from('504b0304', 'hex'), randomBytes(60)]);
    const fake = await upload(owner, [{ name: 'photo.png', bytes: zip, type: 'image/png' }]);
    assert.equal(fake.json().mime_type, 'application/zip');
    const html = await upload(owner, [
      { name: 'x.html', bytes: '<script>alert(1)</script>', type: 'text/html' },
    ]);
    assert.equal(html.json().mime_type, 'text/plain', 'markup is never served as a page');
    const json = await upload(owner, [{ name: 'data', bytes: '{"a": 1}', type: 'application/json' }]);
    assert.equal(json.json().mime_type, 'application/json');
  });

  test('content streams with its headers; single ranges answer 206 with the exact bytes', async () => {
    const bytes = randomBytes(10_000);
    const file = (await upload(owner, [{ name: 'scan.bin', bytes }])).json();
    const url = `/api/files/${file.id}/content`;
    const full = await get(owner, url);
    assert.equal(full.statusCode, 200);
    assert.equal(full.headers['content-type'], 'application/octet-stream');
    assert.equal(full.headers['content-length'], '10000');
    assert.equal(full.headers.etag, `"${sha(bytes)}"`);
    assert.equal(full.headers['accept-ranges'], 'bytes');
    assert.equal(full.headers['x-content-type-options'], 'nosniff');
    assert.match(String(full.headers['content-disposition']), /^attachment; filename="scan.bin"/);
    assert.deepEqual(full.rawPayload, bytes);

    const cases: [string, number, number][] = [
      ['bytes=0-99', 0, 99],
      ['bytes=9990-', 9990, 9999],
      ['bytes=-10', 9990, 9999],
      ['bytes=5000-20000', 5000, 9999],
    ];
    for (const [range, start, end] of cases) {
      const part = await get(owner, url, { range });
      assert.equal(part.statusCode, 206, range);
      assert.equal(part.headers['content-range'], `bytes ${start}-${end}/10000`);
      assert.equal(part.headers['content-length'], String(end - start + 1));
      assert.deepEqual(part.rawPayload, bytes.subarray(start, end + 1), range);
    }
    const beyond = await get(owner, url, { range: 'bytes=10000-' });
    assert.equal(beyond.statusCode, 416);
    assert.equal(beyond.headers['content-range'], 'bytes */10000');
    assert.equal(beyond.json().error.code, 'bad_request');
    const several = await get(owner, url, { range: 'bytes=0-1,5-6' });
    assert.equal(several.statusCode, 200, 'several ranges: the whole file');
    const cached = await get(owner, url, { 'if-none-match': `"${sha(bytes)}"` });
    assert.equal(cached.statusCode, 304);
  });

  test('deleting: the file and its companions go; the blob stays while any row still points at it', async () => {
    const shared = randomBytes(2048);
    const only = randomBytes(2048);
    const keep = (await upload(owner, [{ name: 'keep.bin', bytes: shared }])).json();
    const twin = (await upload(owner, [{ name: 'twin.bin', bytes: shared }])).json();
    const elsewhere = (await upload(stranger, [{ name: 'theirs.bin', bytes: only }])).json();
    const mine = (
      await upload(owner, [
        { name: 'mine.mhd', bytes: MHD },
        { name: 'mine.raw', bytes: only },
      ])
    ).json();

    const del = await app.inject({ method: 'DELETE', url: `/api/files/${twin.id}`, headers: owner.headers });
    assert.equal(del.statusCode, 204, del.body);
    assert.equal((await get(owner, `/api/files/${twin.id}`)).statusCode, 404);
    assert.deepEqual(
      (await get(owner, `/api/files/${keep.id}/content`)).rawPayload,
      shared,
      'other row: kept',
    );

    const delMine = await app.inject({
      method: 'DELETE',
      url: `/api/files/${mine.id}`,
      headers: owner.headers,
    });
    assert.equal(delMine.statusCode, 204);
    assert.equal((await get(owner, `/api/files/${mine.companions[0].id}`)).statusCode, 404, 'companion gone');
    const theirs = await get(stranger, `/api/files/${elsewhere.id}/content`);
    assert.deepEqual(theirs.rawPayload, only, "another organization's file with the same bytes is intact");
    assert.ok(!(await get(owner, '/api/files')).json().results.some((f: { id: number }) => f.id === mine.id));

    // The last reference: the blob itself goes.
    const lone = (await upload(owner, [{ name: 'lone.bin', bytes: randomBytes(512) }])).json();
    const storageKey = (await storageKeys(owner.orgId, owner.id, [lone.id]))[0]!.storage_key;
    await app.inject({ method: 'DELETE', url: `/api/files/${lone.id}`, headers: owner.headers });
    assert.equal(await createBlobStore(loadConfig({ DATA_DIR: dataDir })).stat(storageKey), null);
    assert.equal(
      (await app.inject({ method: 'DELETE', url: `/api/files/${lone.id}`, headers: owner.headers }))
        .statusCode,
      404,
    );
  });

  test('bad input answers 4xx with the error shape', async () => {
    const expectError = (
      res: { statusCode: number; json(): { error: { code: string; message: string } } },
      status: number,
    ) => {
      assert.equal(res.statusCode, status, JSON.stringify(res.json()));
      assert.equal(typeof res.json().error.code, 'string');
      assert.equal(typeof res.json().error.message, 'string');
    };
    expectError(await upload(owner, [{ name: 'a.csv', bytes: 'a' }], { project_id: '999999999' }), 404);
    expectError(await upload(owner, []), 400);
    expectError(await upload(owner, [{ name: 'a.csv', bytes: 'a' }], { project_id: 'abc' }), 400);
    expectError(await upload(owner, [{ name: 'a.csv', bytes: 'a' }], { project_id: '1.5' }), 400);
    expectError(await upload(owner, [{ name: 'a.csv', bytes: 'a' }], { colour: 'red' }), 400);
    expectError(await upload(owner, [{ name: 'a.csv', bytes: 'a', field: 'upload' }]), 400);
    expectError(await upload(owner, [{ name: 'lonely.raw', bytes: 'a' }]), 400);
    expectError(
      await upload(owner, [
        { name: 'a.csv', bytes: 'a' },
        { name: 'b.csv', bytes: 'b' },
      ]),
      400,
    );
    expectError(
      await upload(owner, [
        { name: 'a.mhd', bytes: MHD },
        { name: 'a.dbf', bytes: 'b' },
      ]),
      400,
    );
    const json = await app.inject({
      method: 'POST',
      url: '/api/files',
      headers: owner.headers,
      payload: { file: 'x' },
    });
    expectError(json, 415);
    const cutShort = await app.inject({
      method: 'POST',
      url: '/api/files',
      headers: { ...owner.headers, 'content-type': 'multipart/form-data; boundary=zzz' },
      payload: '--zzz\r\nContent-Disposition: form-data; name="file"; filename="a.csv"\r\n\r\nabc',
    });
    expectError(cutShort, 400);
    for (const url of [
      '/api/files/abc',
      '/api/files/0/content',
      '/api/files?project=x',
      '/api/files?page=0',
    ]) {
      expectError(await get(owner, url), 400);
    }
    expectError(await get(owner, '/api/files/999999999'), 404);
  });
});
