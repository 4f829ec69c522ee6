// The room's datasets: upload a file (POST /api/files) and attach it (POST /api/rooms/{id}/files) so the bot
// can read it as a table; detach one.
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useId, useRef, useState } from 'react';
import { api, call } from '../../api/client';
import { ErrorBox, Loading } from '../../ui/ui';

const ACCEPT = '.csv,.tsv,.txt,.parquet,.json,.jsonl,.ndjson,text/csv,application/json';

const size = (n: number) =>
  n < 1024 ? `${n} B` : n < 1024 ** 2 ? `${(n / 1024).toFixed(1)} KiB` : `${(n / 1024 ** 2).toFixed(1)} MiB`;

export function FilesPanel({ roomId, canEdit }: { roomId: number; canEdit: boolean }) {
  const client = useQueryClient();
  const inputId = useId();
  const input = useRef<HTMLInputElement>(null);
  const [chosen, setChosen] = useState<File | null>(null);
  const files = useQuery({
    queryKey: ['room-files', roomId],
    queryFn: () => call(api.GET('/api/rooms/{id}/files', { params: { path: { id: roomId } } })),
  });
  const refresh = () => client.invalidateQueries({ queryKey: ['room-files', roomId] });
  const upload = useMutation({
    mutationFn: async (file: File) => {
      const form = new FormData();
      form.append('file', file, file.name);
      const stored = await call(
        api.POST('/api/files', { body: form as never, bodySerializer: (b: unknown) => b as FormData }),
      );
      return call(
        api.POST('/api/rooms/{id}/files', { params: { path: { id: roomId } }, body: { file_id: stored.id } }),
      );
    },
    onSuccess: () => {
      setChosen(null);
      if (input.current) input.current.value = '';
      return refresh();
    },
  });
  const detach = useMutation({
    mutationFn: (fileId: number) =>
      call(
        api.DELETE('/api/rooms/{id}/files/{file_id}', { params: { path: { id: roomId, file_id: fileId } } }),
      ),
    onSuccess: refresh,
  });
  const onSubmit = (e: FormEvent) => {
    e.preventDefault();
    if (chosen) upload.mutate(chosen);
  };

  return (
    <section className="panel" aria-labelledby="rm-files-h">
      <h2 id="rm-files-h">Files</h2>
      <ErrorBox error={files.error} />
      {files.isLoading ? <Loading what="Loading files" /> : null}
      {files.data?.length === 0 ? <p className="muted">No files yet.</p> : null}
      {files.data?.length ? (
        <ul className="member-list">
          {files.data.map((f) => (
            <li key={f.id}>
              <span>
                <strong>{f.name}</strong>
                <br />
                <span className="muted small">
                  table <code>{f.table}</code> · {size(f.size)}
                </span>
              </span>
              {canEdit ? (
                <button
                  type="button"
                  className="small danger"
                  aria-label={`Detach ${f.name}`}
                  disabled={detach.isPending}
                  onClick={() => detach.mutate(f.id)}
                >
                  Detach
                </button>
              ) : null}
            </li>
          ))}
        </ul>
      ) : null}
      <ErrorBox error={detach.error} />
      <form onSubmit={onSubmit} aria-label="Add a file to the room">
        <div className="field">
          <label htmlFor={inputId}>Data file (CSV, TSV, Parquet, JSON)</label>
          <input
            id={inputId}
            ref={input}
            type="file"
            accept={ACCEPT}
            onChange={(e) => setChosen(e.target.files?.[0] ?? null)}
          />
        </div>
        <button type="submit" disabled={!chosen || upload.isPending}>
          {upload.isPending ? 'Uploading…' : 'Add file'}
        </button>
      </form>
      <ErrorBox error={upload.error} />
    </section>
  );
}
