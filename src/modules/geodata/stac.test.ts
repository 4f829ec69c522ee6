// STAC of a published project, validated with ajv against the STAC 1.0 schemas kept in test/stac-schemas:
// the Collection, its Items (projection and raster extensions), assets that stream without login, 404 before
// publishing and after unpublishing, 400 on a bad id.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { Ajv } from 'ajv';
import addFormats from 'ajv-formats';
import { createTestApp } from '../../../test/app.ts';
import { forEachDatabase } from '../../../test/harness.ts';
import { type Person, signUp } from '../../../test/http-factories.ts';
import type { App } from '../../platform/http/app-types.ts';
import { multipart } from '../files/files.test-kit.ts';
import { rgbTiff } from './gdal.test-kit.ts';

const schemaDir = path.resolve(import.meta.dirname, '../../../test/stac-schemas');
const ajv = new Ajv({ allErrors: true, strict: false });
addFormats.default(ajv);
const validator = (name: string) =>
  ajv.compile(JSON.parse(readFileSync(path.join(schemaDir, `${name}.json`), 'utf8')));
const schemas = {
  item: validator('item'),
  collection: validator('collection'),
  projection: validator('projection'),
  raster: validator('raster'),
};

function valid(kind: keyof typeof schemas, doc: unknown) {
  const check = schemas[kind];
  assert.ok(check(doc), `${kind}: ${ajv.errorsText(check.errors)}\n${JSON.stringify(doc, null, 1)}`);
}

