// The geodata module through HTTP on both databases: boundary, geo fields, flights, data products, sharing,
// styles, vector layers and short links, with the D2S rules (Viewer reads, Manager writes, Owner deletes).
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { createTestApp } from '../../../test/app.ts';
import { forEachDatabase } from '../../../test/harness.ts';
import { inOrg, type Person, signUp } from '../../../test/http-factories.ts';
import { inScope } from '../../db/scope.ts';
import type { App } from '../../platform/http/app-types.ts';
import { multipart } from '../files/files.test-kit.ts';
import { areaM2, parseBoundary } from './geometry.ts';

// About 1.11 km x 0.71 km at 50°N: 0.01° of longitude and latitude.
const square = {
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
};

test('geometry: spherical area of a 0.01° square at 50°N is about 0.794 km²', () => {
  const a = areaM2(parseBoundary(square));
  assert.ok(Math.abs(a - 795_000) / 795_000 < 0.01, String(a));
});

forEachDatabase('geodata', (ctx) => {
  let app: App;
  let owner: Person;
  let manager: Person;
  let viewer: Person;
  let outsider: Person;
  let org: number;
  let projectId: number;
  let postgis = false;

  const call = (who: Person | null, method: string, url: string, payload?: unknown) =>
    app.inject({
      method: method as 'GET',
      url,
      headers: who ? inOrg(who, org) : {},
      ...(payload === undefined ? {} : { payload: payload as object }),
    });

  const flightBody = (pilot: number, extra: object = {}) => ({
    acquisition_date: '2026-06-01',
    altitude: 40,
    side_overlap: 70,
    forward_overlap: 80,
    sensor: 'RGB',
    platform: 'M300',
    pilot_id: pilot,
    ...extra,
  });

  async function uploadFile(who: Person, name = 'ortho.tif'): Promise<number> {
    const body = await multipart([{ name, bytes: 'II*\u0000not really a tiff', type: 'image/tiff' }]);
    const res = await app.inject({
      method: 'POST',
      url: '/api/files',
      headers: { ...inOrg(who, org), ...body.headers },
      payload: body.payload,
    });
    assert.equal(res.statusCode, 201, res.body);
    return res.json().id;
  }

  before(async () => {
    app = await createTestApp(ctx.database, { LOGIN_RATE_LIMIT: '10000' });
    await app.ready();
    await signUp(app);
    owner = await signUp(app);
    manager = await signUp(app);
    viewer = await signUp(app);
    outsider = await signUp(app);
    org = owner.orgId;
    await inScope(ctx.database.db, { organizationId: org, userId: owner.id }, (tx) =>
      tx
        .insertInto('organization_members')
        .values([manager, viewer].map((p) => ({ organization_id: org, user_id: p.id, role: 'member' })))
        .execute(),
    );
    const project = await call(owner, 'POST', '/api/projects', { title: 'Field trial' });
    projectId = project.json().id;
    for (const [p, role] of [
      [manager, 'manager'],
      [viewer, 'viewer'],
    ] as const) {
      const res = await call(owner, 'POST', `/api/projects/${projectId}/members`, { user_id: p.id, role });
      assert.equal(res.statusCode, 201, res.body);
    }
    postgis =
      ctx.kind === 'postgres' &&
      (await call(manager, 'PUT', `/api/projects/${projectId}/location`, { geometry: square })).json()
        .measured_by === 'postgis';
  });
  after(() => app.close());

  test('a boundary answers area and centroid; viewers read, managers write, owners delete', async () => {
    const set = await call(manager, 'PUT', `/api/projects/${projectId}/location`, { geometry: square });
    assert.equal(set.statusCode, 200, set.body);
    const loc = set.json();
    assert.ok(Math.abs(loc.area_m2 - 795_000) / 795_000 < 0.01, String(loc.area_m2));
    assert.ok(Math.abs(loc.centroid.coordinates[0] - 10.005) < 1e-6);
    assert.ok(Math.abs(loc.centroid.coordinates[1] - 50.005) < 1e-4);
    assert.deepEqual(loc.bbox, [10, 50, 10.01, 50.01]);
    assert.equal((await call(viewer, 'GET', `/api/projects/${projectId}/location`)).statusCode, 200);
    assert.equal(
      (await call(viewer, 'PUT', `/api/projects/${projectId}/location`, { geometry: square })).statusCode,
      403,
    );
    assert.equal((await call(manager, 'DELETE', `/api/projects/${projectId}/location`)).statusCode, 403);
    assert.equal((await call(owner, 'DELETE', `/api/projects/${projectId}/location`)).statusCode, 204);
    assert.equal((await call(owner, 'GET', `/api/projects/${projectId}/location`)).statusCode, 404);
    const multi = await call(owner, 'PUT', `/api/projects/${projectId}/location`, {
      geometry: { type: 'MultiPolygon', coordinates: [square.coordinates] },
    });
    assert.equal(multi.statusCode, 200, multi.body);
  });

  test('PostGIS measures the boundary on the spheroid', {
    skip: ctx.kind === 'pglite' && 'PGlite runs without PostGIS (reduced mode, docs/decisions.md)',
  }, async (t) => {
    if (!postgis) return t.skip('this PostgreSQL has no PostGIS extension');
    const res = await call(owner, 'PUT', `/api/projects/${projectId}/location`, { geometry: square });
    assert.equal(res.json().measured_by, 'postgis');
    // The spheroid area differs from the spherical one by well under 1 %.
    assert.ok(Math.abs(res.json().area_m2 - areaM2(parseBoundary(square))) / res.json().area_m2 < 0.01);
  });

  test('anything but a valid Polygon or MultiPolygon answers 422 with the reason', async () => {
    const cases: [unknown, RegExp][] = [
      [{ type: 'Point', coordinates: [10, 50] }, /Point is not allowed/],
      [
        {
          type: 'LineString',
          coordinates: [
            [10, 50],
            [11, 51],
          ],
        },
        /LineString is not allowed/,
      ],
      [
        {
          type: 'Polygon',
          coordinates: [
            [
              [10, 50],
              [11, 50],
              [11, 51],
              [10, 51],
            ],
          ],
        },
        /not closed/,
      ],
      [
        {
          type: 'Polygon',
          coordinates: [
            [
              [10, 50],
              [11, 51],
              [11, 50],
              [10, 51],
              [10, 50],
            ],
          ],
        },
        /intersects itself/,
      ],
      [
        {
          type: 'Polygon',
          coordinates: [
            [
              [200, 50],
              [11, 50],
              [11, 51],
              [200, 50],
            ],
          ],
        },
        /outside longitude/,
      ],
      [{ type: 'Polygon', coordinates: [] }, /non-empty/],
    ];
    for (const [geometry, reason] of cases) {
      const res = await call(owner, 'PUT', `/api/projects/${projectId}/location`, { geometry });
      assert.equal(res.statusCode, 422, res.body);
      assert.match(res.json().error.message, reason);
    }
    const noBody = await call(owner, 'PUT', `/api/projects/${projectId}/location`, { geo: 1 });
    assert.equal(noBody.statusCode, 400);
  });

  test('non-members and other organizations get 404', async () => {
    const stranger = await signUp(app);
    await inScope(ctx.database.db, { organizationId: org, userId: owner.id }, (tx) =>
      tx
        .insertInto('organization_members')
        .values({ organization_id: org, user_id: stranger.id, role: 'member' })
        .execute(),
    );
    for (const who of [stranger]) {
      assert.equal((await call(who, 'GET', `/api/projects/${projectId}/location`)).statusCode, 404);
      assert.equal((await call(who, 'GET', `/api/projects/${projectId}/flights`)).statusCode, 404);
    }
    const foreign = await app.inject({
      method: 'GET',
      url: `/api/projects/${projectId}/geodata`,
      headers: outsider.headers,
    });
    assert.equal(foreign.statusCode, 404);
  });

  test('geo fields: planting and harvest dates, harvest never before planting', async () => {
    const ok = await call(manager, 'PATCH', `/api/projects/${projectId}/geodata`, {
      planting_date: '2026-04-01',
      harvest_date: '2026-09-15',
    });
    assert.equal(ok.statusCode, 200, ok.body);
    assert.equal(ok.json().planting_date, '2026-04-01');
    const bad = await call(manager, 'PATCH', `/api/projects/${projectId}/geodata`, {
      harvest_date: '2026-01-01',
    });
    assert.equal(bad.statusCode, 400);
    assert.match(bad.json().error.message, /harvest_date/);
    assert.equal(
      (await call(viewer, 'PATCH', `/api/projects/${projectId}/geodata`, { harvest_date: null })).statusCode,
      403,
    );
  });

  test('flights: the pilot must be a member (400); lists filter by sensor and date; read_only locks (400)', async () => {
    const notMember = await call(
      manager,
      'POST',
      `/api/projects/${projectId}/flights`,
      flightBody(outsider.id),
    );
    assert.equal(notMember.statusCode, 400, notMember.body);
    assert.match(notMember.json().error.message, /pilot_id.*not a member/);
    assert.equal(
      (await call(viewer, 'POST', `/api/projects/${projectId}/flights`, flightBody(viewer.id))).statusCode,
      403,
    );
    const a = await call(manager, 'POST', `/api/projects/${projectId}/flights`, flightBody(viewer.id));
    assert.equal(a.statusCode, 201, a.body);
    assert.equal(a.json().acquisition_date, '2026-06-01');
    const b = await call(
      manager,
      'POST',
      `/api/projects/${projectId}/flights`,
      flightBody(owner.id, { sensor: 'Thermal', acquisition_date: '2026-07-01' }),
    );
    assert.equal(b.statusCode, 201, b.body);
    const thermal = await call(viewer, 'GET', `/api/projects/${projectId}/flights?sensor=Thermal`);
    assert.deepEqual(
      thermal.json().results.map((f: { id: number }) => f.id),
      [b.json().id],
    );
    const june = await call(
      viewer,
      'GET',
      `/api/projects/${projectId}/flights?date_from=2026-06-01&date_to=2026-06-30`,
    );
    assert.ok(
      june
        .json()
        .results.every((f: { acquisition_date: string }) => f.acquisition_date.startsWith('2026-06')),
    );
    assert.ok(june.json().results.some((f: { id: number }) => f.id === a.json().id));
    const overlap = await call(
      manager,
      'POST',
      `/api/projects/${projectId}/flights`,
      flightBody(owner.id, { side_overlap: 150 }),
    );
    assert.equal(overlap.statusCode, 400);
    const sensor = await call(
      manager,
      'POST',
      `/api/projects/${projectId}/flights`,
      flightBody(owner.id, { sensor: 'Sonar' }),
    );
    assert.equal(sensor.statusCode, 400);

    const id = a.json().id;
    assert.equal((await call(manager, 'PATCH', `/api/flights/${id}`, { altitude: 60 })).json().altitude, 60);
    assert.equal((await call(viewer, 'PATCH', `/api/flights/${id}`, { altitude: 70 })).statusCode, 403);
    assert.equal(
      (await call(manager, 'PATCH', `/api/flights/${id}`, { read_only: true })).json().read_only,
      true,
    );
    const locked = await call(manager, 'PATCH', `/api/flights/${id}`, { altitude: 80 });
    assert.equal(locked.statusCode, 400);
    assert.match(locked.json().error.message, /read-only/);
    assert.equal((await call(owner, 'DELETE', `/api/flights/${id}`)).statusCode, 400);
    assert.equal((await call(manager, 'DELETE', `/api/flights/${b.json().id}`)).statusCode, 403);
    assert.equal((await call(owner, 'DELETE', `/api/flights/${b.json().id}`)).statusCode, 204);
    assert.equal((await call(owner, 'GET', `/api/flights/${b.json().id}`)).statusCode, 404);
    assert.equal(
      (await app.inject({ method: 'GET', url: `/api/flights/${id}`, headers: outsider.headers })).statusCode,
      404,
    );
  });

  test('campaigns: managers create, viewers list', async () => {
    const res = await call(manager, 'POST', `/api/projects/${projectId}/campaigns`, {
      title: 'Season 1',
      form_data: { plots: 12 },
    });
    assert.equal(res.statusCode, 201, res.body);
    assert.deepEqual(res.json().form_data, { plots: 12 });
    assert.equal(
      (await call(viewer, 'POST', `/api/projects/${projectId}/campaigns`, { title: 'x' })).statusCode,
      403,
    );
    const list = await call(viewer, 'GET', `/api/projects/${projectId}/campaigns`);
    assert.ok(list.json().results.some((c: { id: number }) => c.id === res.json().id));
  });

  test('data products: list with filters, public sharing by token, publishing makes public and refuses deletes', async () => {
    const flight = (
      await call(manager, 'POST', `/api/projects/${projectId}/flights`, flightBody(manager.id))
    ).json();
    const fileId = await uploadFile(manager);
    const made = await call(manager, 'POST', `/api/flights/${flight.id}/data-products`, {
      file_id: fileId,
      data_type: 'ortho',
    });
    assert.equal(made.statusCode, 202, made.body);
    const product = made.json();
    assert.equal(product.status, 'pending');
    assert.equal(product.is_public, false);
    const dsm = (
      await call(manager, 'POST', `/api/flights/${flight.id}/data-products`, {
        file_id: fileId,
        data_type: 'dsm',
      })
    ).json();
    const orthos = await call(viewer, 'GET', `/api/flights/${flight.id}/data-products?data_type=ortho`);
    assert.deepEqual(
      orthos.json().results.map((p: { id: number }) => p.id),
      [product.id],
    );
    assert.equal(
      (await call(viewer, 'GET', `/api/flights/${flight.id}/data-products?status=ready`)).json().count,
      0,
    );
    const ownFile = await uploadFile(owner, 'other.tif');
    const foreignFile = await call(viewer, 'POST', `/api/flights/${flight.id}/data-products`, {
      file_id: ownFile,
      data_type: 'ortho',
    });
    assert.equal(foreignFile.statusCode, 403);
    const missingFile = await call(manager, 'POST', `/api/flights/${flight.id}/data-products`, {
      file_id: 999999999,
      data_type: 'ortho',
    });
    assert.equal(missingFile.statusCode, 400);

    // Sharing: a token, readable without login until made private again.
    assert.equal(
      (await call(viewer, 'PUT', `/api/data-products/${product.id}/permission`, { public: true })).statusCode,
      403,
    );
    const shared = await call(manager, 'PUT', `/api/data-products/${product.id}/permission`, {
      public: true,
    });
    assert.equal(shared.statusCode, 200, shared.body);
    const { token, public_url } = shared.json();
    assert.ok(token.length >= 30);
    const anon = await call(null, 'GET', public_url);
    assert.equal(anon.statusCode, 200, anon.body);
    assert.equal(anon.json().id, product.id);
    assert.equal(
      (await call(viewer, 'GET', `/api/data-products/${product.id}/permission`)).json().token,
      token,
    );
    await call(manager, 'PUT', `/api/data-products/${product.id}/permission`, { public: false });
    assert.equal((await call(null, 'GET', public_url)).statusCode, 404);
    assert.equal((await call(null, 'GET', `/api/public/data-products/${'x'.repeat(32)}`)).statusCode, 404);

    // Publishing: owners only; products become public; deletes are refused while published.
    assert.equal((await call(manager, 'POST', `/api/projects/${projectId}/publish`)).statusCode, 403);
    const pub = await call(owner, 'POST', `/api/projects/${projectId}/publish`);
    assert.equal(pub.statusCode, 200, pub.body);
    assert.equal(pub.json().is_published, true);
    assert.equal((await call(viewer, 'GET', `/api/data-products/${dsm.id}`)).json().is_public, true);
    const refused = await call(owner, 'DELETE', `/api/data-products/${dsm.id}`);
    assert.equal(refused.statusCode, 403);
    assert.match(refused.json().error.message, /published/);
    await call(owner, 'POST', `/api/projects/${projectId}/unpublish`);
    assert.equal((await call(manager, 'DELETE', `/api/data-products/${dsm.id}`)).statusCode, 403);
    assert.equal((await call(owner, 'DELETE', `/api/data-products/${dsm.id}`)).statusCode, 204);
    assert.equal((await call(owner, 'GET', `/api/data-products/${dsm.id}`)).statusCode, 404);
    assert.equal(
      (
        await app.inject({
          method: 'GET',
          url: `/api/data-products/${product.id}`,
          headers: outsider.headers,
        })
      ).statusCode,
      404,
    );
  });

  test('map styles are per person and per data product', async () => {
    const flight = (
      await call(manager, 'POST', `/api/projects/${projectId}/flights`, flightBody(manager.id))
    ).json();
    const product = (
      await call(manager, 'POST', `/api/flights/${flight.id}/data-products`, {
        file_id: await uploadFile(manager),
        data_type: 'ndvi',
      })
    ).json();
    const set = await call(viewer, 'PUT', `/api/users/me/styles/${product.id}`, {
      colormap: 'rdylgn',
      min_value: -1,
      max_value: 1,
      opacity: 0.8,
    });
    assert.equal(set.statusCode, 200, set.body);
    assert.equal(set.json().colormap, 'rdylgn');
    const mine = await call(viewer, 'GET', '/api/users/me/styles');
    assert.deepEqual(
      mine.json().results.map((s: { data_product_id: number }) => s.data_product_id),
      [product.id],
    );
    assert.equal((await call(manager, 'GET', '/api/users/me/styles')).json().count, 0);
    const bad = await call(viewer, 'PUT', `/api/users/me/styles/${product.id}`, {
      min_value: 5,
      max_value: 1,
    });
    assert.equal(bad.statusCode, 400);
    assert.equal(
      (
        await app.inject({
          method: 'PUT',
          url: `/api/users/me/styles/${product.id}`,
          headers: outsider.headers,
          payload: {},
        })
      ).statusCode,
      404,
    );
    assert.equal((await call(viewer, 'DELETE', `/api/users/me/styles/${product.id}`)).statusCode, 204);
  });

  test('vector layers: GeoJSON in, features out as a FeatureCollection filtered by bbox', async () => {
    const features = [
      {
        type: 'Feature',
        geometry: { type: 'Point', coordinates: [10.001, 50.001] },
        properties: { plot: 1 },
      },
      { type: 'Feature', geometry: { type: 'Point', coordinates: [12, 52] }, properties: { plot: 2 } },
      { type: 'Feature', geometry: square, properties: null },
    ];
    const made = await call(manager, 'POST', `/api/projects/${projectId}/vector-layers`, {
      name: 'plots',
      data: { type: 'FeatureCollection', features },
    });
    assert.equal(made.statusCode, 201, made.body);
    assert.equal(made.json().feature_count, 3);
    assert.deepEqual(made.json().bbox, [10, 50, 12, 52]);
    const id = made.json().id;
    const all = await call(viewer, 'GET', `/api/vector-layers/${id}/features`);
    assert.equal(all.json().type, 'FeatureCollection');
    assert.equal(all.json().features.length, 3);
    const near = await call(viewer, 'GET', `/api/vector-layers/${id}/features?bbox=9.9,49.9,10.1,50.1`);
    assert.deepEqual(
      near
        .json()
        .features.map((f: { properties: { plot?: number } }) => f.properties.plot ?? 0)
        .sort(),
      [0, 1],
    );
    const paged = await call(viewer, 'GET', `/api/vector-layers/${id}/features?limit=2`);
    assert.equal(paged.json().features.length, 2);
    const rest = await call(
      viewer,
      'GET',
      `/api/vector-layers/${id}/features?limit=2&after=${paged.json().next_after}`,
    );
    assert.equal(rest.json().features.length, 1);
    assert.equal(rest.json().next_after, null);
    assert.equal(
      (await call(viewer, 'GET', `/api/vector-layers/${id}/features?bbox=10,50,9,49`)).statusCode,
      400,
    );
    const badGeom = await call(manager, 'POST', `/api/projects/${projectId}/vector-layers`, {
      name: 'broken',
      data: {
        type: 'FeatureCollection',
        features: [{ type: 'Feature', geometry: { type: 'Point', coordinates: [500, 1] } }],
      },
    });
    assert.equal(badGeom.statusCode, 422);
    assert.equal(
      (
        await call(viewer, 'POST', `/api/projects/${projectId}/vector-layers`, {
          name: 'x',
          data: { type: 'FeatureCollection', features },
        })
      ).statusCode,
      403,
    );
    assert.equal((await call(viewer, 'GET', `/api/projects/${projectId}/vector-layers`)).json().count, 1);
    assert.equal((await call(manager, 'DELETE', `/api/vector-layers/${id}`)).statusCode, 403);
    assert.equal((await call(owner, 'DELETE', `/api/vector-layers/${id}`)).statusCode, 204);
    assert.equal((await call(owner, 'GET', `/api/vector-layers/${id}`)).statusCode, 404);
  });

  test('short links: 303 to a path on this server, counted and audited; never to another host', async () => {
    const made = await call(viewer, 'POST', '/api/short-links', { url: `/api/projects/${projectId}` });
    assert.equal(made.statusCode, 201, made.body);
    const follow = await call(null, 'GET', made.json().short_url);
    assert.equal(follow.statusCode, 303);
    assert.equal(follow.headers.location, `/api/projects/${projectId}`);
    assert.equal((await call(null, 'GET', '/sl/nosuchcode')).statusCode, 404);
    for (const url of ['https://evil.example/x', '//evil.example/x', '/\\evil.example']) {
      assert.equal((await call(viewer, 'POST', '/api/short-links', { url })).statusCode, 400, url);
    }
    const audited = await inScope(ctx.database.db, { organizationId: org, userId: owner.id }, (tx) =>
      tx
        .selectFrom('audit_log')
        .select('auth_method')
        .where('action', '=', 'geodata.short_link_follow')
        .execute(),
    );
    assert.deepEqual(audited, [{ auth_method: 'public' }]);
  });
});
