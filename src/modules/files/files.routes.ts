// /api/files: datasets uploaded in one multipart request, the organization's files, their bytes.
import path from 'node:path';
import type { MultipartFile, MultipartValue } from '@fastify/multipart';
import type { FastifyRequest } from 'fastify';
import Type from 'typebox';
import { actorOf } from '../../platform/auth/plugin.ts';
import { AppError } from '../../platform/errors.ts';
import type { App } from '../../platform/http/app-types.ts';
import { IdParams, Paged, pagedBody, pageOf } from '../../platform/http/common.schemas.ts';
import { errors } from '../../platform/http/schemas.ts';
import { FileListQuery, FileRecord, UploadForm } from './files.schemas.ts';
import type { FilesService, StoredPart } from './files.service.ts';
import { parseRange } from './range.ts';

const tags = ['files'];
/** Files and fields one multipart request may carry. */
export const MAX_PARTS = { files: 16, fields: 4 };

const invalid = (field: string, message: string) =>
  new AppError('validation_failed', `${field} ${message}`, [{ in: 'body', field, message }]);

/** Busboy's and @fastify/multipart's refusals, as our errors. */
function multipartError(err: unknown): unknown {
  const code = (err as { code?: string }).code;
  if (
    code === 'FST_REQ_FILE_TOO_LARGE' ||
    code === 'FST_FILES_LIMIT' ||
    code === 'FST_PARTS_LIMIT' ||
    code === 'FST_FIELDS_LIMIT'
  )
    return new AppError('payload_too_large', (err as Error).message);
  if (code === 'FST_INVALID_MULTIPART_CONTENT_TYPE')
    return new AppError('unsupported_media_type', 'send multipart/form-data with parts named "file"');
  if (err instanceof AppError) return err;
  if (
    err instanceof Error &&
    !(err as { statusCode?: number }).statusCode &&
    /form|multipart|boundary|part/i.test(err.message)
  )
    return new AppError('bad_request', `the multipart body is malformed: ${err.message}`);
  return err;
}

/** A client-side path (C:\dir\a.csv, dir/a.csv) down to its last segment. */
function baseName(raw: string): string {
  return path.posix.basename(raw.replaceAll('\\', '/')).trim();
}

