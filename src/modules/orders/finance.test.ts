// Currencies, payment rates, payments and their status rules, the finance duty, and bank details: sealed at rest,
// masked by default, in full only for the person and finance staff, every full read in the audit log.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { createTestApp } from '../../../test/app.ts';
import { forEachDatabase } from '../../../test/harness.ts';
import { inOrg, signUp } from '../../../test/http-factories.ts';
import { inScope } from '../../db/scope.ts';
import type { App } from '../../platform/http/app-types.ts';
import { join, openShop } from './orders.test-kit.ts';

const details = {
  account_holder_name: 'Asha Rao',
  bank_name: 'HDFC Bank',
  account_number: '50100012345678',
  ifsc_code: 'HDFC0001234',
  branch_name: 'Indiranagar',
  upi_id: 'asharao@okhdfc',
  pancard_number: 'ABCDE1234F',
  address: '12 MG Road, Bengaluru',
};

forEachDatabase('orders finance', (ctx) => {
  let app: App;
  before(async () => {
    app = await createTestApp(ctx.database);
    await app.ready();
  });
  after(() => app.close());

  test('currencies are listed with paging; rates are decimal strings, one per unit and currency', async () => {
    const shop = await openShop(app, ctx.database);
    const cur = await app.inject({
      method: 'GET',
      url: '/api/currencies?page_size=3',
      headers: shop.asClient,
    });
    assert.equal(cur.statusCode, 200);
    assert.ok(cur.json().count >= 10);
    assert.equal(cur.json().results.length, 3);
    const rate = await app.inject({
      method: 'POST',
      url: '/api/payment-rates',
      headers: shop.asStaff,
      payload: { unit: 'annotation', amount: '0.0450', currency: 'INR' },
    });
    assert.equal(rate.statusCode, 201, rate.body);
    assert.equal(rate.json().amount, '0.0450');
    const again = await app.inject({
      method: 'POST',
      url: '/api/payment-rates',
      headers: shop.asStaff,
      payload: { unit: 'annotation', amount: '1', currency: 'INR' },
    });
    assert.equal(again.statusCode, 409);
    const byClient = await app.inject({
      method: 'POST',
      url: '/api/payment-rates',
      headers: shop.asClient,
      payload: { unit: 'task', amount: '1', currency: 'INR' },
    });
    assert.equal(byClient.statusCode, 403);
    for (const amount of [0.5, '1e3', '-1', '0.12345']) {
      const bad = await app.inject({
        method: 'POST',
        url: '/api/payment-rates',
        headers: shop.asStaff,
        payload: { unit: 'task', amount, currency: 'INR' },
      });
      assert.equal(bad.statusCode, 400, String(amount));
    }
    const changed = await app.inject({
      method: 'PATCH',
      url: `/api/payment-rates/${rate.json().id}`,
      headers: shop.asStaff,
      payload: { amount: '0.05' },
    });
    assert.equal(changed.json().amount, '0.0500');
    const stranger = await signUp(app);
    const foreign = await app.inject({
      method: 'PATCH',
      url: `/api/payment-rates/${rate.json().id}`,
      headers: stranger.headers,
      payload: { amount: '9' },
    });
    assert.equal(foreign.statusCode, 404);
  });

  test('payments: finance staff record them, the payee sees their own, status moves only forward', async () => {
    const shop = await openShop(app, ctx.database);
    const finance = await signUp(app);
    await join(ctx.database, shop.orgId, shop.staff.id, finance.id);
    const asFinance = inOrg(finance, shop.orgId);
    const body = {
      direction: 'payout',
      user_id: shop.client.id,
      total_amount: '1500.75',
      currency: 'INR',
      payment_method: 'upi',
      transaction_id: 'UPI-123',
    };
    const before = await app.inject({
      method: 'POST',
      url: '/api/payments',
      headers: asFinance,
      payload: body,
    });
    assert.equal(before.statusCode, 403);
    assert.match(before.json().error.message, /finance staff may/);
    const grant = await app.inject({
      method: 'PUT',
      url: `/api/finance-staff/${finance.id}`,
      headers: shop.asStaff,
    });
    assert.equal(grant.statusCode, 204);
    const staffList = await app.inject({ method: 'GET', url: '/api/finance-staff', headers: shop.asStaff });
    assert.deepEqual(
      staffList.json().results.map((r: { user: number }) => r.user),
      [finance.id],
    );
    const paid = await app.inject({
      method: 'POST',
      url: '/api/payments',
      headers: asFinance,
      payload: body,
    });
    assert.equal(paid.statusCode, 201, paid.body);
    assert.equal(paid.json().total_amount, '1500.75');
    assert.equal(paid.json().status, 'pending');
    const dup = await app.inject({ method: 'POST', url: '/api/payments', headers: asFinance, payload: body });
    assert.equal(dup.statusCode, 409);
    const zero = await app.inject({
      method: 'POST',
      url: '/api/payments',
      headers: asFinance,
      payload: { ...body, transaction_id: 'x', total_amount: '0.00' },
    });
    assert.equal(zero.statusCode, 400);
    const outsider = await signUp(app);
    const notMember = await app.inject({
      method: 'POST',
      url: '/api/payments',
      headers: asFinance,
      payload: { ...body, transaction_id: 'y', user_id: outsider.id },
    });
    assert.equal(notMember.statusCode, 404);

    const id = paid.json().id;
    const mine = await app.inject({ method: 'GET', url: '/api/payments', headers: shop.asClient });
    assert.deepEqual(
      mine.json().results.map((p: { id: number }) => p.id),
      [id],
    );
    const patch = (status: string) =>
      app.inject({ method: 'PATCH', url: `/api/payments/${id}`, headers: asFinance, payload: { status } });
    assert.equal((await patch('refunded')).statusCode, 409);
    assert.equal((await patch('completed')).json().status, 'completed');
    const back = await patch('pending');
    assert.equal(back.statusCode, 409);
    assert.match(back.json().error.message, /completed payment cannot become pending \(only refunded\)/);
    assert.equal((await patch('refunded')).json().status, 'refunded');
    const byClient = await app.inject({
      method: 'PATCH',
      url: `/api/payments/${id}`,
      headers: shop.asClient,
      payload: { status: 'failed' },
    });
    assert.equal(byClient.statusCode, 403);
    const foreign = await app.inject({
      method: 'GET',
      url: `/api/payments/${id}`,
      headers: outsider.headers,
    });
    assert.equal(foreign.statusCode, 404);
    const revoke = await app.inject({
      method: 'DELETE',
      url: `/api/finance-staff/${finance.id}`,
      headers: shop.asStaff,
    });
    assert.equal(revoke.statusCode, 204);
    const afterRevoke = await app.inject({ method: 'GET', url: `/api/payments/${id}`, headers: asFinance });
    assert.equal(afterRevoke.statusCode, 404);
  });

  test('bank details are sealed at rest, masked, in full only for the person and finance staff, audited', async () => {
    const shop = await openShop(app, ctx.database);
    const finance = await signUp(app);
    await join(ctx.database, shop.orgId, shop.staff.id, finance.id);
    const asFinance = inOrg(finance, shop.orgId);
    const put = await app.inject({
      method: 'PUT',
      url: '/api/bank-details/me',
      headers: shop.asClient,
      payload: details,
    });
    assert.equal(put.statusCode, 200, put.body);
    assert.deepEqual(
      { ...(put.json() as object), updated_at: undefined },
      {
        user: shop.client.id,
        masked: true,
        account_holder_name: 'A*** R***',
        bank_name: 'HDFC Bank',
        account_number: '**********5678',
        ifsc_code: 'HDFC*******',
        branch_name: 'Indiranagar',
        upi_id: 'as***@okhdfc',
        pancard_number: '******234F',
        address: '***',
        updated_at: undefined,
      },
    );
    // Nothing readable in the row itself.
    const row = await inScope(ctx.database.db, { organizationId: shop.orgId, userId: shop.staff.id }, (tx) =>
      tx.selectFrom('user_bank_details').selectAll().executeTakeFirstOrThrow(),
    );
    const stored = JSON.stringify(row);
    for (const secret of ['50100012345678', 'ABCDE1234F', 'asharao', 'MG Road'])
      assert.ok(!stored.includes(secret), secret);

    const own = await app.inject({ method: 'GET', url: '/api/bank-details/me/full', headers: shop.asClient });
    assert.equal(own.json().account_number, '50100012345678');
    assert.equal(own.json().masked, false);
    assert.equal(own.headers['cache-control'], 'no-store');
    const full = `/api/bank-details/${shop.client.id}/full`;
    assert.equal((await app.inject({ method: 'GET', url: full, headers: shop.asStaff })).statusCode, 403);
    assert.equal((await app.inject({ method: 'GET', url: full, headers: asFinance })).statusCode, 403);
    const masked = await app.inject({
      method: 'GET',
      url: `/api/bank-details/${shop.client.id}`,
      headers: shop.asStaff,
    });
    assert.equal(masked.json().pancard_number, '******234F');
    await app.inject({ method: 'PUT', url: `/api/finance-staff/${finance.id}`, headers: shop.asStaff });
    const read = await app.inject({ method: 'GET', url: full, headers: asFinance });
    assert.equal(read.statusCode, 200);
    assert.equal(read.json().ifsc_code, 'HDFC0001234');
    assert.equal(read.json().address, '12 MG Road, Bengaluru');
    const list = await app.inject({ method: 'GET', url: '/api/bank-details', headers: asFinance });
    assert.equal(list.json().count, 1);
    assert.equal(list.json().results[0].account_number, '**********5678');
    const byClient = await app.inject({ method: 'GET', url: '/api/bank-details', headers: shop.asClient });
    assert.equal(byClient.statusCode, 403);

    const audit = await app.inject({
      method: 'GET',
      url: `/api/organizations/${shop.orgId}/audit-log?page_size=100`,
      headers: shop.asStaff,
    });
    assert.equal(audit.statusCode, 200, audit.body);
    const entries = (audit.json().results ?? audit.json()) as {
      action: string;
      actor_user_id?: number;
      actor?: { id: number };
    }[];
    const fullReads = entries.filter((e) => e.action === 'bank_details.read_full');
    assert.equal(fullReads.length, 2, JSON.stringify(entries.map((e) => e.action)));

    const stranger = await signUp(app);
    const foreign = await app.inject({
      method: 'GET',
      url: `/api/bank-details/${shop.client.id}`,
      headers: stranger.headers,
    });
    // In their own organization the stranger may list bank details, but this person's are not there.
    assert.equal(foreign.statusCode, 404);
    const strangerFinance = await app.inject({
      method: 'GET',
      url: `/api/bank-details/${shop.client.id}/full`,
      headers: stranger.headers,
    });
    assert.ok([403, 404].includes(strangerFinance.statusCode));
    const gone = await app.inject({ method: 'DELETE', url: '/api/bank-details/me', headers: shop.asClient });
    assert.equal(gone.statusCode, 204);
    assert.equal(
      (await app.inject({ method: 'GET', url: '/api/bank-details/me', headers: shop.asClient })).statusCode,
      404,
    );
  });

  test('bank details refuse malformed numbers with the field named', async () => {
    const shop = await openShop(app, ctx.database);
    const cases: [object, RegExp][] = [
      [{ ...details, ifsc_code: 'HDFC1234' }, /ifsc_code/],
      [{ ...details, pancard_number: 'abcde1234f' }, /pancard_number/],
      [{ ...details, account_number: '12ab' }, /account_number/],
      [{ ...details, upi_id: 'no-at-sign' }, /upi_id/],
      [{ account_holder_name: 'Only Name' }, /account_number or upi_id/],
      [{ account_holder_name: 'A', account_number: '12345678' }, /IFSC/],
    ];
    for (const [payload, why] of cases) {
      const res = await app.inject({
        method: 'PUT',
        url: '/api/bank-details/me',
        headers: shop.asClient,
        payload,
      });
      assert.equal(res.statusCode, 400, res.body);
      assert.match(res.body, why);
    }
  });
});
