// What a fresh page load of some addresses fetches first, announced in the HTML so the browser starts it while
// the entry chunk downloads and runs. The build (web/vite.config.ts) turns this table into dist/preloads.json
// (route chunks resolved to their hashed files, URLs as templates with `{param}` holes); the server fills the
// holes from the address and adds `<link rel="modulepreload">` / `<link rel="preload" as="fetch">` to the
// index.html it answers (src/platform/http/web-preloads.ts). A preload is only a hint: the browser's request
// carries the user's own cookie and goes through the normal access checks.
// The app must fetch these exact URLs (same query string, same credentials mode: a plain same-origin fetch) or
// the browser fetches them a second time; the screens build their URLs with the functions below.
// No imports: the build's config loads this file in Node.

export const DM_PAGE_SIZE = 100;

/** The data manager's `query=` with no filter and no ordering (what `queryText(emptyQuery)` gives). */
export const EMPTY_DM_QUERY = JSON.stringify({ filters: { conjunction: 'and', items: [] }, ordering: [] });

/** The query string of a data manager page of tasks (GET /api/tasks). */
export const dmTasksSearch = (project: number | string, query: string, page: number) =>
  `project=${project}&page=${page}&page_size=${DM_PAGE_SIZE}&fields=task_only&query=${encodeURIComponent(query)}`;

export interface RoutePreload {
  /** An app address with `:param` segments; a param matches letters, digits, `-` and `_` only. */
  path: string;
  /** Source modules (relative to web/) whose chunks the router loads for this address. */
  modules: string[];
  /**
   * Same-origin GET URLs the screens fetch first, from the params (called with `{param}` holes); one with
   * `unlessSearch` is left out when the address has any of those search params (they change what is fetched).
   */
  fetch: (params: Record<string, string>) => (string | { url: string; unlessSearch: string[] })[];
}

export const routePreloads: RoutePreload[] = [
  {
    // The data manager: the session, the project, the first page of tasks, the columns and the views.
    path: '/projects/:id/labeling',
    modules: ['src/modules/annotation/Layout.tsx', 'src/modules/annotation/dm/DataManager.tsx'],
    fetch: ({ id }) => [
      '/api/users/me',
      `/api/projects/${id}`,
      // A saved view (`?view=`) has its own filters: its first page is another URL.
      { url: `/api/tasks?${dmTasksSearch(id ?? '', EMPTY_DM_QUERY, 1)}`, unlessSearch: ['view'] },
      `/api/dm/columns?project=${id}`,
      `/api/dm/views?project=${id}`,
    ],
  },
];
