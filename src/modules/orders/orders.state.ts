// The order's life: the one table of which action moves an order from which status to which, and who may ask.
// Everything else (routes, service, tests) reads this table; nothing else decides a transition.

export const orderStatuses = [
  'draft',
  'submitted',
  'approved',
  'rejected',
  'in_progress',
  'completed',
  'cancelled',
] as const;
export type OrderStatus = (typeof orderStatuses)[number];

/** `client`: the person who placed the order (or staff on their behalf); `staff`: orders.manage only. */
export type Party = 'client' | 'staff';

interface Transition {
  from: readonly OrderStatus[];
  to: OrderStatus;
  by: Party;
  summary: string;
}

export const transitions = {
  submit: { from: ['draft'], to: 'submitted', by: 'client', summary: 'send the order to staff for review' },
  approve: {
    from: ['submitted'],
    to: 'approved',
    by: 'staff',
    summary: 'accept the order; its project is created',
  },
  reject: { from: ['submitted'], to: 'rejected', by: 'staff', summary: 'turn the order down with a reason' },
  revise: { from: ['rejected'], to: 'draft', by: 'client', summary: 'reopen a rejected order for editing' },
  start: {
    from: ['approved'],
    to: 'in_progress',
    by: 'staff',
    summary: 'begin the work (needs a signed contract)',
  },
  complete: { from: ['in_progress'], to: 'completed', by: 'staff', summary: 'deliver the order' },
  cancel: {
    from: ['draft', 'submitted', 'rejected', 'approved'],
    to: 'cancelled',
    by: 'client',
    summary: 'call the order off (staff only once it is approved)',
  },
} as const satisfies Record<string, Transition>;

export type OrderAction = keyof typeof transitions;
export const orderActions = Object.keys(transitions) as OrderAction[];

/** Statuses in which the order's fields may still change. */
export const editable: readonly OrderStatus[] = ['draft'];

/** The status `action` leads to from `status`, or the reason it may not happen. */
export function next(status: OrderStatus, action: OrderAction): { to: OrderStatus } | { refused: string } {
  const t: Transition = transitions[action];
  if (t.from.includes(status)) return { to: t.to };
  return {
    refused: `an order that is ${status} cannot be ${pastTense[action]} (only from ${t.from.join(' or ')})`,
  };
}

/** Who may take `action` from `status`: cancelling an approved order is staff's call. */
export function partyFor(action: OrderAction, status: OrderStatus): Party {
  if (action === 'cancel' && status === 'approved') return 'staff';
  return transitions[action].by;
}

const pastTense: Record<OrderAction, string> = {
  submit: 'submitted',
  approve: 'approved',
  reject: 'rejected',
  revise: 'revised',
  start: 'started',
  complete: 'completed',
  cancel: 'cancelled',
};

/** The timestamp column an arrival in `status` sets, if any. */
export const stampOf: Partial<
  Record<OrderStatus, 'submitted_at' | 'approved_at' | 'rejected_at' | 'completed_at' | 'cancelled_at'>
> = {
  submitted: 'submitted_at',
  approved: 'approved_at',
  rejected: 'rejected_at',
  completed: 'completed_at',
  cancelled: 'cancelled_at',
};
