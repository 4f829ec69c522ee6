// Orders: the organization's orders (staff) or your own, filtered by status and paged; a new order opens.
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { Link, useNavigate } from 'react-router';
import { api, call, type Ok } from '../../api/client';
import { useCurrentOrg } from '../../session';
import { type Column, PagedTable } from '../../ui/PagedTable';
import { formatDate, PageHeader, Select } from '../../ui/ui';
import { type CreateOrder, money, type OrderStatus, STATUSES, statusLabel } from './api';
import { OrderForm } from './OrderForm';
import './orders.css';

const PAGE_SIZE = 25;
type Order = Ok<'/api/orders', 'get'>['results'][number];

const columns: Column<Order>[] = [
  {
    header: 'Order',
    cell: (o) => (
      <>
        <Link to={`/orders/${o.id}`}>{o.project_name}</Link> <span className="muted">#{o.id}</span>
      </>
    ),
  },
  { header: 'Type', cell: (o) => `${o.project_type} · ${o.complexity}` },
  {
    header: 'Status',
    cell: (o) => <span className={`order-status order-${o.status}`}>{statusLabel(o.status)}</span>,
  },
  { header: 'Cost', cell: (o) => money(o.total_cost, o.currency), className: 'mono' },
  { header: 'Created', cell: (o) => formatDate(o.created_at) },
];

export default function Orders() {
  const { org } = useCurrentOrg();
  const client = useQueryClient();
  const navigate = useNavigate();
  const [status, setStatus] = useState<OrderStatus | ''>('');
  const [mine, setMine] = useState(false);
  const [page, setPage] = useState(1);
  const [creating, setCreating] = useState(false);
  const orders = useQuery({
    queryKey: ['orders', org?.id, status, mine, page],
    queryFn: () =>
      call(
        api.GET('/api/orders', {
          params: {
            query: { page, page_size: PAGE_SIZE, ...(status ? { status } : {}), ...(mine ? { mine } : {}) },
          },
        }),
      ),
    enabled: Boolean(org),
    placeholderData: (previous) => previous,
  });
  const create = useMutation({
    mutationFn: (body: CreateOrder) => call(api.POST('/api/orders', { body })),
    onSuccess: async (order) => {
      await client.invalidateQueries({ queryKey: ['orders'] });
      navigate(`/orders/${order.id}`);
    },
  });
  return (
    <>
      <PageHeader title="Orders">
        {!creating ? (
          <button type="button" className="primary" onClick={() => setCreating(true)}>
            New order
          </button>
        ) : null}
      </PageHeader>
      <p className="muted">
        A client orders a labeling project; staff review it, approve it (its project is created), and run it
        once a contract is signed.
      </p>
      {creating ? (
        <OrderForm
          pending={create.isPending}
          error={create.error}
          onSubmit={(body) => create.mutate(body)}
          onCancel={() => setCreating(false)}
        />
      ) : null}
      <div className="toolbar">
        <Select
          label="Status"
          value={status}
          onChange={(e) => {
            setPage(1);
            setStatus(e.target.value as OrderStatus | '');
          }}
          options={[
            { value: '', label: 'All' },
            ...STATUSES.map((s) => ({ value: s, label: statusLabel(s) })),
          ]}
        />
        <label className="check">
          <input
            type="checkbox"
            checked={mine}
            onChange={(e) => {
              setPage(1);
              setMine(e.target.checked);
            }}
          />{' '}
          Only orders I placed
        </label>
      </div>
      <PagedTable
        query={orders}
        caption="Orders"
        loading="Loading orders"
        empty={`No orders${status ? ` with status ${statusLabel(status)}` : ''}.`}
        rowKey={(o) => o.id}
        columns={columns}
        page={page}
        pageSize={PAGE_SIZE}
        onPage={setPage}
      />
    </>
  );
}
