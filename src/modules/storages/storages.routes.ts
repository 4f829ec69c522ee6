// /api/storages: Label Studio's cloud storage API (import storages at /api/storages/{type}, export storages at
// /api/storages/export/{type}; list, create, read, change, delete, validate, sync), the provider list, and
// the presign endpoints the labeling frontend loads private objects through.
import type { FastifyReply } from 'fastify';
import Type from 'typebox';
import { actorOf } from '../../platform/auth/plugin.ts';
import type { App } from '../../platform/http/app-types.ts';
import { IdParams } from '../../platform/http/common.schemas.ts';
import { errors } from '../../platform/http/schemas.ts';
import { STORAGE_TYPES } from './providers/types.ts';
import { TYPE_TITLES } from './storages.fields.ts';
import type { Resolved } from './storages.resolve.ts';
import {
  CreateStorageBody,
  ProjectQuery,
  ResolveQuery,
  Storage,
  StorageTypeInfo,
  TypeIdParams,
  TypeParams,
  UpdateStorageBody,
  ValidateStorageBody,
} from './storages.schemas.ts';
import type { StoragesService } from './storages.service.ts';

const tags = ['storages'];

export function storagesRoutes(
  app: App,
  storages: StoragesService,
  resolve: (
    actor: ReturnType<typeof actorOf>,
    target: { taskId: number } | { projectId: number },
    uri: string | undefined,
  ) => Promise<Resolved>,
): void {
  for (const direction of ['import', 'export'] as const) {
    const base = direction === 'import' ? '/api/storages' : '/api/storages/export';
    const what = direction === 'import' ? 'import storage' : 'export storage';

    app.get(
      `${base}/types`,
      {
        schema: {
          tags,
          summary: `The providers an ${what} can use`,
          response: { 200: Type.Array(StorageTypeInfo), ...errors(401) },
        },
      },
      async () => STORAGE_TYPES.map((name) => ({ name, title: TYPE_TITLES[name] })),
    );

    app.get(
      base,
      {
        schema: {
          tags,
          summary: `Every ${what} of a project (?project=; without it, of every project you manage)`,
          querystring: ProjectQuery,
          response: { 200: Type.Array(Storage), ...errors(400, 401, 403, 404) },
        },
      },
      async (request) => storages.list(actorOf(request), direction, null, request.query.project),
    );

    app.get(
      `${base}/:type`,
      {
        schema: {
          tags,
          summary: `The ${what}s of one provider of a project (?project=; without it, of every project you manage)`,
          params: TypeParams,
          querystring: ProjectQuery,
          response: { 200: Type.Array(Storage), ...errors(400, 401, 403, 404) },
        },
      },
      async (request) =>
        storages.list(actorOf(request), direction, request.params.type, request.query.project),
    );

    app.post(
      `${base}/:type`,
      {
        schema: {
          tags,
          summary: `Connect an ${what} (credentials are kept encrypted and never shown)`,
          params: TypeParams,
          body: CreateStorageBody,
          response: { 201: Storage, ...errors(400, 401, 403, 404) },
        },
      },
      async (request, reply) =>
        reply
          .status(201)
          .send(
            await storages.create(actorOf(request), { direction, type: request.params.type }, request.body),
          ),
    );

    app.post(
      `${base}/:type/validate`,
      {
        schema: {
          tags,
          summary: `Check that an ${what}'s settings reach the bucket (nothing is saved)`,
          params: TypeParams,
          body: ValidateStorageBody,
          response: { 200: Type.Object({}), ...errors(400, 401, 403, 404) },
        },
      },
      async (request) =>
        storages.validate(actorOf(request), { direction, type: request.params.type }, request.body),
    );

    app.get(
      `${base}/:type/:id`,
      {
        schema: {
          tags,
          summary: `One ${what}`,
          params: TypeIdParams,
          response: { 200: Storage, ...errors(400, 401, 403, 404) },
        },
      },
      async (request) =>
        storages.get(actorOf(request), { direction, type: request.params.type }, request.params.id),
    );

    app.patch(
      `${base}/:type/:id`,
      {
        schema: {
          tags,
          summary: `Change an ${what} (a credential sent as "" is removed)`,
          params: TypeIdParams,
          body: UpdateStorageBody,
          response: { 200: Storage, ...errors(400, 401, 403, 404) },
        },
      },
      async (request) =>
        storages.update(
          actorOf(request),
          { direction, type: request.params.type },
          request.params.id,
          request.body,
        ),
    );

    app.delete(
      `${base}/:type/:id`,
      {
        schema: {
          tags,
          summary: `Disconnect an ${what} (its tasks and objects stay)`,
          params: TypeIdParams,
          response: { 204: Type.Null(), ...errors(400, 401, 403, 404) },
        },
      },
      async (request, reply) => {
        await storages.remove(actorOf(request), { direction, type: request.params.type }, request.params.id);
        return reply.status(204).send(null);
      },
    );

    app.post(
      `${base}/:type/:id/sync`,
      {
        schema: {
          tags,
          summary:
            direction === 'import'
              ? 'Queue a sync: new objects become tasks (follow last_sync_job at /api/jobs/{id})'
              : 'Queue a sync: every annotation of the project is written to the bucket',
          params: TypeIdParams,
          response: { 200: Storage, ...errors(400, 401, 403, 404, 409) },
        },
      },
      async (request) =>
        storages.sync(actorOf(request), { direction, type: request.params.type }, request.params.id),
    );
  }

  const answer = async (result: Resolved, reply: FastifyReply) => {
    if ('redirect' in result) return reply.redirect(result.redirect, 303);
    const { object } = result;
    reply
      .header('content-type', object.contentType ?? 'application/octet-stream')
      // Served from this origin: never run as a page, never sniffed into one.
      .header('content-security-policy', "default-src 'none'; sandbox")
      .header('x-content-type-options', 'nosniff')
      .header('cache-control', 'private, max-age=300');
    if (object.size !== null) reply.header('content-length', object.size);
    return reply.send(object.body);
  };

  const presignSchema = (summary: string) => ({
    tags,
    summary,
    params: IdParams,
    querystring: ResolveQuery,
    response: {
      200: Type.Unsafe<unknown>({ description: 'the object (proxied)' }),
      303: Type.Null({ description: 'a presigned URL of the object' }),
      ...errors(400, 401, 403, 404),
    },
  });

  app.get(
    '/api/tasks/:id/presign',
    { schema: presignSchema("A task's storage object: a redirect to a presigned URL, or the bytes") },
    async (request, reply) =>
      answer(await resolve(actorOf(request), { taskId: request.params.id }, request.query.fileuri), reply),
  );

  app.get(
    '/api/projects/:id/presign',
    { schema: presignSchema("A project's storage object: a redirect to a presigned URL, or the bytes") },
    async (request, reply) =>
      answer(await resolve(actorOf(request), { projectId: request.params.id }, request.query.fileuri), reply),
  );
}
