// Currencies, payment rates, payments and the finance duty. Amounts are decimal strings.
import Type from 'typebox';
import { Id, PageQuery, Timestamp } from '../../platform/http/common.schemas.ts';
import { CurrencyCode, Money } from './orders.schemas.ts';

export const Currency = Type.Object({
  code: Type.String(),
  name: Type.String(),
  minor_units: Type.Integer(),
});

/** A rate may carry four decimals (a cent fraction per annotation). */
const RateAmount = Type.String({
  pattern: '^(0|[1-9][0-9]{0,9})(\\.[0-9]{1,4})?$',
  description: 'decimal string, up to 10 digits and 4 decimals',
  examples: ['0.0450'],
});
export const RateUnit = Type.Enum(['task', 'annotation', 'hour']);

export const PaymentRate = Type.Object({
  id: Id,
  organization: Id,
  unit: RateUnit,
  amount: Type.String(),
  currency: Type.String(),
  description: Type.String(),
  created_at: Timestamp,
  updated_at: Timestamp,
});
export const CreateRateBody = Type.Object(
  {
    unit: RateUnit,
    amount: RateAmount,
    currency: CurrencyCode,
    description: Type.Optional(Type.String({ maxLength: 500 })),
  },
  { additionalProperties: false },
);
export const UpdateRateBody = Type.Object(
  { amount: Type.Optional(RateAmount), description: Type.Optional(Type.String({ maxLength: 500 })) },
  { additionalProperties: false, minProperties: 1 },
);

export const PaymentStatus = Type.Enum(['pending', 'completed', 'failed', 'refunded']);
export const PaymentMethod = Type.Enum(['bank_transfer', 'upi', 'card', 'cash', 'other']);

export const Payment = Type.Object({
  id: Id,
  organization: Id,
  user: Type.Union([Id, Type.Null()]),
  order: Type.Union([Id, Type.Null()]),
  direction: Type.Enum(['incoming', 'payout']),
  total_amount: Type.String(),
  currency: Type.String(),
  payment_method: PaymentMethod,
  transaction_id: Type.Union([Type.String(), Type.Null()]),
  status: PaymentStatus,
  recorded_by: Type.Union([Id, Type.Null()]),
  created_at: Timestamp,
  updated_at: Timestamp,
});
const TransactionId = Type.String({ minLength: 1, maxLength: 200 });
export const CreatePaymentBody = Type.Object(
  {
    direction: Type.Enum(['incoming', 'payout']),
    user_id: Type.Optional(Id),
    order_id: Type.Optional(Id),
    total_amount: Money,
    currency: CurrencyCode,
    payment_method: PaymentMethod,
    transaction_id: Type.Optional(TransactionId),
    status: Type.Optional(PaymentStatus),
  },
  { additionalProperties: false },
);
export const UpdatePaymentBody = Type.Object(
  { status: Type.Optional(PaymentStatus), transaction_id: Type.Optional(TransactionId) },
  { additionalProperties: false, minProperties: 1 },
);
export const PaymentListQuery = Type.Object({
  ...PageQuery.properties,
  user: Type.Optional(Id),
  order: Type.Optional(Id),
  status: Type.Optional(PaymentStatus),
});

export const FinanceMember = Type.Object({
  user: Id,
  username: Type.String(),
  email: Type.String(),
  granted_by: Type.Union([Id, Type.Null()]),
  created_at: Timestamp,
});
export const UserParams = Type.Object({ user_id: Id });
