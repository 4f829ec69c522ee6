// Project setup: the label config (editor, validation through the API as you type, live preview in the
// Label Studio frontend) and the labeling settings. Saving goes through PATCH /api/projects/{id}.
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useId, useMemo, useState } from 'react';
import { useOutletContext } from 'react-router';
import { api, call } from '../../api/client';
import { useMe } from '../../session';
import { ErrorBox, Loading } from '../../ui/ui';
import { type AnnotationProject, canManage } from './api';
import { LabelStudioView } from './LabelStudioView';
import type { ProjectContext } from './Layout';
import { LabelingSettings } from './Settings';
import { sampleData, templates } from './templates';

function useDebounced<T>(value: T, ms: number): T {
  const [current, setCurrent] = useState(value);
  useEffect(() => {
    const t = setTimeout(() => setCurrent(value), ms);
    return () => clearTimeout(t);
  }, [value, ms]);
  return current;
}

function ParsedSummary({ parsed }: { parsed: Record<string, unknown> }) {
  const controls = Object.entries(parsed) as [
    string,
    { type?: string; to_name?: string[]; labels?: string[] },
  ][];
  if (controls.length === 0)
    return <p className="muted">No control tags yet: add Choices, Labels or similar.</p>;
  return (
    <ul className="ann-parsed">
      {controls.map(([name, c]) => (
        <li key={name}>
          <strong>{name}</strong> ({c.type}) → {(c.to_name ?? []).join(', ')}
          {c.labels?.length ? `: ${c.labels.join(', ')}` : ''}
        </li>
      ))}
    </ul>
  );
}

function ConfigEditor({ project }: { project: AnnotationProject }) {
  const [text, setText] = useState(project.label_config);
  const client = useQueryClient();
  const me = useMe();
  const editorId = useId();
  const debounced = useDebounced(text, 400);
  const readOnly = !canManage(project);
  const validation = useQuery({
    queryKey: ['validate-config', project.id, debounced],
    queryFn: () =>
      call(
        api.POST('/api/projects/{id}/validate', {
          params: { path: { id: project.id } },
          body: { label_config: debounced },
        }),
      ),
    enabled: debounced.trim() !== '',
    retry: false,
    placeholderData: (previous) => previous,
  });
  const valid =
    validation.isSuccess && !validation.isPlaceholderData && validation.data.label_config === debounced;
  const previewTask = useMemo(
    () => ({ id: 1, data: sampleData(validation.data?.label_config ?? '') }),
    [validation.data?.label_config],
  );
  const save = useMutation({
    mutationFn: () =>
      call(
        api.PATCH('/api/projects/{id}', {
          params: { path: { id: project.id } },
          body: { label_config: text },
        }),
      ),
    onSuccess: (updated) => client.setQueryData(['project', project.id], updated),
  });
  const dirty = text !== project.label_config;

  return (
    <section className="panel" aria-labelledby="config-h">
      <h2 id="config-h">Label config</h2>
      {!readOnly ? (
        <fieldset className="toolbar ann-templates">
          <legend className="muted">Start from a template</legend>
          {templates.map((t) => (
            <button key={t.id} type="button" onClick={() => setText(t.config)}>
              {t.title}
            </button>
          ))}
        </fieldset>
      ) : null}
      <div className="ann-config">
        <div className="field">
          <label htmlFor={editorId}>Label config (XML)</label>
          <textarea
            id={editorId}
            className="mono ann-xml"
            spellCheck={false}
            rows={16}
            readOnly={readOnly}
            value={text}
            aria-describedby={`${editorId}-status`}
            onChange={(e) => setText(e.target.value)}
          />
          <div id={`${editorId}-status`} aria-live="polite">
            {text.trim() === '' ? <p className="muted">Write a config or start from a template.</p> : null}
            {validation.isFetching ? <p className="muted">Checking…</p> : null}
            {validation.error && !validation.isFetching ? <ErrorBox error={validation.error} /> : null}
            {valid ? (
              <p className="notice" role="status">
                The config is valid.
              </p>
            ) : null}
          </div>
          {validation.data ? <ParsedSummary parsed={validation.data.parsed_label_config} /> : null}
        </div>
        <section className="ann-preview" aria-label="Preview">
          <h3>Preview</h3>
          {validation.data && me.data ? (
            <LabelStudioView
              config={validation.data.label_config}
              task={previewTask}
              user={{ id: me.data.id, username: me.data.username }}
              mode="preview"
            />
          ) : (
            <p className="muted">The preview shows once the config is valid.</p>
          )}
        </section>
      </div>
      <ErrorBox error={save.error} />
      {save.isSuccess && !dirty ? (
        <p className="notice" role="status">
          Label config saved.
        </p>
      ) : null}
      {!readOnly ? (
        <div className="actions">
          <button
            type="button"
            className="primary"
            disabled={!dirty || save.isPending || text.trim() === ''}
            onClick={() => save.mutate()}
          >
            Save label config
          </button>
          <button type="button" disabled={!dirty} onClick={() => setText(project.label_config)}>
            Revert
          </button>
        </div>
      ) : null}
    </section>
  );
}

export default function Setup() {
  const { project } = useOutletContext<ProjectContext>();
  if (!project) return <Loading />;
  return (
    <>
      <ConfigEditor project={project} />
      <LabelingSettings key={project.updated_at} project={project} />
    </>
  );
}
