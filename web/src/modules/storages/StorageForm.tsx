// Add or edit a storage: the provider's own fields (secrets write-only), the scan options, "Check connection"
// (the API's validate) and save.
import { useMutation } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { ErrorBox, Field, Select, TextArea } from '../../ui/ui';
import { validateStorage } from './api';
import { bodyOf, type Direction, type Draft, PROVIDER_FIELDS, type StorageType, TYPES } from './fields';

interface Props {
  project: number;
  direction: Direction;
  initial: Draft;
  /** An existing storage: its type is fixed and its stored credentials fill in on validate. */
  existing?: { id: number; credentials_set: string[] };
  submitLabel: string;
  pending: boolean;
  error: unknown;
  onSubmit: (draft: Draft) => void;
  onCancel?: () => void;
}

export function StorageForm(p: Props) {
  const [d, setD] = useState(p.initial);
  const set = <K extends keyof Draft>(key: K, value: Draft[K]) => setD((old) => ({ ...old, [key]: value }));
  const setValue = (key: string, value: string) =>
    setD((old) => ({ ...old, values: { ...old.values, [key]: value } }));
  const validate = useMutation({
    mutationFn: () =>
      validateStorage(p.direction, d.type, {
        project: p.project,
        ...(p.existing ? { id: p.existing.id } : {}),
        ...bodyOf(d, p.direction),
      }),
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    p.onSubmit(d);
  };
  const stored = new Set(p.existing?.credentials_set ?? []);
  const blob = d.type === 's3' || d.type === 'gcs' || d.type === 'azure';
  return (
    <form onSubmit={submit} aria-label={p.submitLabel} onChange={() => validate.reset()}>
      <div className="row">
        <Select
          label="Provider"
          value={d.type}
          disabled={Boolean(p.existing)}
          onChange={(e) => setD({ ...d, type: e.target.value as StorageType, values: {} })}
          options={TYPES}
        />
        <Field
          label="Title"
          maxLength={2048}
          value={d.title}
          onChange={(e) => set('title', e.target.value)}
        />
      </div>
      <div className="st-fields">
        {PROVIDER_FIELDS[d.type].map((f) => {
          const secret = f.kind === 'secret' || f.kind === 'secret-area';
          const isSet = stored.has(f.key);
          const hint = secret
            ? isSet
              ? 'Stored; never shown. Leave blank to keep it.'
              : 'Stored encrypted; never shown again.'
            : f.hint;
          if (f.kind === 'secret-area')
            return (
              <TextArea
                key={f.key}
                label={f.label}
                rows={3}
                className="mono"
                autoComplete="off"
                spellCheck={false}
                placeholder={
                  isSet ? 'Stored: paste a new key to replace it' : '{"type": "service_account", …}'
                }
                value={d.values[f.key] ?? ''}
                onChange={(e) => setValue(f.key, e.target.value)}
              />
            );
          return (
            <Field
              key={f.key}
              label={f.label}
              type={secret ? 'password' : f.kind === 'number' ? 'number' : 'text'}
              autoComplete={secret ? 'new-password' : 'off'}
              required={f.required}
              placeholder={secret && isSet ? '•••••• (set)' : f.placeholder}
              hint={hint}
              value={d.values[f.key] ?? ''}
              onChange={(e) => setValue(f.key, e.target.value)}
            />
          );
        })}
      </div>
      {p.direction === 'import' ? (
        <>
          <Field
            label="File filter (regular expression)"
            placeholder="\.json$"
            hint="Only keys that match; blank for all"
            value={d.regex_filter}
            onChange={(e) => set('regex_filter', e.target.value)}
          />
          <label className="check">
            <input
              type="checkbox"
              checked={d.use_blob_urls}
              onChange={(e) => set('use_blob_urls', e.target.checked)}
            />{' '}
            Treat every object as a media file (one task per object, by URL); off: each object is a JSON task
            file
          </label>
          <label className="check">
            <input
              type="checkbox"
              checked={d.recursive_scan}
              onChange={(e) => set('recursive_scan', e.target.checked)}
            />{' '}
            Scan folders recursively
          </label>
          {blob ? (
            <div className="row">
              <label className="check">
                <input
                  type="checkbox"
                  checked={d.presign}
                  onChange={(e) => set('presign', e.target.checked)}
                />{' '}
                Presigned URLs
              </label>
              <Field
                label="Presigned URL lifetime (minutes)"
                type="number"
                min={1}
                max={10080}
                value={d.presign_ttl}
                onChange={(e) => set('presign_ttl', e.target.value)}
              />
            </div>
          ) : null}
        </>
      ) : (
        <label className="check">
          <input
            type="checkbox"
            checked={d.can_delete_objects}
            onChange={(e) => set('can_delete_objects', e.target.checked)}
          />{' '}
          Delete an annotation's object when the annotation is deleted
        </label>
      )}
      <div aria-live="polite">
        {validate.isSuccess ? (
          <p className="notice" role="status">
            Connection works: the storage can be listed.
          </p>
        ) : null}
      </div>
      <ErrorBox error={validate.error ?? p.error} />
      <div className="actions">
        <button type="button" onClick={() => validate.mutate()} disabled={validate.isPending}>
          {validate.isPending ? 'Checking…' : 'Check connection'}
        </button>
        <button type="submit" className="primary" disabled={p.pending}>
          {p.submitLabel}
        </button>
        {p.onCancel ? (
          <button type="button" onClick={p.onCancel}>
            Cancel
          </button>
        ) : null}
      </div>
    </form>
  );
}
