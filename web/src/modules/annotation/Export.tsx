// Export: pick a format, include unlabeled tasks or not, download with progress; the API's message on error.
import { type FormEvent, useState } from 'react';
import { useOutletContext } from 'react-router';
import { download, formatBytes, type Progress } from '../../api/transfer';
import { ErrorBox, Select } from '../../ui/ui';
import { exportTypesFor } from './api';
import type { ProjectContext } from './Layout';

export default function Export() {
  const { project } = useOutletContext<ProjectContext>();
  const [format, setFormat] = useState<string>('JSON');
  const [all, setAll] = useState(false);
  const [progress, setProgress] = useState<Progress | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [saved, setSaved] = useState<string | null>(null);

  const onSubmit = async (e: FormEvent) => {
    e.preventDefault();
    setError(null);
    setSaved(null);
    setProgress({ loaded: 0, total: null });
    try {
      const q = new URLSearchParams({ exportType: format, download_all_tasks: String(all) });
      const file = await download(`/api/projects/${project.id}/export?${q}`, setProgress);
      const url = URL.createObjectURL(file.blob);
      const a = document.createElement('a');
      a.href = url;
      a.download = file.name;
      document.body.append(a);
      a.click();
      a.remove();
      setTimeout(() => URL.revokeObjectURL(url), 60_000);
      setSaved(`${file.name} (${formatBytes(file.blob.size)})`);
    } catch (err) {
      setError(err);
    } finally {
      setProgress(null);
    }
  };

  return (
    <form className="panel" onSubmit={onSubmit} aria-labelledby="export-h">
      <h2 id="export-h">Export</h2>
      <p className="muted">
        {project.num_tasks_with_annotations} of {project.task_number} tasks have annotations.
      </p>
      <Select
        label="Format"
        value={format}
        onChange={(e) => setFormat(e.target.value)}
        options={exportTypesFor(project.label_config)}
      />
      <label className="check">
        <input type="checkbox" checked={all} onChange={(e) => setAll(e.target.checked)} /> Include tasks
        without annotations
      </label>
      <div aria-live="polite">
        {progress ? (
          <p className="muted" role="status">
            <span className="spinner" aria-hidden="true" /> Downloading {formatBytes(progress.loaded)}…
          </p>
        ) : null}
        {saved ? (
          <p className="notice" role="status">
            Downloaded {saved}.
          </p>
        ) : null}
      </div>
      <ErrorBox error={error} />
      <button type="submit" className="primary" disabled={progress !== null}>
        Download export
      </button>
    </form>
  );
}
