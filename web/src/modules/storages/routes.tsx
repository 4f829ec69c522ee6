// The cloud storages screen of a project, its own lazy chunk inside the signed-in shell.
import { lazy, Suspense } from 'react';
import type { RouteObject } from 'react-router';
import { Loading } from '../../ui/ui';

const Storages = lazy(() => import('./Storages'));

export const storageRoutes: RouteObject[] = [
  {
    path: 'projects/:id/storages',
    element: (
      <Suspense fallback={<Loading what="Loading storages" />}>
        <Storages />
      </Suspense>
    ),
  },
];
