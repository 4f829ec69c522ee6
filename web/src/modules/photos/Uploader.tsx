// Many photos at once through tus resumable uploads (/api/uploads), each with its own progress row. A file
// chosen again after a broken connection or a reload continues from the bytes the server already has
// (tus-js-client keeps the upload URL under the file's fingerprint). When the last byte is in, the upload is
// admitted as a photo of the project (POST /api/projects/{id}/photos {upload_id}).
import { useQueryClient } from '@tanstack/react-query';
import { type ChangeEvent, type DragEvent, useId, useRef, useState } from 'react';
import { Upload } from 'tus-js-client';
import { api, call, messageOf } from '../../api/client';

type State = 'uploading' | 'admitting' | 'done' | 'duplicate' | 'failed';
interface Row {
  key: string;
  name: string;
  sent: number;
  total: number;
  state: State;
  message?: string;
  photoId?: number;
}

const CONCURRENCY = 3;
const ACCEPT = 'image/jpeg,image/png,image/webp,image/tiff,image/heic,image/heif,.heic,.heif';

function csrf(): string | undefined {
  const part = document.cookie
    .split(';')
    .map((p) => p.trim())
    .find((p) => p.startsWith('gt_csrf='));
  return part ? decodeURIComponent(part.slice('gt_csrf='.length)) : undefined;
}

function tusError(err: unknown): string {
  const body = (err as { originalResponse?: { getBody(): string } | null }).originalResponse?.getBody();
  if (body) {
    try {
      const message = (JSON.parse(body) as { error?: { message?: string } }).error?.message;
      if (message) return message;
    } catch {
      if (body.trim()) return body.trim();
    }
  }
  return messageOf(err);
}

function upload(file: File, projectId: number, onProgress: (sent: number) => void): Promise<string> {
  return new Promise((resolve, reject) => {
    const tus = new Upload(file, {
      endpoint: '/api/uploads',
      chunkSize: 8 * 1024 * 1024,
      retryDelays: [0, 1000, 3000, 5000],
      metadata: { filename: file.name, filetype: file.type, project_id: String(projectId) },
      removeFingerprintOnSuccess: true,
      onBeforeRequest: (req) => {
        const token = csrf();
        if (token) req.setHeader('X-CSRF-Token', token);
      },
      onProgress: (sent) => onProgress(sent),
      onError: (err) => reject(new Error(tusError(err))),
      onSuccess: () => {
        const id = tus.url?.split('/').pop();
        if (id) resolve(id);
        else reject(new Error('the server did not say where the upload is'));
      },
    });
    tus
      .findPreviousUploads()
      .then((previous) => {
        if (previous[0]) tus.resumeFromPreviousUpload(previous[0]);
        tus.start();
      })
      .catch(() => tus.start());
  });
}

export function Uploader({ projectId }: { projectId: number }) {
  const [rows, setRows] = useState<Row[]>([]);
  const [dragging, setDragging] = useState(false);
  const input = useRef<HTMLInputElement>(null);
  const inputId = useId();
  const client = useQueryClient();
  const patch = (key: string, change: Partial<Row>) =>
    setRows((all) => all.map((r) => (r.key === key ? { ...r, ...change } : r)));

  async function one(file: File, key: string) {
    try {
      const uploadId = await upload(file, projectId, (sent) => patch(key, { sent }));
      patch(key, { state: 'admitting', sent: file.size });
      const photo = await call(
        api.POST('/api/projects/{id}/photos', {
          params: { path: { id: projectId } },
          body: { upload_id: uploadId },
        }),
      );
      patch(key, { state: photo.duplicate ? 'duplicate' : 'done', photoId: photo.id });
    } catch (err) {
      patch(key, { state: 'failed', message: messageOf(err) });
    }
  }

  async function start(files: File[]) {
    if (!files.length) return;
    const stamp = Date.now();
    const added = files.map((f, i) => ({
      file: f,
      row: { key: `${stamp}-${i}`, name: f.name, sent: 0, total: f.size, state: 'uploading' as State },
    }));
    setRows((all) => [...added.map((a) => a.row), ...all]);
    const queue = [...added];
    const worker = async () => {
      for (let next = queue.shift(); next; next = queue.shift()) await one(next.file, next.row.key);
    };
    await Promise.all(Array.from({ length: Math.min(CONCURRENCY, queue.length) }, worker));
    await client.invalidateQueries({ queryKey: ['photos', projectId] });
  }

  const onChange = (e: ChangeEvent<HTMLInputElement>) => {
    void start([...(e.target.files ?? [])]);
    e.target.value = '';
  };
  const onDrop = (e: DragEvent) => {
    e.preventDefault();
    setDragging(false);
    void start(
      [...e.dataTransfer.files].filter((f) => f.type.startsWith('image/') || /\.hei[cf]$/i.test(f.name)),
    );
  };
  const active = rows.filter((r) => r.state === 'uploading' || r.state === 'admitting').length;
  const finished = rows.filter((r) => r.state === 'done' || r.state === 'duplicate').length;

  return (
    <section
      className="panel"
      aria-labelledby="ph-upload-h"
      onDragOver={(e) => {
        e.preventDefault();
        setDragging(true);
      }}
      onDragLeave={() => setDragging(false)}
      onDrop={onDrop}
    >
      <h2 id="ph-upload-h">Upload photos</h2>
      <div className={dragging ? 'ph-drop dragging' : 'ph-drop'}>
        <label htmlFor={inputId}>Choose photos</label>
        <input id={inputId} ref={input} type="file" multiple accept={ACCEPT} onChange={onChange} />
        <span className="muted small">or drop them here. JPEG, PNG, WebP, TIFF or HEIC; uploads resume.</span>
      </div>
      {rows.length ? (
        <>
          <p className="muted small" role="status" aria-live="polite">
            {active ? `Uploading ${active} of ${rows.length}…` : `${finished} of ${rows.length} uploaded.`}
          </p>
          <ul className="ph-progress">
            {rows.map((r) => (
              <li key={r.key}>
                <span className="ph-progress-name">{r.name}</span>
                <progress
                  max={r.total || 1}
                  value={r.state === 'failed' ? 0 : r.sent}
                  aria-label={`Upload of ${r.name}`}
                />
                <span className={r.state === 'failed' ? 'error small' : 'small'}>{label(r)}</span>
              </li>
            ))}
          </ul>
          {active === 0 ? (
            <button type="button" className="small" onClick={() => setRows([])}>
              Clear the list
            </button>
          ) : null}
        </>
      ) : null}
    </section>
  );
}

function label(r: Row): string {
  switch (r.state) {
    case 'uploading':
      return `${Math.floor((100 * r.sent) / (r.total || 1))}%`;
    case 'admitting':
      return 'Adding…';
    case 'done':
      return 'Uploaded';
    case 'duplicate':
      return 'Already in the project';
    case 'failed':
      return r.message ?? 'Failed';
  }
}
