// /api/license-catalog, /api/licenses and their seats. Thin: schema in, service call, schema out.
import Type from 'typebox';
import { actorOf } from '../../platform/auth/plugin.ts';
import type { App } from '../../platform/http/app-types.ts';
import { IdParams, Paged, pagedBody, pageOf } from '../../platform/http/common.schemas.ts';
import { errors } from '../../platform/http/schemas.ts';
import type { Licenses } from './licenses.ts';
import * as S from './rooms.schemas.ts';

export function licensesRoutes(app: App, licenses: Licenses): void {
  app.get(
    '/api/license-catalog',
    {
      schema: {
        tags: ['licenses'],
        summary: 'The plans and their limits (free is what an organization without a license gets)',
        response: { 200: Type.Array(S.Plan, { maxItems: 1000 }), ...errors(401) },
      },
    },
    async () => licenses.catalog(),
  );
  app.get(
    '/api/licenses',
    {
      schema: {
        tags: ['licenses'],
        summary: "The organization's licenses",
        querystring: S.PageQuery,
        response: { 200: Paged(S.License), ...errors(400, 401, 403, 404) },
      },
    },
    async (request) => {
      const page = pageOf(request.query);
      const { count, results } = await licenses.list(actorOf(request), page);
      return pagedBody(request.url, page, count, results);
    },
  );
  app.post(
    '/api/licenses',
    {
      schema: {
        tags: ['licenses'],
        summary: 'Take a plan of the catalog for the organization (one active license at a time)',
        body: S.LicenseCreate,
        response: { 201: S.License, ...errors(400, 401, 403, 404, 409) },
      },
    },
    async (request, reply) =>
      reply.status(201).send(await licenses.create(actorOf(request), request.body.plan)),
  );
  app.get(
    '/api/licenses/:id/seats',
    {
      schema: {
        tags: ['licenses'],
        summary: 'Seats held on a license',
        params: IdParams,
        querystring: S.PageQuery,
        response: { 200: Paged(S.Seat), ...errors(400, 401, 403, 404) },
      },
    },
    async (request) => {
      const page = pageOf(request.query);
      const { count, results } = await licenses.seats(actorOf(request), request.params.id, page);
      return pagedBody(request.url, page, count, results);
    },
  );
  app.post(
    '/api/licenses/:id/seats',
    {
      schema: {
        tags: ['licenses'],
        summary: 'Assign a seat to a member of the organization (403 license_limit when none is free)',
        params: IdParams,
        body: S.SeatAssign,
        response: { 201: S.Seat, ...errors(400, 401, 403, 404, 409) },
      },
    },
    async (request, reply) =>
      reply
        .status(201)
        .send(await licenses.assignSeat(actorOf(request), request.params.id, request.body.user_id)),
  );
  app.delete(
    '/api/licenses/:id/seats/:user_id',
    {
      schema: {
        tags: ['licenses'],
        summary: 'Release a seat',
        params: S.SeatParams,
        response: { 204: Type.Null(), ...errors(400, 401, 403, 404) },
      },
    },
    async (request, reply) => {
      await licenses.releaseSeat(actorOf(request), request.params.id, request.params.user_id);
      return reply.status(204).send(null);
    },
  );
}
