// The orders workflow's shapes and calls (types from the generated OpenAPI schema). The next states an
// order offers come from the API (`allowed_actions`); this file only names and words them.
import { api, call, type Ok } from '../../api/client';
import type { paths } from '../../api/schema';

export type Order = Ok<'/api/orders/{id}', 'get'>;
export type OrderStatus = Order['status'];
export type CreateOrder = paths['/api/orders']['post']['requestBody']['content']['application/json'];

export const STATUSES: OrderStatus[] = [
  'draft',
  'submitted',
  'approved',
  'rejected',
  'in_progress',
  'completed',
  'cancelled',
];

export const statusLabel = (s: string) =>
  s === 'in_progress' ? 'In progress' : s.charAt(0).toUpperCase() + s.slice(1);

export type Action = 'submit' | 'approve' | 'reject' | 'revise' | 'start' | 'complete' | 'cancel';

/** Button wording, and which note each action sends (reject needs a reason). */
export const ACTIONS: Record<
  Action,
  { label: string; note: 'notes' | 'reason' | 'response'; danger?: boolean }
> = {
  submit: { label: 'Submit for review', note: 'notes' },
  approve: { label: 'Approve', note: 'notes' },
  reject: { label: 'Reject', note: 'reason', danger: true },
  revise: { label: 'Revise (back to draft)', note: 'notes' },
  start: { label: 'Start work', note: 'notes' },
  complete: { label: 'Mark completed', note: 'notes' },
  cancel: { label: 'Cancel order', note: 'notes', danger: true },
};

export const isAction = (a: string): a is Action => a in ACTIONS;

export const transition = (id: number, action: Action, note: string) => {
  const field = ACTIONS[action].note;
  const body = note.trim() ? { [field]: note.trim() } : {};
  // One route per action, all with the same body and answer.
  return call(
    api.POST(`/api/orders/{id}/${action}` as '/api/orders/{id}/submit', { params: { path: { id } }, body }),
  );
};

export const money = (amount: string, currency: string) => `${amount} ${currency}`;
