// Annotators' bank details (users_userbankdetails): personal and financial data. The whole record is sealed with
// AES-256-GCM (platform/crypto.ts) under the data key; a masked copy computed at write time is what lists and
// ordinary reads show. The full record is opened only for the person it belongs to and for finance staff, and
// every full read writes an audit entry in the same transaction.
import Type, { type Static } from 'typebox';
import { authorize } from '../../platform/access/access.ts';
import type { Actor } from '../../platform/auth/actor.ts';
import { open, seal } from '../../platform/crypto.ts';
import type { Deps } from '../../platform/deps.ts';
import { AppError } from '../../platform/errors.ts';
import { PageQuery, type PageRequest, Timestamp } from '../../platform/http/common.schemas.ts';
import { auditTrail, organizationWork } from '../../platform/unit-of-work.ts';
import { isMember } from './finance.service.ts';

const Opt = (schema: ReturnType<typeof Type.String>) => Type.Optional(Type.Union([schema, Type.Null()]));

export const BankDetailsBody = Type.Object(
  {
    account_holder_name: Type.String({ minLength: 1, maxLength: 200 }),
    bank_name: Opt(Type.String({ minLength: 1, maxLength: 200 })),
    account_number: Opt(Type.String({ pattern: '^[0-9]{6,18}$', description: '6 to 18 digits' })),
    ifsc_code: Opt(Type.String({ pattern: '^[A-Z]{4}0[A-Z0-9]{6}$', description: 'e.g. HDFC0001234' })),
    branch_name: Opt(Type.String({ minLength: 1, maxLength: 200 })),
    upi_id: Opt(
      Type.String({ pattern: '^[A-Za-z0-9._-]{2,256}@[A-Za-z]{2,64}$', description: 'e.g. name@okhdfc' }),
    ),
    pancard_number: Opt(Type.String({ pattern: '^[A-Z]{5}[0-9]{4}[A-Z]$', description: 'e.g. ABCDE1234F' })),
    address: Opt(Type.String({ minLength: 1, maxLength: 1000 })),
  },
  { additionalProperties: false },
);
export type BankDetailsInput = Static<typeof BankDetailsBody>;

const Field = Type.Union([Type.String(), Type.Null()]);
const fieldNames = [
  'account_holder_name',
  'bank_name',
  'account_number',
  'ifsc_code',
  'branch_name',
  'upi_id',
  'pancard_number',
  'address',
] as const;
const fields = Object.fromEntries(fieldNames.map((f) => [f, Field])) as Record<
  (typeof fieldNames)[number],
  typeof Field
>;
export const BankDetails = Type.Object({
  user: Type.Integer(),
  masked: Type.Boolean({ description: 'true: the values are masked; false: the full record (audited)' }),
  ...fields,
  updated_at: Timestamp,
});
export const BankListQuery = Type.Object({ ...PageQuery.properties });

type Record8 = Record<(typeof fieldNames)[number], string | null>;

/** Masked values: enough to recognise an account, not enough to use it. */
export function mask(d: Record8): Record8 {
  const tail = (s: string | null, keep: number) =>
    s === null ? null : `${'*'.repeat(Math.max(s.length - keep, 0))}${s.slice(-keep)}`;
  return {
    account_holder_name:
      d.account_holder_name === null
        ? null
        : d.account_holder_name
            .split(/\s+/)
            .map((w) => `${w.slice(0, 1)}***`)
            .join(' '),
    bank_name: d.bank_name,
    account_number: tail(d.account_number, 4),
    ifsc_code: d.ifsc_code === null ? null : `${d.ifsc_code.slice(0, 4)}*******`,
    branch_name: d.branch_name,
    upi_id: d.upi_id === null ? null : d.upi_id.replace(/^(.{2})[^@]*/, '$1***'),
    pancard_number: tail(d.pancard_number, 4),
    address: d.address === null ? null : '***',
  };
}

