// The orders module's part of the tenant world: an approved order with a contract and its submission, a payment
// rate, a payment, the member's bank details, an ops request and a client API configuration, named with the
// marker. Nothing when the module is not registered.
import assert from 'node:assert/strict';
import type { App } from '../src/platform/http/app-types.ts';

export interface OrdersWorld {
  orderId: number;
  contractId: number;
  paymentRateId: number;
  paymentId: number;
  opsRequestId: number;
}

export async function ordersWorld(
  app: App,
  headers: Record<string, string>,
  memberHeaders: Record<string, string>,
  w: { marker: string; projectId: number; fileId: number; memberId: number },
): Promise<OrdersWorld> {
  const none = { orderId: 0, contractId: 0, paymentRateId: 0, paymentId: 0, opsRequestId: 0 };
  if (!app.hasRoute({ method: 'POST', url: '/api/orders' })) return none;
  const send = async (url: string, payload: object, as = headers, method: 'POST' | 'PUT' = 'POST') => {
    const res = await app.inject({ method, url, headers: as, payload });
    assert.ok(res.statusCode < 300, `${url}: ${res.statusCode} ${res.body}`);
    return res.body ? res.json() : {};
  };
  const order = await send('/api/orders', {
    project_name: `${w.marker} order`,
    project_type: 'image_classification',
    complexity: 'low',
    additional_notes: `${w.marker} notes`,
    currency: 'EUR',
    total_cost: '100.00',
  });
  await send(`/api/orders/${order.id}/submit`, { notes: `${w.marker} submitted` });
  await send(`/api/orders/${order.id}/approve`, { notes: `${w.marker} approved` });
  const contract = await send(`/api/orders/${order.id}/contracts`, {
    file_id: w.fileId,
    terms_and_conditions: `${w.marker} terms`,
  });
  const rate = await send('/api/payment-rates', {
    unit: 'annotation',
    amount: '0.05',
    currency: 'EUR',
    description: `${w.marker} rate`,
  });
  const payment = await send('/api/payments', {
    direction: 'payout',
    user_id: w.memberId,
    total_amount: '10.00',
    currency: 'EUR',
    payment_method: 'bank_transfer',
    transaction_id: `${w.marker}-tx`,
  });
  await send(
    '/api/bank-details/me',
    {
      account_holder_name: `${w.marker} holder`,
      bank_name: `${w.marker} bank`,
      upi_id: `${w.marker}@okbank`,
    },
    memberHeaders,
    'PUT',
  );
  const ops = await send(`/api/projects/${w.projectId}/ops-requests`, {
    request_type: 'other',
    notes: `${w.marker} ops`,
  });
  await send(
    `/api/projects/${w.projectId}/client-api-config`,
    { public_data_link: `https://${w.marker}.example.test/data`, status: 'active' },
    headers,
    'PUT',
  );
  await send('/api/billing/workspaces/compute', { month: new Date().toISOString().slice(0, 7) });
  return {
    orderId: order.id,
    contractId: contract.id,
    paymentRateId: rate.id,
    paymentId: payment.id,
    opsRequestId: ops.id,
  };
}
