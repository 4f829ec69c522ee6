// Saved views (/api/dm/views): tabs that load a view's filters, sort and hidden columns; save the current
// ones into the open view or as a new view; delete a view.
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { api, call } from '../../../api/client';
import { ErrorBox, Field } from '../../../ui/ui';
import { type DmQuery, filtersJson, orderingJson, type View } from '../api';
import { fetchViews, viewsKey } from './pages';

export function useViews(project: number) {
  return useQuery({ queryKey: viewsKey(project), queryFn: () => fetchViews(project) });
}

const viewTitle = (v: View, i: number) => String((v.data as { title?: string }).title ?? `View ${i + 1}`);

export function Views({
  project,
  views,
  current,
  query,
  hidden,
  onOpen,
}: {
  project: number;
  views: View[];
  current: number | null;
  query: DmQuery;
  hidden: string[];
  onOpen: (view: View | null) => void;
}) {
  const client = useQueryClient();
  const [naming, setNaming] = useState(false);
  const [title, setTitle] = useState('');
  const data = (t: string) => ({
    title: t,
    filters: filtersJson(query),
    ordering: orderingJson(query),
    hiddenColumns: { explore: hidden.map((h) => `tasks:${h}`) },
  });
  const refresh = () => client.invalidateQueries({ queryKey: viewsKey(project) });
  const create = useMutation({
    mutationFn: (t: string) => call(api.POST('/api/dm/views', { body: { project, data: data(t) } })),
    onSuccess: async (view) => {
      setNaming(false);
      setTitle('');
      await refresh();
      onOpen(view);
    },
  });
  const open = views.find((v) => v.id === current);
  const update = useMutation({
    mutationFn: (view: View) =>
      call(
        api.PATCH('/api/dm/views/{id}', {
          params: { path: { id: view.id } },
          body: { project, data: data(viewTitle(view, views.indexOf(view))) },
        }),
      ),
    onSuccess: refresh,
  });
  const remove = useMutation({
    mutationFn: (view: View) => call(api.DELETE('/api/dm/views/{id}', { params: { path: { id: view.id } } })),
    onSuccess: async () => {
      onOpen(null);
      await refresh();
    },
  });
  const onCreate = (e: FormEvent) => {
    e.preventDefault();
    if (title.trim()) create.mutate(title.trim());
  };
  return (
    <div className="dm-views">
      <div role="tablist" aria-label="Saved views" className="dm-view-tabs">
        <button type="button" role="tab" aria-selected={current === null} onClick={() => onOpen(null)}>
          All tasks
        </button>
        {views.map((v, i) => (
          <button
            key={v.id}
            type="button"
            role="tab"
            aria-selected={current === v.id}
            onClick={() => onOpen(v)}
          >
            {viewTitle(v, i)}
          </button>
        ))}
      </div>
      <div className="toolbar">
        {open ? (
          <>
            <button type="button" disabled={update.isPending} onClick={() => update.mutate(open)}>
              Save view
            </button>
            <button
              type="button"
              className="danger"
              disabled={remove.isPending}
              onClick={() => {
                if (window.confirm('Delete this view? The tasks stay.')) remove.mutate(open);
              }}
            >
              Delete view
            </button>
          </>
        ) : null}
        {naming ? (
          <form className="toolbar" onSubmit={onCreate} aria-label="New view">
            <Field
              label="View name"
              required
              maxLength={200}
              value={title}
              onChange={(e) => setTitle(e.target.value)}
            />
            <button type="submit" className="primary" disabled={create.isPending}>
              Save as new view
            </button>
            <button type="button" onClick={() => setNaming(false)}>
              Cancel
            </button>
          </form>
        ) : (
          <button type="button" onClick={() => setNaming(true)}>
            New view from these filters
          </button>
        )}
        {update.isSuccess && !update.isPending ? (
          <span className="notice" role="status">
            View saved.
          </span>
        ) : null}
      </div>
      <ErrorBox error={create.error ?? update.error ?? remove.error} />
    </div>
  );
}
