// A photo's tags: remove one, or add one by name (new names become user tags; the project's are suggested).
import { forwardRef, useId, useState } from 'react';
import { ErrorBox } from '../../ui/ui';
import { type Photo, useProjectTags, useTagPhoto } from './api';

export const TagEditor = forwardRef<HTMLInputElement, { photo: Photo }>(function TagEditor({ photo }, ref) {
  const { add, remove } = useTagPhoto(photo.id);
  const known = useProjectTags(photo.project);
  const [name, setName] = useState('');
  const id = useId();
  return (
    <>
      {photo.tags.length ? (
        <ul className="ph-tag-list">
          {photo.tags.map((t) => (
            <li key={t.id} className="badge">
              {t.name}
              {t.source === 'ai' ? <span className="muted"> (AI)</span> : null}
              <button
                type="button"
                className="link-button"
                aria-label={`Remove tag ${t.name}`}
                disabled={remove.isPending}
                onClick={() => remove.mutate(t.id)}
              >
                ×
              </button>
            </li>
          ))}
        </ul>
      ) : (
        <p className="muted">No tags yet.</p>
      )}
      <form
        className="toolbar"
        aria-label={`Add a tag to ${photo.name}`}
        onSubmit={(e) => {
          e.preventDefault();
          const n = name.trim();
          if (n) add.mutate(n, { onSuccess: () => setName('') });
        }}
      >
        <div className="field">
          <label htmlFor={id}>New tag</label>
          <input
            id={id}
            ref={ref}
            list={`${id}-known`}
            maxLength={100}
            value={name}
            onChange={(e) => setName(e.target.value)}
          />
          <datalist id={`${id}-known`}>
            {(known.data?.results ?? []).map((t) => (
              <option key={t.id} value={t.name} />
            ))}
          </datalist>
        </div>
        <button type="submit" disabled={!name.trim() || add.isPending}>
          Add tag
        </button>
      </form>
      <ErrorBox error={add.error ?? remove.error} />
    </>
  );
});
