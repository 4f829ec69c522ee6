// Labeling and review. Without `?task=` it is Label Studio's label stream: the next task by the project's
// sampling (GET /next), submit or skip, then the next one. With `?task=<id>` it opens that task with its
// annotations and predictions to review: a changed annotation is PATCHed, a new one POSTed.
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useRef, useState } from 'react';
import { Link, useOutletContext, useSearchParams } from 'react-router';
import { ApiError, api, call } from '../../api/client';
import { useMe } from '../../session';
import { Empty, ErrorBox, Loading } from '../../ui/ui';
import type { Task } from './api';
import { LabelStudioView } from './LabelStudioView';
import type { ProjectContext } from './Layout';

export default function Label() {
  const { project } = useOutletContext<ProjectContext>();
  const [params, setParams] = useSearchParams();
  const reviewId = Number(params.get('task')) || null;
  const me = useMe();
  const client = useQueryClient();
  const started = useRef(Date.now());
  const [notice, setNotice] = useState<string | null>(null);

  const task = useQuery({
    queryKey: reviewId ? ['task', reviewId] : ['next-task', project.id],
    queryFn: async (): Promise<Task | null> => {
      started.current = Date.now();
      if (reviewId) return call(api.GET('/api/tasks/{id}', { params: { path: { id: reviewId } } }));
      try {
        const next = await call(api.GET('/api/projects/{id}/next', { params: { path: { id: project.id } } }));
        // The stream starts a fresh annotation; earlier ones by others stay out of the way.
        return { ...next, annotations: [] };
      } catch (err) {
        if (err instanceof ApiError && err.status === 404) return null;
        throw err;
      }
    },
    staleTime: Number.POSITIVE_INFINITY,
    gcTime: 0,
  });

  const done = (message: string) => {
    setNotice(message);
    client.invalidateQueries({ queryKey: ['project', project.id] });
    client.invalidateQueries({ queryKey: ['dm-tasks', project.id] });
    return client.invalidateQueries({ queryKey: reviewId ? ['task', reviewId] : ['next-task', project.id] });
  };
  const leadTime = () => (Date.now() - started.current) / 1000;

  const submit = useMutation({
    mutationFn: ({ id, result, skip }: { id: number; result: unknown[]; skip?: boolean }) =>
      call(
        api.POST('/api/tasks/{id}/annotations', {
          params: { path: { id } },
          body: { result: result as never, lead_time: leadTime(), ...(skip ? { was_cancelled: true } : {}) },
        }),
      ),
    onSuccess: (a, v) => done(v.skip ? `Task ${v.id} skipped.` : `Annotation ${a.id} saved on task ${v.id}.`),
  });
  const update = useMutation({
    mutationFn: ({ id, result }: { id: number; result: unknown[] }) =>
      call(
        api.PATCH('/api/annotations/{id}', {
          params: { path: { id } },
          body: { result: result as never, lead_time: leadTime() },
        }),
      ),
    onSuccess: (a) => done(`Annotation ${a.id} updated.`),
  });

  if (!project.label_config || !project.config_has_control_tags)
    return (
      <Empty>
        This project has no labeling setup yet. <Link to="../setup">Write a label config</Link> first.
      </Empty>
    );
  const current = task.data;
  return (
    <section aria-labelledby="label-h" className="ann-label">
      <div className="toolbar">
        <h2 id="label-h">{reviewId ? `Review task ${reviewId}` : 'Label'}</h2>
        {current ? (
          <span className="muted">
            Task {current.id}
            {current.predictions?.length ? ` · ${current.predictions.length} prediction(s) shown` : ''}
            {current.annotations?.length ? ` · ${current.annotations.length} annotation(s)` : ''}
          </span>
        ) : null}
        <span className="spacer" />
        {reviewId ? (
          <button type="button" onClick={() => setParams({})}>
            Label the next task instead
          </button>
        ) : null}
        <Link to="..">Back to the data</Link>
      </div>
      {project.show_instruction && project.expert_instruction ? (
        <details className="panel" open>
          <summary>Instructions</summary>
          <p className="pre-wrap">{project.expert_instruction}</p>
        </details>
      ) : null}
      {notice ? (
        <p className="notice" role="status">
          {notice}
        </p>
      ) : null}
      <ErrorBox error={task.error ?? submit.error ?? update.error ?? me.error} />
      {task.isLoading ? <Loading what="Finding a task to label" /> : null}
      {task.data === null ? (
        <Empty>
          No more tasks to label in this project. <Link to="../import">Import more</Link> or{' '}
          <Link to="..">review the data</Link>.
        </Empty>
      ) : null}
      {current && me.data ? (
        <LabelStudioView
          key={`${current.id}-${task.dataUpdatedAt}`}
          config={project.label_config}
          task={current}
          user={{ id: me.data.id, username: me.data.username }}
          mode="label"
          showSkip={project.show_skip_button && !reviewId}
          onSubmit={(result) => submit.mutate({ id: current.id, result })}
          onUpdate={(id, result) => update.mutate({ id, result })}
          onSkip={() => submit.mutate({ id: current.id, result: [], skip: true })}
        />
      ) : null}
    </section>
  );
}
