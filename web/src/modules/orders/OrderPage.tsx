// One order: its fields, the transitions the API allows the caller next (as buttons, with a note or the
// rejection reason), the submissions history and the contracts.
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { Link, useParams } from 'react-router';
import { api, call } from '../../api/client';
import { Facts } from '../../ui/Facts';
import { ErrorBox, formatDate, Loading, PageHeader, TextArea } from '../../ui/ui';
import {
  ACTIONS,
  type Action,
  type CreateOrder,
  isAction,
  money,
  type Order,
  statusLabel,
  transition,
} from './api';
import { Contracts } from './Contracts';
import { OrderForm } from './OrderForm';
import './orders.css';
import { usePeople } from './people';

function Transitions({ order }: { order: Order }) {
  const client = useQueryClient();
  const [note, setNote] = useState('');
  const act = useMutation({
    mutationFn: (action: Action) => transition(order.id, action, note),
    onSuccess: (next) => {
      setNote('');
      client.setQueryData(['order', order.id], next);
      return client.invalidateQueries({ queryKey: ['orders'] });
    },
    onSettled: () => client.invalidateQueries({ queryKey: ['order-submissions', order.id] }),
  });
  const actions = order.allowed_actions.filter(isAction);
  if (!actions.length)
    return (
      <p className="muted">
        Nothing more to do with this order{order.status === 'completed' ? ': it is delivered' : ''}.
      </p>
    );
  return (
    <section className="panel" aria-labelledby="order-next-h">
      <h2 id="order-next-h">Next step</h2>
      <TextArea
        label={actions.includes('reject') ? 'Note (required as the reason to reject)' : 'Note (optional)'}
        rows={2}
        maxLength={10000}
        value={note}
        onChange={(e) => setNote(e.target.value)}
      />
      <ErrorBox error={act.error} />
      <div className="actions">
        {actions.map((a) => (
          <button
            key={a}
            type="button"
            className={ACTIONS[a].danger ? 'danger' : 'primary'}
            disabled={act.isPending}
            onClick={() => act.mutate(a)}
          >
            {ACTIONS[a].label}
          </button>
        ))}
      </div>
    </section>
  );
}

function Submissions({ order }: { order: Order }) {
  const who = usePeople();
  const subs = useQuery({
    queryKey: ['order-submissions', order.id],
    queryFn: () =>
      call(
        api.GET('/api/orders/{id}/submissions', {
          params: { path: { id: order.id }, query: { page_size: 100 } },
        }),
      ),
  });
  return (
    <section className="panel" aria-labelledby="order-subs-h">
      <h2 id="order-subs-h">Submissions</h2>
      <ErrorBox error={subs.error} />
      {subs.isLoading ? <Loading what="Loading submissions" /> : null}
      {subs.data?.count === 0 ? <p className="muted">Not submitted yet.</p> : null}
      {subs.data?.count ? (
        <ol className="order-history">
          {subs.data.results.map((s) => (
            <li key={s.id}>
              <strong>{formatDate(s.submitted_at)}</strong> by {who(s.submitted_by)} ·{' '}
              <span className={`order-status order-${s.submission_status}`}>
                {statusLabel(s.submission_status)}
              </span>
              {s.submission_notes ? <p>{s.submission_notes}</p> : null}
              {s.responded_at ? (
                <p className="muted small">
                  Answered {formatDate(s.responded_at)} by {who(s.responded_by)}
                  {s.approval_notes ? `: ${s.approval_notes}` : ''}
                  {s.rejection_reason ? `: ${s.rejection_reason}` : ''}
                  {s.admin_response ? ` (${s.admin_response})` : ''}
                </p>
              ) : null}
            </li>
          ))}
        </ol>
      ) : null}
    </section>
  );
}

function Details({ order }: { order: Order }) {
  const who = usePeople();
  const client = useQueryClient();
  const [editing, setEditing] = useState(false);
  const save = useMutation({
    mutationFn: (body: CreateOrder) =>
      call(api.PATCH('/api/orders/{id}', { params: { path: { id: order.id } }, body })),
    onSuccess: (next) => {
      setEditing(false);
      client.setQueryData(['order', order.id], next);
      return client.invalidateQueries({ queryKey: ['orders'] });
    },
  });
  if (editing)
    return (
      <OrderForm
        initial={order}
        pending={save.isPending}
        error={save.error}
        onSubmit={(body) => save.mutate(body)}
        onCancel={() => setEditing(false)}
      />
    );
  const dp = order.data_production;
  const rows: [string, string][] = [
    ['Type', order.project_type],
    ['Complexity', order.complexity],
    ['Timeline', order.timeline || '—'],
    ['Total cost', money(order.total_cost, order.currency)],
    ['Placed by', who(order.created_by)],
    ['Created', formatDate(order.created_at)],
    ['Submitted', formatDate(order.submitted_at)],
    ['Approved', formatDate(order.approved_at)],
    ['Data collection', dp.data_collection_required ? 'required' : 'not required'],
    ['Estimated volume', dp.estimated_data_volume == null ? '—' : String(dp.estimated_data_volume)],
    ['Annotation type', dp.annotation_type ?? '—'],
  ];
  return (
    <section className="panel" aria-labelledby="order-details-h">
      <h2 id="order-details-h">Details</h2>
      <Facts rows={rows} className="order-details" />
      {order.additional_notes ? <p>{order.additional_notes}</p> : null}
      {order.status === 'draft' && order.allowed_actions.includes('submit') ? (
        <button type="button" onClick={() => setEditing(true)}>
          Edit order
        </button>
      ) : null}
      {order.project ? (
        <p>
          Project: <Link to={`/projects/${order.project}`}>open the order's project</Link>
        </p>
      ) : null}
    </section>
  );
}

export default function OrderPage() {
  const id = Number(useParams().id);
  const valid = Number.isInteger(id) && id > 0;
  const order = useQuery({
    queryKey: ['order', id],
    queryFn: () => call(api.GET('/api/orders/{id}', { params: { path: { id } } })),
    enabled: valid,
  });
  if (!valid) return <ErrorBox error={new Error('This is not an order address.')} />;
  return (
    <>
      <p className="breadcrumb">
        <Link to="/orders">Orders</Link>
      </p>
      {order.isLoading ? <Loading what="Loading the order" /> : null}
      <ErrorBox error={order.error} />
      {order.data ? (
        <>
          <PageHeader title={order.data.project_name}>
            <span className={`order-status order-${order.data.status}`}>
              <span className="visually-hidden">Status: </span>
              {statusLabel(order.data.status)}
            </span>
          </PageHeader>
          <div className="grid-2">
            <Details order={order.data} />
            <div>
              <Transitions order={order.data} />
              <Submissions order={order.data} />
            </div>
          </div>
          <Contracts order={order.data} />
        </>
      ) : null}
    </>
  );
}
