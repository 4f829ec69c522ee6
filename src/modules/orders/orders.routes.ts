// /api/orders: clients' labeling orders, their status transitions (one route per action of orders.state.ts),
// submission history and contracts.
import Type from 'typebox';
import { actorOf } from '../../platform/auth/plugin.ts';
import type { App } from '../../platform/http/app-types.ts';
import { IdParams, Paged, PageQuery, pagedBody, pageOf } from '../../platform/http/common.schemas.ts';
import { errors } from '../../platform/http/schemas.ts';
import type { createContractsService } from './contracts.service.ts';
import {
  Contract,
  ContractParams,
  CreateContractBody,
  CreateOrderBody,
  Order,
  OrderListQuery,
  Submission,
  TransitionBody,
  UpdateOrderBody,
} from './orders.schemas.ts';
import type { OrdersService } from './orders.service.ts';
import { orderActions, transitions } from './orders.state.ts';

const tags = ['orders'];

export function ordersRoutes(
  app: App,
  orders: OrdersService,
  contracts: ReturnType<typeof createContractsService>,
): void {
  app.post(
    '/api/orders',
    {
      schema: {
        tags,
        summary: 'Place an order for labeling work (a draft until submitted)',
        body: CreateOrderBody,
        response: { 201: Order, ...errors(400, 401, 403, 404) },
      },
    },
    async (request, reply) => reply.status(201).send(await orders.create(actorOf(request), request.body)),
  );

  app.get(
    '/api/orders',
    {
      schema: {
        tags,
        summary: 'Orders, newest first: staff see every order, others the ones they placed',
        querystring: OrderListQuery,
        response: { 200: Paged(Order), ...errors(400, 401, 404) },
      },
    },
    async (request) => {
      const page = pageOf(request.query);
      const { status, mine } = request.query;
      const { count, results } = await orders.list(actorOf(request), { status, mine }, page);
      return pagedBody(request.url, page, count, results);
    },
  );

  app.get(
    '/api/orders/:id',
    {
      schema: {
        tags,
        summary: 'One order',
        params: IdParams,
        response: { 200: Order, ...errors(400, 401, 404) },
      },
    },
    async (request) => orders.get(actorOf(request), request.params.id),
  );

  app.patch(
    '/api/orders/:id',
    {
      schema: {
        tags,
        summary: 'Change a draft order',
        params: IdParams,
        body: UpdateOrderBody,
        response: { 200: Order, ...errors(400, 401, 403, 404, 409) },
      },
    },
    async (request) => orders.update(actorOf(request), request.params.id, request.body),
  );

  for (const action of orderActions) {
    const t = transitions[action];
    app.post(
      `/api/orders/:id/${action}`,
      {
        schema: {
          tags,
          summary: `${action[0]!.toUpperCase()}${action.slice(1)}: ${t.summary} (from ${t.from.join(', ')} to ${t.to})`,
          params: IdParams,
          body: Type.Optional(TransitionBody),
          response: { 200: Order, ...errors(400, 401, 403, 404, 409) },
        },
      },
      async (request) => orders.transition(actorOf(request), request.params.id, action, request.body ?? {}),
    );
  }

  app.get(
    '/api/orders/:id/submissions',
    {
      schema: {
        tags,
        summary: "The order's submissions and staff's answers, newest first",
        params: IdParams,
        querystring: PageQuery,
        response: { 200: Paged(Submission), ...errors(400, 401, 404) },
      },
    },
    async (request) => {
      const page = pageOf(request.query);
      const { count, results } = await orders.submissions(actorOf(request), request.params.id, page);
      return pagedBody(request.url, page, count, results);
    },
  );

  app.post(
    '/api/orders/:id/contracts',
    {
      schema: {
        tags,
        summary: 'Attach a contract document (a file uploaded through /api/files) to an approved order',
        params: IdParams,
        body: CreateContractBody,
        response: { 201: Contract, ...errors(400, 401, 403, 404, 409) },
      },
    },
    async (request, reply) =>
      reply.status(201).send(await contracts.attach(actorOf(request), request.params.id, request.body)),
  );

  app.get(
    '/api/orders/:id/contracts',
    {
      schema: {
        tags,
        summary: "The order's contracts, newest first",
        params: IdParams,
        querystring: PageQuery,
        response: { 200: Paged(Contract), ...errors(400, 401, 404) },
      },
    },
    async (request) => {
      const page = pageOf(request.query);
      const { count, results } = await contracts.list(actorOf(request), request.params.id, page);
      return pagedBody(request.url, page, count, results);
    },
  );

  app.post(
    '/api/orders/:id/contracts/:contract_id/sign',
    {
      schema: {
        tags,
        summary: 'Sign a contract (the person who placed the order)',
        params: ContractParams,
        response: { 200: Contract, ...errors(400, 401, 403, 404, 409) },
      },
    },
    async (request) => contracts.sign(actorOf(request), request.params.id, request.params.contract_id),
  );
}
