// One file sent as multipart (`file`, plus any fields) with an upload progress bar; `then` turns the answer
// into the next step (e.g. registering the stored file), and its errors are shown like the upload's own.
import { type FormEvent, type ReactNode, useId, useState } from 'react';
import { postWithProgress } from '../api/transfer';
import { ErrorBox } from './ui';

export function FileUpload({
  title,
  label,
  accept,
  url,
  fields = {},
  then,
  disabled,
  children,
}: {
  title: string;
  label: string;
  accept?: string;
  url: string;
  fields?: Record<string, string>;
  then: (answer: unknown) => Promise<unknown>;
  disabled?: boolean;
  /** Further fields of the form, above the file input. */
  children?: ReactNode;
}) {
  const id = useId();
  const [file, setFile] = useState<File | null>(null);
  const [progress, setProgress] = useState<number | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [input, setInput] = useState(0);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (!file) return;
    setError(null);
    setProgress(0);
    try {
      const form = new FormData();
      for (const [k, v] of Object.entries(fields)) form.append(k, v);
      form.append('file', file);
      const sent = await postWithProgress(url, form, (p) => setProgress(p.total ? p.loaded / p.total : 0));
      await then(sent.body);
      setFile(null);
      setInput((n) => n + 1); // a fresh input, so the same file can be chosen again
    } catch (err) {
      setError(err);
    } finally {
      setProgress(null);
    }
  };
  return (
    <form onSubmit={submit} aria-labelledby={`${id}-h`} className="file-upload">
      <h2 id={`${id}-h`}>{title}</h2>
      {children}
      <div className="field">
        <label htmlFor={`${id}-file`}>{label}</label>
        <input
          key={input}
          id={`${id}-file`}
          type="file"
          accept={accept}
          onChange={(e) => setFile(e.target.files?.[0] ?? null)}
        />
      </div>
      {progress !== null ? (
        <progress max={1} value={progress} aria-label="Upload progress">
          {Math.round(progress * 100)}%
        </progress>
      ) : null}
      <ErrorBox error={error} />
      <button type="submit" disabled={!file || progress !== null || disabled}>
        Upload
      </button>
    </form>
  );
}
