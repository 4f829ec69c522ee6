// Label Studio's import endpoints. The JSON body is not buffered: this scope hands the raw request stream to
// the service, which parses it task by task (the OpenAPI document still describes it). Multipart file parts
// are streamed into the blob store as the project's file uploads, then imported.

import type { Readable } from 'node:stream';
import type { MultipartFile } from '@fastify/multipart';
import multipart from '@fastify/multipart';
import type { FastifyRequest } from 'fastify';
import { actorOf } from '../../platform/auth/plugin.ts';
import { AppError } from '../../platform/errors.ts';
import type { App } from '../../platform/http/app-types.ts';
import { errors } from '../../platform/http/schemas.ts';
import { validatorCompiler } from '../../platform/http/validator.ts';
import {
  ImportBody,
  ImportParams,
  ImportQuery,
  ImportRecord,
  ImportRecordParams,
  ImportSummary,
  QueuedImport,
  ReimportBody,
} from './import.schemas.ts';
import type { ImportService } from './import.service.ts';

const tags = ['import'];
const MAX_FILES = 32;

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

const baseName = (raw: string) => raw.replaceAll('\\', '/').split('/').pop()!.trim();

export async function importRoutes(app: App, imports: ImportService, maxBytes: number): Promise<void> {
  await app.register(async (scope: App) => {
    scope.removeContentTypeParser('application/json');
    scope.addContentTypeParser('application/json', (_req, payload, done) => done(null, payload));
    await scope.register(multipart, {
      limits: { fileSize: maxBytes, files: MAX_FILES, fields: 8, fieldSize: 1024 },
    });

    const options = (q: {
      commit_to_project?: boolean;
      return_task_ids?: boolean;
      preannotated_from_fields?: string;
    }) => ({
      commit: q.commit_to_project ?? true,
      returnTaskIds: q.return_task_ids ?? false,
      // Label Studio's list_of_strings_from_request: the names, comma-separated.
      preannotatedFromFields: (q.preannotated_from_fields ?? '')
        .split(',')
        .map((f) => f.trim())
        .filter(Boolean),
    });

    scope.post(
      '/api/projects/:id/import',
      {
        schema: {
          tags,
          summary:
            'Import tasks: a JSON list, files (JSON, JSONL, CSV, TSV, TXT) or a URL, all tasks or none',
          description:
            'Label Studio compatible. The body is a JSON list of tasks (`{data, annotations?, predictions?, meta?}` ' +
            'or bare data objects), `{"url": ...}`, or multipart/form-data with files; or `?url=`. Data keys must ' +
            "match the label config's variables. Answers 201 with Label Studio's summary; an import larger than " +
            'IMPORT_INLINE_MAX_BYTES answers 202 and runs as a job (follow `url` or `job_url`).',
          params: ImportParams,
          querystring: ImportQuery,
          body: ImportBody,
          consumes: ['application/json', 'multipart/form-data'],
          response: { 201: ImportSummary, 202: QueuedImport, ...errors(400, 401, 403, 404, 413, 415) },
        },
        // The body arrives as a stream (or multipart); the service validates it task by task.
        validatorCompiler: (route) => (route.httpPart === 'body' ? () => true : validatorCompiler(route)),
      },
      async (request, reply) => {
        const actor = actorOf(request);
        const projectId = request.params.id;
        const opts = options(request.query);
        let result: Awaited<ReturnType<ImportService['importUploads']>>;
        if (request.isMultipart()) {
          await imports.checkImport(actor, projectId);
          const uploads = await readFiles(request, (file, name) =>
            imports.storeUpload(actor, projectId, file, name, null),
          );
          result = await imports.importUploads(actor, projectId, uploads, opts);
        } else if (request.query.url !== undefined) {
          (request.body as unknown as Readable | undefined)?.resume?.();
          result = await imports.importUrl(actor, projectId, request.query.url, opts);
        } else {
          const body = request.body as unknown as Readable | undefined;
          if (!body || typeof (body as Readable).pipe !== 'function')
            throw new AppError(
              'unsupported_media_type',
              'send a JSON list of tasks (application/json), files as multipart/form-data, or ?url=',
            );
          const length = Number(request.headers['content-length']);
          result = await imports.importBody(
            actor,
            projectId,
            body,
            Number.isFinite(length) ? length : null,
            opts,
          );
        }
        return reply.status(result.queued ? 202 : 201).send(result.body);
      },
    );

    scope.post(
      '/api/projects/:id/reimport',
      {
        schema: {
          tags,
          summary: "Import the project's earlier file uploads again (Label Studio's reimport)",
          params: ImportParams,
          body: ReimportBody,
          response: { 201: ImportSummary, 202: QueuedImport, ...errors(400, 401, 403, 404) },
        },
        // This body is small: parse it whole, then validate it.
        preValidation: async (request) => {
          request.body = (await readJson(request.body as unknown as Readable)) as typeof request.body;
        },
      },
      async (request, reply) => {
        const body = request.body;
        const result = await imports.reimport(actorOf(request), request.params.id, body.file_upload_ids, {
          commit: true,
          returnTaskIds: false,
          preannotatedFromFields: [],
        });
        return reply.status(result.queued ? 202 : 201).send(result.body);
      },
    );
  });

  app.get(
    '/api/projects/:id/imports/:import_id',
    {
      schema: {
        tags,
        summary: 'One import: its status and counts (poll it for an import that runs as a job)',
        params: ImportRecordParams,
        response: { 200: ImportRecord, ...errors(400, 401, 403, 404) },
      },
    },
    async (request) => imports.get(actorOf(request), request.params.id, request.params.import_id),
  );
}

async function readFiles<T>(
  request: FastifyRequest,
  store: (file: Readable, name: string) => Promise<T>,
): Promise<T[]> {
  const out: T[] = [];
  try {
    for await (const part of request.parts()) {
      if (part.type !== 'file') continue;
      const file = part as MultipartFile;
      const name = baseName(file.filename ?? '');
      if (!name || name.length > 1024) {
        file.file.resume();
        throw new AppError('bad_request', 'each file needs a name of 1 to 1024 characters');
      }
      out.push(await store(file.file, name));
    }
  } catch (err) {
    throw multipartError(err);
  }
  return out;
}

async function readJson(stream: Readable | undefined): Promise<unknown> {
  if (!stream || typeof stream.pipe !== 'function') return stream;
  let text = '';
  for await (const chunk of stream) {
    text += chunk;
    if (text.length > 1024 * 1024) throw new AppError('payload_too_large', 'the body is larger than 1 MB');
  }
  try {
    return JSON.parse(text);
  } catch {
    throw new AppError('invalid_json', 'the body is not valid JSON');
  }
}
