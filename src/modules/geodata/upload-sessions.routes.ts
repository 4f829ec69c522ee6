// /api/upload-sessions: what a tus upload will become, its progress, completion and cancelling.
import Type from 'typebox';
import { actorOf } from '../../platform/auth/plugin.ts';
import type { App } from '../../platform/http/app-types.ts';
import { IdParams, pagedBody, pageOf } from '../../platform/http/common.schemas.ts';
import { errors } from '../../platform/http/schemas.ts';
import {
  CreateUploadSession,
  UploadSession,
  UploadSessionListQuery,
  UploadSessionPage,
} from './upload-sessions.schemas.ts';
import type { UploadSessionsService } from './upload-sessions.service.ts';

const tags = ['geodata', 'uploads'];

export function uploadSessionRoutes(app: App, sessions: UploadSessionsService): void {
  app.post(
    '/api/upload-sessions',
    {
      schema: {
        tags,
        summary: 'Start an upload of a data product, raw data (flight_id) or vector layer (project_id)',
        description:
          'Creates the tus upload too: PATCH the bytes to `upload_url` (`Tus-Resumable: 1.0.0`, ' +
          '`Upload-Offset`, `Content-Type: application/offset+octet-stream`; HEAD it to resume), then POST ' +
          '`/api/upload-sessions/{id}/complete` to create the target.',
        body: CreateUploadSession,
        response: { 201: UploadSession, ...errors(400, 401, 403, 404, 413) },
      },
    },
    async (request, reply) => reply.status(201).send(await sessions.create(actorOf(request), request.body)),
  );
  app.get(
    '/api/upload-sessions',
    {
      schema: {
        tags,
        summary: 'Your upload sessions, newest first, with the bytes each has received',
        querystring: UploadSessionListQuery,
        response: { 200: UploadSessionPage, ...errors(400, 401, 404) },
      },
    },
    async (request) => {
      const page = pageOf(request.query);
      const { count, results } = await sessions.list(actorOf(request), request.query, page);
      return pagedBody(request.url, page, count, results);
    },
  );
  app.get(
    '/api/upload-sessions/:id',
    {
      schema: {
        tags,
        summary: 'One of your upload sessions',
        params: IdParams,
        response: { 200: UploadSession, ...errors(400, 401, 404) },
      },
    },
    async (request) => sessions.get(actorOf(request), request.params.id),
  );
  app.post(
    '/api/upload-sessions/:id/complete',
    {
      schema: {
        tags,
        summary:
          'Create the target from the finished upload (data product, vector layer; raw data is recorded)',
        description:
          '409 while bytes are missing. A target the service refuses (415, 422) fails the session with the ' +
          'reason. Calling it again answers the completed session.',
        params: IdParams,
        response: { 200: UploadSession, ...errors(400, 401, 403, 404, 409, 413, 415, 422) },
      },
    },
    async (request) => sessions.complete(actorOf(request), request.params.id),
  );
  app.delete(
    '/api/upload-sessions/:id',
    {
      schema: {
        tags,
        summary: 'Cancel an upload session (an unfinished upload is discarded; a created target stays)',
        params: IdParams,
        response: { 204: Type.Null(), ...errors(400, 401, 404) },
      },
    },
    async (request, reply) => {
      await sessions.remove(actorOf(request), request.params.id);
      return reply.status(204).send(null);
    },
  );
}
