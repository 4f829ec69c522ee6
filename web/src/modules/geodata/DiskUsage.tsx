// Disk usage (`/disk-usage`): the latest snapshot, the organization's total and every member's (owners and
// admins) or your own; owners and admins take a new snapshot (a job, followed) and page the history.
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { api, call, type Ok } from '../../api/client';
import { formatBytes } from '../../api/transfer';
import { useCurrentOrg } from '../../session';
import { JobProgress } from '../../ui/JobProgress';
import { type Column, PagedTable, useFilters } from '../../ui/PagedTable';
import { ErrorBox, formatDate, PageHeader } from '../../ui/ui';

const PAGE_SIZE = 50;
type Row = Ok<'/api/disk-usage', 'get'>['results'][number];

const columns = (history: boolean): Column<Row>[] => [
  history
    ? { header: 'Taken', cell: (r) => formatDate(r.recorded_at) }
    : { header: 'Member', cell: (r) => r.email ?? `user #${r.user_id}` },
  { header: 'Size', cell: (r) => formatBytes(r.total_bytes), className: 'mono' },
  { header: 'Files', cell: (r) => r.file_count },
];

export default function DiskUsage() {
  const { org } = useCurrentOrg();
  const client = useQueryClient();
  const admin = org?.role === 'owner' || org?.role === 'admin';
  const { filters, setFilter, page, setPage } = useFilters({ history: false });
  const [job, setJob] = useState<number | null>(null);
  const usage = useQuery({
    queryKey: ['disk-usage', org?.id, filters, page],
    queryFn: () =>
      call(
        api.GET('/api/disk-usage', {
          params: { query: { page, page_size: PAGE_SIZE, ...(filters.history ? { history: true } : {}) } },
        }),
      ),
    enabled: Boolean(org),
    placeholderData: (previous) => previous,
  });
  const refresh = useMutation({
    mutationFn: () => call(api.POST('/api/disk-usage/refresh')),
    onSuccess: (answer) => setJob(answer.job_id),
  });
  const total = usage.data?.organization;
  return (
    <>
      <PageHeader title="Disk usage">
        {admin ? (
          <button type="button" disabled={refresh.isPending || job !== null} onClick={() => refresh.mutate()}>
            Refresh now
          </button>
        ) : null}
      </PageHeader>
      <ErrorBox error={refresh.error} />
      {job !== null ? (
        <p>
          <JobProgress
            jobId={job}
            label="Disk usage snapshot"
            starting="Taking a snapshot"
            onDone={() => {
              setJob(null);
              void client.invalidateQueries({ queryKey: ['disk-usage'] });
            }}
          />
        </p>
      ) : null}
      {usage.data ? (
        <p role="status">
          {usage.data.recorded_at
            ? `Snapshot of ${formatDate(usage.data.recorded_at)}`
            : 'No snapshot taken yet.'}
          {total ? ` · organization: ${formatBytes(total.total_bytes)} in ${total.file_count} files` : ''}
        </p>
      ) : null}
      {admin ? (
        <label className="check">
          <input
            type="checkbox"
            checked={filters.history}
            onChange={(e) => setFilter({ history: e.target.checked })}
          />{' '}
          The organization's history
        </label>
      ) : null}
      <PagedTable
        query={usage}
        caption={filters.history ? 'Disk usage history' : 'Disk usage by member'}
        loading="Loading disk usage"
        empty="Nothing recorded yet."
        rowKey={(r) => `${r.user_id}-${r.recorded_at}`}
        columns={columns(filters.history)}
        page={page}
        pageSize={PAGE_SIZE}
        onPage={setPage}
      />
    </>
  );
}
