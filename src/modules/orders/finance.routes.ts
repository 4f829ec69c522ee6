// /api/currencies, /api/payment-rates, /api/payments, /api/finance-staff.
import Type from 'typebox';
import { actorOf } from '../../platform/auth/plugin.ts';
import type { App } from '../../platform/http/app-types.ts';
import { IdParams, Paged, PageQuery, pagedBody, pageOf } from '../../platform/http/common.schemas.ts';
import { errors } from '../../platform/http/schemas.ts';
import {
  CreatePaymentBody,
  CreateRateBody,
  Currency,
  FinanceMember,
  Payment,
  PaymentListQuery,
  PaymentRate,
  UpdatePaymentBody,
  UpdateRateBody,
  UserParams,
} from './finance.schemas.ts';
import type { createFinanceService } from './finance.service.ts';

const tags = ['billing'];

export function financeRoutes(app: App, finance: ReturnType<typeof createFinanceService>): void {
  app.get(
    '/api/currencies',
    {
      schema: {
        tags,
        summary: 'The currencies orders, rates and payments may use',
        querystring: PageQuery,
        response: { 200: Paged(Currency), ...errors(400, 401, 404) },
      },
    },
    async (request) => {
      const page = pageOf(request.query);
      const { count, results } = await finance.currencies(actorOf(request), page);
      return pagedBody(request.url, page, count, results);
    },
  );

  app.get(
    '/api/payment-rates',
    {
      schema: {
        tags,
        summary: "The organization's payment rates (per task, annotation or hour, per currency)",
        querystring: PageQuery,
        response: { 200: Paged(PaymentRate), ...errors(400, 401, 404) },
      },
    },
    async (request) => {
      const page = pageOf(request.query);
      const { count, results } = await finance.rates(actorOf(request), page);
      return pagedBody(request.url, page, count, results);
    },
  );

  app.post(
    '/api/payment-rates',
    {
      schema: {
        tags,
        summary: 'Set a payment rate (one per unit and currency)',
        body: CreateRateBody,
        response: { 201: PaymentRate, ...errors(400, 401, 403, 404, 409) },
      },
    },
    async (request, reply) =>
      reply.status(201).send(await finance.createRate(actorOf(request), request.body)),
  );

  app.patch(
    '/api/payment-rates/:id',
    {
      schema: {
        tags,
        summary: 'Change a payment rate',
        params: IdParams,
        body: UpdateRateBody,
        response: { 200: PaymentRate, ...errors(400, 401, 403, 404) },
      },
    },
    async (request) => finance.updateRate(actorOf(request), request.params.id, request.body),
  );

  app.delete(
    '/api/payment-rates/:id',
    {
      schema: {
        tags,
        summary: 'Delete a payment rate',
        params: IdParams,
        response: { 204: Type.Null(), ...errors(400, 401, 403, 404) },
      },
    },
    async (request, reply) => {
      await finance.removeRate(actorOf(request), request.params.id);
      return reply.status(204).send(null);
    },
  );

  app.get(
    '/api/payments',
    {
      schema: {
        tags,
        summary: 'Payments, newest first: finance staff and owners see all, others their own',
        querystring: PaymentListQuery,
        response: { 200: Paged(Payment), ...errors(400, 401, 404) },
      },
    },
    async (request) => {
      const page = pageOf(request.query);
      const { user, order, status } = request.query;
      const { count, results } = await finance.payments(actorOf(request), { user, order, status }, page);
      return pagedBody(request.url, page, count, results);
    },
  );

  app.post(
    '/api/payments',
    {
      schema: {
        tags,
        summary: 'Record a payment (a client paying an order, or a payout to an annotator)',
        body: CreatePaymentBody,
        response: { 201: Payment, ...errors(400, 401, 403, 404, 409) },
      },
    },
    async (request, reply) =>
      reply.status(201).send(await finance.createPayment(actorOf(request), request.body)),
  );

  app.get(
    '/api/payments/:id',
    {
      schema: {
        tags,
        summary: 'One payment',
        params: IdParams,
        response: { 200: Payment, ...errors(400, 401, 404) },
      },
    },
    async (request) => finance.payment(actorOf(request), request.params.id),
  );

  app.patch(
    '/api/payments/:id',
    {
      schema: {
        tags,
        summary: 'Change the status or transaction id of a payment',
        params: IdParams,
        body: UpdatePaymentBody,
        response: { 200: Payment, ...errors(400, 401, 403, 404, 409) },
      },
    },
    async (request) => finance.updatePayment(actorOf(request), request.params.id, request.body),
  );

  app.get(
    '/api/finance-staff',
    {
      schema: {
        tags,
        summary: 'Members holding the finance duty',
        querystring: PageQuery,
        response: { 200: Paged(FinanceMember), ...errors(400, 401, 403, 404) },
      },
    },
    async (request) => {
      const page = pageOf(request.query);
      const { count, results } = await finance.financeStaff(actorOf(request), page);
      return pagedBody(request.url, page, count, results);
    },
  );

  app.put(
    '/api/finance-staff/:user_id',
    {
      schema: {
        tags,
        summary: 'Give a member the finance duty',
        params: UserParams,
        response: { 204: Type.Null(), ...errors(400, 401, 403, 404) },
      },
    },
    async (request, reply) => {
      await finance.grantFinance(actorOf(request), request.params.user_id);
      return reply.status(204).send(null);
    },
  );

  app.delete(
    '/api/finance-staff/:user_id',
    {
      schema: {
        tags,
        summary: 'Take the finance duty away from a member',
        params: UserParams,
        response: { 204: Type.Null(), ...errors(400, 401, 403, 404) },
      },
    },
    async (request, reply) => {
      await finance.revokeFinance(actorOf(request), request.params.user_id);
      return reply.status(204).send(null);
    },
  );
}
