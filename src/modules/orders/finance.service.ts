// Currencies (a global list), payment rates per organization, payments (orders_order) and the finance duty.
// Payments are recorded by finance staff or the organization's owner; everyone sees the payments made to or by
// them. Payment status moves pending -> completed | failed, completed -> refunded; anything else is 409.
import type { Selectable } from 'kysely';
import type { Tx } from '../../db/scope.ts';
import type { PaymentRates, Payments } from '../../db/types.ts';
import { authorize, permitted } from '../../platform/access/access.ts';
import type { Actor } from '../../platform/auth/actor.ts';
import type { Deps } from '../../platform/deps.ts';
import { AppError } from '../../platform/errors.ts';
import type { PageRequest } from '../../platform/http/common.schemas.ts';
import { auditTrail, organizationWork } from '../../platform/unit-of-work.ts';
import { currencyExists } from './orders.repo.ts';

type PaymentStatus = 'pending' | 'completed' | 'failed' | 'refunded';
export const paymentTransitions: Record<PaymentStatus, readonly PaymentStatus[]> = {
  pending: ['completed', 'failed'],
  completed: ['refunded'],
  failed: [],
  refunded: [],
};

const toRate = (r: Selectable<PaymentRates>) => ({
  id: r.id,
  organization: r.organization_id,
  unit: r.unit as 'task' | 'annotation' | 'hour',
  amount: String(r.amount),
  currency: r.currency_code,
  description: r.description,
  created_at: r.created_at,
  updated_at: r.updated_at,
});

const toPayment = (p: Selectable<Payments>) => ({
  id: p.id,
  organization: p.organization_id,
  user: p.user_id,
  order: p.order_id,
  direction: p.direction as 'incoming' | 'payout',
  total_amount: String(p.total_amount),
  currency: p.currency_code,
  payment_method: p.payment_method as 'bank_transfer' | 'upi' | 'card' | 'cash' | 'other',
  transaction_id: p.transaction_id,
  status: p.status as PaymentStatus,
  recorded_by: p.recorded_by,
  created_at: p.created_at,
  updated_at: p.updated_at,
});

const bad = (field: string, message: string) =>
  new AppError('validation_failed', `${field}: ${message}`, [{ in: 'body', field, message }]);

async function page<T>(q: { count: () => Promise<number>; rows: () => Promise<T[]> }) {
  return { count: await q.count(), results: await q.rows() };
}

export async function isMember(tx: Tx, organizationId: number, userId: number): Promise<boolean> {
  const row = await tx
    .selectFrom('organization_members')
    .select('user_id')
    .where('organization_id', '=', organizationId)
    .where('user_id', '=', userId)
    .executeTakeFirst();
  return row !== undefined;
}

