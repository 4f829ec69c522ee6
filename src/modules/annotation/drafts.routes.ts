// Label Studio's draft endpoints: /api/tasks/{id}/drafts, /api/tasks/{id}/annotations/{annotation_id}/drafts
// and /api/drafts/{id}. A person sees only their own drafts.
import Type from 'typebox';
import { actorOf } from '../../platform/auth/plugin.ts';
import type { App } from '../../platform/http/app-types.ts';
import { Id, IdParams } from '../../platform/http/common.schemas.ts';
import { errors } from '../../platform/http/schemas.ts';
import { Draft, DraftBody } from './annotations.schemas.ts';
import type { DraftsService } from './drafts.service.ts';

const tags = ['annotations'];

export function draftsRoutes(app: App, drafts: DraftsService): void {
  app.get(
    '/api/tasks/:id/drafts',
    {
      schema: {
        tags,
        summary: 'Your drafts on a task',
        params: IdParams,
        response: { 200: Type.Array(Draft), ...errors(400, 401, 404) },
      },
    },
    async (request) => drafts.list(actorOf(request), request.params.id),
  );

  app.post(
    '/api/tasks/:id/drafts',
    {
      schema: {
        tags,
        summary: 'Save a draft on a task',
        params: IdParams,
        body: DraftBody,
        response: { 201: Draft, ...errors(400, 401, 403, 404) },
      },
    },
    async (request, reply) =>
      reply.status(201).send(await drafts.create(actorOf(request), request.params.id, request.body)),
  );

  app.post(
    '/api/tasks/:id/annotations/:annotation_id/drafts',
    {
      schema: {
        tags,
        summary: 'Save a draft of changes to an annotation',
        params: Type.Object({ id: Id, annotation_id: Id }),
        body: DraftBody,
        response: { 201: Draft, ...errors(400, 401, 403, 404) },
      },
    },
    async (request, reply) =>
      reply.status(201).send(
        await drafts.create(actorOf(request), request.params.id, {
          ...request.body,
          annotation: request.params.annotation_id,
        }),
      ),
  );

  app.get(
    '/api/drafts/:id',
    {
      schema: {
        tags,
        summary: 'One of your drafts',
        params: IdParams,
        response: { 200: Draft, ...errors(400, 401, 404) },
      },
    },
    async (request) => drafts.get(actorOf(request), request.params.id),
  );

  app.patch(
    '/api/drafts/:id',
    {
      schema: {
        tags,
        summary: 'Change one of your drafts',
        params: IdParams,
        body: DraftBody,
        response: { 200: Draft, ...errors(400, 401, 403, 404) },
      },
    },
    async (request) => drafts.update(actorOf(request), request.params.id, request.body),
  );

  app.delete(
    '/api/drafts/:id',
    {
      schema: {
        tags,
        summary: 'Delete one of your drafts',
        params: IdParams,
        response: { 204: Type.Null(), ...errors(400, 401, 403, 404) },
      },
    },
    async (request, reply) => {
      await drafts.remove(actorOf(request), request.params.id);
      return reply.status(204).send(null);
    },
  );
}
