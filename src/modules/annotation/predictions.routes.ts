// Label Studio's prediction endpoints: /api/predictions (list by task or project, create) and
// /api/predictions/{id}.
import Type from 'typebox';
import { actorOf } from '../../platform/auth/plugin.ts';
import type { App } from '../../platform/http/app-types.ts';
import { IdParams } from '../../platform/http/common.schemas.ts';
import { errors } from '../../platform/http/schemas.ts';
import { CreatePredictionBody, PredictionListQuery, UpdatePredictionBody } from './annotations.schemas.ts';
import type { PredictionsService } from './predictions.service.ts';
import { Prediction } from './tasks.schemas.ts';

const tags = ['predictions'];

export function predictionsRoutes(app: App, predictions: PredictionsService): void {
  app.get(
    '/api/predictions',
    {
      schema: {
        tags,
        summary:
          "A task's or a project's predictions (a plain list, as Label Studio answers; paged by page_size)",
        querystring: PredictionListQuery,
        response: { 200: Type.Array(Prediction), ...errors(400, 401, 404) },
      },
    },
    async (request) => {
      const { page, page_size, ...filter } = request.query;
      return predictions.list(actorOf(request), filter, page ?? 1, page_size ?? 1000);
    },
  );

  app.post(
    '/api/predictions',
    {
      schema: {
        tags,
        summary: 'Add a prediction to a task (owners, managers)',
        body: CreatePredictionBody,
        response: { 201: Prediction, ...errors(400, 401, 403, 404) },
      },
    },
    async (request, reply) =>
      reply.status(201).send(await predictions.create(actorOf(request), request.body)),
  );

  app.get(
    '/api/predictions/:id',
    {
      schema: {
        tags,
        summary: 'One prediction',
        params: IdParams,
        response: { 200: Prediction, ...errors(400, 401, 404) },
      },
    },
    async (request) => predictions.get(actorOf(request), request.params.id),
  );

  app.patch(
    '/api/predictions/:id',
    {
      schema: {
        tags,
        summary: 'Change a prediction (owners, managers)',
        params: IdParams,
        body: UpdatePredictionBody,
        response: { 200: Prediction, ...errors(400, 401, 403, 404) },
      },
    },
    async (request) => predictions.update(actorOf(request), request.params.id, request.body),
  );

  app.delete(
    '/api/predictions/:id',
    {
      schema: {
        tags,
        summary: 'Delete a prediction (owners, managers)',
        params: IdParams,
        response: { 204: Type.Null(), ...errors(400, 401, 403, 404) },
      },
    },
    async (request, reply) => {
      await predictions.remove(actorOf(request), request.params.id);
      return reply.status(204).send(null);
    },
  );
}
