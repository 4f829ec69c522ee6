// Breedbase connections: created under their project, addressed by their own id afterwards.
import Type from 'typebox';
import { actorOf } from '../../platform/auth/plugin.ts';
import type { App } from '../../platform/http/app-types.ts';
import { IdParams } from '../../platform/http/common.schemas.ts';
import { errors } from '../../platform/http/schemas.ts';
import { BreedbaseConnection, CreateBreedbaseBody, UpdateBreedbaseBody } from './breedbase.schemas.ts';
import type { BreedbaseService } from './breedbase.service.ts';

const tags = ['geodata', 'breedbase'];

export function breedbaseRoutes(app: App, bb: BreedbaseService): void {
  app.post(
    '/api/projects/:id/breedbase-connections',
    {
      schema: {
        tags,
        summary: 'Connect the project to a Breedbase server and trials (the secret is stored sealed)',
        params: IdParams,
        body: CreateBreedbaseBody,
        response: { 201: BreedbaseConnection, ...errors(400, 401, 403, 404) },
      },
    },
    async (request, reply) =>
      reply.status(201).send(await bb.create(actorOf(request), request.params.id, request.body)),
  );
  app.get(
    '/api/projects/:id/breedbase-connections',
    {
      schema: {
        tags,
        summary: "The project's Breedbase connections",
        params: IdParams,
        response: { 200: Type.Array(BreedbaseConnection), ...errors(400, 401, 403, 404) },
      },
    },
    async (request) => bb.list(actorOf(request), request.params.id),
  );
  app.get(
    '/api/breedbase-connections/:id',
    {
      schema: {
        tags,
        summary: 'One Breedbase connection (never its secret)',
        params: IdParams,
        response: { 200: BreedbaseConnection, ...errors(400, 401, 403, 404) },
      },
    },
    async (request) => bb.get(actorOf(request), request.params.id),
  );
  app.patch(
    '/api/breedbase-connections/:id',
    {
      schema: {
        tags,
        summary: 'Change a Breedbase connection (secret: a new one, or null to remove it)',
        params: IdParams,
        body: UpdateBreedbaseBody,
        response: { 200: BreedbaseConnection, ...errors(400, 401, 403, 404) },
      },
    },
    async (request) => bb.update(actorOf(request), request.params.id, request.body),
  );
  app.delete(
    '/api/breedbase-connections/:id',
    {
      schema: {
        tags,
        summary: 'Remove a Breedbase connection',
        params: IdParams,
        response: { 204: Type.Null(), ...errors(400, 401, 403, 404) },
      },
    },
    async (request, reply) => {
      await bb.remove(actorOf(request), request.params.id);
      return reply.status(204).send(null);
    },
  );
}
