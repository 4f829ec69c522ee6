// Raw data archives through HTTP on both databases: a ZIP of JPEGs with EXIF GPS is read in place by its job
// (image count, footprints with capture times and bbox), downloaded by range; non-ZIPs 415, zip bombs and names
// that leave the folder fail the job with the reason; D2S roles, read-only flights and other tenants.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { createTestApp } from '../../../test/app.ts';
import { forEachDatabase } from '../../../test/harness.ts';
import { inOrg, type Person, signUp } from '../../../test/http-factories.ts';
import { inScope } from '../../db/scope.ts';
import type { App } from '../../platform/http/app-types.ts';
import { multipart } from '../files/files.test-kit.ts';
import { jpeg } from '../photos/demo-images.ts';
import { flightImages, zipOf } from './rawdata.test-kit.ts';

forEachDatabase('raw data archives', (ctx) => {
  let app: App;
  let owner: Person;
  let manager: Person;
  let viewer: Person;
  let outsider: Person;
  let projectId: number;
  let flightId: number;

  const call = (who: Person, method: string, url: string, payload?: unknown, headers = {}) =>
    app.inject({
      method: method as 'GET',
      url,
      headers: { ...inOrg(who, owner.orgId), ...headers },
      ...(payload === undefined ? {} : { payload: payload as object }),
    });

  const upload = async (who: Person, bytes: Buffer, name = 'images.zip', flight = flightId) => {
    const body = await multipart([{ name, bytes, type: 'application/zip' }]);
    return app.inject({
      method: 'POST',
      url: `/api/flights/${flight}/raw-data`,
      headers: { ...inOrg(who, who === outsider ? outsider.orgId : owner.orgId), ...body.headers },
      payload: body.payload,
    });
  };

  async function settled(jobId: number) {
    for (let i = 0; i < 600; i++) {
      const res = await call(owner, 'GET', `/api/jobs/${jobId}`);
      if (['succeeded', 'failed'].includes(res.json().state)) return res.json();
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error(`job ${jobId} did not finish`);
  }

  const newFlight = async (extra: object = {}) => {
    const res = await call(owner, 'POST', `/api/projects/${projectId}/flights`, {
      acquisition_date: '2026-06-01',
      altitude: 40,
      side_overlap: 70,
      forward_overlap: 80,
      sensor: 'RGB',
      platform: 'M300',
      pilot_id: owner.id,
      ...extra,
    });
    assert.equal(res.statusCode, 201, res.body);
    return res.json().id as number;
  };

  before(async () => {
    app = await createTestApp(ctx.database, { LOGIN_RATE_LIMIT: '10000' });
    await app.ready();
    await app.jobs.start({ work: true });
    owner = await signUp(app);
    manager = await signUp(app);
    viewer = await signUp(app);
    outsider = await signUp(app);
    await inScope(ctx.database.db, { organizationId: owner.orgId, userId: owner.id }, (tx) =>
      tx
        .insertInto('organization_members')
        .values([
          { organization_id: owner.orgId, user_id: manager.id, role: 'member' },
          { organization_id: owner.orgId, user_id: viewer.id, role: 'member' },
        ])
        .execute(),
    );
    projectId = (await call(owner, 'POST', '/api/projects', { title: 'Wheat flights' })).json().id;
    for (const [who, role] of [
      [manager, 'manager'],
      [viewer, 'viewer'],
    ] as const) {
      const add = await call(owner, 'POST', `/api/projects/${projectId}/members`, { user_id: who.id, role });
      assert.equal(add.statusCode, 201, add.body);
    }
    flightId = await newFlight();
  });
  after(() => app.close());

  test('a ZIP of images: 202 with its job, then image count and footprints; range download', async () => {
    const zip = await flightImages();
    const res = await upload(manager, zip, 'flight-1.zip');
    assert.equal(res.statusCode, 202, res.body);
    const made = res.json();
    assert.equal(made.status, 'pending');
    assert.equal(made.size_bytes, zip.length);
    assert.ok(made.job?.id);
    const job = await settled(made.job.id);
    assert.equal(job.state, 'succeeded', JSON.stringify(job));
    const got = (await call(viewer, 'GET', `/api/raw-data/${made.id}`)).json();
    assert.equal(got.status, 'ready');
    assert.equal(got.image_count, 3, 'three JPEGs by their bytes; the text and the fake .jpg are not images');
    const fc = got.footprints;
    assert.equal(fc.type, 'FeatureCollection');
    assert.equal(fc.images_without_gps, 1);
    assert.deepEqual(
      fc.features.map((f: { properties: { name: string; captured_at: string } }) => [
        f.properties.name,
        f.properties.captured_at,
      ]),
      [
        ['DJI_0001.JPG', '2026-06-01T10:00:00.000Z'],
        ['sub/DJI_0002.JPG', '2026-06-01T10:00:02.000Z'],
      ],
    );
    const [lon, lat, alt] = fc.features[0].geometry.coordinates;
    assert.ok(Math.abs(lon - 10.002) < 1e-5 && Math.abs(lat - 50.001) < 1e-5, `${lon} ${lat}`);
    assert.ok(Math.abs(alt - 40) < 0.01);
    fc.bbox.forEach((v: number, i: number) => {
      assert.ok(Math.abs(v - [10.001, 50.001, 10.002, 50.003][i]!) < 1e-5, `bbox ${fc.bbox}`);
    });

    const list = await call(viewer, 'GET', `/api/flights/${flightId}/raw-data?page_size=1`);
    assert.equal(list.statusCode, 200, list.body);
    assert.ok(list.json().count >= 1);
    assert.equal(list.json().results.length, 1);

    const whole = await call(viewer, 'GET', `/api/raw-data/${made.id}/file`);
    assert.equal(whole.statusCode, 200);
    assert.ok(whole.rawPayload.equals(zip));
    const part = await call(viewer, 'GET', `/api/raw-data/${made.id}/file`, undefined, {
      range: 'bytes=0-3',
    });
    assert.equal(part.statusCode, 206);
    assert.equal(part.headers['content-range'], `bytes 0-3/${zip.length}`);
    assert.deepEqual([...part.rawPayload], [0x50, 0x4b, 0x03, 0x04]);
  });

  test('a finished tus upload of a ZIP becomes raw data by its upload id; only its uploader may use it', async () => {
    const zip = await flightImages();
    const tus = await app.inject({
      method: 'POST',
      url: '/api/uploads',
      headers: {
        ...inOrg(manager, owner.orgId),
        'tus-resumable': '1.0.0',
        'upload-length': String(zip.length),
        'upload-metadata': `filename ${Buffer.from('tus-flight.zip').toString('base64')}`,
        'content-type': 'application/offset+octet-stream',
      },
      payload: zip,
    });
    assert.equal(tus.statusCode, 201, tus.body);
    const uploadId = String(tus.headers.location).split('/').pop()!;
    const someoneElse = await call(owner, 'POST', `/api/flights/${flightId}/raw-data`, {
      upload_id: uploadId,
    });
    assert.equal(someoneElse.statusCode, 404, someoneElse.body);
    const res = await call(manager, 'POST', `/api/flights/${flightId}/raw-data`, { upload_id: uploadId });
    assert.equal(res.statusCode, 202, res.body);
    assert.equal(res.json().original_name, 'tus-flight.zip');
    assert.equal((await settled(res.json().job.id)).state, 'succeeded');
    assert.equal((await call(manager, 'GET', `/api/raw-data/${res.json().id}`)).json().image_count, 3);
  });

  test('not a ZIP answers 415; a tus upload id that is not yours 404; bad JSON 400', async () => {
    const png = await upload(manager, await jpeg({ width: 8, height: 8 }), 'photo.zip');
    assert.equal(png.statusCode, 415, png.body);
    assert.match(png.json().error.message, /not a ZIP archive/);
    const tus = await call(manager, 'POST', `/api/flights/${flightId}/raw-data`, { upload_id: 'nope123' });
    assert.equal(tus.statusCode, 404, tus.body);
    const bad = await call(manager, 'POST', `/api/flights/${flightId}/raw-data`, { upload_id: '../x' });
    assert.equal(bad.statusCode, 400, bad.body);
    const extra = await call(manager, 'POST', `/api/flights/${flightId}/raw-data`, { file_id: 1 });
    assert.equal(extra.statusCode, 400, extra.body);
  });

  test('zip bombs and names that leave the folder fail the job with the reason', async () => {
    const image = await jpeg({ width: 8, height: 8 });
    const cases: [Buffer, RegExp][] = [
      [zipOf([{ name: '../../etc/evil.jpg', bytes: image }]), /leave the archive's folder.*\.\.\/\.\.\/etc/],
      [zipOf([{ name: '/abs/evil.jpg', bytes: image }]), /leave the archive's folder.*absolute path/],
      [
        zipOf([
          { name: 'a.jpg', bytes: image, declaredSize: 4_000_000_000, deflate: true },
          { name: 'b.jpg', bytes: image },
        ]),
        /unpacks to more than .* zip bomb/,
      ],
      [zipOf([{ name: 'readme.txt', bytes: Buffer.from('no images here') }]), /no JPEG or TIFF images/],
      [Buffer.concat([Buffer.from([0x50, 0x4b, 0x03, 0x04]), Buffer.alloc(64)]), /not a readable ZIP/],
    ];
    for (const [bytes, reason] of cases) {
      const res = await upload(manager, bytes);
      assert.equal(res.statusCode, 202, res.body);
      const job = await settled(res.json().job.id);
      assert.equal(job.state, 'failed');
      const got = (await call(manager, 'GET', `/api/raw-data/${res.json().id}`)).json();
      assert.equal(got.status, 'failed');
      assert.match(got.error, reason);
    }
  });

  test('too many entries is refused before any entry is read', async () => {
    const { readArchive, ARCHIVE_LIMITS } = await import('./rawdata.archive.ts');
    const zip = zipOf(Array.from({ length: 12 }, (_, i) => ({ name: `${i}.txt`, bytes: Buffer.from('x') })));
    const blobs = {
      get: async (_key: string, r?: { start: number; end: number }) =>
        (await import('node:stream')).Readable.from([
          zip.subarray(r?.start ?? 0, (r?.end ?? zip.length - 1) + 1),
        ]),
    } as never;
    await assert.rejects(
      readArchive(blobs, 'k', zip.length, async () => {}, { ...ARCHIVE_LIMITS, maxEntries: 10 }),
      /the archive has 12 entries; at most 10/,
    );
  });

  test('roles: viewers read, managers upload, owners delete; read-only flight 400; other tenants 404', async () => {
    const zip = await flightImages();
    assert.equal((await upload(viewer, zip)).statusCode, 403);
    const made = (await upload(manager, zip)).json();
    await settled(made.job.id);
    assert.equal((await call(manager, 'DELETE', `/api/raw-data/${made.id}`)).statusCode, 403);
    assert.equal((await call(viewer, 'DELETE', `/api/raw-data/${made.id}`)).statusCode, 403);

    for (const [method, url] of [
      ['GET', `/api/raw-data/${made.id}`],
      ['GET', `/api/raw-data/${made.id}/file`],
      ['DELETE', `/api/raw-data/${made.id}`],
      ['GET', `/api/flights/${flightId}/raw-data`],
    ]) {
      const res = await app.inject({
        method: method as 'GET',
        url: url!,
        headers: inOrg(outsider, outsider.orgId),
      });
      assert.equal(res.statusCode, 404, `${method} ${url}: ${res.body}`);
    }
    assert.equal((await upload(outsider, zip)).statusCode, 404);

    const locked = await newFlight();
    assert.equal((await call(owner, 'PATCH', `/api/flights/${locked}`, { read_only: true })).statusCode, 200);
    const refused = await upload(manager, zip, 'late.zip', locked);
    assert.equal(refused.statusCode, 400, refused.body);
    assert.match(refused.json().error.message, /read-only/);

    assert.equal((await call(owner, 'DELETE', `/api/raw-data/${made.id}`)).statusCode, 204);
    assert.equal((await call(owner, 'GET', `/api/raw-data/${made.id}`)).statusCode, 404);
  });
});
