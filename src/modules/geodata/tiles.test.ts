// Tiles and COG downloads over real GDAL-made rasters: the pixel under a known place has the raster's colour,
// a tile away from it is transparent, one band gets the colormap over its range, styles change the tile and
// its ETag, 304 on a matching ETag, byte ranges of the COG, public tiles by share token, other tenants 404.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import sharp from 'sharp';
import { createTestApp } from '../../../test/app.ts';
import { forEachDatabase } from '../../../test/harness.ts';
import { type Person, signUp } from '../../../test/http-factories.ts';
import type { App } from '../../platform/http/app-types.ts';
import { multipart } from '../files/files.test-kit.ts';
import { gridTiff, rgbTiff } from './gdal.test-kit.ts';

/** The XYZ tile holding lon/lat at zoom z, and the pixel of that place inside it. */
export function tileOf(lon: number, lat: number, z: number) {
  const n = 2 ** z;
  const fx = ((lon + 180) / 360) * n;
  const r = (lat * Math.PI) / 180;
  const fy = ((1 - Math.log(Math.tan(r) + 1 / Math.cos(r)) / Math.PI) / 2) * n;
  const x = Math.floor(fx);
  const y = Math.floor(fy);
  return { x, y, px: Math.floor((fx - x) * 256), py: Math.floor((fy - y) * 256) };
}

async function pixel(png: Buffer, px: number, py: number) {
  const { data, info } = await sharp(png).ensureAlpha().raw().toBuffer({ resolveWithObject: true });
  assert.equal(info.width, 256);
  const i = (py * 256 + px) * 4;
  return [data[i]!, data[i + 1]!, data[i + 2]!, data[i + 3]!];
}

