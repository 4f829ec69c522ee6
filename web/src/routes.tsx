// The route table. Every screen is its own lazy chunk, so module screens (annotation, photos, geodata, rooms)
// are added here as further `lazy(() => import(...))` entries without growing the first load.
import { lazy, type ReactNode, Suspense } from 'react';
import { createBrowserRouter, Navigate } from 'react-router';
import { annotationRoutes } from './modules/annotation/routes';
import {
  diskUsageIndex,
  extensionsIndex,
  geodataRoutes,
  indoorIndex,
  PublicMap,
} from './modules/geodata/routes';
import { mlRoutes } from './modules/ml/routes';
import { billingIndex, orderRoutes, ordersIndex } from './modules/orders/routes';
import { photoRoutes } from './modules/photos/routes';
import { publicRoomRoutes, roomRoutes, roomsIndex } from './modules/rooms/routes';
import { storageRoutes } from './modules/storages/routes';
import { queryClient } from './query';
import { Shell } from './Shell';
import { meQuery } from './session';
import { Loading } from './ui/ui';

const auth = () => import('./pages/auth');
const SignIn = lazy(() => auth().then((m) => ({ default: m.SignIn })));
const SignUp = lazy(() => auth().then((m) => ({ default: m.SignUp })));
const MagicLink = lazy(() => auth().then((m) => ({ default: m.MagicLink })));
const ResetPassword = lazy(() => auth().then((m) => ({ default: m.ResetPassword })));
const ConfirmEmail = lazy(() => auth().then((m) => ({ default: m.ConfirmEmail })));
const AcceptInvite = lazy(() => import('./pages/AcceptInvite'));
const Projects = lazy(() => import('./pages/Projects'));
const Project = lazy(() => import('./pages/Project'));
const Teams = lazy(() => import('./pages/Teams'));
const Workspaces = lazy(() => import('./pages/Workspaces'));
const ProjectGroups = lazy(() => import('./pages/ProjectGroups'));
const Members = lazy(() => import('./pages/Members'));
const ApiKeys = lazy(() => import('./pages/ApiKeys'));
const AuditLog = lazy(() => import('./pages/AuditLog'));
const Jobs = lazy(() => import('./pages/Jobs'));
const NotFound = lazy(() => import('./pages/NotFound'));

const page = (node: ReactNode) => <Suspense fallback={<Loading />}>{node}</Suspense>;

/** Screens inside the signed-in shell, in navigation order. */
export const shellRoutes = [
  { path: 'projects', label: 'Projects', element: page(<Projects />) },
  { path: 'rooms', label: 'Rooms', element: roomsIndex },
  { path: 'teams', label: 'Teams', element: page(<Teams />) },
  { path: 'workspaces', label: 'Workspaces', element: page(<Workspaces />) },
  { path: 'project-groups', label: 'Project groups', element: page(<ProjectGroups />) },
  { path: 'members', label: 'Members', element: page(<Members />) },
  { path: 'api-keys', label: 'API keys', element: page(<ApiKeys />) },
  { path: 'audit-log', label: 'Audit log', element: page(<AuditLog />) },
  { path: 'jobs', label: 'Jobs', element: page(<Jobs />) },
  { path: 'orders', label: 'Orders', element: ordersIndex },
  { path: 'billing', label: 'Payments and billing', element: billingIndex },
  { path: 'indoor', label: 'Indoor projects', element: indoorIndex },
  { path: 'disk-usage', label: 'Disk usage', element: diskUsageIndex },
  { path: 'extensions', label: 'Extensions', element: extensionsIndex },
] as const;

export const router = createBrowserRouter([
  { path: '/signin', element: page(<SignIn />) },
  { path: '/signup', element: page(<SignUp />) },
  { path: '/magic-link', element: page(<MagicLink />) },
  { path: '/reset-password', element: page(<ResetPassword />) },
  { path: '/confirm-email', element: page(<ConfirmEmail />) },
  { path: '/accept-invite', element: page(<AcceptInvite />) },
  ...publicRoomRoutes,
  { path: '/public/projects/:id', element: page(<PublicMap />) },
  {
    path: '/',
    element: <Shell />,
    // Starts the session check with the navigation, beside the matched screens' chunks and loaders.
    loader: () => {
      void queryClient.prefetchQuery(meQuery);
      return null;
    },
    HydrateFallback: () => <Loading what="Loading" />,
    children: [
      { index: true, element: <Navigate to="/projects" replace /> },
      ...shellRoutes.map(({ path, element }) => ({ path, element })),
      { path: 'projects/:id', element: page(<Project />) },
      ...photoRoutes,
      ...roomRoutes,
      ...annotationRoutes,
      ...mlRoutes,
      ...storageRoutes,
      ...orderRoutes,
      ...geodataRoutes,
      { path: '*', element: page(<NotFound />) },
    ],
  },
]);
