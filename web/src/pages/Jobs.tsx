// Background jobs of the organization with live progress: polled while any is queued or running.
import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { api, call, type Ok } from '../api/client';
import { useCurrentOrg } from '../session';
import { type Column, PagedTable } from '../ui/PagedTable';
import { formatDate, PageHeader, roleLabel, Select } from '../ui/ui';

const STATES = ['queued', 'running', 'succeeded', 'failed', 'cancelled'] as const;
type State = (typeof STATES)[number];
const PAGE_SIZE = 50;
type Job = Ok<'/api/jobs', 'get'>['results'][number];

const columns: Column<Job>[] = [
  {
    header: 'Job',
    cell: (j) => (
      <>
        <span className="mono">{j.kind}</span> #{j.id}
        {j.message ? <div className="muted small">{j.message}</div> : null}
        {j.error ? <div className="error small">{j.error}</div> : null}
      </>
    ),
  },
  { header: 'State', cell: (j) => <span className={`state state-${j.state}`}>{roleLabel(j.state)}</span> },
  {
    header: 'Progress',
    cell: (j) => (
      <>
        <progress max={100} value={j.progress} aria-label={`Progress of job ${j.id}`} /> {j.progress}%
      </>
    ),
  },
  { header: 'Started', cell: (j) => formatDate(j.started_at) },
  { header: 'Finished', cell: (j) => formatDate(j.finished_at) },
];

export default function Jobs() {
  const { org } = useCurrentOrg();
  const [state, setState] = useState<State | ''>('');
  const [page, setPage] = useState(1);
  const jobs = useQuery({
    queryKey: ['jobs', org?.id, state, page],
    queryFn: () =>
      call(
        api.GET('/api/jobs', {
          params: { query: { page, page_size: PAGE_SIZE, ...(state ? { state } : {}) } },
        }),
      ),
    enabled: Boolean(org),
    placeholderData: (previous) => previous,
    refetchInterval: (query) =>
      query.state.data?.results.some((j) => j.state === 'queued' || j.state === 'running') ? 2000 : 15000,
  });
  return (
    <>
      <PageHeader title="Jobs" />
      <div className="toolbar">
        <Select
          label="State"
          value={state}
          onChange={(e) => {
            setPage(1);
            setState(e.target.value as State | '');
          }}
          options={[{ value: '', label: 'All' }, ...STATES.map((s) => ({ value: s, label: roleLabel(s) }))]}
        />
      </div>
      <PagedTable
        query={jobs}
        caption="Jobs"
        loading="Loading jobs"
        empty={`No jobs${state ? ` in state ${state}` : ''}. Imports, exports and conversions appear here.`}
        rowKey={(j) => j.id}
        columns={columns}
        page={page}
        pageSize={PAGE_SIZE}
        onPage={setPage}
      />
    </>
  );
}