forEachDatabase('geodata tiles', (ctx) => {
  let app: App;
  let owner: Person;
  let stranger: Person;
  let projectId: number;
  let flightId: number;
  let rgbId: number;
  let ndviId: number;

  async function register(name: string, bytes: Buffer) {
    const body = await multipart([{ name, bytes, type: 'image/tiff' }]);
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
      payload: { file_id: file.json().id, data_type: name.startsWith('ndvi') ? 'ndvi' : 'ortho' },
    });
    assert.equal(res.statusCode, 202, res.body);
    return res.json() as { id: number; job_id: number };
  }

  async function settled(jobId: number) {
    for (let i = 0; i < 600; i++) {
      const res = await app.inject({ method: 'GET', url: `/api/jobs/${jobId}`, headers: owner.headers });
      if (['succeeded', 'failed'].includes(res.json().state)) return res.json();
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error(`job ${jobId} did not finish`);
  }

  const get = (url: string, headers: Record<string, string> = owner.headers) =>
    app.inject({ method: 'GET', url, headers });

  before(async () => {
    app = await createTestApp(ctx.database);
    await app.ready();
    await app.jobs.start({ work: true });
    await signUp(app);
    owner = await signUp(app);
    stranger = await signUp(app);
    const project = await app.inject({
      method: 'POST',
      url: '/api/projects',
      headers: owner.headers,
      payload: { title: 'Tiles' },
    });
    projectId = project.json().id;
    const flight = await app.inject({
      method: 'POST',
      url: `/api/projects/${projectId}/flights`,
      headers: owner.headers,
      payload: {
        acquisition_date: '2026-06-01',
        altitude: 40,
        side_overlap: 70,
        forward_overlap: 80,
        sensor: 'RGB',
        platform: 'M300',
        pilot_id: owner.id,
      },
    });
    flightId = flight.json().id;
    const rgb = await register(
      'ortho.tif',
      await rgbTiff({ size: 64, epsg: 4326, bounds: [10, 50, 10.01, 50.01], rgb: [200, 30, 40] }),
    );
    // West half low values, east half high values.
    const values = Array.from({ length: 16 }, () =>
      Array.from({ length: 16 }, (_, c) => (c < 8 ? 0.1 : 0.9)),
    );
    const ndvi = await register(
      'ndvi.tif',
      await gridTiff({ values, xll: 10, yll: 50, cell: 0.01 / 16, epsg: 4326 }),
    );
    assert.equal((await settled(rgb.job_id)).state, 'succeeded');
    assert.equal((await settled(ndvi.job_id)).state, 'succeeded');
    rgbId = rgb.id;
    ndviId = ndvi.id;
  });
  after(() => app.close());

  test('the tile under the raster has its colour; a tile elsewhere is transparent; ETag answers 304', async () => {
    const product = (await get(`/api/data-products/${rgbId}`)).json();
    assert.equal(product.tiles_url, `/api/data-products/${rgbId}/tiles/{z}/{x}/{y}.png`);
    const t = tileOf(10.005, 50.005, 15);
    const res = await get(`/api/data-products/${rgbId}/tiles/15/${t.x}/${t.y}.png`);
    assert.equal(res.statusCode, 200, res.body);
    assert.equal(res.headers['content-type'], 'image/png');
    assert.deepEqual(await pixel(res.rawPayload, t.px, t.py), [200, 30, 40, 255]);
    // Overviews: the same place from far out still has the colour.
    const far = tileOf(10.005, 50.005, 11);
    const low = await get(`/api/data-products/${rgbId}/tiles/11/${far.x}/${far.y}.png`);
    assert.deepEqual(await pixel(low.rawPayload, far.px, far.py), [200, 30, 40, 255]);
    const away = tileOf(-70, -30, 15);
    const empty = await get(`/api/data-products/${rgbId}/tiles/15/${away.x}/${away.y}.png`);
    assert.equal(empty.statusCode, 200);
    assert.equal((await pixel(empty.rawPayload, 128, 128))[3], 0);
    const again = await get(`/api/data-products/${rgbId}/tiles/15/${t.x}/${t.y}.png`, {
      ...owner.headers,
      'if-none-match': String(res.headers.etag),
    });
    assert.equal(again.statusCode, 304);
  });

  test('one band gets a colormap over its range; query and saved styles change the tile and its ETag', async () => {
    const west = tileOf(10.001, 50.005, 15);
    const east = tileOf(10.009, 50.005, 15);
    const url = (t: { x: number; y: number }, q = '') =>
      `/api/data-products/${ndviId}/tiles/15/${t.x}/${t.y}.png${q}`;
    const gray = await get(url(west, '?colormap=gray&min=0&max=1'));
    assert.equal(gray.statusCode, 200, gray.body);
    const [r] = await pixel(gray.rawPayload, west.px, west.py);
    assert.ok(Math.abs(r! - Math.round(0.1 * 255)) <= 1, `gray 0.1 -> ${r}`);
    const hi = await pixel((await get(url(east, '?colormap=gray&min=0&max=1'))).rawPayload, east.px, east.py);
    assert.ok(Math.abs(hi[0]! - Math.round(0.9 * 255)) <= 1, `gray 0.9 -> ${hi}`);
    // Default: viridis over the band's min/max, so the low end is viridis' dark purple.
    const viridis = await pixel((await get(url(west))).rawPayload, west.px, west.py);
    assert.ok(viridis[2]! > viridis[1]! && viridis[0]! < 100, `viridis low end ${viridis}`);
    const before = await get(url(west));
    const saved = await app.inject({
      method: 'PUT',
      url: `/api/users/me/styles/${ndviId}`,
      headers: owner.headers,
      payload: { colormap: 'gray', min_value: 0, max_value: 0.2 },
    });
    assert.equal(saved.statusCode, 200, saved.body);
    const styled = await get(url(west));
    assert.notEqual(styled.headers.etag, before.headers.etag);
    const [s] = await pixel(styled.rawPayload, west.px, west.py);
    assert.ok(Math.abs(s! - Math.round(0.5 * 255)) <= 1, `saved style 0.1 of 0-0.2 -> ${s}`);
  });

  test('bad tile requests answer 400 with the reason; a product still processing answers 409', async () => {
    const t = tileOf(10.005, 50.005, 15);
    const base = `/api/data-products/${rgbId}/tiles`;
    const cases: [string, RegExp][] = [
      [`${base}/31/0/0.png`, /z/],
      [`${base}/2/4/0.png`, /x must be below/],
      [`${base}/15/${t.x}/${t.y}.png?bands=9`, /bands must be between 1 and 3/],
      [`${base}/15/${t.x}/${t.y}.png?colormap=plaid`, /colormap/],
      [`${base}/15/${t.x}/${t.y}.png?min=5&max=1&bands=1`, /min must not be greater/],
    ];
    for (const [url, reason] of cases) {
      const res = await get(url);
      assert.equal(res.statusCode, 400, `${url}: ${res.body}`);
      assert.match(res.json().error.message, reason, url);
    }
    const pending = await register('ortho-late.tif', Buffer.from('not yet processed'));
    const res = await get(`/api/data-products/${pending.id}/tiles/15/${t.x}/${t.y}.png`);
    assert.equal(res.statusCode, 409, res.body);
    await settled(pending.job_id);
  });

  test('the COG downloads whole and by byte range', async () => {
    const whole = await get(`/api/data-products/${rgbId}/file`);
    assert.equal(whole.statusCode, 200, whole.body);
    assert.equal(whole.headers['accept-ranges'], 'bytes');
    const part = await get(`/api/data-products/${rgbId}/file`, { ...owner.headers, range: 'bytes=0-3' });
    assert.equal(part.statusCode, 206);
    assert.deepEqual([...part.rawPayload], [0x49, 0x49, 0x2a, 0x00]);
    assert.equal(part.headers['content-range'], `bytes 0-3/${whole.rawPayload.length}`);
    const past = await get(`/api/data-products/${rgbId}/file`, {
      ...owner.headers,
      range: 'bytes=99999999-',
    });
    assert.equal(past.statusCode, 416);
  });

  test('public products serve tiles and the COG by token without login; private ones and strangers 404', async () => {
    const t = tileOf(10.005, 50.005, 15);
    assert.equal(
      (await get(`/api/data-products/${rgbId}/tiles/15/${t.x}/${t.y}.png`, stranger.headers)).statusCode,
      404,
    );
    assert.equal((await get(`/api/data-products/${rgbId}/file`, stranger.headers)).statusCode, 404);
    const perm = await app.inject({
      method: 'PUT',
      url: `/api/data-products/${rgbId}/permission`,
      headers: owner.headers,
      payload: { public: true },
    });
    const token = perm.json().token as string;
    const tile = await get(`/api/public/data-products/${token}/tiles/15/${t.x}/${t.y}.png`, {});
    assert.equal(tile.statusCode, 200, tile.body);
    assert.deepEqual(await pixel(tile.rawPayload, t.px, t.py), [200, 30, 40, 255]);
    const file = await get(`/api/public/data-products/${token}/file`, { range: 'bytes=0-1' });
    assert.equal(file.statusCode, 206);
    await app.inject({
      method: 'PUT',
      url: `/api/data-products/${rgbId}/permission`,
      headers: owner.headers,
      payload: { public: false },
    });
    assert.equal(
      (await get(`/api/public/data-products/${token}/tiles/15/${t.x}/${t.y}.png`, {})).statusCode,
      404,
    );
  });

  test('tiles follow changes at once: a product deleted right after its tiles were drawn answers 404', async () => {
    const gone = await register(
      'gone.tif',
      await rgbTiff({ size: 32, epsg: 4326, bounds: [10, 50, 10.01, 50.01], rgb: [10, 20, 30] }),
    );
    assert.equal((await settled(gone.job_id)).state, 'succeeded');
    const t = tileOf(10.005, 50.005, 15);
    const url = `/api/data-products/${gone.id}/tiles/15/${t.x}/${t.y}.png`;
    for (let i = 0; i < 2; i++) {
      const res = await get(url);
      assert.equal(res.statusCode, 200, res.body);
      assert.deepEqual(await pixel(res.rawPayload, t.px, t.py), [10, 20, 30, 255]);
    }
    const del = await app.inject({
      method: 'DELETE',
      url: `/api/data-products/${gone.id}`,
      headers: owner.headers,
    });
    assert.equal(del.statusCode, 204, del.body);
    assert.equal((await get(url)).statusCode, 404);
  });
});
