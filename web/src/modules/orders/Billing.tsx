// Payments and billing, read-only: payments in and out (payees see their own), the payment rates, and the
// monthly workspace billing (staff and finance staff). Each list pages; the API's refusal is shown as is.
import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { api, call, type Ok } from '../../api/client';
import { useCurrentOrg } from '../../session';
import { type Column, PagedTable } from '../../ui/PagedTable';
import { Empty, ErrorBox, Field, formatDate, Loading, PageHeader, Select } from '../../ui/ui';
import { money } from './api';
import './orders.css';
import { usePeople } from './people';

const PAGE_SIZE = 25;
type PaymentStatus = 'pending' | 'completed' | 'failed' | 'refunded';
type Payment = Ok<'/api/payments', 'get'>['results'][number];

const paymentColumns = (who: ReturnType<typeof usePeople>): Column<Payment>[] => [
  { header: 'Date', cell: (p) => formatDate(p.created_at) },
  { header: 'Direction', cell: (p) => (p.direction === 'incoming' ? 'Incoming' : 'Payout') },
  { header: 'Amount', cell: (p) => money(p.total_amount, p.currency), className: 'mono' },
  { header: 'Method', cell: (p) => p.payment_method.replace('_', ' ') },
  { header: 'Status', cell: (p) => p.status },
  {
    header: 'Person / order',
    cell: (p) => `${p.user ? who(p.user) : ''}${p.order ? ` order #${p.order}` : ''}`,
  },
  { header: 'Transaction', cell: (p) => p.transaction_id ?? '—', className: 'mono' },
];

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
      <PagedTable
        query={payments}
        caption="Payments"
        loading="Loading payments"
        empty="No payments recorded."
        rowKey={(p) => p.id}
        columns={paymentColumns(who)}
        page={page}
        pageSize={PAGE_SIZE}
        onPage={setPage}
      />
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
      <PagedTable
        query={billing}
        caption="Workspace billing"
        loading="Loading billing"
        empty={`No billing computed${month ? ` for ${month}` : ''}.`}
        rowKey={(b) => `${b.workspace}-${b.month}`}
        columns={[
          { header: 'Month', cell: (b) => b.month },
          { header: 'Workspace', cell: (b) => names.get(b.workspace) ?? `#${b.workspace}` },
          { header: 'Tasks', cell: (b) => b.tasks_count },
          { header: 'Annotations', cell: (b) => b.annotations_count },
          {
            header: 'Cost',
            cell: (b) => (b.currency ? money(b.cost, b.currency) : b.cost),
            className: 'mono',
          },
          { header: 'Computed', cell: (b) => formatDate(b.computed_at) },
        ]}
        page={page}
        pageSize={PAGE_SIZE}
        onPage={setPage}
      />
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
