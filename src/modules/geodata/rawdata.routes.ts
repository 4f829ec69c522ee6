// HTTP of raw data archives and the photogrammetry (ODM) hook. Registered in their own scope: the multipart
// body handling applies to these routes only.
import path from 'node:path';
import type { MultipartFile, MultipartValue } from '@fastify/multipart';
import multipart from '@fastify/multipart';
import type { FastifyReply, FastifyRequest } from 'fastify';
import Type from 'typebox';
import { actorOf } from '../../platform/auth/plugin.ts';
import { AppError } from '../../platform/errors.ts';
import type { App } from '../../platform/http/app-types.ts';
import { IdParams, Paged, PageQuery, pagedBody, pageOf } from '../../platform/http/common.schemas.ts';
import { errors } from '../../platform/http/schemas.ts';
import { parseRange } from '../files/range.ts';
import { DataProduct, dataTypes } from './geodata.schemas.ts';
import { type ProcessingService, RUN_PRODUCT_MAX_BYTES } from './processing.service.ts';
import {
  ProcessingRun,
  ProcessingStarted,
  ProductForm,
  RawData,
  RawDataUploadForm,
  RawDataUploadJson,
  RunStatus,
  RunStatusBody,
  RunTokenParams,
} from './rawdata.schemas.ts';
import { type ArchiveFile, RAW_MULTIPART_MAX_BYTES, type RawDataService } from './rawdata.service.ts';

const tags = ['geodata'];
const Binary = (description: string) => Type.Unsafe({ type: 'string', format: 'binary', description });

function multipartError(err: unknown): unknown {
  const code = (err as { code?: string }).code;
  if (code === 'FST_REQ_FILE_TOO_LARGE' || code === 'FST_FILES_LIMIT' || code === 'FST_PARTS_LIMIT')
    return new AppError('payload_too_large', (err as Error).message);
  if (code === 'FST_FIELDS_LIMIT') return new AppError('bad_request', (err as Error).message);
  if (err instanceof AppError) return err;
  if (
    err instanceof Error &&
    !(err as { statusCode?: number }).statusCode &&
    /form|multipart|boundary|part/i.test(err.message)
  )
    return new AppError('bad_request', `the multipart body is malformed: ${err.message}`);
  return err;
}

const unexpected = (field: string, what: string) =>
  new AppError('validation_failed', `${field} is not a field of this form: ${what}`, [
    { in: 'body', field, message: 'unexpected part' },
  ]);

const fileName = (file: MultipartFile, fallback: string) =>
  (path.posix.basename((file.filename ?? '').replaceAll('\\', '/')).trim() || fallback).slice(0, 1024);

/** One part named "file" (after the fields `fields` allows); `take` consumes its stream. */
async function onePart<T>(
  request: FastifyRequest,
  fields: string[],
  take: (file: MultipartFile, values: Record<string, string>) => Promise<T>,
  maxBytes: number,
): Promise<T> {
  if (!request.isMultipart())
    throw new AppError(
      'unsupported_media_type',
      'send multipart/form-data with the file in a part named "file"',
    );
  const values: Record<string, string> = {};
  let answer: { value: T } | null = null;
  try {
    for await (const part of request.parts({ limits: { fileSize: maxBytes + 1, files: 1 } })) {
      if (part.type === 'file') {
        const file = part as MultipartFile;
        if (file.fieldname !== 'file' || answer) {
          file.file.resume();
          throw unexpected(file.fieldname, 'send one part named "file"');
        }
        answer = { value: await take(file, values) };
      } else {
        const field = part as MultipartValue<unknown>;
        if (!fields.includes(field.fieldname) || answer)
          throw unexpected(
            field.fieldname,
            fields.length ? `send ${fields.join(', ')} before "file"` : 'send "file" only',
          );
        values[field.fieldname] = String(field.value);
      }
    }
  } catch (err) {
    throw multipartError(err);
  }
  if (!answer)
    throw new AppError('validation_failed', 'file is required: send it in a part named "file"', [
      { in: 'body', field: 'file', message: 'is required' },
    ]);
  return answer.value;
}

