// The annotation screens under /projects/:id/labeling, each its own lazy chunk (the Label Studio frontend
// is a further chunk, loaded only by the labeling screen and the config preview).
import { lazy, type ReactNode, Suspense } from 'react';
import { Loading } from '../../ui/ui';

const Layout = lazy(() => import('./Layout'));
const DataManager = lazy(() => import('./dm/DataManager'));
const Label = lazy(() => import('./Label'));
const Setup = lazy(() => import('./Setup'));
const Import = lazy(() => import('./Import'));
const Export = lazy(() => import('./Export'));

const page = (node: ReactNode) => <Suspense fallback={<Loading />}>{node}</Suspense>;

/** Children of the signed-in shell. */
export const annotationRoutes = [
  {
    path: 'projects/:id/labeling',
    element: page(<Layout />),
    children: [
      { index: true, element: page(<DataManager />) },
      { path: 'label', element: page(<Label />) },
      { path: 'setup', element: page(<Setup />) },
      { path: 'import', element: page(<Import />) },
      { path: 'export', element: page(<Export />) },
    ],
  },
];
