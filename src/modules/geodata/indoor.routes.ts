// /api/indoor-projects and /api/indoor-data: indoor projects, their data files (multipart or a finished tus
// upload), downloads and the parsed rows of spreadsheets.
import path from 'node:path';
import type { MultipartFile } from '@fastify/multipart';
import multipart from '@fastify/multipart';
import type { FastifyRequest } from 'fastify';
import Type from 'typebox';
import { actorOf } from '../../platform/auth/plugin.ts';
import { AppError } from '../../platform/errors.ts';
import type { App } from '../../platform/http/app-types.ts';
import { IdParams, pagedBody, pageOf } from '../../platform/http/common.schemas.ts';
import { errors } from '../../platform/http/schemas.ts';
import {
  CreateIndoorProject,
  IndoorData,
  IndoorDataListQuery,
  IndoorDataPage,
  IndoorProject,
  IndoorProjectListQuery,
  IndoorProjectPage,
  RowsPage,
  RowsQuery,
  UpdateIndoorProject,
  UploadForm,
  UploadJson,
} from './indoor.schemas.ts';
import { INDOOR_FILE_MAX_BYTES, type IndoorService } from './indoor.service.ts';

const tags = ['geodata', 'indoor'];

function multipartError(err: unknown): unknown {
  const code = (err as { code?: string }).code;
  if (code === 'FST_REQ_FILE_TOO_LARGE' || code === 'FST_FILES_LIMIT' || code === 'FST_PARTS_LIMIT')
    return new AppError('payload_too_large', (err as Error).message);
  if (err instanceof AppError) return err;
  if (
    err instanceof Error &&
    !(err as { statusCode?: number }).statusCode &&
    /form|multipart|boundary|part/i.test(err.message)
  )
    return new AppError('bad_request', `the multipart body is malformed: ${err.message}`);
  return err;
}

async function uploadMultipart(request: FastifyRequest, indoor: IndoorService, projectId: number) {
  const actor = actorOf(request);
  await indoor.checkUpload(actor, projectId); // before any byte is stored
  let answer: Awaited<ReturnType<IndoorService['upload']>> | null = null;
  try {
    for await (const part of request.parts()) {
      if (part.type !== 'file' || part.fieldname !== 'file' || answer) {
        if (part.type === 'file') (part as MultipartFile).file.resume();
        throw new AppError(
          'validation_failed',
          `${part.fieldname} is not a field of this form: send one part named "file"`,
          [{ in: 'body', field: part.fieldname, message: 'unexpected part' }],
        );
      }
      const file = part as MultipartFile;
      const name = path.posix.basename((file.filename ?? '').replaceAll('\\', '/')).trim() || 'data';
      answer = await indoor.upload(actor, projectId, file.file, name.slice(0, 1024));
    }
  } catch (err) {
    throw multipartError(err);
  }
  if (!answer)
    throw new AppError('validation_failed', 'file is required: send the data file in a part named "file"', [
      { in: 'body', field: 'file', message: 'is required' },
    ]);
  return answer;
}

