// An order's contracts: staff attach a file (uploaded here) with its terms; the client signs. The order
// can start only once one is signed.
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useId, useState } from 'react';
import { api, call } from '../../api/client';
import { useCurrentOrg, useMe } from '../../session';
import { ErrorBox, formatDate, Loading, TextArea } from '../../ui/ui';
import type { Order } from './api';
import { usePeople } from './people';

function AttachContract({ order }: { order: Order }) {
  const client = useQueryClient();
  const fileId = useId();
  const [file, setFile] = useState<File | null>(null);
  const [terms, setTerms] = useState('');
  const [formKey, setFormKey] = useState(0);
  const attach = useMutation({
    mutationFn: async () => {
      if (!file) throw new Error('choose the contract file first');
      const form = new FormData();
      form.append('file', file, file.name);
      const stored = await call(
        api.POST('/api/files', { body: form as never, bodySerializer: (b: unknown) => b as FormData }),
      );
      return call(
        api.POST('/api/orders/{id}/contracts', {
          params: { path: { id: order.id } },
          body: { file_id: stored.id, ...(terms.trim() ? { terms_and_conditions: terms.trim() } : {}) },
        }),
      );
    },
    onSuccess: () => {
      setFile(null);
      setTerms('');
      setFormKey((k) => k + 1);
      return client.invalidateQueries({ queryKey: ['order-contracts', order.id] });
    },
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    attach.mutate();
  };
  return (
    <form key={formKey} onSubmit={submit} aria-label="Attach a contract">
      <div className="field">
        <label htmlFor={fileId}>Contract file (PDF or document)</label>
        <input id={fileId} type="file" required onChange={(e) => setFile(e.target.files?.[0] ?? null)} />
      </div>
      <TextArea
        label="Terms and conditions"
        rows={2}
        maxLength={50000}
        value={terms}
        onChange={(e) => setTerms(e.target.value)}
      />
      <ErrorBox error={attach.error} />
      <button type="submit" disabled={attach.isPending}>
        {attach.isPending ? 'Uploading…' : 'Attach contract'}
      </button>
    </form>
  );
}

export function Contracts({ order }: { order: Order }) {
  const client = useQueryClient();
  const { org } = useCurrentOrg();
  const who = usePeople();
  const me = useMe();
  const staff = org?.role === 'owner' || org?.role === 'admin';
  // Only the person who placed the order signs its contracts.
  const isClient = me.data?.id !== undefined && me.data.id === order.created_by;
  const contracts = useQuery({
    queryKey: ['order-contracts', order.id],
    queryFn: () =>
      call(
        api.GET('/api/orders/{id}/contracts', {
          params: { path: { id: order.id }, query: { page_size: 100 } },
        }),
      ),
  });
  const sign = useMutation({
    mutationFn: (contract: number) =>
      call(
        api.POST('/api/orders/{id}/contracts/{contract_id}/sign', {
          params: { path: { id: order.id, contract_id: contract } },
        }),
      ),
    onSuccess: () => client.invalidateQueries({ queryKey: ['order-contracts', order.id] }),
  });
  return (
    <section className="panel" aria-labelledby="order-contracts-h">
      <h2 id="order-contracts-h">Contracts</h2>
      <ErrorBox error={contracts.error ?? sign.error} />
      {contracts.isLoading ? <Loading what="Loading contracts" /> : null}
      {contracts.data?.count === 0 ? <p className="muted">No contract yet.</p> : null}
      {contracts.data?.count ? (
        <ul className="member-list">
          {contracts.data.results.map((c) => (
            <li key={c.id}>
              <span>
                <a href={`/api/files/${c.file}/content`}>Contract #{c.id}</a>{' '}
                <span className="muted small">
                  added {formatDate(c.created_at)} by {who(c.created_by)}
                  {c.terms_and_conditions ? ` · ${c.terms_and_conditions}` : ''}
                </span>
              </span>
              {c.signed_at ? (
                <span className="badge">
                  Signed {formatDate(c.signed_at)} by {who(c.signed_by)}
                </span>
              ) : !isClient ? (
                <span className="muted small">Not signed yet</span>
              ) : (
                <button
                  type="button"
                  className="small"
                  disabled={sign.isPending}
                  onClick={() => sign.mutate(c.id)}
                >
                  Sign contract #{c.id}
                </button>
              )}
            </li>
          ))}
        </ul>
      ) : null}
      {staff && !['completed', 'cancelled'].includes(order.status) ? <AttachContract order={order} /> : null}
    </section>
  );
}
