// Every (status, action) pair of the order state machine, through HTTP: the allowed ones move the order to the
// table's status, every refused one answers 409 with the reason and leaves the order as it was.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { createTestApp } from '../../../test/app.ts';
import { forEachDatabase } from '../../../test/harness.ts';
import type { App } from '../../platform/http/app-types.ts';
import { next, orderActions, orderStatuses, partyFor, transitions } from './orders.state.ts';
import { act, openShop, placeOrder, type Shop, setStatus, uploadFile } from './orders.test-kit.ts';

const allowed: Record<string, string> = {
  'draft submit': 'submitted',
  'draft cancel': 'cancelled',
  'submitted approve': 'approved',
  'submitted reject': 'rejected',
  'submitted cancel': 'cancelled',
  'rejected revise': 'draft',
  'rejected cancel': 'cancelled',
  'approved start': 'in_progress',
  'approved cancel': 'cancelled',
  'in_progress complete': 'completed',
};

test('the transition table is exactly the documented one', () => {
  for (const status of orderStatuses) {
    for (const action of orderActions) {
      const step = next(status, action);
      const want = allowed[`${status} ${action}`];
      if (want) assert.deepEqual(step, { to: want }, `${status} ${action}`);
      else {
        assert.ok('refused' in step, `${status} ${action} should be refused`);
        assert.match(step.refused, new RegExp(`that is ${status} cannot be`));
      }
    }
  }
  assert.equal(partyFor('cancel', 'approved'), 'staff');
  assert.equal(partyFor('cancel', 'draft'), 'client');
  assert.equal(transitions.approve.by, 'staff');
});

forEachDatabase('order state machine over HTTP', (ctx) => {
  let app: App;
  let shop: Shop;
  before(async () => {
    app = await createTestApp(ctx.database);
    await app.ready();
    shop = await openShop(app, ctx.database);
  });
  after(() => app.close());

  for (const status of orderStatuses) {
    test(`from ${status}: every action`, async () => {
      const outcomes: string[] = [];
      for (const action of orderActions) {
        const order = await placeOrder(app, shop.asClient);
        await setStatus(ctx.database, shop, order.id, status);
        const want = allowed[`${status} ${action}`];
        if (want === 'in_progress') {
          // Starting needs a signed contract; attach one (staff) and sign it (client).
          const file = await uploadFile(app, shop.asStaff);
          const c = await app.inject({
            method: 'POST',
            url: `/api/orders/${order.id}/contracts`,
            headers: shop.asStaff,
            payload: { file_id: file, terms_and_conditions: 'Net 30' },
          });
          assert.equal(c.statusCode, 201, c.body);
          const signed = await app.inject({
            method: 'POST',
            url: `/api/orders/${order.id}/contracts/${c.json().id}/sign`,
            headers: shop.asClient,
          });
          assert.equal(signed.statusCode, 200, signed.body);
        }
        const headers = partyFor(action, status) === 'staff' ? shop.asStaff : shop.asClient;
        const res = await act(
          app,
          headers,
          order.id,
          action,
          action === 'reject' ? { reason: 'too vague' } : {},
        );
        const after = await app.inject({
          method: 'GET',
          url: `/api/orders/${order.id}`,
          headers: shop.asStaff,
        });
        if (want) {
          if (res.statusCode !== 200 || res.json().status !== want || after.json().status !== want)
            outcomes.push(`${action}: expected ${want}, got ${res.statusCode} ${res.body.slice(0, 200)}`);
        } else {
          const reason = res.json().error?.message ?? '';
          if (res.statusCode !== 409 || !reason.includes(`that is ${status} cannot be`))
            outcomes.push(
              `${action}: expected 409 with the reason, got ${res.statusCode} ${res.body.slice(0, 200)}`,
            );
          if (after.json().status !== status)
            outcomes.push(`${action}: status changed to ${after.json().status}`);
        }
      }
      assert.deepEqual(outcomes, []);
    });
  }

  test('starting an approved order without a signed contract is refused with the reason', async () => {
    const order = await placeOrder(app, shop.asClient);
    await setStatus(ctx.database, shop, order.id, 'approved');
    const res = await act(app, shop.asStaff, order.id, 'start');
    assert.equal(res.statusCode, 409);
    assert.match(res.json().error.message, /no signed contract/);
  });
});
