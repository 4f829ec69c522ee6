// The orders module (Databrewery's workflow, seed 003): client orders with submissions and contracts, currencies,
// payment rates, payments, annotators' bank details, ops manager requests, client API configuration and monthly
// workspace billing.
import type { Deps } from '../../platform/deps.ts';
import type { App } from '../../platform/http/app-types.ts';
import { bankRoutes } from './bank.routes.ts';
import { createBankService } from './bank.ts';
import { billingRoutes, createBillingService, defineBillingJob } from './billing.ts';
import { createContractsService } from './contracts.service.ts';
import { financeRoutes } from './finance.routes.ts';
import { createFinanceService } from './finance.service.ts';
import { createOpsService, opsRoutes } from './ops.ts';
import { ordersRoutes } from './orders.routes.ts';
import { createOrdersService } from './orders.service.ts';

export { BILLING_JOB, computeMonth } from './billing.ts';

export function ordersModule(app: App, deps: Deps): void {
  const orders = createOrdersService(deps);
  ordersRoutes(app, orders, createContractsService(deps, orders));
  financeRoutes(app, createFinanceService(deps));
  bankRoutes(app, createBankService(deps));
  opsRoutes(app, createOpsService(deps));
  defineBillingJob(deps);
  billingRoutes(app, createBillingService(deps));
}
