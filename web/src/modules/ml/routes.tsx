// The ML backends screen of a project, its own lazy chunk inside the signed-in shell.
import { lazy, Suspense } from 'react';
import type { RouteObject } from 'react-router';
import { Loading } from '../../ui/ui';

const MlBackends = lazy(() => import('./MlBackends'));

export const mlRoutes: RouteObject[] = [
  {
    path: 'projects/:id/ml',
    element: (
      <Suspense fallback={<Loading what="Loading ML backends" />}>
        <MlBackends />
      </Suspense>
    ),
  },
];
