// Contracts of an order: staff attach a document (a `files` row already uploaded through /api/files) with its
// terms once the order is approved; the client who placed the order signs it. Work may start only when signed.
import type { Selectable } from 'kysely';
import type { OrderContracts } from '../../db/types.ts';
import { authorize } from '../../platform/access/access.ts';
import type { Actor } from '../../platform/auth/actor.ts';
import type { Deps } from '../../platform/deps.ts';
import { AppError } from '../../platform/errors.ts';
import type { PageRequest } from '../../platform/http/common.schemas.ts';
import { auditTrail, organizationWork } from '../../platform/unit-of-work.ts';
import { contractsPage, liveFile } from './orders.repo.ts';
import type { OrdersService } from './orders.service.ts';

/** Statuses in which a contract belongs to the order: after approval, before the work is delivered. */
const contractable = ['approved', 'in_progress'];

function toContract(c: Selectable<OrderContracts>) {
  return {
    id: c.id,
    order: c.order_id,
    file: c.file_id,
    terms_and_conditions: c.terms_and_conditions,
    created_by: c.created_by,
    signed_by: c.signed_by,
    signed_at: c.signed_at,
    created_at: c.created_at,
    updated_at: c.updated_at,
  };
}

export function createContractsService({ database }: Pick<Deps, 'database'>, orders: OrdersService) {
  const run = organizationWork(database);
  const record = auditTrail('order');

  return {
    attach: (actor: Actor, orderId: number, input: { file_id: number; terms_and_conditions?: string }) =>
      run(actor, async (tx, organizationId) => {
        const { row } = await orders.load(tx, actor, orderId, true);
        await authorize(tx, actor, 'orders.manage', []);
        if (!contractable.includes(row.status))
          throw new AppError(
            'conflict',
            `a contract can be attached only to an approved or in-progress order (this one is ${row.status})`,
          );
        const file = await liveFile(tx, input.file_id);
        if (file === 'missing') throw new AppError('not_found', `file ${input.file_id} not found`);
        // A project's files go when the project is deleted; a contract must outlive that.
        if (file === 'inProject')
          throw new AppError('validation_failed', 'upload the contract outside a project (POST /api/files)', [
            { in: 'body', field: 'file_id', message: 'the file belongs to a project' },
          ]);
        const c = await tx
          .insertInto('order_contracts')
          .values({
            organization_id: organizationId,
            order_id: orderId,
            file_id: input.file_id,
            terms_and_conditions: input.terms_and_conditions ?? '',
            created_by: actor.userId,
          })
          .returningAll()
          .executeTakeFirstOrThrow();
        await record(tx, actor, 'order.contract.attach', orderId, { contract_id: c.id, file_id: c.file_id });
        return toContract(c);
      }),

    list: (actor: Actor, orderId: number, page: PageRequest) =>
      run(actor, async (tx) => {
        await orders.load(tx, actor, orderId);
        const { count, rows } = await contractsPage(tx, orderId, page);
        return { count, results: rows.map(toContract) };
      }),

    sign: (actor: Actor, orderId: number, contractId: number) =>
      run(actor, async (tx) => {
        const { row, who } = await orders.load(tx, actor, orderId, true);
        const c = await tx
          .selectFrom('order_contracts')
          .selectAll()
          .where('id', '=', contractId)
          .where('order_id', '=', orderId)
          .forUpdate()
          .executeTakeFirst();
        if (!c) throw new AppError('not_found', `contract ${contractId} not found`);
        if (!who.client)
          throw new AppError('forbidden', 'only the person who placed the order signs its contract');
        await authorize(tx, actor, 'orders.place', []);
        if (c.signed_at !== null) throw new AppError('conflict', 'the contract is already signed');
        if (!contractable.includes(row.status))
          throw new AppError('conflict', `an order that is ${row.status} takes no signatures`);
        const signed = await tx
          .updateTable('order_contracts')
          .set({ signed_at: new Date(), signed_by: actor.userId, updated_at: new Date() })
          .where('id', '=', contractId)
          .returningAll()
          .executeTakeFirstOrThrow();
        await record(tx, actor, 'order.contract.sign', orderId, { contract_id: contractId });
        return toContract(signed);
      }),
  };
}
