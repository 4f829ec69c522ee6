// Background jobs of the organization with live progress: polled while any is queued or running.
import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { api, call } from '../api/client';
import { useCurrentOrg } from '../session';
import { Empty, ErrorBox, formatDate, Loading, PageHeader, Pager, roleLabel, Select } from '../ui/ui';

const STATES = ['queued', 'running', 'succeeded', 'failed', 'cancelled'] as const;
type State = (typeof STATES)[number];
const PAGE_SIZE = 50;

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
      <ErrorBox error={jobs.error} />
      {jobs.isLoading ? <Loading what="Loading jobs" /> : null}
      {jobs.data?.count === 0 ? (
        <Empty>
          No jobs{state ? ` in state ${state}` : ''}. Imports, exports and conversions appear here.
        </Empty>
      ) : null}
      {jobs.data?.count ? (
        <div className="table-wrap">
          <table>
            <caption className="visually-hidden">Jobs</caption>
            <thead>
              <tr>
                <th scope="col">Job</th>
                <th scope="col">State</th>
                <th scope="col">Progress</th>
                <th scope="col">Started</th>
                <th scope="col">Finished</th>
              </tr>
            </thead>
            <tbody>
              {jobs.data.results.map((j) => (
                <tr key={j.id}>
                  <td>
                    <span className="mono">{j.kind}</span> #{j.id}
                    {j.message ? <div className="muted small">{j.message}</div> : null}
                    {j.error ? <div className="error small">{j.error}</div> : null}
                  </td>
                  <td>
                    <span className={`state state-${j.state}`}>{roleLabel(j.state)}</span>
                  </td>
                  <td>
                    <progress max={100} value={j.progress} aria-label={`Progress of job ${j.id}`} />{' '}
                    {j.progress}%
                  </td>
                  <td>{formatDate(j.started_at)}</td>
                  <td>{formatDate(j.finished_at)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
      {jobs.data ? <Pager page={page} pageSize={PAGE_SIZE} count={jobs.data.count} onPage={setPage} /> : null}
    </>
  );
}
