// The storages of one direction: where each points, its sync state (the running job's progress followed
// live), Sync, Edit and Delete.
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { JobProgress } from '../../ui/JobProgress';
import { Empty, ErrorBox, formatDate, Loading } from '../../ui/ui';
import { deleteStorage, listStorages, storagesKey, syncStorage, updateStorage } from './api';
import { bodyOf, type Direction, draftOf, locationOf, type Storage, typeLabel } from './fields';
import { StorageForm } from './StorageForm';

const statusText: Record<Storage['status'], string> = {
  initialized: 'Not synced yet',
  queued: 'Sync queued',
  in_progress: 'Syncing',
  failed: 'Sync failed',
  completed: 'Synced',
};

const active = (s: Storage) => s.status === 'queued' || s.status === 'in_progress';

function Row({ storage, direction, manage }: { storage: Storage; direction: Direction; manage: boolean }) {
  const client = useQueryClient();
  const [editing, setEditing] = useState(false);
  const refresh = () => client.invalidateQueries({ queryKey: storagesKey(storage.project, direction) });
  const sync = useMutation({
    mutationFn: () => syncStorage(direction, storage.type, storage.id),
    onSuccess: refresh,
  });
  const remove = useMutation({
    mutationFn: () => deleteStorage(direction, storage.type, storage.id),
    onSuccess: refresh,
  });
  const save = useMutation({
    mutationFn: (d: ReturnType<typeof draftOf>) =>
      updateStorage(direction, storage.type, storage.id, bodyOf(d, direction)),
    onSuccess: () => {
      setEditing(false);
      return refresh();
    },
  });
  const name = storage.title || locationOf(storage);
  const errors = Array.isArray(storage.meta.errors) ? (storage.meta.errors as unknown[]) : [];
  return (
    <li className="card" aria-label={name}>
      <div className="card-head">
        <h3>{name}</h3>
        <span className={`state state-${storage.status === 'completed' ? 'succeeded' : storage.status}`}>
          {statusText[storage.status]}
        </span>
      </div>
      <p className="small">
        {typeLabel(storage.type)} · <span className="mono">{locationOf(storage)}</span>
      </p>
      <p className="muted small">
        Last sync {formatDate(storage.last_sync)}
        {storage.last_sync_count !== null
          ? ` · ${storage.last_sync_count} ${direction === 'import' ? 'tasks created' : 'annotations written'}`
          : ''}
        {storage.credentials_set.length ? ` · credentials set: ${storage.credentials_set.join(', ')}` : ''}
      </p>
      {active(storage) && storage.last_sync_job ? (
        <JobProgress
          jobId={storage.last_sync_job}
          label={`Sync progress of ${storage.title || locationOf(storage)}`}
          starting="Starting the sync"
          onDone={refresh}
        />
      ) : null}
      {storage.traceback ? <p className="error small">{storage.traceback}</p> : null}
      {errors.length ? (
        <p className="error small">
          {errors.length} object{errors.length === 1 ? '' : 's'} could not be read:{' '}
          {String(JSON.stringify(errors[0]))}
        </p>
      ) : null}
      {editing ? (
        <StorageForm
          project={storage.project}
          direction={direction}
          initial={draftOf(storage)}
          existing={storage}
          submitLabel="Save storage"
          pending={save.isPending}
          error={save.error}
          onSubmit={(d) => save.mutate(d)}
          onCancel={() => setEditing(false)}
        />
      ) : manage ? (
        <div className="actions">
          <button
            type="button"
            className="primary"
            disabled={sync.isPending || active(storage)}
            onClick={() => sync.mutate()}
            aria-label={`Sync ${name}`}
          >
            {active(storage) ? 'Syncing…' : 'Sync'}
          </button>
          <button type="button" onClick={() => setEditing(true)} aria-label={`Edit ${name}`}>
            Edit
          </button>
          <button
            type="button"
            className="danger"
            disabled={remove.isPending}
            aria-label={`Delete ${name}`}
            onClick={() => {
              if (window.confirm(`Delete the storage “${name}”? Its tasks stay; the bucket is not touched.`))
                remove.mutate();
            }}
          >
            Delete
          </button>
        </div>
      ) : null}
      <ErrorBox error={sync.error ?? remove.error} />
    </li>
  );
}

export function StorageList({
  project,
  direction,
  manage,
}: {
  project: number;
  direction: Direction;
  manage: boolean;
}) {
  const storages = useQuery({
    queryKey: storagesKey(project, direction),
    queryFn: () => listStorages(project, direction),
    refetchInterval: (q) => (q.state.data?.some(active) ? 2000 : false),
  });
  if (storages.isLoading) return <Loading what="Loading storages" />;
  if (storages.error) return <ErrorBox error={storages.error} />;
  if (!storages.data?.length)
    return (
      <Empty>
        {direction === 'import'
          ? 'No source storage: add one to turn a bucket’s objects into tasks.'
          : 'No target storage: add one to write every annotation to a bucket.'}
      </Empty>
    );
  return (
    <ul className="cards" aria-label={direction === 'import' ? 'Source storages' : 'Target storages'}>
      {storages.data.map((s) => (
        <Row key={s.id} storage={s} direction={direction} manage={manage} />
      ))}
    </ul>
  );
}
