// GeoTIFF upload with progress: the file goes to /api/files (XMLHttpRequest, for upload progress events), then
// becomes a data product of the chosen flight, whose processing job the layer list follows.
import { useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { api, call, type Ok } from '../../api/client';
import { ErrorBox, Select } from '../../ui/ui';

type Flight = Ok<'/api/projects/{id}/flights', 'get'>['results'][number];
const TYPES = ['ortho', 'dsm', 'dtm', 'ndvi', 'other'] as const;

function csrf(): string | undefined {
  const hit = document.cookie
    .split(';')
    .map((c) => c.trim())
    .find((c) => c.startsWith('gt_csrf='));
  return hit ? decodeURIComponent(hit.slice('gt_csrf='.length)) : undefined;
}

function send(file: File, projectId: number, onProgress: (p: number) => void): Promise<{ id: number }> {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open('POST', '/api/files');
    const token = csrf();
    if (token) xhr.setRequestHeader('x-csrf-token', token);
    xhr.upload.onprogress = (e) => e.lengthComputable && onProgress(e.loaded / e.total);
    xhr.onload = () => {
      const body = JSON.parse(xhr.responseText || '{}');
      if (xhr.status >= 200 && xhr.status < 300) resolve(body);
      else reject(new Error(body?.error?.message ?? `upload failed (${xhr.status})`));
    };
    xhr.onerror = () => reject(new Error('the upload was interrupted; check your connection and try again'));
    const form = new FormData();
    form.append('project_id', String(projectId));
    form.append('file', file);
    xhr.send(form);
  });
}

export function Upload({ projectId, flights }: { projectId: number; flights: Flight[] }) {
  const [flightId, setFlightId] = useState('');
  const [type, setType] = useState<(typeof TYPES)[number]>('ortho');
  const [file, setFile] = useState<File | null>(null);
  const [progress, setProgress] = useState<number | null>(null);
  const [error, setError] = useState<unknown>(null);
  const client = useQueryClient();
  const chosen = flightId || String(flights[0]?.id ?? '');
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (!file || !chosen) return;
    setError(null);
    setProgress(0);
    try {
      const stored = await send(file, projectId, setProgress);
      await call(
        api.POST('/api/flights/{id}/data-products', {
          params: { path: { id: Number(chosen) } },
          body: { file_id: stored.id, data_type: type },
        }),
      );
      await client.invalidateQueries({ queryKey: ['geo-products', projectId] });
      setFile(null);
    } catch (err) {
      setError(err);
    } finally {
      setProgress(null);
    }
  };
  if (flights.length === 0) return <p className="muted">Add a flight to upload its GeoTIFFs.</p>;
  return (
    <form onSubmit={submit} aria-labelledby="upload-h">
      <h2 id="upload-h">Upload a GeoTIFF</h2>
      <Select
        label="Flight"
        value={chosen}
        onChange={(e) => setFlightId(e.target.value)}
        options={flights.map((f) => ({ value: String(f.id), label: `${f.acquisition_date} · ${f.sensor}` }))}
      />
      <Select
        label="Data type"
        value={type}
        onChange={(e) => setType(e.target.value as (typeof TYPES)[number])}
        options={TYPES.map((t) => ({ value: t, label: t }))}
      />
      <div className="field">
        <label htmlFor="geotiff-file">GeoTIFF file</label>
        <input
          id="geotiff-file"
          type="file"
          accept=".tif,.tiff,image/tiff"
          onChange={(e) => setFile(e.target.files?.[0] ?? null)}
        />
      </div>
      {progress !== null ? (
        <progress max={1} value={progress} aria-label="Upload progress">
          {Math.round(progress * 100)}%
        </progress>
      ) : null}
      <ErrorBox error={error} />
      <button type="submit" disabled={!file || progress !== null}>
        Upload
      </button>
    </form>
  );
}
