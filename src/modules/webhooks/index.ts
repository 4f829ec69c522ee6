// The webhooks module: subscriptions and their delivery log (delivery itself is platform/webhooks).
import type { Deps } from '../../platform/deps.ts';
import type { App } from '../../platform/http/app-types.ts';
import { webhooksRoutes } from './webhooks.routes.ts';
import { createWebhooksService } from './webhooks.service.ts';

export function webhooksModule(app: App, deps: Deps): void {
  webhooksRoutes(app, createWebhooksService(deps, deps.webhooks));
}
