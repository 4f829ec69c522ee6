// What the data manager loads first (shared with the labeling routes' loaders): pages of tasks, columns, views.
// The URLs are the ones the server announces as preloads in the HTML (../../../preloads.ts), to the byte.
import { api, call } from '../../../api/client';
import { DM_PAGE_SIZE, dmTasksSearch } from '../../../preloads';

export const PAGE_SIZE = DM_PAGE_SIZE;

export function fetchPage(project: number, query: string, page: number) {
  return call(
    api.GET('/api/tasks', {
      params: { query: { project, page, page_size: PAGE_SIZE, fields: 'task_only', query } },
      querySerializer: () => dmTasksSearch(project, query, page),
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
