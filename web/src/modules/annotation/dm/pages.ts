// Pages of tasks as the data manager asks for them (shared with the prefetch in Layout).
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
