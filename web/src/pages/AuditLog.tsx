// The organization's audit log (owners and admins), newest first, paged, filtered by action.
import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { api, call, type Ok } from '../api/client';
import { useCurrentOrg } from '../session';
import { type Column, PagedTable } from '../ui/PagedTable';
import { SearchForm } from '../ui/SearchForm';
import { formatDate, PageHeader } from '../ui/ui';

const PAGE_SIZE = 50;
type Entry = Ok<'/api/organizations/{id}/audit-log', 'get'>['results'][number];

const columns: Column<Entry>[] = [
  { header: 'When', cell: (e) => formatDate(e.created_at) },
  { header: 'Who', cell: (e) => e.actor?.username ?? '—' },
  { header: 'Action', cell: (e) => e.action, className: 'mono' },
  { header: 'Target', cell: (e) => (e.target_type ? `${e.target_type} ${e.target_id ?? ''}` : '—') },
  {
    header: 'From',
    cell: (e) => [e.ip, e.auth_method].filter(Boolean).join(' · ') || '—',
    className: 'small',
  },
];

export default function AuditLog() {
  const { org } = useCurrentOrg();
  const [page, setPage] = useState(1);
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
      <SearchForm
        label="Action"
        button="Filter"
        placeholder="e.g. project.member.add"
        onSearch={(text) => {
          setPage(1);
          setApplied(text);
        }}
      />
      <PagedTable
        query={log}
        caption="Audit log"
        loading="Loading the audit log"
        empty={`No entries${applied ? ` for “${applied}”` : ''}.`}
        rowKey={(e) => e.id}
        columns={columns}
        page={page}
        pageSize={PAGE_SIZE}
        onPage={setPage}
      />
    </>
  );
}
