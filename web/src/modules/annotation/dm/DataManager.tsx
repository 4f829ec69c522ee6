// The data manager: saved views, filters and sort (the API's filter JSON), the column chooser, the
// virtualised task table and the actions on the selected tasks.
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useMemo, useState } from 'react';
import { Link, useOutletContext, useSearchParams } from 'react-router';
import { ErrorBox, Loading } from '../../../ui/ui';
import {
  type Column,
  canManage,
  type DmQuery,
  emptyQuery,
  hiddenOfView,
  queryOfView,
  queryText,
  type View,
} from '../api';
import type { ProjectContext } from '../Layout';
import { Actions } from './Actions';
import { ColumnChooser } from './ColumnChooser';
import { Filters } from './Filters';
import { columnsKey, fetchColumns, fetchPage, tasksKey } from './pages';
import { noSelection, type Selection, selectAll, toggle } from './selection';
import { TaskTable } from './TaskTable';
import { useViews, Views } from './Views';

function useDebounced<T>(value: T, ms: number): T {
  const [current, setCurrent] = useState(value);
  useEffect(() => {
    const t = setTimeout(() => setCurrent(value), ms);
    return () => clearTimeout(t);
  }, [value, ms]);
  return current;
}

const defaultHidden = (columns: Column[]) =>
  columns
    .filter(
      (c) => (c as { visibility_defaults?: { explore?: boolean } }).visibility_defaults?.explore === false,
    )
    .map((c) => c.id);

/**
 * Until the columns answer: the task id and the data keys of the first page's first task, so the rows show as
 * soon as they arrive (the full list, with the task columns, replaces it when it comes).
 */
function columnsOfPage(tasks: { data: Record<string, unknown> }[] | undefined): Column[] {
  if (!tasks) return [];
  const keys = Object.keys(tasks[0]?.data ?? {});
  return [
    { id: 'id', title: 'ID', type: 'Number', target: 'tasks' },
    ...keys.map((key) => ({ id: key, title: key, type: 'String', target: 'tasks', parent: 'data' })),
  ];
}

export default function DataManager() {
  const { project } = useOutletContext<ProjectContext>();
  const client = useQueryClient();
  const [params, setParams] = useSearchParams();
  const viewId = Number(params.get('view')) || null;
  const [query, setQuery] = useState<DmQuery>(emptyQuery);
  const [hidden, setHidden] = useState<string[] | null>(null);
  const [selection, setSelection] = useState<Selection>(noSelection);
  const columns = useQuery({ queryKey: columnsKey(project.id), queryFn: () => fetchColumns(project.id) });
  const views = useViews(project.id);

  const text = useDebounced(queryText(query), 300);
  const filtered = query.filters.length > 0;
  const first = useQuery({
    queryKey: tasksKey(project.id, text, 1),
    queryFn: () => fetchPage(project.id, text, 1),
    placeholderData: (previous) => previous,
  });
  // The task id first, then the data keys, then the other task columns (Label Studio's order).
  const firstTasks = first.data?.tasks;
  const all = useMemo(() => {
    if (!columns.data) return columnsOfPage(firstTasks);
    const list = columns.data.columns.filter((c) => c.id !== 'data');
    return [...list.filter((c) => c.id === 'id'), ...list.filter((c) => c.id !== 'id')];
  }, [columns.data, firstTasks]);

  // Opening a view (from the URL too) loads its filters, sort and columns.
  const openView = views.data?.find((v) => v.id === viewId) ?? null;
  useEffect(() => {
    if (openView) {
      setQuery(queryOfView(openView));
      setHidden(hiddenOfView(openView));
    } else {
      setQuery(emptyQuery);
      setHidden(null);
    }
    setSelection(noSelection());
  }, [openView]);

  const total = first.data?.total ?? 0;
  const shownHidden = hidden ?? defaultHidden(all);
  const shown = all.filter((c) => !shownHidden.includes(c.id));
  const open = (view: View | null) => setParams(view ? { view: String(view.id) } : {});
  const changeQuery = (q: DmQuery) => {
    setQuery(q);
    setSelection(noSelection());
  };
  const reload = () => {
    setSelection(noSelection());
    void client.invalidateQueries({ queryKey: ['dm-tasks', project.id] });
    void client.invalidateQueries({ queryKey: ['project', project.id] });
  };

  if (columns.error || views.error) return <ErrorBox error={columns.error ?? views.error} />;
  // The rows need the first page and the columns or, before those, the page itself; a saved view's address
  // needs the views (its filters decide the page).
  if ((columns.isLoading && !first.data) || (viewId !== null && views.isLoading))
    return <Loading what="Loading the data manager" />;
  return (
    <section aria-labelledby="dm-h" className="dm">
      <h2 id="dm-h" className="visually-hidden">
        Tasks
      </h2>
      <Views
        project={project.id}
        views={views.data ?? []}
        current={openView?.id ?? null}
        query={query}
        hidden={shownHidden}
        onOpen={open}
      />
      <div className="dm-controls">
        <Filters query={query} columns={all} onChange={changeQuery} />
        <ColumnChooser columns={all} hidden={shownHidden} onChange={setHidden} />
      </div>
      <div className="toolbar">
        <span className="muted dm-count" role="status">
          {first.isFetching
            ? 'Loading…'
            : `${total} task${total === 1 ? '' : 's'}${filtered ? ' match' : ''}`}
        </span>
        <span className="spacer" />
        <Link to="label" className="button-like primary">
          Label all tasks
        </Link>
      </div>
      {canManage(project) ? (
        <Actions project={project.id} query={query} selection={selection} total={total} onDone={reload} />
      ) : null}
      <TaskTable
        project={project.id}
        query={text}
        columns={shown}
        filtered={filtered}
        selection={selection}
        onToggle={(id, on) => setSelection((s) => toggle(s, id, on))}
        onToggleAll={(on) => setSelection(selectAll(on))}
      />
    </section>
  );
}
