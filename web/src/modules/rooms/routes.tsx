// The rooms screens, each its own lazy chunk: inside the signed-in shell, and the public shared view.
import { lazy, Suspense } from 'react';
import type { RouteObject } from 'react-router';
import { Loading } from '../../ui/ui';

const Rooms = lazy(() => import('./Rooms'));
const Room = lazy(() => import('./Room'));
const SharedRoom = lazy(() => import('./SharedRoom'));

const wait = <Loading what="Loading rooms" />;

/** The rooms list, the navigation entry. */
export const roomsIndex = (
  <Suspense fallback={wait}>
    <Rooms />
  </Suspense>
);

export const roomRoutes: RouteObject[] = [
  {
    path: 'rooms/:id',
    element: (
      <Suspense fallback={wait}>
        <Room view="chat" />
      </Suspense>
    ),
  },
  {
    path: 'rooms/:id/dashboard',
    element: (
      <Suspense fallback={wait}>
        <Room view="dashboard" />
      </Suspense>
    ),
  },
];

/** Outside the shell: no account needed. */
export const publicRoomRoutes: RouteObject[] = [
  {
    path: '/shared/rooms/:token',
    element: (
      <Suspense fallback={wait}>
        <SharedRoom />
      </Suspense>
    ),
  },
];
