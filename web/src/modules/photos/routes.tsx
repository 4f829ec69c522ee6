// The photos screens, each its own lazy chunk, as routes inside the signed-in shell.
import { lazy, Suspense } from 'react';
import type { RouteObject } from 'react-router';
import { Loading } from '../../ui/ui';

const Gallery = lazy(() => import('./Gallery'));
const PhotoView = lazy(() => import('./PhotoView'));
const ReviewQueue = lazy(() => import('./ReviewQueue'));

const wait = <Loading what="Loading photos" />;

export const photoRoutes: RouteObject[] = [
  {
    path: 'projects/:id/photos',
    element: (
      <Suspense fallback={wait}>
        <Gallery />
      </Suspense>
    ),
  },
  {
    path: 'projects/:id/review',
    element: (
      <Suspense fallback={wait}>
        <ReviewQueue />
      </Suspense>
    ),
  },
  {
    path: 'photos/:id',
    element: (
      <Suspense fallback={wait}>
        <PhotoView />
      </Suspense>
    ),
  },
];
