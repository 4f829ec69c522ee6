// /api/bank-details: one's own (me) and, for finance staff, the organization's members'. Full reads are
// never cached (no-store) and always audited.
import Type from 'typebox';
import { actorOf } from '../../platform/auth/plugin.ts';
import type { App } from '../../platform/http/app-types.ts';
import { Paged, pagedBody, pageOf } from '../../platform/http/common.schemas.ts';
import { errors } from '../../platform/http/schemas.ts';
import { BankDetails, BankDetailsBody, BankListQuery, type createBankService } from './bank.ts';
import { UserParams } from './finance.schemas.ts';

const tags = ['billing'];

export function bankRoutes(app: App, bank: ReturnType<typeof createBankService>): void {
  app.get(
    '/api/bank-details',
    {
      schema: {
        tags,
        summary: "Members' bank details, masked (finance staff, owners and admins)",
        querystring: BankListQuery,
        response: { 200: Paged(BankDetails), ...errors(400, 401, 403, 404) },
      },
    },
    async (request) => {
      const page = pageOf(request.query);
      const { count, results } = await bank.list(actorOf(request), page);
      return pagedBody(request.url, page, count, results);
    },
  );

  app.get(
    '/api/bank-details/me',
    {
      schema: {
        tags,
        summary: 'My bank details in this organization, masked',
        response: { 200: BankDetails, ...errors(401, 404) },
      },
    },
    async (request) => {
      const actor = actorOf(request);
      return bank.masked(actor, actor.userId);
    },
  );

  app.get(
    '/api/bank-details/me/full',
    {
      schema: {
        tags,
        summary: 'My bank details in full (audited)',
        response: { 200: BankDetails, ...errors(401, 404) },
      },
    },
    async (request, reply) => {
      const actor = actorOf(request);
      reply.header('cache-control', 'no-store');
      return bank.full(actor, actor.userId);
    },
  );

  app.put(
    '/api/bank-details/me',
    {
      schema: {
        tags,
        summary: 'Set my bank details for payouts from this organization (stored encrypted)',
        body: BankDetailsBody,
        response: { 200: BankDetails, ...errors(400, 401, 404) },
      },
    },
    async (request) => bank.put(actorOf(request), request.body),
  );

  app.delete(
    '/api/bank-details/me',
    {
      schema: {
        tags,
        summary: 'Delete my bank details in this organization',
        response: { 204: Type.Null(), ...errors(401, 404) },
      },
    },
    async (request, reply) => {
      await bank.remove(actorOf(request));
      return reply.status(204).send(null);
    },
  );

  app.get(
    '/api/bank-details/:user_id',
    {
      schema: {
        tags,
        summary: "A member's bank details, masked (audited)",
        params: UserParams,
        response: { 200: BankDetails, ...errors(400, 401, 403, 404) },
      },
    },
    async (request) => bank.masked(actorOf(request), request.params.user_id),
  );

  app.get(
    '/api/bank-details/:user_id/full',
    {
      schema: {
        tags,
        summary: "A member's bank details in full (finance staff only; audited)",
        params: UserParams,
        response: { 200: BankDetails, ...errors(400, 401, 403, 404) },
      },
    },
    async (request, reply) => {
      reply.header('cache-control', 'no-store');
      return bank.full(actorOf(request), request.params.user_id);
    },
  );
}
