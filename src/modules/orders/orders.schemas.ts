// Orders, their submissions and contracts. Money travels as decimal strings ("1250.00"), never as numbers.
import Type from 'typebox';
import { Id, NullableTimestamp, PageQuery, Timestamp } from '../../platform/http/common.schemas.ts';
import { orderActions, orderStatuses } from './orders.state.ts';

/** A non-negative amount with at most two decimals, as a string (JSON numbers would round through floats). */
export const Money = Type.String({
  pattern: '^(0|[1-9][0-9]{0,11})(\\.[0-9]{1,2})?$',
  description: 'decimal string, up to 12 digits and 2 decimals',
  examples: ['1250.00'],
});
export const CurrencyCode = Type.String({ pattern: '^[A-Z]{3}$', description: 'ISO 4217 code, e.g. USD' });
const Text = (max: number) => Type.String({ maxLength: max });
const NullableText = (max: number) => Type.Union([Type.String({ maxLength: max }), Type.Null()]);
const Count = Type.Union([Type.Integer({ minimum: 0, maximum: 2_000_000_000 }), Type.Null()]);

export const Status = Type.Enum([...orderStatuses]);
export const Complexity = Type.Enum(['low', 'medium', 'high']);

export const DataProduction = Type.Object(
  {
    data_collection_required: Type.Boolean(),
    estimated_data_volume: Count,
    data_format: NullableText(100),
    data_type: NullableText(100),
    annotation_type: NullableText(100),
    total_annotations: Count,
    quality_metrics: NullableText(5000),
  },
  { additionalProperties: false },
);

export const Order = Type.Object({
  id: Id,
  organization: Id,
  created_by: Type.Union([Id, Type.Null()]),
  project_name: Type.String(),
  project_type: Type.String(),
  complexity: Complexity,
  timeline: Type.String(),
  additional_notes: Type.String(),
  currency: Type.String(),
  total_cost: Type.String(),
  status: Status,
  is_submitted: Type.Boolean(),
  data_production: DataProduction,
  project: Type.Union([Id, Type.Null()]),
  allowed_actions: Type.Array(Type.String(), { description: 'what the caller may do next' }),
  submitted_at: NullableTimestamp,
  approved_at: NullableTimestamp,
  rejected_at: NullableTimestamp,
  completed_at: NullableTimestamp,
  cancelled_at: NullableTimestamp,
  created_at: Timestamp,
  updated_at: Timestamp,
});

const orderFields = {
  project_name: Type.String({ minLength: 1, maxLength: 200 }),
  project_type: Type.String({ minLength: 1, maxLength: 100 }),
  complexity: Complexity,
  timeline: Type.Optional(Text(200)),
  additional_notes: Type.Optional(Text(10000)),
  currency: CurrencyCode,
  total_cost: Type.Optional(Money),
  data_production: Type.Optional(Type.Partial(DataProduction)),
};
export const CreateOrderBody = Type.Object(orderFields, { additionalProperties: false });
export const UpdateOrderBody = Type.Partial(Type.Object(orderFields, { additionalProperties: false }), {
  additionalProperties: false,
  minProperties: 1,
});

export const OrderListQuery = Type.Object({
  ...PageQuery.properties,
  status: Type.Optional(Status),
  mine: Type.Optional(Type.Boolean({ description: 'only orders I placed (staff see all otherwise)' })),
});

export const TransitionBody = Type.Object(
  {
    notes: Type.Optional(Text(10000)),
    reason: Type.Optional(Type.String({ minLength: 1, maxLength: 10000 })),
    response: Type.Optional(Text(10000)),
    workspace_id: Type.Optional(Id),
  },
  { additionalProperties: false },
);
export const ActionParams = Type.Object({ id: Id, action: Type.Enum([...orderActions]) });

export const Submission = Type.Object({
  id: Id,
  order: Id,
  submitted_by: Type.Union([Id, Type.Null()]),
  submitted_at: Timestamp,
  submission_notes: Type.String(),
  submission_status: Type.String(),
  admin_response: Type.Union([Type.String(), Type.Null()]),
  approval_notes: Type.Union([Type.String(), Type.Null()]),
  rejection_reason: Type.Union([Type.String(), Type.Null()]),
  responded_by: Type.Union([Id, Type.Null()]),
  responded_at: NullableTimestamp,
});

export const Contract = Type.Object({
  id: Id,
  order: Id,
  file: Id,
  terms_and_conditions: Type.String(),
  created_by: Type.Union([Id, Type.Null()]),
  signed_by: Type.Union([Id, Type.Null()]),
  signed_at: NullableTimestamp,
  created_at: Timestamp,
  updated_at: Timestamp,
});
export const CreateContractBody = Type.Object(
  { file_id: Id, terms_and_conditions: Type.Optional(Text(50000)) },
  { additionalProperties: false },
);
export const ContractParams = Type.Object({ id: Id, contract_id: Id });
