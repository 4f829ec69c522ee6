// A background job's progress bar, polled until the job ends; `onDone` runs once it has.
import { useQuery } from '@tanstack/react-query';
import { useEffect } from 'react';
import { api, call } from '../api/client';
import { Loading } from './ui';

const ENDED = ['succeeded', 'failed', 'cancelled'];

export const jobQuery = (id: number) => ({
  queryKey: ['job', id],
  queryFn: () => call(api.GET('/api/jobs/{id}', { params: { path: { id } } })),
});

export function JobProgress({
  jobId,
  label,
  starting = 'Starting',
  onDone,
}: {
  jobId: number;
  /** Names the bar for screen readers, e.g. "Sync progress of Bucket". */
  label: string;
  starting?: string;
  onDone?: () => void;
}) {
  const job = useQuery({
    ...jobQuery(jobId),
    refetchInterval: (q) => (q.state.data && ENDED.includes(q.state.data.state) ? false : 1000),
  });
  const state = job.data?.state;
  useEffect(() => {
    if (state && ENDED.includes(state)) onDone?.();
  }, [state, onDone]);
  if (!job.data) return <Loading what={starting} />;
  return (
    <span>
      <progress max={100} value={job.data.progress} aria-label={label} /> {job.data.progress}%{' '}
      {job.data.message ? <span className="muted small">{job.data.message}</span> : null}
    </span>
  );
}
