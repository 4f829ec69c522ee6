// The add and edit form of an ML backend: URL, title, timeout, interactive pre-annotation, auto update and
// basic auth. The password is write-only: the API only says whether one is set.
import { type FormEvent, useState } from 'react';
import { ErrorBox, Field, Select } from '../../ui/ui';
import type { BackendDraft } from './api';

interface Props {
  initial: BackendDraft;
  passwordSet?: boolean;
  submitLabel: string;
  pending: boolean;
  error: unknown;
  onSubmit: (draft: BackendDraft) => void;
  onCancel?: () => void;
}

export function BackendForm({
  initial,
  passwordSet,
  submitLabel,
  pending,
  error,
  onSubmit,
  onCancel,
}: Props) {
  const [d, setD] = useState(initial);
  const set = <K extends keyof BackendDraft>(key: K, value: BackendDraft[K]) =>
    setD((old) => ({ ...old, [key]: value }));
  const submit = (e: FormEvent) => {
    e.preventDefault();
    onSubmit(d);
  };
  return (
    <form onSubmit={submit} aria-label={submitLabel}>
      <div className="row">
        <Field
          label="URL"
          type="url"
          required
          placeholder="https://ml.example.com"
          hint="A server speaking the label-studio-ml-backend protocol (/health, /setup, /predict)"
          value={d.url}
          onChange={(e) => set('url', e.target.value)}
        />
        <Field label="Title" maxLength={500} value={d.title} onChange={(e) => set('title', e.target.value)} />
        <Field
          label="Timeout (seconds)"
          type="number"
          min={1}
          max={3600}
          required
          value={d.timeout}
          onChange={(e) => set('timeout', e.target.value)}
        />
      </div>
      <div className="row ml-auth">
        <Select
          label="Authentication"
          value={d.auth_method}
          onChange={(e) => set('auth_method', e.target.value as BackendDraft['auth_method'])}
          options={[
            { value: 'NONE', label: 'None' },
            { value: 'BASIC_AUTH', label: 'Basic auth' },
          ]}
        />
        {d.auth_method === 'BASIC_AUTH' ? (
          <>
            <Field
              label="Basic auth user"
              autoComplete="off"
              maxLength={500}
              value={d.basic_auth_user}
              onChange={(e) => set('basic_auth_user', e.target.value)}
            />
            <Field
              label="Basic auth password"
              type="password"
              autoComplete="new-password"
              maxLength={500}
              placeholder={passwordSet ? 'Set: leave blank to keep it' : ''}
              hint={
                passwordSet ? 'A password is stored; it is never shown.' : 'Stored encrypted; never shown.'
              }
              value={d.basic_auth_pass}
              onChange={(e) => set('basic_auth_pass', e.target.value)}
            />
          </>
        ) : null}
      </div>
      <label className="check">
        <input
          type="checkbox"
          checked={d.is_interactive}
          onChange={(e) => set('is_interactive', e.target.checked)}
        />{' '}
        Interactive pre-annotation (ask the model while labeling)
      </label>
      <label className="check">
        <input
          type="checkbox"
          checked={d.auto_update}
          onChange={(e) => set('auto_update', e.target.checked)}
        />{' '}
        Send new and changed annotations to the model (/webhook)
      </label>
      <ErrorBox error={error} />
      <div className="actions">
        <button type="submit" className="primary" disabled={pending}>
          {pending ? 'Connecting…' : submitLabel}
        </button>
        {onCancel ? (
          <button type="button" onClick={onCancel}>
            Cancel
          </button>
        ) : null}
      </div>
    </form>
  );
}
