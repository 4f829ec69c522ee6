// Vector uploads and vector tiles through HTTP on both databases. The inputs are written by ogr2ogr itself from
// a small GeoJSON: a zipped shapefile, a GeoPackage in a projected CRS (UTM 32N), the GeoJSON as a file.
// Tiles are decoded with @mapbox/vector-tile on PostGIS; PGlite's reduced mode answers 501.
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { VectorTile } from '@mapbox/vector-tile';
import { PbfReader as Protobuf } from 'pbf';
import { createTestApp } from '../../../test/app.ts';
import { forEachDatabase } from '../../../test/harness.ts';
import { inOrg, type Person, signUp } from '../../../test/http-factories.ts';
import { inScope } from '../../db/scope.ts';
import type { App } from '../../platform/http/app-types.ts';
import { multipart } from '../files/files.test-kit.ts';
import { runTool } from './gdal.ts';
import { tileBox } from './vectors.tiles.ts';

const source = {
  type: 'FeatureCollection',
  features: [
    {
      type: 'Feature',
      properties: { plot: 'A1', rep: 1 },
      geometry: { type: 'Point', coordinates: [10.002, 50.002] },
    },
    {
      type: 'Feature',
      properties: { plot: 'B2', rep: 2 },
      geometry: {
        type: 'Polygon',
        coordinates: [
          [
            [10.004, 50.004],
            [10.006, 50.004],
            [10.006, 50.006],
            [10.004, 50.006],
            [10.004, 50.004],
          ],
        ],
      },
    },
  ],
};

