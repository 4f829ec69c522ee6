// The form shape the add and edit screens repeat: a draft of fields, the API's error, and the actions
// (submit, optional cancel and further buttons). `title` makes it a panel with a heading; else `label` names it.
import { type ChangeEvent, type FormEvent, type ReactNode, useId, useState } from 'react';
import { ErrorBox } from './ui';

type TextInput = HTMLInputElement | HTMLTextAreaElement | HTMLSelectElement;

/**
 * A form's draft: `set(key, value)` changes one field; `bind(key)` gives a text field, text area or select its
 * value and change handler (the value is taken as the field's type, e.g. a select of a union's members).
 */
export function useDraft<T extends object>(initial: T) {
  const [draft, setDraft] = useState(initial);
  const set = <K extends keyof T>(key: K, value: T[K]) => setDraft((old) => ({ ...old, [key]: value }));
  const bind = <K extends keyof T>(key: K) => ({
    value: draft[key] as string,
    onChange: (e: ChangeEvent<TextInput>) => set(key, e.target.value as T[K]),
  });
  return { draft, set, bind, reset: () => setDraft(initial) };
}

export function FormPanel({
  title,
  label,
  onSubmit,
  error,
  pending,
  submitLabel,
  pendingLabel,
  onCancel,
  actions,
  children,
}: {
  title?: string;
  label?: string;
  onSubmit: () => void;
  error: unknown;
  pending: boolean;
  submitLabel: string;
  pendingLabel?: string;
  onCancel?: () => void;
  /** Buttons before the submit button (e.g. "Check connection"). */
  actions?: ReactNode;
  children: ReactNode;
}) {
  const id = useId();
  const submit = (e: FormEvent) => {
    e.preventDefault();
    onSubmit();
  };
  return (
    <form
      className={title ? 'panel' : undefined}
      onSubmit={submit}
      aria-labelledby={title ? `${id}-h` : undefined}
      aria-label={title ? undefined : (label ?? submitLabel)}
    >
      {title ? <h2 id={`${id}-h`}>{title}</h2> : null}
      {children}
      <ErrorBox error={error} />
      <div className="actions">
        {actions}
        <button type="submit" className="primary" disabled={pending}>
          {pending && pendingLabel ? pendingLabel : submitLabel}
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
