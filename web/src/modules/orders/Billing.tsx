// Payments and billing, read-only: payments in and out (payees see their own), the payment rates, and the
// monthly workspace billing (staff and finance staff). Each list pages; the API's refusal is shown as is.
import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { api, call } from '../../api/client';
import { useCurrentOrg } from '../../session';
import { Empty, ErrorBox, Field, formatDate, Loading, PageHeader, Pager, Select } from '../../ui/ui';
import { money } from './api';
import './orders.css';
import { usePeople } from './people';

const PAGE_SIZE = 25;
type PaymentStatus = 'pending' | 'completed' | 'failed' | 'refunded';

function Payments() {
  const { org } = useCurrentOrg();
  const who = usePeople();
  const [status, setStatus] = useState<PaymentStatus | ''>('');
  const [page, setPage] = useState(1);
  const payments = useQuery({
    queryKey: ['payments', org?.id, status, page],
    queryFn: () =>
      call(
        api.GET('/api/payments', {
          params: { query: { page, page_size: PAGE_SIZE, ...(status ? { status } : {}) } },
        }),
      ),
    enabled: Boolean(org),
    placeholderData: (previous) => previous,
  });
  return (
    <section className="panel" aria-labelledby="payments-h">
      <h2 id="payments-h">Payments</h2>
      <div className="toolbar">
        <Select
          label="Payment status"
          value={status}
          onChange={(e) => {
            setPage(1);
            setStatus(e.target.value as PaymentStatus | '');
          }}
          options={[
            { value: '', label: 'All' },
            { value: 'pending', label: 'Pending' },
            { value: 'completed', label: 'Completed' },
            { value: 'failed', label: 'Failed' },
            { value: 'refunded', label: 'Refunded' },
          ]}
        />
      </div>
      <ErrorBox error={payments.error} />
      {payments.isLoading ? <Loading what="Loading payments" /> : null}
      {payments.data?.count === 0 ? <Empty>No payments recorded.</Empty> : null}
      {payments.data?.count ? (
        <div className="table-wrap">
          <table>
            <caption className="visually-hidden">Payments</caption>
            <thead>
              <tr>
                <th scope="col">Date</th>
                <th scope="col">Direction</th>
                <th scope="col">Amount</th>
                <th scope="col">Method</th>
                <th scope="col">Status</th>
                <th scope="col">Person / order</th>
                <th scope="col">Transaction</th>
              </tr>
            </thead>
            <tbody>
              {payments.data.results.map((p) => (
                <tr key={p.id}>
                  <td>{formatDate(p.created_at)}</td>
                  <td>{p.direction === 'incoming' ? 'Incoming' : 'Payout'}</td>
                  <td className="mono">{money(p.total_amount, p.currency)}</td>
                  <td>{p.payment_method.replace('_', ' ')}</td>
                  <td>{p.status}</td>
                  <td>
                    {p.user ? who(p.user) : ''}
                    {p.order ? ` order #${p.order}` : ''}
                  </td>
                  <td className="mono">{p.transaction_id ?? '—'}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
      {payments.data ? (
        <Pager page={page} pageSize={PAGE_SIZE} count={payments.data.count} onPage={setPage} />
      ) : null}
    </section>
  );
}

function Rates() {
  const { org } = useCurrentOrg();
  const rates = useQuery({
    queryKey: ['payment-rates', org?.id],
    queryFn: () => call(api.GET('/api/payment-rates', { params: { query: { page_size: 100 } } })),
    enabled: Boolean(org),
  });
  return (
    <section className="panel" aria-labelledby="rates-h">
      <h2 id="rates-h">Payment rates</h2>
      <ErrorBox error={rates.error} />
      {rates.isLoading ? <Loading what="Loading rates" /> : null}
      {rates.data?.count === 0 ? <Empty>No payment rates set.</Empty> : null}
      {rates.data?.count ? (
        <ul className="member-list">
          {rates.data.results.map((r) => (
            <li key={r.id}>
              <span>
                {money(r.amount, r.currency)} per {r.unit}
                {r.description ? <span className="muted small"> · {r.description}</span> : null}
              </span>
            </li>
          ))}
        </ul>
      ) : null}
    </section>
  );
}

function WorkspaceBilling() {
  const { org } = useCurrentOrg();
  const [month, setMonth] = useState('');
  const [page, setPage] = useState(1);
  const workspaces = useQuery({
    queryKey: ['workspaces-all', org?.id],
    queryFn: () => call(api.GET('/api/workspaces', { params: { query: { page_size: 1000 } } })),
    enabled: Boolean(org),
  });
  const billing = useQuery({
    queryKey: ['billing', org?.id, month, page],
    queryFn: () =>
      call(
        api.GET('/api/billing/workspaces', {
          params: { query: { page, page_size: PAGE_SIZE, ...(month ? { month } : {}) } },
        }),
      ),
    enabled: Boolean(org),
    placeholderData: (previous) => previous,
  });
  const names = new Map((workspaces.data?.results ?? []).map((w) => [w.id, w.title]));
  return (
    <section className="panel" aria-labelledby="billing-h">
      <h2 id="billing-h">Workspace billing</h2>
      <p className="muted small">
        Tasks and annotations created each month in a workspace's projects, times the task and annotation
        rates.
      </p>
      <div className="toolbar">
        <Field
          label="Month"
          type="month"
          value={month}
          onChange={(e) => {
            setPage(1);
            setMonth(e.target.value);
          }}
        />
      </div>
      <ErrorBox error={billing.error} />
      {billing.isLoading ? <Loading what="Loading billing" /> : null}
      {billing.data?.count === 0 ? <Empty>No billing computed{month ? ` for ${month}` : ''}.</Empty> : null}
      {billing.data?.count ? (
        <div className="table-wrap">
          <table>
            <caption className="visually-hidden">Workspace billing</caption>
            <thead>
              <tr>
                <th scope="col">Month</th>
                <th scope="col">Workspace</th>
                <th scope="col">Tasks</th>
                <th scope="col">Annotations</th>
                <th scope="col">Cost</th>
                <th scope="col">Computed</th>
              </tr>
            </thead>
            <tbody>
              {billing.data.results.map((b) => (
                <tr key={`${b.workspace}-${b.month}`}>
                  <td>{b.month}</td>
                  <td>{names.get(b.workspace) ?? `#${b.workspace}`}</td>
                  <td>{b.tasks_count}</td>
                  <td>{b.annotations_count}</td>
                  <td className="mono">{b.currency ? money(b.cost, b.currency) : b.cost}</td>
                  <td>{formatDate(b.computed_at)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
      {billing.data ? (
        <Pager page={page} pageSize={PAGE_SIZE} count={billing.data.count} onPage={setPage} />
      ) : null}
    </section>
  );
}

export default function Billing() {
  return (
    <>
      <PageHeader title="Payments and billing" />
      <Payments />
      <div className="grid-2">
        <WorkspaceBilling />
        <Rates />
      </div>
    </>
  );
}
