// The data manager's table: a virtualised list over every task of the filter that fetches only the pages
// of rows in (or near) view, 100 tasks a page, as you scroll. A million tasks cost a million row heights
// of scrollbar and a few pages of data, never the whole project.
import { useQueries, useQuery } from '@tanstack/react-query';
import { useVirtualizer } from '@tanstack/react-virtual';
import { useRef } from 'react';
import { Link } from 'react-router';
import { Empty, ErrorBox, formatDate, Loading } from '../../../ui/ui';
import { type Column, columnKey, type DmTask as Task } from '../api';
import { fetchPage, PAGE_SIZE, tasksKey } from './pages';

// 32 px keeps a million rows under the tallest element Chromium lays out (2^25 px).
const ROW = 32;

import type { Selection } from './selection';
import { isSelected } from './selection';

function cellText(task: Task, column: Column): string {
  const key = columnKey(column);
  const value = key.startsWith('data.')
    ? task.data[column.id]
    : (task as unknown as Record<string, unknown>)[column.id];
  if (value === null || value === undefined) return '—';
  if (column.type === 'Datetime' && typeof value === 'string') return formatDate(value);
  if (typeof value === 'boolean') return value ? 'yes' : 'no';
  // Lists of people: user ids (annotators, comment_authors) or `[{user_id}]` (updated_by).
  if (Array.isArray(value))
    return value.length
      ? value
          .map((v) => (v && typeof v === 'object' && 'user_id' in v ? String(v.user_id) : String(v)))
          .join(', ')
      : '—';
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value);
}

export interface TaskTableProps {
  project: number;
  query: string;
  columns: Column[];
  selection: Selection;
  onToggle: (id: number, on: boolean) => void;
  onToggleAll: (on: boolean) => void;
  /** Whether filters apply (an empty answer then means no match, not an empty project). */
  filtered: boolean;
}

export function TaskTable(props: TaskTableProps) {
  const { project, query, columns, selection, onToggle, onToggleAll, filtered } = props;
  const scroller = useRef<HTMLDivElement>(null);
  const first = useQuery({
    queryKey: tasksKey(project, query, 1),
    queryFn: () => fetchPage(project, query, 1),
    placeholderData: (previous) => previous,
  });
  const total = first.data?.total ?? 0;
  const virtualizer = useVirtualizer({
    count: total,
    getScrollElement: () => scroller.current,
    estimateSize: () => ROW,
    overscan: 20,
  });
  const items = virtualizer.getVirtualItems();
  const pages = [...new Set(items.map((i) => Math.floor(i.index / PAGE_SIZE) + 1))].filter((p) => p > 1);
  const loaded = useQueries({
    queries: pages.map((page) => ({
      queryKey: tasksKey(project, query, page),
      queryFn: () => fetchPage(project, query, page),
      staleTime: 30_000,
    })),
  });
  const pageData = new Map<number, Task[]>();
  if (first.data && !first.isPlaceholderData) pageData.set(1, first.data.tasks);
  pages.forEach((p, i) => {
    const data = loaded[i]?.data;
    if (data) pageData.set(p, data.tasks);
  });
  const pageError = loaded.find((q) => q.error)?.error;
  const widths = columns.map((c) => (c.id === 'id' ? 6 : 11));
  const template = `2.5rem ${widths.map((w) => `minmax(${w}rem, 1fr)`).join(' ')}`;
  const minWidth = `${2.5 + widths.reduce((a, b) => a + b, 0) + 0.5 * (widths.length + 2)}rem`;
  const allOn = selection.all && selection.excluded.size === 0;

  if (first.isLoading) return <Loading what="Loading tasks" />;
  if (first.error) return <ErrorBox error={first.error} />;
  if (total === 0)
    return (
      <Empty>
        {!filtered ? (
          <>
            No tasks yet. <Link to="import">Import tasks</Link> to start.
          </>
        ) : (
          'No tasks match these filters.'
        )}
      </Empty>
    );

  return (
    <div ref={scroller} className="dm-scroller" data-total={total}>
      <table className="dm-table" aria-rowcount={total + 1} style={{ minWidth }}>
        <caption className="visually-hidden">Tasks ({total}), loaded as you scroll</caption>
        <thead>
          <tr aria-rowindex={1} style={{ gridTemplateColumns: template }}>
            <th scope="col">
              <input
                type="checkbox"
                aria-label="Select all tasks"
                checked={allOn}
                onChange={(e) => onToggleAll(e.target.checked)}
              />
            </th>
            {columns.map((c) => (
              <th key={c.id} scope="col" title={c.title}>
                {c.title}
              </th>
            ))}
          </tr>
        </thead>
        <tbody style={{ height: virtualizer.getTotalSize() }}>
          {items.map((item) => {
            const page = Math.floor(item.index / PAGE_SIZE) + 1;
            const task = pageData.get(page)?.[item.index % PAGE_SIZE];
            return (
              <tr
                key={item.key}
                aria-rowindex={item.index + 2}
                data-task={task?.id}
                style={{
                  gridTemplateColumns: template,
                  transform: `translateY(${item.start}px)`,
                  height: ROW,
                }}
              >
                {task ? (
                  <>
                    <td>
                      <input
                        type="checkbox"
                        aria-label={`Select task ${task.id}`}
                        checked={isSelected(selection, task.id)}
                        onChange={(e) => onToggle(task.id, e.target.checked)}
                      />
                    </td>
                    {columns.map((c) => (
                      <td key={c.id}>
                        {c.id === 'id' ? (
                          <Link to={`label?task=${task.id}`} aria-label={`Open task ${task.id}`}>
                            {task.id}
                          </Link>
                        ) : (
                          cellText(task, c)
                        )}
                      </td>
                    ))}
                  </>
                ) : (
                  <td className="dm-loading">Loading…</td>
                )}
              </tr>
            );
          })}
        </tbody>
      </table>
      <ErrorBox error={pageError} />
    </div>
  );
}
