// The project's onboarding steps as a checklist above the labeling tabs: each step links to the screen where
// it is done, and ticks itself when the project does it (the server's triggers); managers may tick or untick a
// step by hand, or all at once. Folded away once every step is done.
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { Link } from 'react-router';
import { api, call } from '../../api/client';
import { ErrorBox } from '../../ui/ui';
import { type AnnotationProject, canManage } from './api';

/** Label Studio's step links, as addresses of these screens. */
const target = (projectId: number, link: string | null): string | null => {
  const base = `/projects/${projectId}/labeling`;
  switch (link) {
    case 'import':
      return `${base}/import`;
    case 'settings':
      return `${base}/setup`;
    case 'label':
      return `${base}/label`;
    case 'members':
      return `/projects/${projectId}`;
    default:
      return link?.startsWith('/') ? link : null;
  }
};

export function Onboarding({ project }: { project: AnnotationProject }) {
  const client = useQueryClient();
  const key = ['onboarding', project.id];
  const [wanted, setWanted] = useState<{ step: string; finished: boolean } | null>(null);
  const steps = useQuery({
    queryKey: key,
    queryFn: () => call(api.GET('/api/projects/{id}/onboarding', { params: { path: { id: project.id } } })),
  });
  const mark = useMutation({
    mutationFn: (body: { step?: string; finished: boolean }) =>
      call(api.PATCH('/api/projects/{id}/onboarding', { params: { path: { id: project.id } }, body })),
    onSuccess: (answer) => client.setQueryData(key, answer),
  });
  if (!steps.data) return <ErrorBox error={steps.error} />;
  const manage = canManage(project);
  const done = steps.data.steps.filter((s) => s.finished).length;
  return (
    <details className="panel onboarding" open={!steps.data.finished}>
      <summary>
        Getting started: {done} of {steps.data.steps.length} steps done
      </summary>
      <ErrorBox error={mark.error} />
      <ol className="onboarding-steps">
        {steps.data.steps.map((s) => {
          const to = target(project.id, s.link);
          return (
            <li key={s.id} className={s.finished ? 'done' : undefined}>
              <label className="check">
                <input
                  type="checkbox"
                  checked={wanted?.step === s.code ? wanted.finished : s.finished}
                  disabled={!manage || mark.isPending}
                  onChange={(e) => {
                    const change = { step: s.code, finished: e.target.checked };
                    setWanted(change); // at once: the mutation's own state reaches React a tick later
                    mark.mutate(change, { onSettled: () => setWanted(null) });
                  }}
                />{' '}
                <strong>{s.title}</strong>
              </label>
              <span className="muted small">{s.description}</span>
              {to ? (
                <Link to={to} className="small">
                  Go<span className="visually-hidden"> to {s.title.toLowerCase()}</span>
                </Link>
              ) : null}
            </li>
          );
        })}
      </ol>
      {manage ? (
        <button
          type="button"
          className="small"
          disabled={mark.isPending}
          onClick={() => mark.mutate({ finished: !steps.data.finished })}
        >
          {steps.data.finished ? 'Start the checklist over' : 'Mark every step done'}
        </button>
      ) : null}
    </details>
  );
}