function contentDisposition(name: string): string {
  const ascii = name.replace(/[^\x20-\x7e]|["\\]/g, '_');
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(name)}`;
}

async function readForm(request: FastifyRequest, files: FilesService) {
  const parts: StoredPart[] = [];
  let projectId: number | null = null;
  try {
    for await (const part of request.parts()) {
      if (part.type === 'file') {
        const file = part as MultipartFile;
        if (file.fieldname !== 'file') {
          file.file.resume();
          throw invalid(file.fieldname, 'is not a field of this form (files go in parts named "file")');
        }
        const name = baseName(file.filename ?? '');
        if (!name || name.length > 1024) {
          file.file.resume();
          throw invalid('file', 'needs a file name of 1 to 1024 characters');
        }
        parts.push(await files.store(file.file, name, file.mimetype || null));
      } else {
        const field = part as MultipartValue<unknown>;
        if (field.fieldname !== 'project_id') throw invalid(field.fieldname, 'is not a field of this form');
        const value = String(field.value).trim();
        if (!/^[1-9][0-9]{0,15}$/.test(value) || !Number.isSafeInteger(Number(value)))
          throw invalid('project_id', 'must be a positive integer');
        projectId = Number(value);
        // Refuse a project the actor may not upload into before storing any (more) bytes.
        await files.checkUploadTarget(actorOf(request), projectId);
      }
    }
  } catch (err) {
    throw multipartError(err);
  }
  return { parts, projectId };
}

export function filesRoutes(app: App, files: FilesService): void {
  app.post(
    '/api/files',
    {
      schema: {
        tags,
        summary: 'Upload a dataset: a main file and its companion files (multipart)',
        description:
          'multipart/form-data with one or more parts named `file` (a `.mhd` with its `.raw`/`.zraw`, a `.shp` ' +
          'with `.dbf`/`.shx`/`.prj`/`.cpg`, or one file such as a `.csv`) and optionally `project_id`. ' +
          `At most ${files.limits.fileMaxBytes} bytes a file; larger files go through tus (/api/uploads). ` +
          'The first main file is answered, its companions inside it. All files are kept, or none.',
        consumes: ['multipart/form-data'],
        body: { content: { 'multipart/form-data': { schema: UploadForm } } } as never,
        response: { 201: FileRecord, ...errors(400, 401, 403, 404, 409, 413, 415) },
      },
    },
    async (request, reply) => {
      const actor = actorOf(request);
      if (!request.isMultipart())
        throw new AppError('unsupported_media_type', 'send multipart/form-data with parts named "file"');
      const { parts, projectId } = await readForm(request, files);
      return reply.status(201).send(await files.createDataset(actor, projectId, parts));
    },
  );

  app.get(
    '/api/files',
    {
      schema: {
        tags,
        summary: "Datasets you uploaded in the organization, or a project's (?project=), newest first",
        querystring: FileListQuery,
        response: { 200: Paged(FileRecord), ...errors(400, 401, 403, 404) },
      },
    },
    async (request) => {
      const page = pageOf(request.query);
      const { count, results } = await files.list(actorOf(request), request.query.project, page);
      return pagedBody(request.url, page, count, results);
    },
  );

  app.get(
    '/api/files/:id',
    {
      schema: {
        tags,
        summary: 'One file with its companion files',
        params: IdParams,
        response: { 200: FileRecord, ...errors(400, 401, 404) },
      },
    },
    async (request) => files.get(actorOf(request), request.params.id),
  );

  app.get(
    '/api/files/:id/content',
    {
      schema: {
        tags,
        summary: "The file's bytes (single-range Range requests answer 206)",
        description:
          'ETag is the SHA-256 of the content. Served as an attachment with nosniff and a sandbox CSP, so no ' +
          'uploaded file runs as a page of this site.',
        params: IdParams,
        response: {
          200: Type.Unsafe({ type: 'string', format: 'binary', description: 'the whole file' }),
          206: Type.Unsafe({ type: 'string', format: 'binary', description: 'the requested range' }),
          304: Type.Null({ description: 'not modified (If-None-Match)' }),
          ...errors(400, 401, 404, 416),
        },
      },
    },
    async (request, reply) => {
      const row = await files.open(actorOf(request), request.params.id);
      const size = row.size_bytes;
      const etag = `"${row.sha256}"`;
      reply
        .header('etag', etag)
        .header('accept-ranges', 'bytes')
        .header('cache-control', 'private, no-cache')
        .header('x-content-type-options', 'nosniff')
        .header('content-security-policy', "default-src 'none'; sandbox")
        .header('content-disposition', contentDisposition(row.original_name));
      const ifNoneMatch = request.headers['if-none-match'];
      if (ifNoneMatch?.split(',').some((t) => t.trim() === etag || t.trim() === '*'))
        return reply.code(304).send(null);
      const ifRange = request.headers['if-range'];
      const range =
        ifRange && ifRange !== etag ? ({ kind: 'full' } as const) : parseRange(request.headers.range, size);
      if (range.kind === 'unsatisfiable') {
        reply.header('content-range', `bytes */${size}`);
        throw new AppError('bad_request', `range not satisfiable: the file has ${size} bytes`, { size }, 416);
      }
      reply.type(row.mime_type);
      if (range.kind === 'partial') {
        const stream = await files.read(row, { start: range.start, end: range.end });
        return reply
          .code(206)
          .header('content-range', `bytes ${range.start}-${range.end}/${size}`)
          .header('content-length', String(range.end - range.start + 1))
          .send(stream);
      }
      const stream = await files.read(row);
      return reply.header('content-length', String(size)).send(stream);
    },
  );

  app.delete(
    '/api/files/:id',
    {
      schema: {
        tags,
        summary: 'Delete a file with its companions (uploader, or the project owner or manager)',
        params: IdParams,
        response: { 204: Type.Null(), ...errors(400, 401, 403, 404) },
      },
    },
    async (request, reply) => {
      await files.remove(actorOf(request), request.params.id);
      return reply.status(204).send(null);
    },
  );
}
