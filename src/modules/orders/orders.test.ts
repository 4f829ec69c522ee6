// An order's whole life through HTTP: placed by a client (money as decimal strings), refused bad input, submitted,
// approved by staff (which creates the project), contract attached and signed, started and completed; who sees
// what, and another organization's ids answer 404.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { createTestApp } from '../../../test/app.ts';
import { forEachDatabase } from '../../../test/harness.ts';
import { inOrg, signUp } from '../../../test/http-factories.ts';
import type { App } from '../../platform/http/app-types.ts';
import { act, join, openShop, orderBody, placeOrder, uploadFile } from './orders.test-kit.ts';

forEachDatabase('orders', (ctx) => {
  let app: App;
  before(async () => {
    app = await createTestApp(ctx.database);
    await app.ready();
  });
  after(() => app.close());

  test('a client places an order; staff approve it, which creates the project', async () => {
    const shop = await openShop(app, ctx.database);
    const order = await placeOrder(app, shop.asClient);
    assert.equal(order.status, 'draft');
    assert.equal(order.total_cost, '1250.50');
    assert.equal(order.currency, 'USD');
    assert.equal(order.data_production.estimated_data_volume, 5000);
    assert.equal(order.data_production.data_format, null);
    assert.deepEqual(order.allowed_actions, ['submit', 'cancel']);

    const edited = await app.inject({
      method: 'PATCH',
      url: `/api/orders/${order.id}`,
      headers: shop.asClient,
      payload: { total_cost: '99999999999.99', data_production: { data_format: 'COCO' } },
    });
    assert.equal(edited.statusCode, 200, edited.body);
    assert.equal(edited.json().total_cost, '99999999999.99');
    assert.equal(edited.json().data_production.data_format, 'COCO');
    assert.equal(edited.json().data_production.estimated_data_volume, 5000);

    const submitted = await act(app, shop.asClient, order.id, 'submit', { notes: 'please start in May' });
    assert.equal(submitted.json().status, 'submitted');
    assert.equal(submitted.json().is_submitted, true);
    const locked = await app.inject({
      method: 'PATCH',
      url: `/api/orders/${order.id}`,
      headers: shop.asClient,
      payload: { timeline: 'now' },
    });
    assert.equal(locked.statusCode, 409);
    assert.match(locked.json().error.message, /submitted cannot be changed/);

    const byClient = await act(app, shop.asClient, order.id, 'approve');
    assert.equal(byClient.statusCode, 403);
    const approved = await act(app, shop.asStaff, order.id, 'approve', { notes: 'looks good' });
    assert.equal(approved.statusCode, 200, approved.body);
    const projectId = approved.json().project;
    assert.ok(projectId);
    const project = await app.inject({
      method: 'GET',
      url: `/api/projects/${projectId}`,
      headers: shop.asClient,
    });
    assert.equal(project.statusCode, 200, project.body);
    assert.equal(project.json().title, 'Street scenes');
    assert.equal(project.json().role, 'viewer');

    const history = await app.inject({
      method: 'GET',
      url: `/api/orders/${order.id}/submissions`,
      headers: shop.asClient,
    });
    assert.equal(history.json().count, 1);
    const [s] = history.json().results;
    assert.equal(s.submission_notes, 'please start in May');
    assert.equal(s.submission_status, 'approved');
    assert.equal(s.approval_notes, 'looks good');
    assert.equal(s.responded_by, shop.staff.id);

    // Contract: attached by staff, signed by the client only; then work starts and completes. A project's file
    // would vanish with the project, so it is refused.
    const projectFile = await uploadFile(app, shop.asStaff, 'in-project.pdf', projectId);
    const refused = await app.inject({
      method: 'POST',
      url: `/api/orders/${order.id}/contracts`,
      headers: shop.asStaff,
      payload: { file_id: projectFile },
    });
    assert.equal(refused.statusCode, 400, refused.body);
    assert.match(refused.json().error.message, /outside a project/);
    const file = await uploadFile(app, shop.asStaff);
    const byClientAttach = await app.inject({
      method: 'POST',
      url: `/api/orders/${order.id}/contracts`,
      headers: shop.asClient,
      payload: { file_id: file },
    });
    assert.equal(byClientAttach.statusCode, 403);
    const contract = await app.inject({
      method: 'POST',
      url: `/api/orders/${order.id}/contracts`,
      headers: shop.asStaff,
      payload: { file_id: file, terms_and_conditions: 'Net 30' },
    });
    assert.equal(contract.statusCode, 201, contract.body);
    const sign = (headers: Record<string, string>) =>
      app.inject({
        method: 'POST',
        url: `/api/orders/${order.id}/contracts/${contract.json().id}/sign`,
        headers,
      });
    assert.equal((await sign(shop.asStaff)).statusCode, 403);
    const signed = await sign(shop.asClient);
    assert.equal(signed.statusCode, 200);
    assert.equal(signed.json().signed_by, shop.client.id);
    assert.equal((await sign(shop.asClient)).statusCode, 409);
    assert.equal((await act(app, shop.asStaff, order.id, 'start')).json().status, 'in_progress');
    const done = await act(app, shop.asStaff, order.id, 'complete');
    assert.equal(done.json().status, 'completed');
    assert.ok(done.json().completed_at);
    assert.deepEqual(done.json().allowed_actions, []);
  });

  test('a rejection needs a reason and is kept in the history; a revised order can be submitted again', async () => {
    const shop = await openShop(app, ctx.database);
    const order = await placeOrder(app, shop.asClient);
    await act(app, shop.asClient, order.id, 'submit');
    const noReason = await act(app, shop.asStaff, order.id, 'reject');
    assert.equal(noReason.statusCode, 400);
    assert.match(noReason.json().error.message, /needs a reason/);
    const rejected = await act(app, shop.asStaff, order.id, 'reject', { reason: 'budget too low' });
    assert.equal(rejected.json().status, 'rejected');
    assert.equal((await act(app, shop.asClient, order.id, 'revise')).json().status, 'draft');
    assert.equal((await act(app, shop.asClient, order.id, 'submit')).json().status, 'submitted');
    const history = await app.inject({
      method: 'GET',
      url: `/api/orders/${order.id}/submissions?page_size=1`,
      headers: shop.asClient,
    });
    assert.equal(history.json().count, 2);
    assert.equal(history.json().results.length, 1);
    assert.equal(history.json().results[0].submission_status, 'pending');
    assert.ok(history.json().next);
    const older = await app.inject({ method: 'GET', url: history.json().next, headers: shop.asClient });
    assert.equal(older.json().results[0].rejection_reason, 'budget too low');
  });

  test('bad input is a 400 with the field named, never a 5xx', async () => {
    const shop = await openShop(app, ctx.database);
    const cases: [object, RegExp][] = [
      [{ ...orderBody, total_cost: 12.5 }, /total_cost/],
      [{ ...orderBody, total_cost: '12.505' }, /total_cost/],
      [{ ...orderBody, total_cost: '-1' }, /total_cost/],
      [{ ...orderBody, currency: 'XYZ' }, /currency/],
      [{ ...orderBody, currency: 'usd' }, /currency/],
      [{ ...orderBody, complexity: 'extreme' }, /complexity/],
      [{ ...orderBody, project_name: '' }, /project_name/],
    ];
    for (const [payload, field] of cases) {
      const res = await app.inject({ method: 'POST', url: '/api/orders', headers: shop.asClient, payload });
      assert.equal(res.statusCode, 400, `${JSON.stringify(payload)}: ${res.body}`);
      assert.match(res.body, field);
    }
    const unknownFile = await app.inject({
      method: 'POST',
      url: '/api/orders/1/contracts',
      headers: shop.asStaff,
      payload: { file_id: 'x' },
    });
    assert.equal(unknownFile.statusCode, 400);
  });

  test('clients see only their own orders, staff see all; other organizations get 404', async () => {
    const shop = await openShop(app, ctx.database);
    const other = await signUp(app);
    await join(ctx.database, shop.orgId, shop.staff.id, other.id);
    const mine = await placeOrder(app, shop.asClient);
    const theirs = await placeOrder(app, inOrg(other, shop.orgId), { ...orderBody, project_name: 'Other' });
    const list = (headers: Record<string, string>, q = '') =>
      app.inject({ method: 'GET', url: `/api/orders${q}`, headers }).then((r) => r.json());
    assert.deepEqual(
      (await list(shop.asClient)).results.map((o: { id: number }) => o.id),
      [mine.id],
    );
    assert.equal((await list(shop.asStaff)).count, 2);
    assert.equal((await list(shop.asStaff, '?mine=true')).count, 0);
    assert.equal((await list(shop.asStaff, '?status=submitted')).count, 0);
    const peek = await app.inject({ method: 'GET', url: `/api/orders/${theirs.id}`, headers: shop.asClient });
    assert.equal(peek.statusCode, 404);

    const stranger = await signUp(app);
    for (const url of [`/api/orders/${mine.id}`, `/api/orders/${mine.id}/submissions`]) {
      const res = await app.inject({ method: 'GET', url, headers: stranger.headers });
      assert.equal(res.statusCode, 404, url);
    }
    const approve = await act(app, stranger.headers, mine.id, 'cancel');
    assert.equal(approve.statusCode, 404);
    const contract = await app.inject({
      method: 'POST',
      url: `/api/orders/${mine.id}/contracts`,
      headers: stranger.headers,
      payload: { file_id: await uploadFile(app, stranger.headers) },
    });
    assert.equal(contract.statusCode, 404);
    // A file of another organization cannot become this order's contract.
    await act(app, shop.asClient, mine.id, 'submit');
    await act(app, shop.asStaff, mine.id, 'approve');
    const foreign = await app.inject({
      method: 'POST',
      url: `/api/orders/${mine.id}/contracts`,
      headers: shop.asStaff,
      payload: { file_id: await uploadFile(app, stranger.headers) },
    });
    assert.equal(foreign.statusCode, 404);
  });
});