async function sendArchive(
  request: FastifyRequest,
  reply: FastifyReply,
  file: ArchiveFile,
  read: (range?: { start: number; end: number }) => Promise<NodeJS.ReadableStream>,
) {
  const size = file.size_bytes;
  const etag = `"${file.sha256}"`;
  reply
    .header('etag', etag)
    .header('accept-ranges', 'bytes')
    .header('cache-control', 'private, no-cache')
    .header('x-content-type-options', 'nosniff')
    .header('content-disposition', `attachment; filename="${file.original_name.replace(/[^\w.-]/g, '_')}"`);
  const ifRange = request.headers['if-range'];
  const range =
    ifRange && ifRange !== etag ? ({ kind: 'full' } as const) : parseRange(request.headers.range, size);
  if (range.kind === 'unsatisfiable') {
    reply.header('content-range', `bytes */${size}`);
    throw new AppError('bad_request', `range not satisfiable: the file has ${size} bytes`, { size }, 416);
  }
  reply.type('application/zip');
  if (range.kind === 'partial') {
    return reply
      .code(206)
      .header('content-range', `bytes ${range.start}-${range.end}/${size}`)
      .header('content-length', String(range.end - range.start + 1))
      .send(await read({ start: range.start, end: range.end }));
  }
  return reply.header('content-length', String(size)).send(await read());
}

const archiveResponse = {
  200: Binary('the whole archive'),
  206: Binary('the requested range'),
};

