// Import: drop files (JSON, JSONL, CSV, TSV, TXT) or paste a JSON list of tasks; the upload shows progress,
// a large import that the server runs as a job is followed until it ends; errors show the API's message.
import { useQueryClient } from '@tanstack/react-query';
import { type DragEvent, useId, useRef, useState } from 'react';
import { Link, useOutletContext } from 'react-router';
import { api, call, messageOf } from '../../api/client';
import { formatBytes, type Progress, postWithProgress } from '../../api/transfer';
import { ErrorBox } from '../../ui/ui';
import type { ProjectContext } from './Layout';

type Summary = { task_count: number; annotation_count: number; prediction_count: number; import: number };
type Phase =
  | { kind: 'idle' }
  | { kind: 'uploading'; progress: Progress }
  | { kind: 'processing'; status: string }
  | { kind: 'done'; summary: Summary }
  | { kind: 'failed'; error: unknown };

const accepted = '.json,.jsonl,.csv,.tsv,.txt,application/json,text/csv,text/plain';
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export default function Import() {
  const { project } = useOutletContext<ProjectContext>();
  const client = useQueryClient();
  const [phase, setPhase] = useState<Phase>({ kind: 'idle' });
  const [files, setFiles] = useState<File[]>([]);
  const [over, setOver] = useState(false);
  const [pasted, setPasted] = useState('');
  const input = useRef<HTMLInputElement>(null);
  const inputId = useId();
  const pasteId = useId();
  const busy = phase.kind === 'uploading' || phase.kind === 'processing';

  async function follow(importId: number): Promise<Summary> {
    for (;;) {
      const record = await call(
        api.GET('/api/projects/{id}/imports/{import_id}', {
          params: { path: { id: project.id, import_id: importId } },
        }),
      );
      if (record.status === 'completed') return { ...record, import: record.id };
      if (record.status === 'failed') throw new Error(record.error ?? 'the import failed');
      setPhase({ kind: 'processing', status: `Import ${record.status.replace('_', ' ')}` });
      await sleep(1000);
    }
  }

  async function send(body: FormData | string) {
    setPhase({ kind: 'uploading', progress: { loaded: 0, total: null } });
    try {
      const answer = await postWithProgress(`/api/projects/${project.id}/import`, body, (progress) =>
        setPhase({ kind: 'uploading', progress }),
      );
      setPhase({ kind: 'processing', status: 'Creating tasks' });
      const summary =
        answer.status === 202 ? await follow((answer.body as Summary).import) : (answer.body as Summary);
      setPhase({ kind: 'done', summary });
      setFiles([]);
      setPasted('');
      await client.invalidateQueries({ queryKey: ['project', project.id] });
      await client.invalidateQueries({ queryKey: ['dm-tasks', project.id] });
      await client.invalidateQueries({ queryKey: ['dm-columns', project.id] });
    } catch (error) {
      setPhase({ kind: 'failed', error });
    }
  }

  const uploadFiles = () => {
    const form = new FormData();
    for (const f of files) form.append('file', f, f.name);
    void send(form);
  };
  const uploadPasted = () => {
    try {
      JSON.parse(pasted);
    } catch (err) {
      setPhase({ kind: 'failed', error: new Error(`The pasted text is not JSON: ${messageOf(err)}`) });
      return;
    }
    void send(pasted);
  };
  const onDrop = (e: DragEvent) => {
    e.preventDefault();
    setOver(false);
    if (e.dataTransfer.files.length) setFiles([...e.dataTransfer.files]);
  };

  const p = phase.kind === 'uploading' ? phase.progress : null;
  return (
    <section className="panel" aria-labelledby="import-h">
      <h2 id="import-h">Import tasks</h2>
      <p className="muted">
        Each task's data keys must match the variables of the label config
        {project.label_config ? '' : ' (this project has no label config yet: any keys are accepted)'}.
      </p>
      {/* biome-ignore lint/a11y/noStaticElementInteractions: the drop zone is a mouse shortcut; its file input is the keyboard way */}
      <div
        className={over ? 'ann-drop over' : 'ann-drop'}
        onDragOver={(e) => {
          e.preventDefault();
          setOver(true);
        }}
        onDragLeave={() => setOver(false)}
        onDrop={onDrop}
      >
        <p>Drop JSON, JSONL, CSV, TSV or TXT files here, or</p>
        <label htmlFor={inputId} className="button-like">
          Choose files
        </label>
        <input
          ref={input}
          id={inputId}
          className="visually-hidden"
          type="file"
          multiple
          accept={accepted}
          onChange={(e) => setFiles([...(e.target.files ?? [])])}
        />
        {files.length ? (
          <ul className="ann-files">
            {files.map((f) => (
              <li key={f.name}>
                {f.name} <span className="muted">({formatBytes(f.size)})</span>
              </li>
            ))}
          </ul>
        ) : null}
        <button type="button" className="primary" disabled={!files.length || busy} onClick={uploadFiles}>
          Import {files.length || ''} file{files.length === 1 ? '' : 's'}
        </button>
      </div>
      <div className="field">
        <label htmlFor={pasteId}>Or paste a JSON list of tasks</label>
        <textarea
          id={pasteId}
          className="mono"
          rows={5}
          placeholder='[{"text": "first task"}, {"text": "second task"}]'
          value={pasted}
          onChange={(e) => setPasted(e.target.value)}
        />
      </div>
      <button type="button" disabled={!pasted.trim() || busy} onClick={uploadPasted}>
        Import pasted tasks
      </button>
      <div aria-live="polite">
        {p ? (
          <div className="ann-progress">
            <label>
              Uploading {formatBytes(p.loaded)}
              {p.total ? ` of ${formatBytes(p.total)}` : ''}
              <progress max={p.total ?? undefined} value={p.total ? p.loaded : undefined} />
            </label>
          </div>
        ) : null}
        {phase.kind === 'processing' ? (
          <p className="muted" role="status">
            <span className="spinner" aria-hidden="true" /> {phase.status}…
          </p>
        ) : null}
        {phase.kind === 'done' ? (
          <p className="notice" role="status">
            Imported {phase.summary.task_count} tasks
            {phase.summary.annotation_count ? `, ${phase.summary.annotation_count} annotations` : ''}
            {phase.summary.prediction_count ? `, ${phase.summary.prediction_count} predictions` : ''}.{' '}
            <Link to="..">See the data</Link> or <Link to="../label">start labeling</Link>.
          </p>
        ) : null}
      </div>
      {phase.kind === 'failed' ? <ErrorBox error={phase.error} /> : null}
    </section>
  );
}
