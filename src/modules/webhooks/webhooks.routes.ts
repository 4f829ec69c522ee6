// /api/webhooks: Label Studio's webhook API (same paths and object), plus test pings and the delivery log.
import Type from 'typebox';
import { actorOf } from '../../platform/auth/plugin.ts';
import type { App } from '../../platform/http/app-types.ts';
import { IdParams, Paged, PageQuery, pagedBody, pageOf } from '../../platform/http/common.schemas.ts';
import { errors } from '../../platform/http/schemas.ts';
import { WEBHOOK_ACTIONS } from '../../platform/webhooks/dispatcher.ts';
import {
  ActionsInfo,
  CreatedWebhook,
  CreateWebhookBody,
  Delivery,
  UpdateWebhookBody,
  Webhook,
  WebhookListQuery,
} from './webhooks.schemas.ts';
import type { createWebhooksService } from './webhooks.service.ts';

const tags = ['webhooks'];
const organizationOnly = new Set(['PROJECT_CREATED', 'PROJECT_DELETED']);

export function webhooksRoutes(app: App, hooks: ReturnType<typeof createWebhooksService>): void {
  app.get(
    '/api/webhooks/info',
    {
      schema: {
        tags,
        summary: 'The events a webhook can receive',
        response: { 200: ActionsInfo, ...errors(401) },
      },
    },
    async () =>
      Object.fromEntries(
        WEBHOOK_ACTIONS.map((a) => [
          a,
          {
            name: a,
            description: a.toLowerCase().replaceAll('_', ' '),
            organization_only: organizationOnly.has(a),
          },
        ]),
      ),
  );

  app.get(
    '/api/webhooks',
    {
      schema: {
        tags,
        summary: "The organization's webhooks, or one project's (?project=)",
        querystring: WebhookListQuery,
        response: { 200: Type.Array(Webhook), ...errors(400, 401, 403, 404) },
      },
    },
    async (request) => hooks.list(actorOf(request), request.query.project),
  );

  app.post(
    '/api/webhooks',
    {
      schema: {
        tags,
        summary: 'Subscribe a URL to events of the organization or of one project',
        body: CreateWebhookBody,
        response: { 201: CreatedWebhook, ...errors(400, 401, 403, 404) },
      },
    },
    async (request, reply) => reply.status(201).send(await hooks.create(actorOf(request), request.body)),
  );

  app.get(
    '/api/webhooks/:id',
    {
      schema: {
        tags,
        summary: 'One webhook',
        params: IdParams,
        response: { 200: Webhook, ...errors(400, 401, 403, 404) },
      },
    },
    async (request) => hooks.get(actorOf(request), request.params.id),
  );

  app.patch(
    '/api/webhooks/:id',
    {
      schema: {
        tags,
        summary: 'Change a webhook (is_active: true switches it back on)',
        params: IdParams,
        body: UpdateWebhookBody,
        response: { 200: Webhook, ...errors(400, 401, 403, 404) },
      },
    },
    async (request) => hooks.update(actorOf(request), request.params.id, request.body),
  );

  app.delete(
    '/api/webhooks/:id',
    {
      schema: {
        tags,
        summary: 'Delete a webhook',
        params: IdParams,
        response: { 204: Type.Null(), ...errors(400, 401, 403, 404) },
      },
    },
    async (request, reply) => {
      await hooks.remove(actorOf(request), request.params.id);
      return reply.status(204).send(null);
    },
  );

  app.post(
    '/api/webhooks/:id/ping',
    {
      schema: {
        tags,
        summary: 'Send a WEBHOOK_PING delivery now (see the delivery log for the answer)',
        params: IdParams,
        response: { 202: Type.Object({ delivery: Type.Integer() }), ...errors(400, 401, 403, 404) },
      },
    },
    async (request, reply) => reply.status(202).send(await hooks.ping(actorOf(request), request.params.id)),
  );

  app.get(
    '/api/webhooks/:id/deliveries',
    {
      schema: {
        tags,
        summary: 'The delivery log of a webhook, newest first',
        params: IdParams,
        querystring: PageQuery,
        response: { 200: Paged(Delivery), ...errors(400, 401, 403, 404) },
      },
    },
    async (request) => {
      const page = pageOf(request.query);
      const { count, results } = await hooks.deliveries(actorOf(request), request.params.id, page);
      return pagedBody(request.url, page, count, results);
    },
  );
}