export function createBankService({ database, secrets }: Pick<Deps, 'database' | 'secrets'>) {
  const run = organizationWork(database);
  const record = auditTrail('bank_details');

  async function find(tx: Parameters<Parameters<typeof run>[1]>[0], userId: number) {
    const row = await tx
      .selectFrom('user_bank_details')
      .select(['user_id', 'sealed', 'masked', 'updated_at'])
      .where('user_id', '=', userId)
      .executeTakeFirst();
    if (!row) throw new AppError('not_found', `no bank details for user ${userId} here`);
    return row;
  }
  /** People outside the organization do not exist here (404 before any 403). */
  async function member(
    tx: Parameters<Parameters<typeof run>[1]>[0],
    organizationId: number,
    userId: number,
  ) {
    if (!(await isMember(tx, organizationId, userId)))
      throw new AppError('not_found', `user ${userId} is not a member of this organization`);
  }
  const maskedView = (r: { user_id: number; masked: unknown; updated_at: Date }) => ({
    user: r.user_id,
    masked: true,
    ...(r.masked as Record8),
    updated_at: r.updated_at,
  });
  const fullView = (r: { user_id: number; sealed: string; updated_at: Date }) => ({
    user: r.user_id,
    masked: false,
    ...(JSON.parse(open(secrets.dataKey, r.sealed)) as Record8),
    updated_at: r.updated_at,
  });

  return {
    put: (actor: Actor, input: BankDetailsInput) =>
      run(actor, async (tx, organizationId) => {
        await authorize(tx, actor, 'bank_details.own', []);
        if (!input.account_number && !input.upi_id)
          throw new AppError('validation_failed', 'give an account number (with its IFSC code) or a UPI id', [
            { in: 'body', field: 'account_number', message: 'account_number or upi_id is required' },
          ]);
        if (input.account_number && !input.ifsc_code)
          throw new AppError('validation_failed', 'an account number needs its IFSC code', [
            { in: 'body', field: 'ifsc_code', message: 'required with account_number' },
          ]);
        const full = Object.fromEntries(fieldNames.map((f) => [f, input[f] ?? null])) as Record8;
        const values = {
          sealed: seal(secrets.dataKey, JSON.stringify(full)),
          masked: JSON.stringify(mask(full)),
        };
        const row = await tx
          .insertInto('user_bank_details')
          .values({ organization_id: organizationId, user_id: actor.userId, ...values })
          .onConflict((oc) =>
            oc.columns(['organization_id', 'user_id']).doUpdateSet({ ...values, updated_at: new Date() }),
          )
          .returning(['user_id', 'masked', 'updated_at'])
          .executeTakeFirstOrThrow();
        await record(tx, actor, 'bank_details.set', actor.userId);
        return maskedView(row);
      }),

    remove: (actor: Actor) =>
      run(actor, async (tx) => {
        await authorize(tx, actor, 'bank_details.own', []);
        await find(tx, actor.userId);
        await tx.deleteFrom('user_bank_details').where('user_id', '=', actor.userId).execute();
        await record(tx, actor, 'bank_details.delete', actor.userId);
      }),

    /** Masked: one's own (bank_details.own) or anyone's (bank_details.read). */
    masked: (actor: Actor, userId: number) =>
      run(actor, async (tx, organizationId) => {
        const own = userId === actor.userId;
        if (!own) await member(tx, organizationId, userId);
        await authorize(tx, actor, own ? 'bank_details.own' : 'bank_details.read', []);
        const row = await find(tx, userId);
        if (!own) await record(tx, actor, 'bank_details.read', userId);
        return maskedView(row);
      }),

    /** In full: one's own, or anyone's for finance staff; audited either way. */
    full: (actor: Actor, userId: number) =>
      run(actor, async (tx, organizationId) => {
        const own = userId === actor.userId;
        if (!own) await member(tx, organizationId, userId);
        await authorize(tx, actor, own ? 'bank_details.own' : 'bank_details.read_full', []);
        const row = await find(tx, userId);
        await record(tx, actor, 'bank_details.read_full', userId, { own: userId === actor.userId });
        return fullView(row);
      }),

    list: (actor: Actor, p: PageRequest) =>
      run(actor, async (tx) => {
        await authorize(tx, actor, 'bank_details.read', []);
        const { n } = await tx
          .selectFrom('user_bank_details')
          .select((eb) => eb.fn.countAll<string>().as('n'))
          .executeTakeFirstOrThrow();
        const rows = await tx
          .selectFrom('user_bank_details')
          .select(['user_id', 'masked', 'updated_at'])
          .orderBy('user_id')
          .limit(p.pageSize)
          .offset((p.page - 1) * p.pageSize)
          .execute();
        await record(tx, actor, 'bank_details.list', 0, { users: rows.map((r) => r.user_id) });
        return { count: Number(n), results: rows.map(maskedView) };
      }),
  };
}
