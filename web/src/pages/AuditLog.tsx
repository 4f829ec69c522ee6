// The organization's audit log (owners and admins), newest first, paged, filtered by action.
import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { api, call } from '../api/client';
import { useCurrentOrg } from '../session';
import { Empty, ErrorBox, Field, formatDate, Loading, PageHeader, Pager } from '../ui/ui';

const PAGE_SIZE = 50;

export default function AuditLog() {
  const { org } = useCurrentOrg();
  const [page, setPage] = useState(1);
  const [action, setAction] = useState('');
  const [applied, setApplied] = useState('');
  const log = useQuery({
    queryKey: ['audit-log', org?.id, applied, page],
    queryFn: () =>
      call(
        api.GET('/api/organizations/{id}/audit-log', {
          params: {
            path: { id: org!.id },
            query: { page, page_size: PAGE_SIZE, ...(applied ? { action: applied } : {}) },
          },
        }),
      ),
    enabled: Boolean(org),
    placeholderData: (previous) => previous,
  });
  return (
    <>
      <PageHeader title="Audit log" />
      <search>
        <form
          className="toolbar"
          onSubmit={(e) => {
            e.preventDefault();
            setPage(1);
            setApplied(action.trim());
          }}
        >
          <Field
            label="Action"
            placeholder="e.g. project.member.add"
            value={action}
            onChange={(e) => setAction(e.target.value)}
          />
          <button type="submit">Filter</button>
        </form>
      </search>
      <ErrorBox error={log.error} />
      {log.isLoading ? <Loading what="Loading the audit log" /> : null}
      {log.data?.count === 0 ? <Empty>No entries{applied ? ` for “${applied}”` : ''}.</Empty> : null}
      {log.data?.count ? (
        <div className="table-wrap">
          <table>
            <caption className="visually-hidden">Audit log</caption>
            <thead>
              <tr>
                <th scope="col">When</th>
                <th scope="col">Who</th>
                <th scope="col">Action</th>
                <th scope="col">Target</th>
                <th scope="col">From</th>
              </tr>
            </thead>
            <tbody>
              {log.data.results.map((e) => (
                <tr key={e.id}>
                  <td>{formatDate(e.created_at)}</td>
                  <td>{e.actor?.username ?? '—'}</td>
                  <td className="mono">{e.action}</td>
                  <td>{e.target_type ? `${e.target_type} ${e.target_id ?? ''}` : '—'}</td>
                  <td className="small">{[e.ip, e.auth_method].filter(Boolean).join(' · ') || '—'}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
      {log.data ? <Pager page={page} pageSize={PAGE_SIZE} count={log.data.count} onPage={setPage} /> : null}
    </>
  );
}
