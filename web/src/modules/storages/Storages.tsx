// A project's cloud storages (Label Studio's /api/storages): source storages whose objects become tasks,
// target storages that receive every annotation; add, check, sync with progress, edit, delete.
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { canManageProject, type FrameProject, ProjectFrame } from '../../ui/ProjectFrame';
import { createStorage, storagesKey } from './api';
import { bodyOf, type Direction, type Draft, emptyDraft } from './fields';
import { StorageForm } from './StorageForm';
import { StorageList } from './StorageList';
import './storages.css';

function AddStorage({ project, direction }: { project: number; direction: Direction }) {
  const client = useQueryClient();
  const [open, setOpen] = useState(false);
  const [formKey, setFormKey] = useState(0);
  const add = useMutation({
    mutationFn: (d: Draft) => createStorage(direction, d.type, { project, ...bodyOf(d, direction) }),
    onSuccess: () => {
      setFormKey((k) => k + 1);
      setOpen(false);
      return client.invalidateQueries({ queryKey: storagesKey(project, direction) });
    },
  });
  const label = direction === 'import' ? 'Add source storage' : 'Add target storage';
  if (!open)
    return (
      <button type="button" onClick={() => setOpen(true)}>
        {label}
      </button>
    );
  return (
    <div className="panel">
      <h3>{label}</h3>
      <StorageForm
        key={formKey}
        project={project}
        direction={direction}
        initial={emptyDraft()}
        submitLabel={direction === 'import' ? 'Add source' : 'Add target'}
        pending={add.isPending}
        error={add.error}
        onSubmit={(d) => add.mutate(d)}
        onCancel={() => setOpen(false)}
      />
    </div>
  );
}

function Directions({ project }: { project: FrameProject }) {
  const manage = canManageProject(project);
  return (
    <div className="grid-2 st-grid">
      {(['import', 'export'] as const).map((direction) => (
        <section key={direction} className="panel" aria-labelledby={`st-${direction}-h`}>
          <h2 id={`st-${direction}-h`}>{direction === 'import' ? 'Source storages' : 'Target storages'}</h2>
          <p className="muted small">
            {direction === 'import'
              ? 'A sync lists the bucket and adds a task for every new object (a JSON task file, or a media URL).'
              : 'Each saved annotation is written as a JSON object; a sync writes all of them again.'}
          </p>
          <StorageList project={project.id} direction={direction} manage={manage} />
          {manage ? <AddStorage project={project.id} direction={direction} /> : null}
        </section>
      ))}
    </div>
  );
}

export default function Storages() {
  return <ProjectFrame title="Cloud storage">{(project) => <Directions project={project} />}</ProjectFrame>;
}
