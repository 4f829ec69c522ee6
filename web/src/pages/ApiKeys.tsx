// API keys: create (the key is shown once), list, revoke.
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { api, call, type Ok } from '../api/client';
import { Empty, ErrorBox, Field, formatDate, Loading, PageHeader } from '../ui/ui';

function NewKey({ created }: { created: Ok<'/api/api-keys', 'post'> }) {
  const [copied, setCopied] = useState(false);
  return (
    <div className="panel key-once" role="status">
      <h2>Key “{created.name}” created</h2>
      <p>
        Copy it now: it is shown only once. Send it as <code>Authorization: Bearer &lt;key&gt;</code>.
      </p>
      <div className="toolbar">
        <label htmlFor="new-key" className="visually-hidden">
          New API key
        </label>
        <input
          id="new-key"
          className="mono"
          readOnly
          value={created.key}
          onFocus={(e) => e.target.select()}
        />
        <button
          type="button"
          onClick={() =>
            navigator.clipboard?.writeText(created.key).then(
              () => setCopied(true),
              () => setCopied(false),
            )
          }
        >
          {copied ? 'Copied' : 'Copy'}
        </button>
      </div>
    </div>
  );
}

export default function ApiKeys() {
  const client = useQueryClient();
  const [name, setName] = useState('');
  const [expires, setExpires] = useState('');
  const keys = useQuery({ queryKey: ['api-keys'], queryFn: () => call(api.GET('/api/api-keys')) });
  const create = useMutation({
    mutationFn: () =>
      call(
        api.POST('/api/api-keys', {
          body: { name, ...(expires ? { expires_at: new Date(`${expires}T23:59:59`).toISOString() } : {}) },
        }),
      ),
    onSuccess: () => {
      setName('');
      setExpires('');
      return client.invalidateQueries({ queryKey: ['api-keys'] });
    },
  });
  const revoke = useMutation({
    mutationFn: (id: number) => call(api.DELETE('/api/api-keys/{id}', { params: { path: { id } } })),
    onSettled: () => client.invalidateQueries({ queryKey: ['api-keys'] }),
  });
  const onSubmit = (e: FormEvent) => {
    e.preventDefault();
    create.mutate();
  };
  return (
    <>
      <PageHeader title="API keys" />
      <p className="muted">
        A key acts with your rights in every organization you belong to. Keep it secret.
      </p>
      {create.data ? <NewKey created={create.data} /> : null}
      <form className="panel toolbar" onSubmit={onSubmit} aria-label="Create an API key">
        <Field
          label="Key name"
          required
          maxLength={100}
          value={name}
          onChange={(e) => setName(e.target.value)}
        />
        <Field
          label="Expires on (optional)"
          type="date"
          value={expires}
          onChange={(e) => setExpires(e.target.value)}
        />
        <button type="submit" className="primary" disabled={create.isPending}>
          Create key
        </button>
        <ErrorBox error={create.error} />
      </form>
      <ErrorBox error={keys.error ?? revoke.error} />
      {keys.isLoading ? <Loading what="Loading keys" /> : null}
      {keys.data?.length === 0 ? <Empty>No API keys yet.</Empty> : null}
      {keys.data?.length ? (
        <div className="table-wrap">
          <table>
            <caption className="visually-hidden">Your API keys</caption>
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Key</th>
                <th scope="col">Created</th>
                <th scope="col">Last used</th>
                <th scope="col">Expires</th>
                <th scope="col">Actions</th>
              </tr>
            </thead>
            <tbody>
              {keys.data.map((k) => (
                <tr key={k.id}>
                  <td>{k.name}</td>
                  <td className="mono">{k.prefix}…</td>
                  <td>{formatDate(k.created_at)}</td>
                  <td>{formatDate(k.last_used_at)}</td>
                  <td>{k.expires_at ? formatDate(k.expires_at) : 'Never'}</td>
                  <td>
                    <button
                      type="button"
                      className="danger"
                      aria-label={`Revoke ${k.name}`}
                      disabled={revoke.isPending}
                      onClick={() => {
                        if (window.confirm(`Revoke “${k.name}”? Programs using it stop working at once.`))
                          revoke.mutate(k.id);
                      }}
                    >
                      Revoke
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
    </>
  );
}
