// One row in each orders-module table, for the isolation and migration tests (currencies are seeded by 0020).
import type { Tx } from '../src/db/scope.ts';

export async function fillOrderTables(
  tx: Tx,
  o: number,
  ids: { projectId: number; userId: number; fileId: number; workspaceId: number },
) {
  const { projectId, userId, fileId, workspaceId } = ids;
  await tx.insertInto('finance_staff').values({ organization_id: o, user_id: userId }).execute();
  const order = await tx
    .insertInto('orders')
    .values({
      organization_id: o,
      created_by: userId,
      project_name: 'Fixture order',
      project_type: 'labeling',
      complexity: 'low',
      currency_code: 'USD',
      total_cost: '10.00',
      status: 'approved',
      project_id: projectId,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  await tx
    .insertInto('order_submissions')
    .values({ organization_id: o, order_id: order.id, submitted_by: userId, submission_status: 'approved' })
    .execute();
  await tx
    .insertInto('order_contracts')
    .values({ organization_id: o, order_id: order.id, file_id: fileId, created_by: userId })
    .execute();
  await tx
    .insertInto('payment_rates')
    .values({ organization_id: o, unit: 'task', amount: '0.1000', currency_code: 'USD' })
    .execute();
  await tx
    .insertInto('payments')
    .values({
      organization_id: o,
      user_id: userId,
      order_id: order.id,
      direction: 'incoming',
      total_amount: '10.00',
      currency_code: 'USD',
      payment_method: 'card',
    })
    .execute();
  await tx
    .insertInto('user_bank_details')
    .values({ organization_id: o, user_id: userId, sealed: 'v1.x.y.z', masked: JSON.stringify({}) })
    .execute();
  await tx
    .insertInto('ops_manager_requests')
    .values({ organization_id: o, project_id: projectId, request_type: 'other', requested_by: userId })
    .execute();
  await tx
    .insertInto('project_client_api_configs')
    .values({ organization_id: o, project_id: projectId })
    .execute();
  await tx
    .insertInto('workspace_billing')
    .values({ organization_id: o, workspace_id: workspaceId, month: '2026-01-01' })
    .execute();
}
