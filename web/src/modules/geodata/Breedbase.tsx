// A project's Breedbase connections (needs the breedbase extension): server, trials, username; the secret is
// write-only (the API answers only whether one is set). Add, remove.
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { api, call } from '../../api/client';
import { FormPanel, useDraft } from '../../ui/FormPanel';
import { Table } from '../../ui/PagedTable';
import { Empty, ErrorBox, Field, Loading } from '../../ui/ui';

const key = (projectId: number) => ['breedbase', projectId];

function ConnectionForm({ projectId, onDone }: { projectId: number; onDone: () => void }) {
  const client = useQueryClient();
  const { draft: d, bind } = useDraft({ url: '', trials: '', username: '', secret: '' });
  const create = useMutation({
    mutationFn: () =>
      call(
        api.POST('/api/projects/{id}/breedbase-connections', {
          params: { path: { id: projectId } },
          body: {
            base_url: d.url.trim(),
            trial_ids: [
              ...new Set(
                d.trials
                  .split(',')
                  .map((t) => t.trim())
                  .filter(Boolean),
              ),
            ],
            ...(d.username.trim() ? { username: d.username.trim() } : {}),
            ...(d.secret ? { secret: d.secret } : {}),
          },
        }),
      ),
    onSuccess: async () => {
      await client.invalidateQueries({ queryKey: key(projectId) });
      onDone();
    },
  });
  return (
    <FormPanel
      label="New Breedbase connection"
      onSubmit={() => create.mutate()}
      error={create.error}
      pending={create.isPending}
      submitLabel="Connect"
      onCancel={onDone}
    >
      <div className="row">
        <Field
          label="Breedbase URL"
          type="url"
          required
          placeholder="https://breedbase.example.org"
          {...bind('url')}
        />
        <Field label="Trial ids" hint="comma-separated" {...bind('trials')} />
      </div>
      <div className="row">
        <Field label="Breedbase username" autoComplete="off" {...bind('username')} />
        <Field label="Password or token" type="password" autoComplete="new-password" {...bind('secret')} />
      </div>
    </FormPanel>
  );
}

export function Breedbase({ projectId, manage }: { projectId: number; manage: boolean }) {
  const client = useQueryClient();
  const [adding, setAdding] = useState(false);
  const mine = useQuery({
    queryKey: ['extensions-me'],
    queryFn: () => call(api.GET('/api/extensions/me')),
  });
  const enabled = mine.data?.some((e) => e.name === 'breedbase') ?? false;
  const list = useQuery({
    queryKey: key(projectId),
    queryFn: () =>
      call(api.GET('/api/projects/{id}/breedbase-connections', { params: { path: { id: projectId } } })),
    enabled,
  });
  const remove = useMutation({
    mutationFn: (id: number) =>
      call(api.DELETE('/api/breedbase-connections/{id}', { params: { path: { id } } })),
    onSettled: () => client.invalidateQueries({ queryKey: key(projectId) }),
  });
  return (
    <section className="panel" aria-labelledby="breedbase-h">
      <h2 id="breedbase-h">Breedbase</h2>
      <ErrorBox error={mine.error ?? list.error ?? remove.error} />
      {mine.data && !enabled ? (
        <p className="muted">The breedbase extension is not enabled for you (see Extensions).</p>
      ) : null}
      {list.isLoading ? <Loading what="Loading connections" /> : null}
      {list.data?.length === 0 ? <Empty>No Breedbase connections.</Empty> : null}
      {list.data?.length ? (
        <Table
          caption="Breedbase connections"
          rows={list.data}
          rowKey={(c) => c.id}
          columns={[
            { header: 'Server', cell: (c) => c.base_url, className: 'mono' },
            { header: 'Trials', cell: (c) => c.trial_ids.join(', ') || '—' },
            { header: 'Username', cell: (c) => c.username ?? '—' },
            { header: 'Secret', cell: (c) => (c.has_secret ? 'Set' : 'None') },
            {
              header: 'Actions',
              cell: (c) =>
                manage ? (
                  <button type="button" className="danger" onClick={() => remove.mutate(c.id)}>
                    Remove
                  </button>
                ) : null,
            },
          ]}
        />
      ) : null}
      {enabled && manage && !adding ? (
        <button type="button" onClick={() => setAdding(true)}>
          Add a connection
        </button>
      ) : null}
      {adding ? <ConnectionForm projectId={projectId} onDone={() => setAdding(false)} /> : null}
    </section>
  );
}