function contentDisposition(name: string): string {
  const ascii = name.replace(/[^\x20-\x7e]|["\\]/g, '_');
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(name)}`;
}

export async function indoorRoutes(app: App, indoor: IndoorService): Promise<void> {
  app.post(
    '/api/indoor-projects',
    {
      schema: {
        tags,
        summary: 'Create an indoor project (needs the indoor extension; in a team: as its owner or manager)',
        body: CreateIndoorProject,
        response: { 201: IndoorProject, ...errors(400, 401, 403, 404) },
      },
    },
    async (request, reply) => reply.status(201).send(await indoor.create(actorOf(request), request.body)),
  );
  app.get(
    '/api/indoor-projects',
    {
      schema: {
        tags,
        summary: 'The indoor projects you can see, newest first (search: part of the title)',
        querystring: IndoorProjectListQuery,
        response: { 200: IndoorProjectPage, ...errors(400, 401, 403, 404) },
      },
    },
    async (request) => {
      const page = pageOf(request.query);
      const { count, results } = await indoor.list(actorOf(request), request.query, page);
      return pagedBody(request.url, page, count, results);
    },
  );
  app.get(
    '/api/indoor-projects/:id',
    {
      schema: {
        tags,
        summary: 'One indoor project, with your role on it',
        params: IdParams,
        response: { 200: IndoorProject, ...errors(400, 401, 403, 404) },
      },
    },
    async (request) => indoor.get(actorOf(request), request.params.id),
  );
  app.patch(
    '/api/indoor-projects/:id',
    {
      schema: {
        tags,
        summary: 'Change an indoor project (owner or manager)',
        params: IdParams,
        body: UpdateIndoorProject,
        response: { 200: IndoorProject, ...errors(400, 401, 403, 404) },
      },
    },
    async (request) => indoor.update(actorOf(request), request.params.id, request.body),
  );
  app.delete(
    '/api/indoor-projects/:id',
    {
      schema: {
        tags,
        summary: 'Delete an indoor project with its data files (owner)',
        params: IdParams,
        response: { 204: Type.Null(), ...errors(400, 401, 403, 404) },
      },
    },
    async (request, reply) => {
      await indoor.remove(actorOf(request), request.params.id);
      return reply.status(204).send(null);
    },
  );

  // Encapsulated: multipart body handling applies to the upload route only.
  await app.register(async (scope: App) => {
    await scope.register(multipart, {
      throwFileSizeLimit: true,
      // One byte over, so the blob store's own limit (with our error) is what stops a file.
      limits: { fileSize: INDOOR_FILE_MAX_BYTES + 1, files: 1, fields: 0, parts: 2, fieldSize: 1024 },
    });
    scope.post(
      '/api/indoor-projects/:id/data',
      {
        schema: {
          tags,
          summary: 'Add a data file (multipart `file`, or JSON {upload_id} of a finished tus upload)',
          description:
            `CSV, TSV or XLSX (parsed into rows by a job: status processing -> ready or failed with the reason), ` +
            `or a PNG, JPEG, TIFF or WebP image (width and height read at once), decided from the bytes; at most ` +
            `${INDOOR_FILE_MAX_BYTES} bytes (413 above, 415 for other types).`,
          params: IdParams,
          consumes: ['multipart/form-data', 'application/json'],
          body: {
            content: {
              'application/json': { schema: UploadJson },
              'multipart/form-data': { schema: UploadForm },
            },
          } as never,
          response: { 201: IndoorData, ...errors(400, 401, 403, 404, 409, 413, 415, 422) },
        },
      },
      async (request, reply) => {
        const projectId = request.params.id;
        const answer = request.isMultipart()
          ? await uploadMultipart(request, indoor, projectId)
          : await indoor.uploadFromTus(
              actorOf(request),
              projectId,
              (request.body as { upload_id: string }).upload_id,
            );
        return reply.status(201).send(answer);
      },
    );
  });

  app.get(
    '/api/indoor-projects/:id/data',
    {
      schema: {
        tags,
        summary: "The project's data files, newest first",
        params: IdParams,
        querystring: IndoorDataListQuery,
        response: { 200: IndoorDataPage, ...errors(400, 401, 403, 404) },
      },
    },
    async (request) => {
      const page = pageOf(request.query);
      const { count, results } = await indoor.listData(
        actorOf(request),
        request.params.id,
        request.query,
        page,
      );
      return pagedBody(request.url, page, count, results);
    },
  );
  app.get(
    '/api/indoor-data/:id',
    {
      schema: {
        tags,
        summary: 'One data file: type, parse status, columns, row count or image size',
        params: IdParams,
        response: { 200: IndoorData, ...errors(400, 401, 403, 404) },
      },
    },
    async (request) => indoor.getData(actorOf(request), request.params.id),
  );
  app.delete(
    '/api/indoor-data/:id',
    {
      schema: {
        tags,
        summary: 'Delete a data file with its rows and stored bytes (owner or manager)',
        params: IdParams,
        response: { 204: Type.Null(), ...errors(400, 401, 403, 404) },
      },
    },
    async (request, reply) => {
      await indoor.removeData(actorOf(request), request.params.id);
      return reply.status(204).send(null);
    },
  );
  app.get(
    '/api/indoor-data/:id/file',
    {
      schema: {
        tags,
        summary: 'Download the data file as uploaded',
        params: IdParams,
        response: {
          200: Type.Unsafe({ type: 'string', format: 'binary', description: 'the file' }),
          ...errors(400, 401, 403, 404),
        },
      },
    },
    async (request, reply) => {
      const { row, stream } = await indoor.open(actorOf(request), request.params.id);
      return reply
        .header('cache-control', 'private, no-cache')
        .header('x-content-type-options', 'nosniff')
        .header('content-security-policy', "default-src 'none'; sandbox")
        .header('content-disposition', contentDisposition(row.original_name))
        .type(row.mime_type ?? 'application/octet-stream')
        .send(stream);
    },
  );
  app.get(
    '/api/indoor-data/:id/rows',
    {
      schema: {
        tags,
        summary: "A page of a parsed sheet's rows: filter[col]=value, contains[col]=text, sort=col or -col",
        description:
          'Filters name columns of the sheet (see `columns`); several combine with AND. `contains` is ' +
          'case-insensitive. Number columns sort as numbers. 409 while the sheet is processing or when it failed.',
        params: IdParams,
        querystring: RowsQuery,
        response: { 200: RowsPage, ...errors(400, 401, 403, 404, 409) },
      },
    },
    async (request) => {
      const { page: _p, page_size: _s, sort, ...extra } = request.query as Record<string, unknown>;
      const page = pageOf(request.query);
      const answer = await indoor.rows(actorOf(request), request.params.id, {
        page,
        sort: sort as string | undefined,
        extra: extra as Record<string, string>,
      });
      return { ...pagedBody(request.url, page, answer.count, answer.results), columns: answer.columns };
    },
  );
}