export function createFinanceService({ database }: Pick<Deps, 'database'>) {
  const run = organizationWork(database);
  const rateTrail = auditTrail('payment_rate');
  const paymentTrail = auditTrail('payment');
  const staffTrail = auditTrail('user');

  async function checkCurrency(tx: Tx, code: string) {
    if (!(await currencyExists(tx, code))) throw bad('currency', `${code} is not a known currency`);
  }

  async function loadRate(tx: Tx, id: number) {
    const r = await tx.selectFrom('payment_rates').selectAll().where('id', '=', id).executeTakeFirst();
    if (!r) throw new AppError('not_found', `payment rate ${id} not found`);
    return r;
  }

  /** A payment the actor may see: finance staff and the owner see all, others their own. */
  async function loadPayment(tx: Tx, actor: Actor, id: number) {
    await authorize(tx, actor, 'organization.read', []);
    const p = await tx.selectFrom('payments').selectAll().where('id', '=', id).executeTakeFirst();
    const manager = (await permitted(tx, actor, 'payments.manage', [0])).size > 0;
    if (!p || !(manager || p.user_id === actor.userId))
      throw new AppError('not_found', `payment ${id} not found`);
    return p;
  }

  return {
    currencies: (actor: Actor, p: PageRequest) =>
      run(actor, async (tx) => {
        await authorize(tx, actor, 'organization.read', []);
        const q = tx.selectFrom('currencies').where('is_active', '=', true);
        return page({
          count: async () =>
            Number((await q.select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow()).n),
          rows: () =>
            q
              .select(['code', 'name', 'minor_units'])
              .orderBy('code')
              .limit(p.pageSize)
              .offset((p.page - 1) * p.pageSize)
              .execute(),
        });
      }),

    rates: (actor: Actor, p: PageRequest) =>
      run(actor, async (tx) => {
        await authorize(tx, actor, 'organization.read', []);
        const q = tx.selectFrom('payment_rates');
        return page({
          count: async () =>
            Number((await q.select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow()).n),
          rows: async () =>
            (
              await q
                .selectAll()
                .orderBy('unit')
                .orderBy('currency_code')
                .limit(p.pageSize)
                .offset((p.page - 1) * p.pageSize)
                .execute()
            ).map(toRate),
        });
      }),

    createRate: (
      actor: Actor,
      input: { unit: 'task' | 'annotation' | 'hour'; amount: string; currency: string; description?: string },
    ) =>
      run(actor, async (tx, organizationId) => {
        await authorize(tx, actor, 'billing.rates.manage', []);
        await checkCurrency(tx, input.currency);
        const r = await tx
          .insertInto('payment_rates')
          .values({
            organization_id: organizationId,
            unit: input.unit,
            amount: input.amount,
            currency_code: input.currency,
            description: input.description ?? '',
            created_by: actor.userId,
          })
          .onConflict((oc) => oc.columns(['organization_id', 'unit', 'currency_code']).doNothing())
          .returningAll()
          .executeTakeFirst();
        if (!r)
          throw new AppError(
            'conflict',
            `a rate per ${input.unit} in ${input.currency} exists already; change it instead`,
          );
        await rateTrail(tx, actor, 'payment_rate.create', r.id, { amount: r.amount, unit: r.unit });
        return toRate(r);
      }),

    updateRate: (actor: Actor, id: number, input: { amount?: string; description?: string }) =>
      run(actor, async (tx) => {
        await authorize(tx, actor, 'billing.rates.manage', []);
        const before = await loadRate(tx, id);
        const r = await tx
          .updateTable('payment_rates')
          .set({ ...input, updated_at: new Date() })
          .where('id', '=', id)
          .returningAll()
          .executeTakeFirstOrThrow();
        await rateTrail(tx, actor, 'payment_rate.update', id, { from: before.amount, to: r.amount });
        return toRate(r);
      }),

    removeRate: (actor: Actor, id: number) =>
      run(actor, async (tx) => {
        await authorize(tx, actor, 'billing.rates.manage', []);
        await loadRate(tx, id);
        await tx.deleteFrom('payment_rates').where('id', '=', id).execute();
        await rateTrail(tx, actor, 'payment_rate.delete', id);
      }),

    payments: (
      actor: Actor,
      filter: { user?: number; order?: number; status?: PaymentStatus },
      p: PageRequest,
    ) =>
      run(actor, async (tx) => {
        await authorize(tx, actor, 'organization.read', []);
        const manager = (await permitted(tx, actor, 'payments.manage', [0])).size > 0;
        let q = tx.selectFrom('payments');
        if (!manager) q = q.where('user_id', '=', actor.userId);
        if (filter.user !== undefined) q = q.where('user_id', '=', filter.user);
        if (filter.order !== undefined) q = q.where('order_id', '=', filter.order);
        if (filter.status !== undefined) q = q.where('status', '=', filter.status);
        return page({
          count: async () =>
            Number((await q.select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow()).n),
          rows: async () =>
            (
              await q
                .selectAll()
                .orderBy('created_at', 'desc')
                .orderBy('id', 'desc')
                .limit(p.pageSize)
                .offset((p.page - 1) * p.pageSize)
                .execute()
            ).map(toPayment),
        });
      }),

    payment: (actor: Actor, id: number) =>
      run(actor, async (tx) => toPayment(await loadPayment(tx, actor, id))),

    createPayment: (
      actor: Actor,
      input: {
        direction: 'incoming' | 'payout';
        user_id?: number;
        order_id?: number;
        total_amount: string;
        currency: string;
        payment_method: 'bank_transfer' | 'upi' | 'card' | 'cash' | 'other';
        transaction_id?: string;
        status?: PaymentStatus;
      },
    ) =>
      run(actor, async (tx, organizationId) => {
        await authorize(tx, actor, 'payments.manage', []);
        if (/^0(\.0+)?$/.test(input.total_amount)) throw bad('total_amount', 'must be more than zero');
        await checkCurrency(tx, input.currency);
        if (input.user_id !== undefined && !(await isMember(tx, organizationId, input.user_id)))
          throw new AppError('not_found', `user ${input.user_id} is not a member of this organization`);
        if (input.order_id !== undefined) {
          const o = await tx
            .selectFrom('orders')
            .select('id')
            .where('id', '=', input.order_id)
            .executeTakeFirst();
          if (!o) throw new AppError('not_found', `order ${input.order_id} not found`);
        }
        const row = await tx
          .insertInto('payments')
          .values({
            organization_id: organizationId,
            user_id: input.user_id ?? null,
            order_id: input.order_id ?? null,
            direction: input.direction,
            total_amount: input.total_amount,
            currency_code: input.currency,
            payment_method: input.payment_method,
            transaction_id: input.transaction_id ?? null,
            status: input.status ?? 'pending',
            recorded_by: actor.userId,
          })
          .onConflict((oc) =>
            oc
              .columns(['organization_id', 'transaction_id'])
              .where('transaction_id', 'is not', null)
              .doNothing(),
          )
          .returningAll()
          .executeTakeFirst();
        if (!row) throw new AppError('conflict', `transaction ${input.transaction_id} is recorded already`);
        await paymentTrail(tx, actor, 'payment.create', row.id, {
          amount: row.total_amount,
          currency: row.currency_code,
        });
        return toPayment(row);
      }),

    updatePayment: (actor: Actor, id: number, input: { status?: PaymentStatus; transaction_id?: string }) =>
      run(actor, async (tx) => {
        await authorize(tx, actor, 'payments.manage', []);
        const before = await loadPayment(tx, actor, id);
        const from = before.status as PaymentStatus;
        if (
          input.status !== undefined &&
          input.status !== from &&
          !paymentTransitions[from].includes(input.status)
        )
          throw new AppError(
            'conflict',
            `a ${from} payment cannot become ${input.status}` +
              (paymentTransitions[from].length ? ` (only ${paymentTransitions[from].join(' or ')})` : ''),
          );
        if (input.transaction_id !== undefined) {
          const clash = await tx
            .selectFrom('payments')
            .select('id')
            .where('transaction_id', '=', input.transaction_id)
            .where('id', '<>', id)
            .executeTakeFirst();
          if (clash)
            throw new AppError('conflict', `transaction ${input.transaction_id} is recorded already`);
        }
        const row = await tx
          .updateTable('payments')
          .set({ ...input, updated_at: new Date() })
          .where('id', '=', id)
          .returningAll()
          .executeTakeFirstOrThrow();
        await paymentTrail(tx, actor, 'payment.update', id, { from, to: row.status });
        return toPayment(row);
      }),

    financeStaff: (actor: Actor, p: PageRequest) =>
      run(actor, async (tx) => {
        await authorize(tx, actor, 'organization.members.read', []);
        const q = tx.selectFrom('finance_staff as f').innerJoin('users as u', 'u.id', 'f.user_id');
        return page({
          count: async () =>
            Number((await q.select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow()).n),
          rows: async () =>
            (
              await q
                .select(['f.user_id', 'u.username', 'u.email', 'f.granted_by', 'f.created_at'])
                .orderBy('f.user_id')
                .limit(p.pageSize)
                .offset((p.page - 1) * p.pageSize)
                .execute()
            ).map((r) => ({
              user: r.user_id,
              username: r.username,
              email: r.email,
              granted_by: r.granted_by,
              created_at: r.created_at,
            })),
        });
      }),

    grantFinance: (actor: Actor, userId: number) =>
      run(actor, async (tx, organizationId) => {
        await authorize(tx, actor, 'organization.finance.manage', []);
        if (!(await isMember(tx, organizationId, userId)))
          throw new AppError('not_found', `user ${userId} is not a member of this organization`);
        await tx
          .insertInto('finance_staff')
          .values({ organization_id: organizationId, user_id: userId, granted_by: actor.userId })
          .onConflict((oc) => oc.columns(['organization_id', 'user_id']).doNothing())
          .execute();
        await staffTrail(tx, actor, 'finance.grant', userId);
      }),

    revokeFinance: (actor: Actor, userId: number) =>
      run(actor, async (tx) => {
        await authorize(tx, actor, 'organization.finance.manage', []);
        const gone = await tx.deleteFrom('finance_staff').where('user_id', '=', userId).executeTakeFirst();
        if (Number(gone.numDeletedRows) === 0)
          throw new AppError('not_found', `user ${userId} holds no finance duty here`);
        await staffTrail(tx, actor, 'finance.revoke', userId);
      }),
  };
}