forEachDatabase('geodata STAC', (ctx) => {
  let app: App;
  let owner: Person;
  let projectId: number;
  let productId: number;

  before(async () => {
    app = await createTestApp(ctx.database);
    await app.ready();
    await app.jobs.start({ work: true });
    await signUp(app);
    owner = await signUp(app);
    const send = async (method: 'POST' | 'PUT', url: string, payload: object, status: number) => {
      const res = await app.inject({ method, url, headers: owner.headers, payload });
      assert.equal(res.statusCode, status, `${url}: ${res.body}`);
      return res.json();
    };
    projectId = (await send('POST', '/api/projects', { title: 'Wheat trial', description: 'Plots' }, 201)).id;
    await send(
      'PUT',
      `/api/projects/${projectId}/location`,
      {
        geometry: {
          type: 'Polygon',
          coordinates: [
            [
              [10, 50],
              [10.01, 50],
              [10.01, 50.01],
              [10, 50.01],
              [10, 50],
            ],
          ],
        },
      },
      200,
    );
    const flight = await send(
      'POST',
      `/api/projects/${projectId}/flights`,
      {
        acquisition_date: '2026-06-01',
        altitude: 40,
        side_overlap: 70,
        forward_overlap: 80,
        sensor: 'RGB',
        platform: 'M300',
        pilot_id: owner.id,
      },
      201,
    );
    const tiff = await rgbTiff({
      size: 32,
      epsg: 32632,
      bounds: [500000, 5599680, 500320, 5600000],
      rgb: [1, 2, 3],
    });
    const body = await multipart([{ name: 'ortho.tif', bytes: tiff, type: 'image/tiff' }]);
    const file = await app.inject({
      method: 'POST',
      url: '/api/files',
      headers: { ...owner.headers, ...body.headers },
      payload: body.payload,
    });
    const product = await send(
      'POST',
      `/api/flights/${flight.id}/data-products`,
      { file_id: file.json().id, data_type: 'ortho' },
      202,
    );
    productId = product.id;
    for (let i = 0; i < 600; i++) {
      const job = await app.inject({
        method: 'GET',
        url: `/api/jobs/${product.job_id}`,
        headers: owner.headers,
      });
      if (job.json().state === 'succeeded') break;
      assert.notEqual(job.json().state, 'failed', job.body);
      await new Promise((r) => setTimeout(r, 100));
    }
  });
  after(() => app.close());

  test('an unpublished project has no STAC; bad ids answer 400', async () => {
    const res = await app.inject({ method: 'GET', url: `/api/stac/collections/${projectId}` });
    assert.equal(res.statusCode, 404, res.body);
    assert.equal(
      (await app.inject({ method: 'GET', url: `/api/stac/collections/${projectId}/items` })).statusCode,
      404,
    );
    const bad = await app.inject({ method: 'GET', url: '/api/stac/collections/not-a-number' });
    assert.equal(bad.statusCode, 400);
    assert.match(bad.json().error.message, /project_id/);
  });

  test('a published project is a valid STAC Collection with one valid Item per data product', async () => {
    const pub = await app.inject({
      method: 'POST',
      url: `/api/projects/${projectId}/publish`,
      headers: owner.headers,
    });
    assert.equal(pub.statusCode, 200, pub.body);
    const collection = await app.inject({ method: 'GET', url: `/api/stac/collections/${projectId}` });
    assert.equal(collection.statusCode, 200, collection.body);
    const c = collection.json();
    valid('collection', c);
    assert.equal(c.id, String(projectId));
    assert.equal(c.title, 'Wheat trial');
    assert.deepEqual(c.extent.temporal.interval, [['2026-06-01T00:00:00Z', '2026-06-01T00:00:00Z']]);
    const items = await app.inject({ method: 'GET', url: `/api/stac/collections/${projectId}/items` });
    assert.equal(items.statusCode, 200, items.body);
    const fc = items.json();
    assert.equal(fc.features.length, 1);
    const item = fc.features[0];
    valid('item', item);
    valid('projection', item);
    valid('raster', item);
    assert.equal(item.id, String(productId));
    assert.equal(item.properties['proj:epsg'], 32632);
    assert.deepEqual(item.properties['proj:shape'], [32, 32]);
    assert.deepEqual(item.properties['proj:transform'], [500000, 10, 0, 5600000, 0, -10]);
    assert.deepEqual(
      item.assets.data['raster:bands'].map((b: { statistics: { minimum: number } }) => b.statistics.minimum),
      [1, 2, 3],
    );
    assert.equal(item.assets.data['raster:bands'][0].data_type, 'uint8');
    // The asset streams by range without login, and so do its tiles.
    const href = new URL(item.assets.data.href);
    const cog = await app.inject({ method: 'GET', url: href.pathname, headers: { range: 'bytes=0-3' } });
    assert.equal(cog.statusCode, 206, cog.body);
    assert.deepEqual([...cog.rawPayload], [0x49, 0x49, 0x2a, 0x00]);
    const xyz = item.links.find((l: { rel: string }) => l.rel === 'xyz').href as string;
    const tile = await app.inject({
      method: 'GET',
      url: new URL(xyz.replace('{z}/{x}/{y}', '0/0/0')).pathname,
    });
    assert.equal(tile.statusCode, 200, tile.body);
    const one = await app.inject({
      method: 'GET',
      url: `/api/stac/collections/${projectId}/items/${productId}`,
    });
    assert.equal(one.statusCode, 200);
    valid('item', one.json());
    // The product is public while the project is published: its permission shows the same token.
    const perm = await app.inject({
      method: 'GET',
      url: `/api/data-products/${productId}/permission`,
      headers: owner.headers,
    });
    assert.equal(perm.json().public, true);
    assert.ok(href.pathname.includes(perm.json().token));
  });

  test('unpublishing closes the STAC and the assets', async () => {
    const items = (
      await app.inject({ method: 'GET', url: `/api/stac/collections/${projectId}/items` })
    ).json();
    const href = new URL(items.features[0].assets.data.href).pathname;
    const res = await app.inject({
      method: 'POST',
      url: `/api/projects/${projectId}/unpublish`,
      headers: owner.headers,
    });
    assert.equal(res.statusCode, 200, res.body);
    assert.equal(
      (await app.inject({ method: 'GET', url: `/api/stac/collections/${projectId}` })).statusCode,
      404,
    );
    assert.equal((await app.inject({ method: 'GET', url: href })).statusCode, 404);
  });
});
