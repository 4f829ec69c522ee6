// A project's ML backends (Label Studio's /api/ml): the connected ones with their state, and a form to add one.
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { api, call } from '../../api/client';
import { canManageProject, type FrameProject, ProjectFrame } from '../../ui/ProjectFrame';
import { Empty, ErrorBox, Loading } from '../../ui/ui';
import { backendsKey, bodyOf, emptyDraft, useBackends } from './api';
import './ml.css';
import { BackendCard } from './BackendCard';
import { BackendForm } from './BackendForm';

function Backends({ project }: { project: FrameProject }) {
  const client = useQueryClient();
  const manage = canManageProject(project);
  const backends = useBackends(project.id);
  const [formKey, setFormKey] = useState(0);
  const add = useMutation({
    mutationFn: (d: typeof emptyDraft) =>
      call(api.POST('/api/ml', { body: { project: project.id, ...bodyOf(d) } })),
    onSuccess: () => {
      setFormKey((k) => k + 1);
      return client.invalidateQueries({ queryKey: backendsKey(project.id) });
    },
  });
  return (
    <>
      <p className="muted">
        A model server that predicts labels for tasks. Connecting calls its /health and /setup; “Retrieve
        predictions” runs as a job over the project's tasks (the data manager's action does the same for a
        selection).
      </p>
      <ErrorBox error={backends.error} />
      {backends.isLoading ? <Loading what="Loading ML backends" /> : null}
      {backends.data?.length === 0 ? <Empty>No ML backends connected to this project.</Empty> : null}
      {backends.data?.length ? (
        <ul className="cards ml-cards" aria-label="ML backends">
          {backends.data.map((b) => (
            <BackendCard key={b.id} backend={b} manage={manage} />
          ))}
        </ul>
      ) : null}
      {manage ? (
        <section className="panel" aria-labelledby="ml-add-h">
          <h2 id="ml-add-h">Connect a model</h2>
          <BackendForm
            key={formKey}
            initial={emptyDraft}
            submitLabel="Connect backend"
            pending={add.isPending}
            error={add.error}
            onSubmit={(d) => add.mutate(d)}
          />
        </section>
      ) : (
        <p className="muted">Managers and owners of the project connect ML backends.</p>
      )}
    </>
  );
}

export default function MlBackends() {
  return <ProjectFrame title="ML backends">{(project) => <Backends project={project} />}</ProjectFrame>;
}
