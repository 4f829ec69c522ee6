// Shared by the orders tests: an organization with staff (its owner) and a client (a member), orders placed
// through HTTP, a contract file uploaded through /api/files.
import assert from 'node:assert/strict';
import { inOrg, type Person, signUp } from '../../../test/http-factories.ts';
import type { Database } from '../../db/database.ts';
import { inScope } from '../../db/scope.ts';
import type { App } from '../../platform/http/app-types.ts';
import { multipart } from '../files/files.test-kit.ts';

export interface Shop {
  staff: Person;
  client: Person;
  orgId: number;
  asStaff: Record<string, string>;
  asClient: Record<string, string>;
}

export async function join(
  database: Database,
  orgId: number,
  ownerId: number,
  userId: number,
  role = 'member',
) {
  await inScope(database.db, { organizationId: orgId, userId: ownerId }, (tx) =>
    tx.insertInto('organization_members').values({ organization_id: orgId, user_id: userId, role }).execute(),
  );
}

export async function openShop(app: App, database: Database): Promise<Shop> {
  const staff = await signUp(app);
  const client = await signUp(app);
  await join(database, staff.orgId, staff.id, client.id);
  return {
    staff,
    client,
    orgId: staff.orgId,
    asStaff: inOrg(staff, staff.orgId),
    asClient: inOrg(client, staff.orgId),
  };
}

export const orderBody = {
  project_name: 'Street scenes',
  project_type: 'image_segmentation',
  complexity: 'medium',
  timeline: '6 weeks',
  additional_notes: 'Pedestrians and cyclists',
  currency: 'USD',
  total_cost: '1250.50',
  data_production: {
    data_collection_required: true,
    estimated_data_volume: 5000,
    annotation_type: 'polygon',
  },
};

export async function placeOrder(app: App, headers: Record<string, string>, body: object = orderBody) {
  const res = await app.inject({ method: 'POST', url: '/api/orders', headers, payload: body });
  assert.equal(res.statusCode, 201, res.body);
  return res.json();
}

export async function setStatus(database: Database, shop: Shop, orderId: number, status: string) {
  await inScope(database.db, { organizationId: shop.orgId, userId: shop.staff.id }, (tx) =>
    tx.updateTable('orders').set({ status }).where('id', '=', orderId).execute(),
  );
}

export async function uploadFile(
  app: App,
  headers: Record<string, string>,
  name = 'contract.pdf',
  projectId?: number,
) {
  const body = await multipart(
    [{ name, bytes: `%PDF-1.4 ${name}`, type: 'application/pdf' }],
    projectId ? { project_id: String(projectId) } : {},
  );
  const res = await app.inject({
    method: 'POST',
    url: '/api/files',
    headers: { ...headers, ...body.headers },
    payload: body.payload,
  });
  assert.equal(res.statusCode, 201, res.body);
  return res.json().id as number;
}

export async function act(
  app: App,
  headers: Record<string, string>,
  orderId: number,
  action: string,
  payload: object = {},
) {
  return app.inject({ method: 'POST', url: `/api/orders/${orderId}/${action}`, headers, payload });
}