export async function rawDataRoutes(
  app: App,
  raw: RawDataService,
  processing: ProcessingService,
  read: (key: string, range?: { start: number; end: number }) => Promise<NodeJS.ReadableStream>,
) {
  await app.register(async (scope: App) => {
    await scope.register(multipart, {
      throwFileSizeLimit: true,
      limits: { fileSize: RUN_PRODUCT_MAX_BYTES + 1, files: 1, fields: 1, parts: 2, fieldSize: 64 },
    });
    routes(scope);
  });

  function routes(app: App) {
    app.post(
      '/api/flights/:id/raw-data',
      {
        schema: {
          tags,
          summary:
            'Upload a ZIP of the flight images (multipart `file`, or JSON {upload_id} of a finished tus upload)',
          description:
            `Answers 202 with the raw data and its job, which reads the archive in place: the image count ` +
            '(JPEG and TIFF by their bytes) and footprints (EXIF GPS points with capture times, and their bbox). ' +
            `A ZIP by its bytes (415 otherwise), at most ${RAW_MULTIPART_MAX_BYTES} bytes as multipart; larger ` +
            'archives through tus. Zip bombs (too many entries, unpacked size) and entry names that leave the ' +
            'archive fail the job with the reason. Managers and owners; a read-only flight answers 400.',
          params: IdParams,
          consumes: ['multipart/form-data', 'application/json'],
          body: {
            content: {
              'application/json': { schema: RawDataUploadJson },
              'multipart/form-data': { schema: RawDataUploadForm },
            },
          } as never,
          response: { 202: RawData, ...errors(400, 401, 403, 404, 409, 413, 415) },
        },
      },
      async (request, reply) => {
        const actor = actorOf(request);
        const flightId = request.params.id;
        if (request.isMultipart()) {
          await raw.checkUpload(actor, flightId); // before any byte is stored
          const made = await onePart(
            request,
            [],
            (file) => raw.upload(actor, flightId, file.file, fileName(file, 'images.zip')),
            RAW_MULTIPART_MAX_BYTES,
          );
          return reply.status(202).send(made);
        }
        const body = request.body as { upload_id: string };
        return reply.status(202).send(await raw.uploadFromTus(actor, flightId, body.upload_id));
      },
    );
  }

  app.get(
    '/api/flights/:id/raw-data',
    {
      schema: {
        tags,
        summary: "The flight's raw data archives, newest first",
        params: IdParams,
        querystring: PageQuery,
        response: { 200: Paged(RawData), ...errors(400, 401, 404) },
      },
    },
    async (request) => {
      const page = pageOf(request.query);
      const { count, results } = await raw.list(actorOf(request), request.params.id, page);
      return pagedBody(request.url, page, count, results);
    },
  );
  app.get(
    '/api/raw-data/:id',
    {
      schema: {
        tags,
        summary: 'One raw data archive: status, image count, footprints',
        params: IdParams,
        response: { 200: RawData, ...errors(400, 401, 404) },
      },
    },
    async (request) => raw.get(actorOf(request), request.params.id),
  );
  app.delete(
    '/api/raw-data/:id',
    {
      schema: {
        tags,
        summary: 'Delete a raw data archive and its file (owners)',
        params: IdParams,
        response: { 204: Type.Null(), ...errors(400, 401, 403, 404) },
      },
    },
    async (request, reply) => {
      await raw.remove(actorOf(request), request.params.id);
      return reply.status(204).send(null);
    },
  );
  app.get(
    '/api/raw-data/:id/file',
    {
      schema: {
        tags,
        summary: 'The archive (single-range Range requests answer 206)',
        params: IdParams,
        response: { ...archiveResponse, ...errors(400, 401, 404, 409, 416) },
      },
    },
    async (request, reply) => {
      const file = await raw.file(actorOf(request), request.params.id);
      return sendArchive(request, reply, file, (range) => read(file.storage_key, range));
    },
  );

  app.post(
    '/api/raw-data/:id/processing',
    {
      schema: {
        tags,
        summary: 'Start a processing request for an external photogrammetry runner (ODM); managers',
        description:
          'Answers a run in status waiting with archive_url, callback_url and status_url, which carry a ' +
          'one-time token (shown once, kept only as its SHA-256; valid 7 days, dead once the run is done or ' +
          'failed). Nothing runs here: an external runner (see README, Photogrammetry hook) fetches the ' +
          'archive, processes it and posts the products back. 409 until the archive has been read.',
        params: IdParams,
        response: { 201: ProcessingStarted, ...errors(400, 401, 403, 404, 409) },
      },
    },
    async (request, reply) =>
      reply.status(201).send(await processing.start(actorOf(request), request.params.id)),
  );
  app.get(
    '/api/raw-data/:id/processing',
    {
      schema: {
        tags,
        summary: 'The processing runs of a raw data archive, newest first',
        params: IdParams,
        querystring: PageQuery,
        response: { 200: Paged(ProcessingRun), ...errors(400, 401, 404) },
      },
    },
    async (request) => {
      const page = pageOf(request.query);
      const { count, results } = await processing.list(actorOf(request), request.params.id, page);
      return pagedBody(request.url, page, count, results);
    },
  );

  app.get(
    '/api/processing/:token/archive',
    {
      config: { auth: 'none' },
      schema: {
        tags,
        summary: "A processing run's archive, by its token (Range requests answer 206)",
        params: RunTokenParams,
        response: { ...archiveResponse, ...errors(400, 404, 409, 416) },
      },
    },
    async (request, reply) => {
      const file = await processing.archive(request.params.token);
      return sendArchive(request, reply, file, (range) => read(file.storage_key, range));
    },
  );
  app.post(
    '/api/processing/:token/status',
    {
      config: { auth: 'none' },
      schema: {
        tags,
        summary: 'The runner reports: running (with progress), failed or done (both end the token)',
        params: RunTokenParams,
        body: RunStatusBody,
        response: { 200: RunStatus, ...errors(400, 404) },
      },
    },
    async (request) => processing.setStatus(request.params.token, request.body),
  );

  await app.register(async (scope: App) => {
    await scope.register(multipart, {
      throwFileSizeLimit: true,
      limits: { fileSize: RUN_PRODUCT_MAX_BYTES + 1, files: 1, fields: 1, parts: 2, fieldSize: 64 },
    });
    scope.post(
      '/api/processing/:token/products',
      {
        config: { auth: 'none' },
        schema: {
          tags,
          summary: "The runner delivers a product (multipart data_type, then file) to the run's flight",
          description:
            `data_type (${dataTypes.join(', ')}) first, then the file: a GeoTIFF goes through the COG job, a ` +
            'COPC point cloud is read at once (LAS/LAZ 415). Answers 202 with the data product, created on ' +
            `behalf of whoever started the run. At most ${RUN_PRODUCT_MAX_BYTES} bytes.`,
          params: RunTokenParams,
          consumes: ['multipart/form-data'],
          body: { content: { 'multipart/form-data': { schema: ProductForm } } } as never,
          response: { 202: DataProduct, ...errors(400, 403, 404, 413, 415, 422) },
        },
      },
      async (request, reply) => {
        const token = request.params.token;
        await processing.checkToken(token); // before any byte is stored
        const client = { ip: request.ip, userAgent: request.headers['user-agent']?.slice(0, 512) ?? null };
        const product = await onePart(
          request,
          ['data_type'],
          (file, values) => {
            const dataType = values.data_type;
            if (!dataType || !(dataTypes as readonly string[]).includes(dataType)) {
              file.file.resume();
              throw new AppError(
                'validation_failed',
                `data_type must come before the file and be one of ${dataTypes.join(', ')}`,
                [{ in: 'body', field: 'data_type', message: 'missing or unknown' }],
              );
            }
            return processing.deliver(token, dataType, file.file, fileName(file, 'product'), client);
          },
          RUN_PRODUCT_MAX_BYTES,
        );
        return reply.status(202).send(product);
      },
    );
  });
}
