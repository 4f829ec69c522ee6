// Label Studio's annotation endpoints: /api/tasks/{id}/annotations (list, create) and /api/annotations/{id}.
import Type from 'typebox';
import { actorOf } from '../../platform/auth/plugin.ts';
import type { App } from '../../platform/http/app-types.ts';
import { IdParams } from '../../platform/http/common.schemas.ts';
import { errors } from '../../platform/http/schemas.ts';
import { CreateAnnotationBody, ListQuery, UpdateAnnotationBody } from './annotations.schemas.ts';
import type { AnnotationsService } from './annotations.service.ts';
import { Annotation } from './tasks.schemas.ts';

const tags = ['annotations'];

export function annotationsRoutes(app: App, annotations: AnnotationsService): void {
  app.get(
    '/api/tasks/:id/annotations',
    {
      schema: {
        tags,
        summary:
          "A task's annotations, oldest first (a plain list, as Label Studio answers; page_size up to 1000)",
        params: IdParams,
        querystring: ListQuery,
        response: { 200: Type.Array(Annotation), ...errors(400, 401, 404) },
      },
    },
    async (request) =>
      annotations.list(
        actorOf(request),
        request.params.id,
        request.query.page ?? 1,
        request.query.page_size ?? 1000,
      ),
  );

  app.post(
    '/api/tasks/:id/annotations',
    {
      schema: {
        tags,
        summary: 'Annotate a task (or skip it with was_cancelled); each region is checked against the config',
        params: IdParams,
        body: CreateAnnotationBody,
        response: { 201: Annotation, ...errors(400, 401, 403, 404) },
      },
    },
    async (request, reply) =>
      reply.status(201).send(await annotations.create(actorOf(request), request.params.id, request.body)),
  );

  app.get(
    '/api/annotations/:id',
    {
      schema: {
        tags,
        summary: 'One annotation',
        params: IdParams,
        response: { 200: Annotation, ...errors(400, 401, 404) },
      },
    },
    async (request) => annotations.get(actorOf(request), request.params.id),
  );

  app.patch(
    '/api/annotations/:id',
    {
      schema: {
        tags,
        summary: 'Change an annotation (your own; reviewers and managers change anyone’s)',
        params: IdParams,
        body: UpdateAnnotationBody,
        response: { 200: Annotation, ...errors(400, 401, 403, 404) },
      },
    },
    async (request) => annotations.update(actorOf(request), request.params.id, request.body),
  );

  app.delete(
    '/api/annotations/:id',
    {
      schema: {
        tags,
        summary: 'Delete an annotation (your own; reviewers and managers delete anyone’s)',
        params: IdParams,
        response: { 204: Type.Null(), ...errors(400, 401, 403, 404) },
      },
    },
    async (request, reply) => {
      await annotations.remove(actorOf(request), request.params.id);
      return reply.status(204).send(null);
    },
  );
}
