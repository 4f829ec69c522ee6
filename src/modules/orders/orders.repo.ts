// SQL of orders, submissions and contracts. No access decisions here.
import type { Selectable } from 'kysely';
import type { Tx } from '../../db/scope.ts';
import type { Orders } from '../../db/types.ts';
import type { PageRequest } from '../../platform/http/common.schemas.ts';
import type { OrderStatus } from './orders.state.ts';

export type OrderRow = Selectable<Orders>;

export interface DataProductionInput {
  data_collection_required?: boolean;
  estimated_data_volume?: number | null;
  data_format?: string | null;
  data_type?: string | null;
  annotation_type?: string | null;
  total_annotations?: number | null;
  quality_metrics?: string | null;
}

export interface OrderInput {
  project_name?: string;
  project_type?: string;
  complexity?: 'low' | 'medium' | 'high';
  timeline?: string;
  additional_notes?: string;
  currency?: string;
  total_cost?: string;
  data_production?: DataProductionInput;
}

/** The columns an input sets (only the fields given). */
export function orderColumns(input: OrderInput) {
  const dp = input.data_production ?? {};
  const pick = <K extends string, V>(key: K, v: V | undefined) => (v === undefined ? {} : { [key]: v });
  return {
    ...pick('project_name', input.project_name),
    ...pick('project_type', input.project_type),
    ...pick('complexity', input.complexity),
    ...pick('timeline', input.timeline),
    ...pick('additional_notes', input.additional_notes),
    ...pick('currency_code', input.currency),
    ...pick('total_cost', input.total_cost),
    ...pick('data_collection_required', dp.data_collection_required),
    ...pick('estimated_data_volume', dp.estimated_data_volume),
    ...pick('data_format', dp.data_format),
    ...pick('data_type', dp.data_type),
    ...pick('annotation_type', dp.annotation_type),
    ...pick('total_annotations', dp.total_annotations),
    ...pick('quality_metrics', dp.quality_metrics),
  };
}

export async function currencyExists(tx: Tx, code: string): Promise<boolean> {
  const row = await tx
    .selectFrom('currencies')
    .select('code')
    .where('code', '=', code)
    .where('is_active', '=', true)
    .executeTakeFirst();
  return row !== undefined;
}

export async function findOrder(tx: Tx, id: number, lock = false): Promise<OrderRow | undefined> {
  let q = tx.selectFrom('orders').selectAll().where('id', '=', id);
  if (lock) q = q.forUpdate();
  return q.executeTakeFirst();
}

export async function ordersPage(
  tx: Tx,
  filter: { createdBy?: number; status?: OrderStatus },
  page: PageRequest,
): Promise<{ count: number; rows: OrderRow[] }> {
  let q = tx.selectFrom('orders');
  if (filter.createdBy !== undefined) q = q.where('created_by', '=', filter.createdBy);
  if (filter.status !== undefined) q = q.where('status', '=', filter.status);
  const { count } = await q.select((eb) => eb.fn.countAll<string>().as('count')).executeTakeFirstOrThrow();
  const rows = await q
    .selectAll()
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .limit(page.pageSize)
    .offset((page.page - 1) * page.pageSize)
    .execute();
  return { count: Number(count), rows };
}

export async function pendingSubmission(tx: Tx, orderId: number) {
  return tx
    .selectFrom('order_submissions')
    .select('id')
    .where('order_id', '=', orderId)
    .where('submission_status', '=', 'pending')
    .executeTakeFirst();
}

export async function hasSignedContract(tx: Tx, orderId: number): Promise<boolean> {
  const row = await tx
    .selectFrom('order_contracts')
    .select('id')
    .where('order_id', '=', orderId)
    .where('signed_at', 'is not', null)
    .executeTakeFirst();
  return row !== undefined;
}

export async function submissionsPage(tx: Tx, orderId: number, page: PageRequest) {
  const q = tx.selectFrom('order_submissions').where('order_id', '=', orderId);
  const { count } = await q.select((eb) => eb.fn.countAll<string>().as('count')).executeTakeFirstOrThrow();
  const rows = await q
    .selectAll()
    .orderBy('submitted_at', 'desc')
    .orderBy('id', 'desc')
    .limit(page.pageSize)
    .offset((page.page - 1) * page.pageSize)
    .execute();
  return { count: Number(count), rows };
}

export async function contractsPage(tx: Tx, orderId: number, page: PageRequest) {
  const q = tx.selectFrom('order_contracts').where('order_id', '=', orderId);
  const { count } = await q.select((eb) => eb.fn.countAll<string>().as('count')).executeTakeFirstOrThrow();
  const rows = await q
    .selectAll()
    .orderBy('id', 'desc')
    .limit(page.pageSize)
    .offset((page.page - 1) * page.pageSize)
    .execute();
  return { count: Number(count), rows };
}

/** A live file of the organization; `inProject` when it belongs to a project (deleting the project removes it). */
export async function liveFile(tx: Tx, fileId: number): Promise<'ok' | 'missing' | 'inProject'> {
  const row = await tx
    .selectFrom('files')
    .select(['id', 'project_id'])
    .where('id', '=', fileId)
    .where('deleted_at', 'is', null)
    .executeTakeFirst();
  return !row ? 'missing' : row.project_id !== null ? 'inProject' : 'ok';
}
