// /api/upload-sessions through HTTP on both databases: a session creates its tus upload, reports the bytes
// received, completes into a data product, a vector layer or recorded raw data, refuses to complete early,
// cancels; bad input 400, a project viewer 403, another organization or person 404.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { createTestApp } from '../../../test/app.ts';
import { forEachDatabase } from '../../../test/harness.ts';
import { inOrg, type Person, signUp } from '../../../test/http-factories.ts';
import { inScope } from '../../db/scope.ts';
import type { App } from '../../platform/http/app-types.ts';

forEachDatabase('upload sessions', (ctx) => {
  let app: App;
  let owner: Person;
  let viewer: Person;
  let other: Person;
  let org: number;
  let projectId: number;
  let flightId: number;

  const call = (who: Person, method: string, url: string, payload?: unknown, orgId = org) =>
    app.inject({
      method: method as 'GET',
      url,
      headers: inOrg(who, orgId),
      ...(payload === undefined ? {} : { payload: payload as object }),
    });
  const send = (who: Person, url: string, offset: number, bytes: Buffer) =>
    app.inject({
      method: 'PATCH',
      url,
      headers: {
        ...inOrg(who, org),
        'tus-resumable': '1.0.0',
        'upload-offset': String(offset),
        'content-type': 'application/offset+octet-stream',
      },
      payload: bytes,
    });

  before(async () => {
    app = await createTestApp(ctx.database, { LOGIN_RATE_LIMIT: '10000' });
    await app.ready();
    await app.jobs.start({ work: false });
    owner = await signUp(app);
    viewer = await signUp(app);
    other = await signUp(app);
    org = owner.orgId;
    await inScope(ctx.database.db, { organizationId: org, userId: owner.id }, (tx) =>
      tx
        .insertInto('organization_members')
        .values({ organization_id: org, user_id: viewer.id, role: 'member' })
        .execute(),
    );
    projectId = (await call(owner, 'POST', '/api/projects', { title: 'Field 7' })).json().id;
    const m = await call(owner, 'POST', `/api/projects/${projectId}/members`, {
      user_id: viewer.id,
      role: 'viewer',
    });
    assert.equal(m.statusCode, 201, m.body);
    const flight = await call(owner, 'POST', `/api/projects/${projectId}/flights`, {
      acquisition_date: '2026-06-01',
      altitude: 40,
      side_overlap: 70,
      forward_overlap: 80,
      sensor: 'RGB',
      platform: 'M300',
      pilot_id: owner.id,
    });
    assert.equal(flight.statusCode, 201, flight.body);
    flightId = flight.json().id;
  });
  after(() => app.close());

  test('a data product upload: progress, early completion refused, completion, idempotent', async () => {
    const bytes = Buffer.concat([Buffer.from('II*\u0000'), Buffer.alloc(2000, 7)]);
    const res = await call(owner, 'POST', '/api/upload-sessions', {
      target: 'data_product',
      flight_id: flightId,
      data_type: 'ortho',
      filename: 'ortho.tif',
      filetype: 'image/tiff',
      size: bytes.length,
    });
    assert.equal(res.statusCode, 201, res.body);
    const s = res.json();
    assert.deepEqual(
      [s.status, s.bytes_received, s.upload_finished, s.project_id],
      ['uploading', 0, false, projectId],
    );
    assert.equal(s.upload_url, `/api/uploads/${s.upload_id}`);
    const head = await app.inject({
      method: 'HEAD',
      url: s.upload_url,
      headers: { ...inOrg(owner, org), 'tus-resumable': '1.0.0' },
    });
    assert.equal(head.statusCode, 200, head.body);
    assert.equal(head.headers['upload-offset'], '0');
    assert.equal((await send(owner, s.upload_url, 0, bytes.subarray(0, 1000))).statusCode, 204);
    const list = await call(owner, 'GET', '/api/upload-sessions');
    assert.equal(list.statusCode, 200, list.body);
    const mine = list.json().results.find((r: { id: number }) => r.id === s.id);
    assert.deepEqual([mine.bytes_received, mine.upload_finished], [1000, false]);
    const early = await call(owner, 'POST', `/api/upload-sessions/${s.id}/complete`);
    assert.equal(early.statusCode, 409, early.body);
    assert.match(early.json().error.message, /1000 of 2004 bytes/);
    const last = await send(owner, s.upload_url, 1000, bytes.subarray(1000));
    assert.equal(last.statusCode, 204, last.body);
    const done = await call(owner, 'POST', `/api/upload-sessions/${s.id}/complete`);
    assert.equal(done.statusCode, 200, done.body);
    assert.deepEqual([done.json().status, done.json().bytes_received], ['completed', bytes.length]);
    const product = await call(owner, 'GET', `/api/data-products/${done.json().target_id}`);
    assert.equal(product.statusCode, 200, product.body);
    assert.equal(product.json().file_id, done.json().file_id);
    const again = await call(owner, 'POST', `/api/upload-sessions/${s.id}/complete`);
    assert.equal(again.json().target_id, done.json().target_id);
    const completed = await call(owner, 'GET', '/api/upload-sessions?status=completed');
    assert.ok(completed.json().results.some((r: { id: number }) => r.id === s.id));
  });

  test('a vector layer and raw data complete through their targets', async () => {
    const geojson = Buffer.from(
      JSON.stringify({
        type: 'FeatureCollection',
        features: [
          { type: 'Feature', properties: { plot: 1 }, geometry: { type: 'Point', coordinates: [10, 50] } },
        ],
      }),
    );
    const v = await call(owner, 'POST', '/api/upload-sessions', {
      target: 'vector_layer',
      project_id: projectId,
      filename: 'plots.geojson',
      size: geojson.length,
    });
    assert.equal(v.statusCode, 201, v.body);
    assert.equal((await send(owner, v.json().upload_url, 0, geojson)).statusCode, 204);
    const vd = await call(owner, 'POST', `/api/upload-sessions/${v.json().id}/complete`);
    assert.equal(vd.statusCode, 200, vd.body);
    const layer = await call(owner, 'GET', `/api/vector-layers/${vd.json().target_id}`);
    assert.equal(layer.statusCode, 200, layer.body);
    assert.equal(layer.json().feature_count, 1);

    const raw = Buffer.from('raw images zip');
    const r = await call(owner, 'POST', '/api/upload-sessions', {
      target: 'raw_data',
      flight_id: flightId,
      filename: 'images.zip',
      size: raw.length,
    });
    assert.equal(r.statusCode, 201, r.body);
    await send(owner, r.json().upload_url, 0, raw);
    const rd = await call(owner, 'POST', `/api/upload-sessions/${r.json().id}/complete`);
    assert.equal(rd.statusCode, 200, rd.body);
    assert.deepEqual(
      [rd.json().status, rd.json().target_id, typeof rd.json().file_id],
      ['completed', null, 'number'],
    );
  });

  test('a refused target fails the session with the reason', async () => {
    const notVector = Buffer.from('just some text, not GeoJSON');
    const v = await call(owner, 'POST', '/api/upload-sessions', {
      target: 'vector_layer',
      project_id: projectId,
      filename: 'notes.txt',
      size: notVector.length,
    });
    await send(owner, v.json().upload_url, 0, notVector);
    const res = await call(owner, 'POST', `/api/upload-sessions/${v.json().id}/complete`);
    assert.ok([415, 422].includes(res.statusCode), res.body);
    const after = await call(owner, 'GET', `/api/upload-sessions/${v.json().id}`);
    assert.equal(after.json().status, 'failed');
    assert.ok(after.json().error);
  });

  test('cancel discards the upload; bad input 400; viewers 403; others 404', async () => {
    const s = await call(owner, 'POST', '/api/upload-sessions', {
      target: 'raw_data',
      flight_id: flightId,
      filename: 'x.bin',
      size: 10,
    });
    const del = await call(owner, 'DELETE', `/api/upload-sessions/${s.json().id}`);
    assert.equal(del.statusCode, 204, del.body);
    const head = await app.inject({
      method: 'HEAD',
      url: s.json().upload_url,
      headers: { ...inOrg(owner, org), 'tus-resumable': '1.0.0' },
    });
    assert.equal(head.statusCode, 404);
    assert.equal((await call(owner, 'GET', `/api/upload-sessions/${s.json().id}`)).statusCode, 404);

    for (const body of [
      { target: 'data_product', data_type: 'ortho', filename: 'a', size: 1 },
      { target: 'data_product', flight_id: flightId, filename: 'a', size: 1 },
      { target: 'vector_layer', flight_id: flightId, project_id: projectId, filename: 'a', size: 1 },
      { target: 'raw_data', flight_id: flightId, data_type: 'ortho', filename: 'a', size: 1 },
      { target: 'raw_data', flight_id: flightId, filename: 'a', size: 0 },
      { target: 'satellite', flight_id: flightId, filename: 'a', size: 1 },
    ]) {
      const res = await call(owner, 'POST', '/api/upload-sessions', body);
      assert.equal(res.statusCode, 400, `${JSON.stringify(body)}: ${res.body}`);
    }
    const tooBig = await call(owner, 'POST', '/api/upload-sessions', {
      target: 'raw_data',
      flight_id: flightId,
      filename: 'a',
      size: 6 * 1024 ** 3,
    });
    assert.equal(tooBig.statusCode, 413, tooBig.body);
    const byViewer = await call(viewer, 'POST', '/api/upload-sessions', {
      target: 'raw_data',
      flight_id: flightId,
      filename: 'a',
      size: 1,
    });
    assert.equal(byViewer.statusCode, 403, byViewer.body);
    const foreign = await call(
      other,
      'POST',
      '/api/upload-sessions',
      { target: 'raw_data', flight_id: flightId, filename: 'a', size: 1 },
      other.orgId,
    );
    assert.equal(foreign.statusCode, 404, foreign.body);
    const keep = await call(owner, 'POST', '/api/upload-sessions', {
      target: 'raw_data',
      flight_id: flightId,
      filename: 'k',
      size: 5,
    });
    for (const [method, url] of [
      ['GET', `/api/upload-sessions/${keep.json().id}`],
      ['POST', `/api/upload-sessions/${keep.json().id}/complete`],
      ['DELETE', `/api/upload-sessions/${keep.json().id}`],
    ]) {
      const res = await call(other, method!, url!, undefined, other.orgId);
      assert.equal(res.statusCode, 404, `${url}: ${res.body}`);
      // Another member of the same organization does not see it either.
      const peer = await call(viewer, method!, url!);
      assert.equal(peer.statusCode, 404, `${url}: ${peer.body}`);
    }
    assert.equal((await call(other, 'GET', '/api/upload-sessions', undefined, other.orgId)).json().count, 0);
  });
});
