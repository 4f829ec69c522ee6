// The raster job end to end: a GeoTIFF the test writes with geotiff.js is uploaded, registered as a data
// product, read by the job (CRS, bounds, resolution, bands, statistics); a file that is not a GeoTIFF fails
// the job and the product with the reason.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { writeArrayBuffer } from 'geotiff';
import { createTestApp } from '../../../test/app.ts';
import { forEachDatabase } from '../../../test/harness.ts';
import { type Person, signUp } from '../../../test/http-factories.ts';
import type { App } from '../../platform/http/app-types.ts';
import { multipart } from '../files/files.test-kit.ts';
import { bandStats } from './products.jobs.ts';

test('band statistics skip nodata and NaN', () => {
  const { std, ...rest } = bandStats([1, 2, 3, 0, Number.NaN], 1, 0);
  assert.deepEqual(rest, { band: 1, min: 1, max: 3, mean: 2, valid_count: 3, nodata: 0 });
  assert.ok(Math.abs(std! - Math.sqrt(2 / 3)) < 1e-12);
  assert.equal(bandStats([0, 0], 2, 0).mean, null);
});

forEachDatabase('geodata raster job', (ctx) => {
  let app: App;
  let owner: Person;
  let flightId: number;

  before(async () => {
    app = await createTestApp(ctx.database);
    await app.ready();
    await app.jobs.start({ work: true });
    await signUp(app);
    owner = await signUp(app);
    const project = await app.inject({
      method: 'POST',
      url: '/api/projects',
      headers: owner.headers,
      payload: { title: 'Ortho' },
    });
    const flight = await app.inject({
      method: 'POST',
      url: `/api/projects/${project.json().id}/flights`,
      headers: owner.headers,
      payload: {
        acquisition_date: '2026-06-01',
        altitude: 40,
        side_overlap: 70,
        forward_overlap: 80,
        sensor: 'Multispectral',
        platform: 'M300',
        pilot_id: owner.id,
      },
    });
    assert.equal(flight.statusCode, 201, flight.body);
    flightId = flight.json().id;
  });
  after(() => app.close());

  async function register(name: string, bytes: Buffer, type: string) {
    const body = await multipart([{ name, bytes, type }]);
    const file = await app.inject({
      method: 'POST',
      url: '/api/files',
      headers: { ...owner.headers, ...body.headers },
      payload: body.payload,
    });
    assert.equal(file.statusCode, 201, file.body);
    const res = await app.inject({
      method: 'POST',
      url: `/api/flights/${flightId}/data-products`,
      headers: owner.headers,
      payload: { file_id: file.json().id, data_type: 'ndvi' },
    });
    assert.equal(res.statusCode, 202, res.body);
    assert.ok(res.json().job_id);
    return res.json();
  }

  async function settled(jobId: number) {
    for (let i = 0; i < 600; i++) {
      const res = await app.inject({ method: 'GET', url: `/api/jobs/${jobId}`, headers: owner.headers });
      if (['succeeded', 'failed'].includes(res.json().state)) return res.json();
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error(`job ${jobId} did not finish`);
  }

  test('a GeoTIFF gets its CRS, bounds, resolution, bands and per-band statistics', async () => {
    const values = Uint8Array.from({ length: 16 }, (_, i) => i + 1);
    const tiff = writeArrayBuffer(values, {
      width: 4,
      height: 4,
      ModelPixelScale: [0.001, 0.001, 0],
      ModelTiepoint: [0, 0, 0, 10, 50.004, 0],
      GeographicTypeGeoKey: 4326,
      GTModelTypeGeoKey: 2,
    });
    const product = await register('ndvi.tif', Buffer.from(tiff), 'image/tiff');
    const job = await settled(product.job_id);
    assert.equal(job.state, 'succeeded', JSON.stringify(job));
    const got = (
      await app.inject({ method: 'GET', url: `/api/data-products/${product.id}`, headers: owner.headers })
    ).json();
    assert.equal(got.status, 'ready');
    assert.equal(got.crs, 'EPSG:4326');
    assert.equal(got.band_count, 1);
    assert.deepEqual(got.resolution, [0.001, 0.001]);
    [10, 50, 10.004, 50.004].forEach((want, i) => {
      assert.ok(Math.abs(got.bounds[i] - want) < 1e-9, `bounds[${i}]`);
    });
    assert.equal(got.stats.length, 1);
    assert.deepEqual(
      [got.stats[0].band, got.stats[0].min, got.stats[0].max, got.stats[0].mean],
      [1, 1, 16, 8.5],
    );
  });

  test('a file that is not a GeoTIFF fails the job and the product with the reason', async () => {
    const product = await register('notes.tif', Buffer.from('plain text, not a raster'), 'text/plain');
    const job = await settled(product.job_id);
    assert.equal(job.state, 'failed');
    const got = (
      await app.inject({ method: 'GET', url: `/api/data-products/${product.id}`, headers: owner.headers })
    ).json();
    assert.equal(got.status, 'failed');
    assert.match(got.error, /not a valid GeoTIFF/);
  });
});
