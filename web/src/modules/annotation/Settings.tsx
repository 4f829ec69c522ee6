// The project's labeling settings (Label Studio's project fields): instructions, skip, overlap, sampling.
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { api, call } from '../../api/client';
import { ErrorBox, Field, Select, TextArea } from '../../ui/ui';
import { type AnnotationProject, canManage } from './api';

const samplings = ['Sequential sampling', 'Uniform sampling', 'Uncertainty sampling'] as const;
const skipQueues = [
  { value: 'REQUEUE_FOR_OTHERS', label: 'Skipped tasks go to others' },
  { value: 'REQUEUE_FOR_ME', label: 'Skipped tasks come back to me' },
  { value: 'IGNORE_SKIPPED', label: 'Skipped tasks count as done' },
] as const;

type Flags = 'show_instruction' | 'show_skip_button' | 'enable_empty_annotation' | 'show_annotation_history';
const flags: { key: Flags; label: string }[] = [
  { key: 'show_instruction', label: 'Show the instructions before labeling' },
  { key: 'show_skip_button', label: 'Allow skipping tasks' },
  { key: 'enable_empty_annotation', label: 'Allow empty annotations' },
  { key: 'show_annotation_history', label: 'Show annotation history' },
];

export function LabelingSettings({ project }: { project: AnnotationProject }) {
  const [form, setForm] = useState({
    expert_instruction: project.expert_instruction,
    show_instruction: project.show_instruction,
    show_skip_button: project.show_skip_button,
    enable_empty_annotation: project.enable_empty_annotation,
    show_annotation_history: project.show_annotation_history,
    maximum_annotations: String(project.maximum_annotations),
    sampling: project.sampling,
    skip_queue: project.skip_queue,
  });
  const client = useQueryClient();
  const save = useMutation({
    mutationFn: () =>
      call(
        api.PATCH('/api/projects/{id}', {
          params: { path: { id: project.id } },
          body: { ...form, maximum_annotations: Number(form.maximum_annotations) },
        }),
      ),
    onSuccess: (updated) => client.setQueryData(['project', project.id], updated),
  });
  const readOnly = !canManage(project);
  const onSubmit = (e: FormEvent) => {
    e.preventDefault();
    save.mutate();
  };
  return (
    <form className="panel" onSubmit={onSubmit} aria-labelledby="lsettings-h">
      <h2 id="lsettings-h">Labeling settings</h2>
      <fieldset disabled={readOnly || save.isPending}>
        <legend className="visually-hidden">Labeling settings</legend>
        <TextArea
          label="Instructions for annotators"
          rows={3}
          value={form.expert_instruction}
          onChange={(e) => setForm({ ...form, expert_instruction: e.target.value })}
        />
        {flags.map((f) => (
          <label key={f.key} className="check">
            <input
              type="checkbox"
              checked={form[f.key]}
              onChange={(e) => setForm({ ...form, [f.key]: e.target.checked })}
            />{' '}
            {f.label}
          </label>
        ))}
        <Field
          label="Annotations per task (overlap)"
          type="number"
          min={1}
          max={10000}
          value={form.maximum_annotations}
          onChange={(e) => setForm({ ...form, maximum_annotations: e.target.value })}
        />
        <Select
          label="Task sampling"
          value={form.sampling}
          onChange={(e) => setForm({ ...form, sampling: e.target.value as (typeof samplings)[number] })}
          options={samplings.map((s) => ({ value: s, label: s }))}
        />
        <Select
          label="Skipped tasks"
          value={form.skip_queue}
          onChange={(e) =>
            setForm({ ...form, skip_queue: e.target.value as AnnotationProject['skip_queue'] })
          }
          options={skipQueues}
        />
      </fieldset>
      <ErrorBox error={save.error} />
      {save.isSuccess && !save.isPending ? (
        <p className="notice" role="status">
          Settings saved.
        </p>
      ) : null}
      {!readOnly ? (
        <button type="submit" className="primary" disabled={save.isPending}>
          Save labeling settings
        </button>
      ) : null}
    </form>
  );
}
