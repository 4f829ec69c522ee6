// The photogrammetry (ODM) hook driven over HTTP as an external runner drives it, on both databases: a manager
// starts a run, the runner fetches the archive with the token alone, reports progress, delivers a GeoTIFF made
// by GDAL (it becomes a data product through the COG job) and finishes, after which the token is dead. The token
// is stored only as its SHA-256; roles, other tenants and bad input.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { after, before, test } from 'node:test';
import { createTestApp } from '../../../test/app.ts';
import { forEachDatabase } from '../../../test/harness.ts';
import { inOrg, type Person, signUp } from '../../../test/http-factories.ts';
import { inScope } from '../../db/scope.ts';
import type { App } from '../../platform/http/app-types.ts';
import { multipart } from '../files/files.test-kit.ts';
import { gridTiff } from './gdal.test-kit.ts';
import { flightImages } from './rawdata.test-kit.ts';

forEachDatabase('photogrammetry hook', (ctx) => {
  let app: App;
  let owner: Person;
  let viewer: Person;
  let outsider: Person;
  let projectId: number;
  let flightId: number;
  let rawId: number;

  const call = (who: Person, method: string, url: string, payload?: unknown) =>
    app.inject({
      method: method as 'GET',
      url,
      headers: inOrg(who, who === outsider ? outsider.orgId : owner.orgId),
      ...(payload === undefined ? {} : { payload: payload as object }),
    });
  /** The runner has no login: only the URLs it was given. */
  const runner = (method: string, url: string, payload?: unknown, headers: Record<string, string> = {}) =>
    app.inject({
      method: method as 'GET',
      url,
      headers,
      ...(payload === undefined ? {} : { payload: payload as object }),
    });
  const pathOf = (url: string) => new URL(url, 'http://runner.invalid').pathname;

  async function settled(jobId: number) {
    for (let i = 0; i < 600; i++) {
      const res = await call(owner, 'GET', `/api/jobs/${jobId}`);
      if (['succeeded', 'failed'].includes(res.json().state)) return res.json();
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error(`job ${jobId} did not finish`);
  }

  before(async () => {
    app = await createTestApp(ctx.database, { LOGIN_RATE_LIMIT: '10000' });
    await app.ready();
    await app.jobs.start({ work: true });
    owner = await signUp(app);
    viewer = await signUp(app);
    outsider = await signUp(app);
    await inScope(ctx.database.db, { organizationId: owner.orgId, userId: owner.id }, (tx) =>
      tx
        .insertInto('organization_members')
        .values({ organization_id: owner.orgId, user_id: viewer.id, role: 'member' })
        .execute(),
    );
    projectId = (await call(owner, 'POST', '/api/projects', { title: 'ODM' })).json().id;
    await call(owner, 'POST', `/api/projects/${projectId}/members`, { user_id: viewer.id, role: 'viewer' });
    const flight = await call(owner, 'POST', `/api/projects/${projectId}/flights`, {
      acquisition_date: '2026-06-01',
      altitude: 40,
      side_overlap: 70,
      forward_overlap: 80,
      sensor: 'RGB',
      platform: 'M300',
      pilot_id: owner.id,
    });
    flightId = flight.json().id;
    const body = await multipart([
      { name: 'flight.zip', bytes: await flightImages(), type: 'application/zip' },
    ]);
    const raw = await app.inject({
      method: 'POST',
      url: `/api/flights/${flightId}/raw-data`,
      headers: { ...inOrg(owner, owner.orgId), ...body.headers },
      payload: body.payload,
    });
    assert.equal(raw.statusCode, 202, raw.body);
    rawId = raw.json().id;
    assert.equal((await settled(raw.json().job.id)).state, 'succeeded');
  });
  after(() => app.close());

  test('a runner fetches the archive, reports, delivers an orthomosaic and finishes; the token then dies', async () => {
    const started = await call(owner, 'POST', `/api/raw-data/${rawId}/processing`);
    assert.equal(started.statusCode, 201, started.body);
    const run = started.json();
    assert.equal(run.status, 'waiting');
    const token = pathOf(run.archive_url).split('/')[3]!;
    assert.ok(token.length >= 40);
    assert.equal(pathOf(run.callback_url), `/api/processing/${token}/products`);
    const stored = await inScope(ctx.database.db, { organizationId: owner.orgId, userId: owner.id }, (tx) =>
      tx
        .selectFrom('processing_runs')
        .select('token_hash')
        .where('id', '=', run.id)
        .executeTakeFirstOrThrow(),
    );
    assert.equal(
      stored.token_hash,
      createHash('sha256').update(token).digest('hex'),
      'only the hash is kept',
    );
    const expires = new Date(run.token_expires_at).getTime() - Date.now();
    assert.ok(expires > 6.9 * 86400e3 && expires <= 7 * 86400e3, 'valid for 7 days');

    const archive = await runner('GET', pathOf(run.archive_url));
    assert.equal(archive.statusCode, 200);
    assert.ok(archive.rawPayload.equals(await readBack()));
    const head = await runner('GET', pathOf(run.archive_url), undefined, { range: 'bytes=0-1' });
    assert.equal(head.statusCode, 206);

    const running = await runner('POST', pathOf(run.status_url), {
      status: 'running',
      progress: 40,
      message: 'odm: matching',
    });
    assert.equal(running.statusCode, 200, running.body);
    assert.deepEqual(running.json(), {
      id: run.id,
      status: 'running',
      progress: 40,
      message: 'odm: matching',
    });

    const tiff = await gridTiff({
      values: [
        [1, 2],
        [3, 4],
      ],
      xll: 10,
      yll: 50,
      cell: 0.001,
      epsg: 4326,
    });
    const form = await multipart([{ name: 'odm_orthophoto.tif', bytes: tiff, type: 'image/tiff' }], {
      data_type: 'ortho',
    });
    const delivered = await runner('POST', pathOf(run.callback_url), form.payload, form.headers);
    assert.equal(delivered.statusCode, 202, delivered.body);
    const product = delivered.json();
    assert.equal(product.flight_id, flightId);
    assert.equal(product.data_type, 'ortho');
    assert.equal((await settled(product.job_id)).state, 'succeeded');
    const ready = (await call(viewer, 'GET', `/api/data-products/${product.id}`)).json();
    assert.equal(ready.status, 'ready');
    assert.equal(ready.crs, 'EPSG:4326');

    const done = await runner('POST', pathOf(run.status_url), { status: 'done', message: 'finished' });
    assert.equal(done.statusCode, 200, done.body);
    assert.equal(done.json().progress, 100);
    for (const [method, url, body] of [
      ['GET', pathOf(run.archive_url)],
      ['POST', pathOf(run.status_url), { status: 'running' }],
    ] as [string, string, object?][]) {
      const res = await runner(method, url, body);
      assert.equal(res.statusCode, 404, `${method} ${url} after done: ${res.body}`);
    }
    const late = await runner('POST', pathOf(run.callback_url), form.payload, form.headers);
    assert.equal(late.statusCode, 404, late.body);

    const runs = await call(viewer, 'GET', `/api/raw-data/${rawId}/processing`);
    assert.equal(runs.statusCode, 200, runs.body);
    const listed = runs.json().results.find((r: { id: number }) => r.id === run.id);
    assert.equal(listed.status, 'done');
    assert.deepEqual(listed.data_product_ids, [product.id]);
    assert.ok(!runs.body.includes(token), 'the token is never shown again');
  });

  async function readBack() {
    const res = await call(owner, 'GET', `/api/raw-data/${rawId}/file`);
    return res.rawPayload;
  }

  test('an expired token is dead; a failed run ends its token', async () => {
    const run = (await call(owner, 'POST', `/api/raw-data/${rawId}/processing`)).json();
    await inScope(ctx.database.db, { organizationId: owner.orgId, userId: owner.id }, (tx) =>
      tx
        .updateTable('processing_runs')
        .set({ token_expires_at: new Date(Date.now() - 1000) })
        .where('id', '=', run.id)
        .execute(),
    );
    assert.equal((await runner('GET', pathOf(run.archive_url))).statusCode, 404);
    const other = (await call(owner, 'POST', `/api/raw-data/${rawId}/processing`)).json();
    const failed = await runner('POST', pathOf(other.status_url), {
      status: 'failed',
      message: 'odm: not enough images',
    });
    assert.equal(failed.statusCode, 200, failed.body);
    assert.equal((await runner('GET', pathOf(other.archive_url))).statusCode, 404);
  });

  test('bad deliveries: unknown data_type 400, a LAS point cloud 415, no file 400; the run stays open', async () => {
    const run = (await call(owner, 'POST', `/api/raw-data/${rawId}/processing`)).json();
    const url = pathOf(run.callback_url);
    const tiff = await gridTiff({ values: [[1]], xll: 10, yll: 50, cell: 0.001, epsg: 4326 });
    const unknown = await multipart([{ name: 'x.tif', bytes: tiff }], { data_type: 'mesh' });
    const r1 = await runner('POST', url, unknown.payload, unknown.headers);
    assert.equal(r1.statusCode, 400, r1.body);
    assert.match(r1.json().error.message, /data_type/);
    const las = Buffer.alloc(400);
    las.write('LASF', 0, 'latin1');
    las.writeUInt8(1, 24);
    las.writeUInt8(2, 25);
    const cloud = await multipart([{ name: 'odm.las', bytes: las }], { data_type: 'point_cloud' });
    const r2 = await runner('POST', url, cloud.payload, cloud.headers);
    assert.equal(r2.statusCode, 415, r2.body);
    const empty = await multipart([], { data_type: 'ortho' });
    const r3 = await runner('POST', url, empty.payload, empty.headers);
    assert.equal(r3.statusCode, 400, r3.body);
    const status = await runner('POST', pathOf(run.status_url), { status: 'paused' });
    assert.equal(status.statusCode, 400, status.body);
    assert.equal((await runner('GET', pathOf(run.archive_url))).statusCode, 200);
    const bogus = await runner('GET', '/api/processing/AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA/archive');
    assert.equal(bogus.statusCode, 404);
  });

  test('roles: viewers list runs but cannot start one; other tenants 404', async () => {
    assert.equal((await call(viewer, 'POST', `/api/raw-data/${rawId}/processing`)).statusCode, 403);
    assert.equal((await call(viewer, 'GET', `/api/raw-data/${rawId}/processing`)).statusCode, 200);
    assert.equal((await call(outsider, 'POST', `/api/raw-data/${rawId}/processing`)).statusCode, 404);
    assert.equal((await call(outsider, 'GET', `/api/raw-data/${rawId}/processing`)).statusCode, 404);
  });

  test('deleting the raw data ends its runs: their tokens are dead', async () => {
    const run = (await call(owner, 'POST', `/api/raw-data/${rawId}/processing`)).json();
    assert.equal((await runner('GET', pathOf(run.archive_url))).statusCode, 200);
    assert.equal((await call(owner, 'DELETE', `/api/raw-data/${rawId}`)).statusCode, 204);
    assert.equal((await runner('GET', pathOf(run.archive_url))).statusCode, 404);
    const left = await inScope(ctx.database.db, { organizationId: owner.orgId, userId: owner.id }, (tx) =>
      tx.selectFrom('public_tokens').select('token_hash').where('kind', '=', 'processing_run').execute(),
    );
    assert.deepEqual(left, []);
  });
});
