// Ops manager requests and the client API configuration of a project, through HTTP.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { createTestApp } from '../../../test/app.ts';
import { forEachDatabase } from '../../../test/harness.ts';
import { signUp } from '../../../test/http-factories.ts';
import type { App } from '../../platform/http/app-types.ts';
import { openShop } from './orders.test-kit.ts';

forEachDatabase('ops requests and client API configuration', (ctx) => {
  let app: App;
  before(async () => {
    app = await createTestApp(ctx.database);
    await app.ready();
  });
  after(() => app.close());

  test('a project manager asks, staff process once; the configuration is set and read back', async () => {
    const shop = await openShop(app, ctx.database);
    const project = await app.inject({
      method: 'POST',
      url: '/api/projects',
      headers: shop.asStaff,
      payload: { title: 'Ops' },
    });
    const id = project.json().id;
    await app.inject({
      method: 'POST',
      url: `/api/projects/${id}/members`,
      headers: shop.asStaff,
      payload: { user_id: shop.client.id, role: 'manager' },
    });
    const asked = await app.inject({
      method: 'POST',
      url: `/api/projects/${id}/ops-requests`,
      headers: shop.asClient,
      payload: { request_type: 'add_annotators', notes: 'ten more' },
    });
    assert.equal(asked.statusCode, 201, asked.body);
    assert.equal(asked.json().is_processed, false);
    const badType = await app.inject({
      method: 'POST',
      url: `/api/projects/${id}/ops-requests`,
      headers: shop.asClient,
      payload: { request_type: 'pizza' },
    });
    assert.equal(badType.statusCode, 400);
    const queue = await app.inject({
      method: 'GET',
      url: '/api/ops-requests?processed=false',
      headers: shop.asStaff,
    });
    assert.equal(queue.json().count, 1);
    const notStaff = await app.inject({ method: 'GET', url: '/api/ops-requests', headers: shop.asClient });
    assert.equal(notStaff.statusCode, 403);
    const url = `/api/ops-requests/${asked.json().id}/process`;
    const done = await app.inject({
      method: 'POST',
      url,
      headers: shop.asStaff,
      payload: { response: 'added' },
    });
    assert.equal(done.statusCode, 200, done.body);
    assert.equal(done.json().is_processed, true);
    assert.equal(done.json().processed_by, shop.staff.id);
    assert.equal(
      (await app.inject({ method: 'POST', url, headers: shop.asStaff, payload: {} })).statusCode,
      409,
    );
    const mine = await app.inject({
      method: 'GET',
      url: `/api/projects/${id}/ops-requests`,
      headers: shop.asClient,
    });
    assert.equal(mine.json().results[0].response, 'added');

    const configUrl = `/api/projects/${id}/client-api-config`;
    assert.equal(
      (await app.inject({ method: 'GET', url: configUrl, headers: shop.asClient })).statusCode,
      404,
    );
    const set = await app.inject({
      method: 'PUT',
      url: configUrl,
      headers: shop.asClient,
      payload: { review_period: 14, public_data_link: 'https://data.example.test/street', status: 'active' },
    });
    assert.equal(set.statusCode, 200, set.body);
    const changed = await app.inject({
      method: 'PUT',
      url: configUrl,
      headers: shop.asClient,
      payload: { status: 'paused' },
    });
    assert.deepEqual(
      { ...(changed.json() as object), updated_at: undefined },
      {
        project: id,
        review_period: 14,
        public_data_link: 'https://data.example.test/street',
        status: 'paused',
        updated_at: undefined,
      },
    );
    for (const payload of [{ review_period: 400 }, { public_data_link: 'javascript:alert(1)' }, {}]) {
      const res = await app.inject({ method: 'PUT', url: configUrl, headers: shop.asClient, payload });
      assert.equal(res.statusCode, 400, JSON.stringify(payload));
    }
    const stranger = await signUp(app);
    for (const [method, u] of [
      ['GET', configUrl],
      ['GET', `/api/projects/${id}/ops-requests`],
      ['POST', url],
    ] as const) {
      const res = await app.inject({ method, url: u, headers: stranger.headers, payload: {} });
      assert.ok([403, 404].includes(res.statusCode), `${u}: ${res.statusCode}`);
      if (method === 'GET') assert.equal(res.statusCode, 404, u);
    }
  });
});
