// The orders, order and billing screens, each its own lazy chunk inside the signed-in shell.
import { lazy, type ReactNode, Suspense } from 'react';
import type { RouteObject } from 'react-router';
import { Loading } from '../../ui/ui';

const Orders = lazy(() => import('./Orders'));
const OrderPage = lazy(() => import('./OrderPage'));
const Billing = lazy(() => import('./Billing'));

const page = (node: ReactNode) => <Suspense fallback={<Loading what="Loading" />}>{node}</Suspense>;

/** In the main navigation. */
export const ordersIndex = page(<Orders />);
export const billingIndex = page(<Billing />);

export const orderRoutes: RouteObject[] = [{ path: 'orders/:id', element: page(<OrderPage />) }];
