// The raster job end to end: a GeoTIFF the test writes with GDAL is uploaded, registered as a data product,
// validated and described by gdalinfo (CRS, bounds, resolution, bands, statistics) and converted to a COG by
// gdal_translate; a file that is not a raster fails the job and the product with GDAL's reason.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { fromArrayBuffer } from 'geotiff';
import { createTestApp } from '../../../test/app.ts';
import { forEachDatabase } from '../../../test/harness.ts';
import { type Person, signUp } from '../../../test/http-factories.ts';
import type { App } from '../../platform/http/app-types.ts';
import { multipart } from '../files/files.test-kit.ts';
import { gridTiff, rgbTiff } from './gdal.test-kit.ts';

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

  test('a GeoTIFF gets its CRS, bounds, resolution, bands, statistics and a COG', async () => {
    const values = [
      [1, 2, 3, 4],
      [5, 6, 7, 8],
      [9, 10, 11, 12],
      [13, 14, 15, 16],
    ];
    const tiff = await gridTiff({ values, xll: 10, yll: 50, cell: 0.001, epsg: 4326 });
    const product = await register('ndvi.tif', tiff, 'image/tiff');
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
      assert.ok(Math.abs(got.bounds_4326[i] - want) < 1e-6, `bounds_4326[${i}]`);
    });
    assert.equal(got.stats.length, 1);
    assert.deepEqual(
      [got.stats[0].band, got.stats[0].min, got.stats[0].max, got.stats[0].mean],
      [1, 1, 16, 8.5],
    );
    assert.ok(got.cog_file_id, 'the COG is stored');
    // The COG is a real Cloud Optimized GeoTIFF on the Web Mercator grid, served by the download route.
    const file = await app.inject({
      method: 'GET',
      url: `/api/data-products/${product.id}/file`,
      headers: owner.headers,
    });
    assert.equal(file.statusCode, 200, file.body);
    const image = await (await fromArrayBuffer(new Uint8Array(file.rawPayload).buffer)).getImage();
    assert.equal((image.getGeoKeys() as Record<string, number>).ProjectedCSTypeGeoKey, 3857);
    assert.equal(image.getTileWidth(), 256);
  });

  test('a projected GeoTIFF records its own CRS and bounds, and WGS 84 bounds', async () => {
    const tiff = await rgbTiff({
      size: 32,
      epsg: 32632,
      bounds: [500000, 5599680, 500320, 5600000],
      rgb: [200, 30, 40],
    });
    const product = await register('ortho.tif', tiff, 'image/tiff');
    assert.equal((await settled(product.job_id)).state, 'succeeded');
    const got = (
      await app.inject({ method: 'GET', url: `/api/data-products/${product.id}`, headers: owner.headers })
    ).json();
    assert.equal(got.crs, 'EPSG:32632');
    assert.equal(got.band_count, 3);
    assert.deepEqual(got.bounds, [500000, 5599680, 500320, 5600000]);
    assert.deepEqual(got.resolution, [10, 10]);
    // UTM 32N easting 500000 is the 9th meridian; 5600000 m north is about 50.5 degrees.
    assert.ok(Math.abs(got.bounds_4326[0] - 9) < 1e-6, String(got.bounds_4326));
    assert.ok(got.bounds_4326[3] > 50.5 && got.bounds_4326[3] < 50.6, String(got.bounds_4326));
    assert.deepEqual(
      got.stats.map((s: { min: number; max: number }) => [s.min, s.max]),
      [
        [200, 200],
        [30, 30],
        [40, 40],
      ],
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
    assert.match(got.error, /not a valid raster: .*notes\.tif.* not recognized as a supported file format/);
    assert.equal(got.cog_file_id, null);
  });

  test('a VRT naming a file on the server is not opened: the job fails as for any non-GeoTIFF', async () => {
    // A real raster on the server's disk, and a VRT pointing at it: GDAL would copy its pixels into the COG.
    const dir = mkdtempSync(path.join(os.tmpdir(), 'gt-vrt-'));
    const target = path.join(dir, 'secret.tif');
    writeFileSync(
      target,
      await rgbTiff({ size: 8, epsg: 32632, bounds: [500000, 5600000, 500008, 5600008], rgb: [1, 2, 3] }),
    );
    const vrt = `<VRTDataset rasterXSize="8" rasterYSize="8"><VRTRasterBand dataType="Byte" band="1">
      <SimpleSource><SourceFilename relativeToVRT="0">${target}</SourceFilename><SourceBand>1</SourceBand>
      </SimpleSource></VRTRasterBand></VRTDataset>`;
    try {
      const product = await register('ortho.vrt', Buffer.from(vrt), 'application/xml');
      const job = await settled(product.job_id);
      assert.equal(job.state, 'failed');
      const got = (
        await app.inject({ method: 'GET', url: `/api/data-products/${product.id}`, headers: owner.headers })
      ).json();
      assert.equal(got.status, 'failed');
      assert.match(got.error, /not a valid raster: .*not recognized as a supported file format/);
      assert.equal(got.cog_file_id, null);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
