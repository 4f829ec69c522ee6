// One ML backend: its state, health check, model versions, the interactive switch, train, predictions for
// all tasks (a job whose progress is followed) and its recent prediction and train jobs.
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { api, call } from '../../api/client';
import { ErrorBox, formatDate, Loading } from '../../ui/ui';
import { backendsKey, bodyOf, draftOf, type MlBackend, running } from './api';
import { BackendForm } from './BackendForm';

const stateClass = (state: string) =>
  state === 'CO' ? 'state state-succeeded' : state === 'ER' ? 'state state-failed' : 'state';

function PredictionJobs({ backend }: { backend: MlBackend }) {
  const jobs = useQuery({
    queryKey: ['ml-prediction-jobs', backend.id],
    queryFn: () => call(api.GET('/api/ml/{id}/prediction-jobs', { params: { path: { id: backend.id } } })),
    refetchInterval: (q) => (q.state.data?.some((j) => running(j.state)) ? 1500 : false),
  });
  if (jobs.isLoading) return <Loading what="Loading prediction jobs" />;
  if (jobs.error) return <ErrorBox error={jobs.error} />;
  const list = (jobs.data ?? []).slice(0, 5);
  if (!list.length) return <p className="muted small">No predictions retrieved yet.</p>;
  return (
    <div className="table-wrap">
      <table>
        <caption className="visually-hidden">Prediction jobs of {backend.title || backend.url}</caption>
        <thead>
          <tr>
            <th scope="col">Started</th>
            <th scope="col">State</th>
            <th scope="col">Tasks</th>
          </tr>
        </thead>
        <tbody>
          {list.map((j) => (
            <tr key={j.id}>
              <td>{formatDate(j.created_at)}</td>
              <td>
                <span className={`state state-${j.state}`}>{j.state}</span>
                {j.error_message ? <div className="error small">{j.error_message}</div> : null}
                {j.errors.length ? (
                  <div className="error small">
                    Task {j.errors[0]!.task}: {j.errors[0]!.error}
                    {j.errors.length > 1 ? ` (+${j.errors.length - 1} more)` : ''}
                  </div>
                ) : null}
                <div>
                  <progress max={100} value={j.progress} aria-label={`Progress of prediction job ${j.id}`} />{' '}
                  {j.progress}%
                </div>
              </td>
              <td>
                {j.predicted_tasks} predicted, {j.failed_tasks} failed of {j.total_tasks}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function TrainJobs({ backend }: { backend: MlBackend }) {
  const jobs = useQuery({
    queryKey: ['ml-train-jobs', backend.id],
    queryFn: () => call(api.GET('/api/ml/{id}/train-jobs', { params: { path: { id: backend.id } } })),
    refetchInterval: (q) => (q.state.data?.some((j) => j.status === 'queued') ? 1500 : false),
  });
  if (jobs.error) return <ErrorBox error={jobs.error} />;
  const list = (jobs.data ?? []).slice(0, 3);
  if (!list.length) return null;
  return (
    <>
      <h3 className="small">Training requests</h3>
      <ul className="member-list">
        {list.map((j) => (
          <li key={j.id}>
            <span>{formatDate(j.created_at)}</span>
            <span>
              <span className={j.status === 'sent' ? 'state state-succeeded' : `state state-${j.status}`}>
                {j.status === 'sent' ? 'sent to the model' : j.status}
              </span>
              {j.error_message ? <span className="error small"> {j.error_message}</span> : null}
            </span>
          </li>
        ))}
      </ul>
    </>
  );
}

export function BackendCard({ backend, manage }: { backend: MlBackend; manage: boolean }) {
  const client = useQueryClient();
  const [editing, setEditing] = useState(false);
  const name = backend.title || backend.url;
  const refresh = () => client.invalidateQueries({ queryKey: backendsKey(backend.project) });
  const path = { params: { path: { id: backend.id } } };

  const health = useMutation({
    mutationFn: () => call(api.GET('/api/ml/{id}/health', path)),
    onSettled: refresh,
  });
  const versions = useMutation({ mutationFn: () => call(api.GET('/api/ml/{id}/versions', path)) });
  const patch = useMutation({
    mutationFn: (
      body: Parameters<typeof bodyOf>[0] | { is_interactive: boolean } | { model_version: string },
    ) =>
      call(
        api.PATCH('/api/ml/{id}', {
          ...path,
          body: 'url' in body ? bodyOf(body) : body,
        }),
      ),
    onSuccess: () => {
      setEditing(false);
      return refresh();
    },
  });
  const train = useMutation({
    mutationFn: () => call(api.POST('/api/ml/{id}/train', path)),
    onSuccess: () => client.invalidateQueries({ queryKey: ['ml-train-jobs', backend.id] }),
  });
  const predict = useMutation({
    mutationFn: () =>
      call(
        api.POST('/api/ml/{id}/predict', { ...path, body: { selectedItems: { all: true, excluded: [] } } }),
      ),
    onSuccess: () => client.invalidateQueries({ queryKey: ['ml-prediction-jobs', backend.id] }),
  });
  const remove = useMutation({
    mutationFn: () => call(api.DELETE('/api/ml/{id}', path)),
    onSuccess: refresh,
  });

  return (
    <li className="card" aria-label={name}>
      <div className="card-head">
        <h2>{name}</h2>
        <span className={stateClass(backend.state)}>{backend.readable_state}</span>
      </div>
      <p className="mono small">{backend.url}</p>
      {backend.error_message ? <p className="error small">{backend.error_message}</p> : null}
      <p className="muted small">
        Model version {backend.model_version || '—'} · timeout {backend.timeout} s ·{' '}
        {backend.auth_method === 'BASIC_AUTH'
          ? `basic auth as ${backend.basic_auth_user ?? '?'}${backend.basic_auth_pass_is_set ? ' (password set)' : ' (no password)'}`
          : 'no authentication'}
      </p>
      {editing ? (
        <BackendForm
          initial={draftOf(backend)}
          passwordSet={backend.basic_auth_pass_is_set}
          submitLabel="Save backend"
          pending={patch.isPending}
          error={patch.error}
          onSubmit={(d) => patch.mutate(d)}
          onCancel={() => setEditing(false)}
        />
      ) : (
        <>
          <label className="check">
            <input
              type="checkbox"
              checked={backend.is_interactive}
              disabled={!manage || patch.isPending}
              onChange={(e) => patch.mutate({ is_interactive: e.target.checked })}
            />{' '}
            Interactive pre-annotation
          </label>
          <div className="actions">
            <button type="button" onClick={() => health.mutate()} disabled={health.isPending}>
              Check health
            </button>
            <button type="button" onClick={() => versions.mutate()} disabled={versions.isPending}>
              Model versions
            </button>
            {manage ? (
              <>
                <button type="button" onClick={() => predict.mutate()} disabled={predict.isPending}>
                  Retrieve predictions for all tasks
                </button>
                <button type="button" onClick={() => train.mutate()} disabled={train.isPending}>
                  Start training
                </button>
                <button type="button" onClick={() => setEditing(true)}>
                  Edit
                </button>
                <button
                  type="button"
                  className="danger"
                  disabled={remove.isPending}
                  onClick={() => {
                    if (window.confirm(`Disconnect “${name}”? Its predictions stay.`)) remove.mutate();
                  }}
                >
                  Disconnect
                </button>
              </>
            ) : null}
          </div>
        </>
      )}
      <div aria-live="polite">
        {health.data ? (
          <p className={health.data.status === 'UP' ? 'notice' : 'error'} role="status">
            Health: {health.data.status}
            {health.data.model_class ? ` (${health.data.model_class})` : ''}
            {health.data.error_message ? `: ${health.data.error_message}` : ''}
          </p>
        ) : null}
        {train.data ? (
          <p className="notice" role="status">
            Training requested: see “Training requests” below.
          </p>
        ) : null}
        {versions.data ? (
          <div role="status">
            {versions.data.versions.length ? (
              <ul className="member-list">
                {versions.data.versions.map((v) => (
                  <li key={v}>
                    <span className="mono">{v}</span>
                    {v === backend.model_version ? (
                      <span className="badge">in use</span>
                    ) : manage ? (
                      <button
                        type="button"
                        className="small"
                        onClick={() => patch.mutate({ model_version: v })}
                        aria-label={`Use model version ${v}`}
                      >
                        Use
                      </button>
                    ) : null}
                  </li>
                ))}
              </ul>
            ) : (
              <p className="muted">{versions.data.message ?? 'The backend lists no versions.'}</p>
            )}
          </div>
        ) : null}
      </div>
      <ErrorBox
        error={
          health.error ??
          versions.error ??
          train.error ??
          predict.error ??
          remove.error ??
          (editing ? null : patch.error)
        }
      />
      <h3 className="small">Predictions</h3>
      <PredictionJobs backend={backend} />
      <TrainJobs backend={backend} />
    </li>
  );
}
