// The geodata screens, each its own lazy chunk: a project's geodata (flights, campaigns, publishing,
// Breedbase) and map, a flight with its data products, indoor projects, disk usage and extensions.
import { lazy, type ReactNode, Suspense } from 'react';
import type { RouteObject } from 'react-router';
import { Loading } from '../../ui/ui';

const GeodataPage = lazy(() => import('./GeodataPage'));
const MapPage = lazy(() => import('./MapPage'));
const FlightPage = lazy(() => import('./FlightPage'));
const IndoorProjects = lazy(() => import('./IndoorProjects'));
const IndoorProjectPage = lazy(() => import('./IndoorProjectPage'));
const DiskUsage = lazy(() => import('./DiskUsage'));
const Extensions = lazy(() => import('./Extensions'));
export const PublicMap = lazy(() => import('./PublicMap'));

const page = (node: ReactNode) => <Suspense fallback={<Loading />}>{node}</Suspense>;

/** In the main navigation. */
export const indoorIndex = page(<IndoorProjects />);
export const diskUsageIndex = page(<DiskUsage />);
export const extensionsIndex = page(<Extensions />);

export const geodataRoutes: RouteObject[] = [
  { path: 'projects/:id/geodata', element: page(<GeodataPage />) },
  { path: 'projects/:id/map', element: page(<MapPage />) },
  { path: 'flights/:id', element: page(<FlightPage />) },
  { path: 'indoor/:id', element: page(<IndoorProjectPage />) },
];
