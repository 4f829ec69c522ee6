// The annotation screens under /projects/:id/labeling, each its own lazy chunk (the Label Studio frontend
// is a further chunk, loaded only by the labeling screen and the config preview).
// The frame and the data manager are React Router `lazy` routes with loaders: on a fresh page load the router
// fetches both chunks and the loaders start the project, the first task page, the columns and the views at
// once, in parallel with the session check, instead of one after another as the components mount (and
// without a Suspense boundary per chunk, whose reveals React throttles).
import { lazy, type ReactNode, Suspense } from 'react';
import type { LoaderFunctionArgs } from 'react-router';
import { queryClient } from '../../query';
import { Loading } from '../../ui/ui';
import { emptyQuery, projectQuery, queryText } from './api';
import { columnsKey, fetchColumns, fetchPage, fetchViews, tasksKey, viewsKey } from './dm/pages';

const Label = lazy(() => import('./Label'));
const Setup = lazy(() => import('./Setup'));
const Import = lazy(() => import('./Import'));
const Export = lazy(() => import('./Export'));

const page = (node: ReactNode) => <Suspense fallback={<Loading />}>{node}</Suspense>;

const projectOf = (params: LoaderFunctionArgs['params']) => {
  const id = Number(params.id);
  return Number.isInteger(id) && id > 0 ? id : null;
};

/** Starts the project's request (errors stay in the query, shown by the screen). Never waits for it. */
function loadProject({ params }: LoaderFunctionArgs) {
  const id = projectOf(params);
  if (id !== null) void queryClient.prefetchQuery(projectQuery(id));
  return null;
}

/** Starts the data manager's first page, columns and views, unless a saved view (other filters) is open. */
function loadDataManager({ params, request }: LoaderFunctionArgs) {
  const id = projectOf(params);
  if (id === null || new URL(request.url).searchParams.get('view')) return null;
  const text = queryText(emptyQuery);
  void queryClient.prefetchQuery({ queryKey: tasksKey(id, text, 1), queryFn: () => fetchPage(id, text, 1) });
  void queryClient.prefetchQuery({ queryKey: columnsKey(id), queryFn: () => fetchColumns(id) });
  void queryClient.prefetchQuery({ queryKey: viewsKey(id), queryFn: () => fetchViews(id) });
  return null;
}

/** Children of the signed-in shell. */
export const annotationRoutes = [
  {
    path: 'projects/:id/labeling',
    lazy: () => import('./Layout').then((m) => ({ Component: m.default })),
    loader: loadProject,
    children: [
      {
        index: true,
        lazy: () => import('./dm/DataManager').then((m) => ({ Component: m.default })),
        loader: loadDataManager,
      },
      { path: 'label', element: page(<Label />) },
      { path: 'setup', element: page(<Setup />) },
      { path: 'import', element: page(<Import />) },
      { path: 'export', element: page(<Export />) },
    ],
  },
];
