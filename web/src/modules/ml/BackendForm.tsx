// The add and edit form of an ML backend: URL, title, timeout, interactive pre-annotation, auto update and
// basic auth. The password is write-only: the API only says whether one is set.
import { FormPanel, useDraft } from '../../ui/FormPanel';
import { Field, Select } from '../../ui/ui';
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
  const { draft: d, set, bind } = useDraft(initial);
  return (
    <FormPanel
      label={submitLabel}
      onSubmit={() => onSubmit(d)}
      error={error}
      pending={pending}
      submitLabel={submitLabel}
      pendingLabel="Connecting…"
      onCancel={onCancel}
    >
      <div className="row">
        <Field
          label="URL"
          type="url"
          required
          placeholder="https://ml.example.com"
          hint="A server speaking the label-studio-ml-backend protocol (/health, /setup, /predict)"
          {...bind('url')}
        />
        <Field label="Title" maxLength={500} {...bind('title')} />
        <Field label="Timeout (seconds)" type="number" min={1} max={3600} required {...bind('timeout')} />
      </div>
      <div className="row ml-auth">
        <Select
          label="Authentication"
          {...bind('auth_method')}
          options={[
            { value: 'NONE', label: 'None' },
            { value: 'BASIC_AUTH', label: 'Basic auth' },
          ]}
        />
        {d.auth_method === 'BASIC_AUTH' ? (
          <>
            <Field label="Basic auth user" autoComplete="off" maxLength={500} {...bind('basic_auth_user')} />
            <Field
              label="Basic auth password"
              type="password"
              autoComplete="new-password"
              maxLength={500}
              placeholder={passwordSet ? 'Set: leave blank to keep it' : ''}
              hint={
                passwordSet ? 'A password is stored; it is never shown.' : 'Stored encrypted; never shown.'
              }
              {...bind('basic_auth_pass')}
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
    </FormPanel>
  );
}