/** The source GeoJSON converted by ogr2ogr with these options into `out` (in a temporary directory). */
async function ogr(out: string, args: string[]): Promise<Buffer> {
  const dir = await mkdtemp(path.join(tmpdir(), 'gt-test-vector-'));
  try {
    await writeFile(path.join(dir, 'in.geojson'), JSON.stringify(source));
    await runTool('ogr2ogr', [...args, out, 'in.geojson'], { cwd: dir });
    return await readFile(path.join(dir, out));
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

test('tileBox: tile 0/0/0 covers the Web Mercator world, plus the clip buffer', () => {
  const b = tileBox(0, 0, 0);
  assert.equal(b.min_lon, -180);
  assert.equal(b.max_lon, 180);
  assert.ok(b.max_lat > 85 && b.min_lat < -85);
});

forEachDatabase('vector uploads and tiles', (ctx) => {
  let app: App;
  let owner: Person;
  let viewer: Person;
  let outsider: Person;
  let org: number;
  let projectId: number;

  const upload = async (who: Person, orgId: number, name: string, bytes: Buffer | string, fields = {}) => {
    const body = await multipart([{ name, bytes }], fields);
    return app.inject({
      method: 'POST',
      url: `/api/projects/${projectId}/vector-layers`,
      headers: { ...inOrg(who, orgId), ...body.headers },
      payload: body.payload,
    });
  };
  const features = async (id: number) =>
    (
      await app.inject({
        method: 'GET',
        url: `/api/vector-layers/${id}/features`,
        headers: inOrg(viewer, org),
      })
    ).json().features as {
      geometry: { type: string; coordinates: unknown };
      properties: Record<string, unknown>;
    }[];

  before(async () => {
    app = await createTestApp(ctx.database, { LOGIN_RATE_LIMIT: '10000' });
    await app.ready();
    owner = await signUp(app);
    viewer = await signUp(app);
    outsider = await signUp(app);
    org = owner.orgId;
    await inScope(ctx.database.db, { organizationId: org, userId: owner.id }, (tx) =>
      tx
        .insertInto('organization_members')
        .values({ organization_id: org, user_id: viewer.id, role: 'member' })
        .execute(),
    );
    const project = await app.inject({
      method: 'POST',
      url: '/api/projects',
      headers: inOrg(owner, org),
      payload: { title: 'Plots' },
    });
    projectId = project.json().id;
    const member = await app.inject({
      method: 'POST',
      url: `/api/projects/${projectId}/members`,
      headers: inOrg(owner, org),
      payload: { user_id: viewer.id, role: 'viewer' },
    });
    assert.equal(member.statusCode, 201, member.body);
  });
  after(() => app.close());

  test('a zipped shapefile becomes a layer with its features and properties', async () => {
    const zip = await ogr('plots.shp.zip', ['-f', 'ESRI Shapefile', '-where', "plot = 'B2'"]);
    const res = await upload(owner, org, 'plots.zip', zip, { name: 'Plot shapes' });
    assert.equal(res.statusCode, 201, res.body);
    const layer = res.json();
    assert.equal(layer.name, 'Plot shapes');
    assert.equal(layer.source_format, 'shapefile');
    assert.equal(layer.feature_count, 1);
    assert.deepEqual(
      layer.bbox.map((v: number) => Math.round(v * 1e6) / 1e6),
      [10.004, 50.004, 10.006, 50.006],
    );
    const [f] = await features(layer.id);
    assert.equal(f!.geometry.type, 'Polygon');
    assert.equal(f!.properties.plot, 'B2');
    assert.equal(f!.properties.rep, 2);
  });

  test('a GeoPackage in UTM 32N is reprojected to EPSG:4326', async () => {
    const gpkg = await ogr('plots.gpkg', ['-f', 'GPKG', '-t_srs', 'EPSG:32632']);
    const res = await upload(owner, org, 'plots.gpkg', gpkg);
    assert.equal(res.statusCode, 201, res.body);
    const layer = res.json();
    assert.equal(layer.name, 'plots');
    assert.equal(layer.source_format, 'geopackage');
    assert.equal(layer.feature_count, 2);
    const point = (await features(layer.id)).find((f) => f.properties?.plot === 'A1')!;
    const [lon, lat] = point.geometry.coordinates as [number, number];
    assert.ok(Math.abs(lon - 10.002) < 1e-6 && Math.abs(lat - 50.002) < 1e-6, `${lon},${lat}`);
  });

  test('a GeoJSON file is read as is', async () => {
    const res = await upload(owner, org, 'plots.geojson', JSON.stringify(source));
    assert.equal(res.statusCode, 201, res.body);
    assert.equal(res.json().source_format, 'geojson');
    assert.equal(res.json().feature_count, 2);
  });

  test('unreadable files answer 422 with GDAL reason, other formats 415, a form without file 400', async () => {
    const gpkg = await ogr('plots.gpkg', ['-f', 'GPKG']);
    const broken = await upload(owner, org, 'broken.gpkg', gpkg.subarray(0, 2000));
    assert.equal(broken.statusCode, 422, broken.body);
    assert.match(broken.json().error.message, /^GDAL cannot read broken\.gpkg: .*malformed/);
    assert.doesNotMatch(broken.json().error.message, /gt-vector-|FITS/);
    const badJson = await upload(owner, org, 'x.geojson', '{"type": "FeatureCollection", "features": [');
    assert.equal(badJson.statusCode, 422, badJson.body);
    assert.match(badJson.json().error.message, /GDAL cannot read x\.geojson/);
    const text = await upload(owner, org, 'notes.txt', 'just some notes');
    assert.equal(text.statusCode, 415, text.body);
    assert.match(text.json().error.message, /not GeoJSON, a zipped shapefile \(\.zip\) or a GeoPackage/);
    const noFile = await multipart([], { name: 'x' });
    const missing = await app.inject({
      method: 'POST',
      url: `/api/projects/${projectId}/vector-layers`,
      headers: { ...inOrg(owner, org), ...noFile.headers },
      payload: noFile.payload,
    });
    assert.equal(missing.statusCode, 400, missing.body);
    assert.match(missing.json().error.message, /file is missing/);
    const count = await app.inject({
      method: 'GET',
      url: `/api/projects/${projectId}/vector-layers`,
      headers: inOrg(owner, org),
    });
    assert.equal(count.json().count, 3, 'failed uploads leave no layer');
  });

  test('viewers may not upload (403); another organization gets 404 for the project and the tiles', async () => {
    const file = JSON.stringify(source);
    assert.equal((await upload(viewer, org, 'v.geojson', file)).statusCode, 403);
    const foreign = await upload(outsider, outsider.orgId, 'v.geojson', file);
    assert.equal(foreign.statusCode, 404, foreign.body);
    const layers = await app.inject({
      method: 'GET',
      url: `/api/projects/${projectId}/vector-layers`,
      headers: inOrg(owner, org),
    });
    const id = layers.json().results[0].id;
    const tile = await app.inject({
      method: 'GET',
      url: `/api/vector-layers/${id}/tiles/0/0/0.mvt`,
      headers: inOrg(outsider, outsider.orgId),
    });
    assert.equal(tile.statusCode, 404, tile.body);
    const bad = await app.inject({
      method: 'GET',
      url: `/api/vector-layers/${id}/tiles/2/4/0.mvt`,
      headers: inOrg(viewer, org),
    });
    assert.equal(bad.statusCode, 400, bad.body);
    assert.match(bad.json().error.message, /tile 2\/4\/0 does not exist/);
  });

  test('vector tiles: PostGIS encodes MVT with the features; PGlite answers 501', async () => {
    const made = await upload(owner, org, 'tiles.geojson', JSON.stringify(source));
    const id = made.json().id;
    // Tile z=14 holding 10.002..10.006 E, 50.002..50.006 N.
    const z = 14;
    const x = Math.floor(((10.004 + 180) / 360) * 2 ** z);
    const latR = (50.004 * Math.PI) / 180;
    const y = Math.floor(((1 - Math.log(Math.tan(latR) + 1 / Math.cos(latR)) / Math.PI) / 2) * 2 ** z);
    const res = await app.inject({
      method: 'GET',
      url: `/api/vector-layers/${id}/tiles/${z}/${x}/${y}.mvt`,
      headers: inOrg(viewer, org),
    });
    if (ctx.kind === 'pglite') {
      assert.equal(res.statusCode, 501, res.body);
      assert.match(res.json().error.message, /vector tiles need PostGIS/);
      return;
    }
    assert.equal(res.statusCode, 200, res.body);
    assert.equal(res.headers['content-type'], 'application/vnd.mapbox-vector-tile');
    const tile = new VectorTile(new Protobuf(res.rawPayload));
    const layer = tile.layers.features!;
    assert.equal(layer.length, 2);
    const got = Array.from({ length: layer.length }, (_, i) => layer.feature(i).toGeoJSON(x, y, z));
    const plots = got.map((f) => f.properties?.plot).sort();
    assert.deepEqual(plots, ['A1', 'B2']);
    const point = got.find((f) => f.properties?.plot === 'A1')!;
    const [lon, lat] = (point.geometry as { coordinates: number[] }).coordinates as [number, number];
    assert.ok(Math.abs(lon - 10.002) < 1e-4 && Math.abs(lat - 50.002) < 1e-4, `${lon},${lat}`);
    assert.equal(got.find((f) => f.properties?.plot === 'B2')!.geometry.type, 'Polygon');
    const again = await app.inject({
      method: 'GET',
      url: `/api/vector-layers/${id}/tiles/${z}/${x}/${y}.mvt`,
      headers: { ...inOrg(viewer, org), 'if-none-match': res.headers.etag as string },
    });
    assert.equal(again.statusCode, 304);
    const empty = await app.inject({
      method: 'GET',
      url: `/api/vector-layers/${id}/tiles/${z}/0/0.mvt`,
      headers: inOrg(viewer, org),
    });
    assert.equal(empty.statusCode, 200);
    assert.equal(new VectorTile(new Protobuf(empty.rawPayload)).layers.features, undefined);
  });
});
