// What the data manager loads first (shared with the prefetch in Layout): pages of tasks, columns, views.
import { api, call } from '../../../api/client';

export const PAGE_SIZE = 100;

export function fetchPage(project: number, query: string, page: number) {
  return call(
    api.GET('/api/tasks', {
      params: { query: { project, page, page_size: PAGE_SIZE, fields: 'task_only', query } },
    }),
  );
}

export const tasksKey = (project: number, query: string, page: number) => ['dm-tasks', project, query, page];

export const columnsKey = (project: number) => ['dm-columns', project];
export const fetchColumns = (project: number) =>
  call(api.GET('/api/dm/columns', { params: { query: { project } } }));

export const viewsKey = (project: number) => ['dm-views', project];
export const fetchViews = (project: number) =>
  call(api.GET('/api/dm/views', { params: { query: { project } } }));
