// Label Studio's ML backend endpoints: /api/ml (list by project, create), /api/ml/{id} (get, patch, delete),
// health, versions, train, interactive-annotating, and batch predictions with their job records.
import Type from 'typebox';
import { actorOf } from '../../platform/auth/plugin.ts';
import type { App } from '../../platform/http/app-types.ts';
import { IdParams } from '../../platform/http/common.schemas.ts';
import { errors } from '../../platform/http/schemas.ts';
import {
  CreateMlBody,
  InteractiveAnswer,
  InteractiveBody,
  JobParams,
  MlBackend,
  MlHealth,
  MlListQuery,
  MlVersions,
  PredictBody,
  PredictionJob,
  TrainJob,
  UpdateMlBody,
} from './ml.schemas.ts';
import type { MlService } from './ml.service.ts';

const tags = ['ml'];

export function mlRoutes(app: App, ml: MlService): void {
  app.get(
    '/api/ml',
    {
      schema: {
        tags,
        summary: "The project's ML backends",
        querystring: MlListQuery,
        response: { 200: Type.Array(MlBackend), ...errors(400, 401, 404) },
      },
    },
    async (request) => ml.list(actorOf(request), request.query.project),
  );

  app.post(
    '/api/ml',
    {
      schema: {
        tags,
        summary:
          'Connect an ML backend (owners, managers): calls its /health and /setup; a backend that fails is kept with state ER',
        body: CreateMlBody,
        response: { 201: MlBackend, ...errors(400, 401, 403, 404) },
      },
    },
    async (request, reply) => reply.status(201).send(await ml.create(actorOf(request), request.body)),
  );

  app.get(
    '/api/ml/:id',
    {
      schema: {
        tags,
        summary: 'One ML backend',
        params: IdParams,
        response: { 200: MlBackend, ...errors(400, 401, 404) },
      },
    },
    async (request) => ml.get(actorOf(request), request.params.id),
  );

  app.patch(
    '/api/ml/:id',
    {
      schema: {
        tags,
        summary: 'Change an ML backend (a new address, auth or extra_params runs /setup again)',
        params: IdParams,
        body: UpdateMlBody,
        response: { 200: MlBackend, ...errors(400, 401, 403, 404) },
      },
    },
    async (request) => ml.update(actorOf(request), request.params.id, request.body),
  );

  app.delete(
    '/api/ml/:id',
    {
      schema: {
        tags,
        summary: 'Remove an ML backend (its predictions stay)',
        params: IdParams,
        response: { 204: Type.Null(), ...errors(400, 401, 403, 404) },
      },
    },
    async (request, reply) => {
      await ml.remove(actorOf(request), request.params.id);
      return reply.status(204).send(null);
    },
  );

  app.get(
    '/api/ml/:id/health',
    {
      schema: {
        tags,
        summary: "The backend's /health, now (the connection's state follows it)",
        params: IdParams,
        response: { 200: MlHealth, ...errors(400, 401, 404) },
      },
    },
    async (request) => ml.health(actorOf(request), request.params.id),
  );

  app.get(
    '/api/ml/:id/versions',
    {
      schema: {
        tags,
        summary: "The backend's model versions (its /versions)",
        params: IdParams,
        response: { 200: MlVersions, ...errors(400, 401, 404) },
      },
    },
    async (request) => ml.versions(actorOf(request), request.params.id),
  );

  app.post(
    '/api/ml/:id/interactive-annotating',
    {
      schema: {
        tags,
        summary: 'Pre-annotate one task with an interactive backend (its answer is not stored)',
        params: IdParams,
        body: InteractiveBody,
        response: { 200: InteractiveAnswer, ...errors(400, 401, 403, 404) },
      },
    },
    async (request) => ml.interactive(actorOf(request), request.params.id, request.body),
  );

  app.post(
    '/api/ml/:id/train',
    {
      schema: {
        tags,
        summary: 'Ask the backend to train (START_TRAINING to its /webhook, as a job)',
        params: IdParams,
        response: { 201: TrainJob, ...errors(400, 401, 403, 404) },
      },
    },
    async (request, reply) => reply.status(201).send(await ml.train(actorOf(request), request.params.id)),
  );

  app.get(
    '/api/ml/:id/train-jobs',
    {
      schema: {
        tags,
        summary: "The backend's train requests, newest first (100)",
        params: IdParams,
        response: { 200: Type.Array(TrainJob), ...errors(400, 401, 404) },
      },
    },
    async (request) => ml.trainJobs(actorOf(request), request.params.id),
  );

  app.post(
    '/api/ml/:id/predict',
    {
      schema: {
        tags,
        summary:
          'Retrieve predictions for a selection of tasks (task_ids, or filters and selectedItems) as a job',
        params: IdParams,
        body: PredictBody,
        response: { 201: PredictionJob, ...errors(400, 401, 403, 404) },
      },
    },
    async (request, reply) =>
      reply.status(201).send(await ml.predict(actorOf(request), request.params.id, request.body)),
  );

  app.get(
    '/api/ml/:id/prediction-jobs',
    {
      schema: {
        tags,
        summary: "The backend's prediction jobs, newest first (100)",
        params: IdParams,
        response: { 200: Type.Array(PredictionJob), ...errors(400, 401, 404) },
      },
    },
    async (request) => ml.predictionJobs(actorOf(request), request.params.id),
  );

  app.get(
    '/api/ml/:id/prediction-jobs/:job_id',
    {
      schema: {
        tags,
        summary: 'One prediction job: progress, counts and per-task errors',
        params: JobParams,
        response: { 200: PredictionJob, ...errors(400, 401, 404) },
      },
    },
    async (request) => ml.predictionJob(actorOf(request), request.params.id, request.params.job_id),
  );
}
