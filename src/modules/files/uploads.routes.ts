// /api/uploads: tus 1.0 resumable uploads (creation, creation-with-upload, creation-defer-length, termination,
// expiration), served by @tus/server behind our own routes so authentication, error shape, logging and metrics
// apply. The upload's owner (user and organization) is stamped into its tus metadata at creation; only that
// person, acting in that organization, may inspect, continue or terminate it. When the last byte arrives the
// upload becomes a file (blob store + files row) and its temporary copy is removed.
import { Readable } from 'node:stream';
import { FileStore } from '@tus/file-store';
import { EVENTS, Metadata, Server, type Upload } from '@tus/server';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Actor } from '../../platform/auth/actor.ts';
import { actorOf } from '../../platform/auth/plugin.ts';
import { AppError, type ErrorCode } from '../../platform/errors.ts';
import type { App } from '../../platform/http/app-types.ts';
import { errors } from '../../platform/http/schemas.ts';
import { FileRecord, TusCreated, TusPatched, UploadIdParams } from './files.schemas.ts';
import type { FilesService } from './files.service.ts';

export interface UploadOptions {
  directory: string;
  maxBytes: number;
  expirationMs: number;
}

/** Tus metadata keys we set; whatever a client sends under these names is overwritten. */
export const OWNER = 'gt_user';
export const ORG = 'gt_organization';
export const FILE_ID_HEADER = 'Groundtruth-File-Id';

interface Ctx {
  actor: Actor;
  projectId: number | null;
  error?: unknown;
}

const tags = ['files'];
const uploadNotFound = (id: string) => new AppError('not_found', `upload ${id} not found`);

const tusCodes: Record<number, ErrorCode> = {
  400: 'bad_request',
  403: 'forbidden',
  404: 'not_found',
  409: 'conflict',
  410: 'not_found',
  413: 'payload_too_large',
  415: 'unsupported_media_type',
};

function parseProjectId(raw: string | null | undefined): number | null {
  if (raw === undefined || raw === null || raw === '') return null;
  const n = /^[1-9][0-9]{0,15}$/.test(raw) ? Number(raw) : Number.NaN;
  if (!Number.isSafeInteger(n))
    throw new AppError('validation_failed', 'project_id must be a positive integer', [
      { in: 'header', field: 'Upload-Metadata.project_id', message: 'must be a positive integer' },
    ]);
  return n;
}

/** The request as the web Request @tus/server reads; the body stream is handed over unread. */
function toWebRequest(request: FastifyRequest): Request {
  const headers = new Headers();
  const raw = request.raw.rawHeaders;
  for (let i = 0; i + 1 < raw.length; i += 2) headers.append(raw[i]!, raw[i + 1]!);
  const withBody = request.method === 'POST' || request.method === 'PATCH';
  return new Request(`http://${request.host || 'localhost'}${request.url}`, {
    method: request.method,
    headers,
    ...(withBody && { body: Readable.toWeb(request.raw) as ReadableStream, duplex: 'half' }),
  } as RequestInit);
}

export function uploadRoutes(app: App, files: FilesService, options: UploadOptions): Server {
  const store = new FileStore({
    directory: options.directory,
    expirationPeriodInMilliseconds: options.expirationMs,
  });
  const contexts = new WeakMap<Request, Ctx>();

  const tus = new Server({
    path: '/api/uploads',
    datastore: store,
    // Relative: right behind any proxy, whatever host and scheme the client used.
    relativeLocation: true,
    maxSize: options.maxBytes,
    // The web UI is served from the same origin; no cross-origin uploads.
    allowedOrigins: [],
    exposedHeaders: [FILE_ID_HEADER],
    onUploadCreate: async (req, upload) => {
      const ctx = contexts.get(req)!;
      const metadata = { ...upload.metadata };
      metadata[OWNER] = String(ctx.actor.userId);
      metadata[ORG] = String(ctx.actor.organizationId);
      metadata.project_id = ctx.projectId === null ? null : String(ctx.projectId);
      return { metadata };
    },
    onUploadFinish: async (req, upload) => {
      const ctx = contexts.get(req)!;
      try {
        const file = await finish(ctx.actor, upload);
        return { headers: { [FILE_ID_HEADER]: String(file.id) } };
      } catch (err) {
        ctx.error = err;
        throw { status_code: 500, body: 'finishing the upload failed\n' };
      }
    },
  });
  // After the answer is written: a finished upload's temporary copy is no longer needed.
  tus.on(EVENTS.POST_FINISH, (_req, _res, upload) => {
    store.remove(upload.id).catch((err) => app.log.warn({ err, upload: upload.id }, 'tus cleanup failed'));
  });
  const sweep = setInterval(
    () => {
      tus.cleanUpExpiredUploads().catch((err: unknown) => app.log.warn({ err }, 'tus expiry sweep failed'));
    },
    Math.min(options.expirationMs, 3_600_000),
  );
  sweep.unref();
  app.addHook('onClose', async () => clearInterval(sweep));

  function finish(actor: Actor, upload: Upload) {
    const meta = upload.metadata ?? {};
    return files.finishUpload(
      actor,
      {
        id: upload.id,
        size: upload.size ?? upload.offset,
        name: (meta.filename ?? meta.name ?? '').trim() || 'upload',
        declaredType: meta.filetype ?? meta.type ?? null,
        projectId: parseProjectId(meta.project_id),
      },
      () => store.read(upload.id),
    );
  }

  /** The upload, if it is the actor's (others', and unknown ids, are 404 alike). */
  async function ownUpload(actor: Actor, id: string): Promise<Upload> {
    const upload = await store.getUpload(id).catch(() => null);
    const meta = upload?.metadata ?? {};
    if (!upload || meta[OWNER] !== String(actor.userId) || meta[ORG] !== String(actor.organizationId))
      throw uploadNotFound(id);
    return upload;
  }

  async function viaTus(request: FastifyRequest, reply: FastifyReply, ctx: Ctx | null) {
    const webRequest = toWebRequest(request);
    if (ctx) contexts.set(webRequest, ctx);
    const res = await tus.handleWeb(webRequest);
    for (const [name, value] of res.headers) if (name !== 'content-length') reply.header(name, value);
    if (ctx?.error) throw ctx.error;
    if (res.status >= 400) {
      const message = (await res.text()).trim() || 'upload failed';
      if (res.status >= 500) request.log.error({ status: res.status, message }, 'tus request failed');
      throw new AppError(
        tusCodes[res.status] ?? (res.status >= 500 ? 'internal' : 'bad_request'),
        message,
        null,
        res.status,
      );
    }
    return reply.code(res.status).send();
  }

  const actorWithOrg = (request: FastifyRequest) => {
    const actor = actorOf(request);
    if (actor.organizationId === null) throw new AppError('not_found', 'organization not found');
    return actor;
  };

  // Creation and continuation bodies are the raw bytes of the file: tus reads them, Fastify must not.
  app.addContentTypeParser('application/offset+octet-stream', (_request, _payload, done) => done(null));

  app.route({
    method: 'OPTIONS',
    url: '/api/uploads',
    config: { auth: 'none' },
    schema: { hide: true },
    handler: (request, reply) => viaTus(request, reply, null),
  });
  app.route({
    method: 'OPTIONS',
    url: '/api/uploads/:id',
    config: { auth: 'none' },
    schema: { hide: true },
    handler: (request, reply) => viaTus(request, reply, null),
  });

  app.post(
    '/api/uploads',
    {
      schema: {
        tags,
        summary: 'Start a tus resumable upload (tus-js-client, Uppy)',
        description:
          'tus 1.0 creation: send `Tus-Resumable: 1.0.0`, `Upload-Length` (or `Upload-Defer-Length: 1`) and ' +
          '`Upload-Metadata` with `filename`, `filetype` and optionally `project_id` (base64 values). ' +
          "The answer's `Location` is the upload URL: `HEAD` it for the offset, `PATCH` bytes " +
          '(`Content-Type: application/offset+octet-stream`, `Upload-Offset`), `DELETE` to give up. ' +
          `The request that completes the upload answers \`${FILE_ID_HEADER}\`; ` +
          '`GET /api/uploads/{id}/file` answers the file record.',
        response: { 201: TusCreated, ...errors(400, 401, 403, 404, 413) },
      },
    },
    async (request, reply) => {
      const actor = actorWithOrg(request);
      let meta: Record<string, string | null> = {};
      const given = request.headers['upload-metadata'] as string | undefined;
      try {
        if (given?.trim()) meta = Metadata.parse(given);
      } catch {
        throw new AppError('validation_failed', 'Upload-Metadata is not valid tus metadata', [
          { in: 'header', field: 'Upload-Metadata', message: 'key base64value pairs separated by commas' },
        ]);
      }
      const projectId = parseProjectId(meta.project_id);
      const length = request.headers['upload-length'];
      if (typeof length === 'string' && /^[0-9]+$/.test(length) && Number(length) > options.maxBytes)
        throw new AppError('payload_too_large', `uploads are limited to ${options.maxBytes} bytes`, {
          max_bytes: options.maxBytes,
        });
      await files.checkUploadTarget(actor, projectId);
      return viaTus(request, reply, { actor, projectId });
    },
  );

  app.route({
    method: 'HEAD',
    url: '/api/uploads/:id',
    // A HEAD answer has no body to read an error from; the POST route documents the protocol.
    schema: { hide: true, params: UploadIdParams },
    handler: async (request, reply) => {
      const actor = actorWithOrg(request);
      await ownUpload(actor, (request.params as { id: string }).id);
      return viaTus(request, reply, { actor, projectId: null });
    },
  });

  app.patch(
    '/api/uploads/:id',
    {
      schema: {
        tags,
        summary: 'Send the next bytes of a tus upload',
        params: UploadIdParams,
        response: { 204: TusPatched, ...errors(400, 401, 404, 409, 413, 415) },
      },
    },
    async (request, reply) => {
      const actor = actorWithOrg(request);
      const upload = await ownUpload(actor, request.params.id);
      return viaTus(request, reply, { actor, projectId: parseProjectId(upload.metadata?.project_id) });
    },
  );

  app.delete(
    '/api/uploads/:id',
    {
      schema: {
        tags,
        summary: 'Terminate a tus upload (its bytes are discarded)',
        params: UploadIdParams,
        response: { 204: TusCreated, ...errors(400, 401, 404) },
      },
    },
    async (request, reply) => {
      const actor = actorWithOrg(request);
      await ownUpload(actor, request.params.id);
      return viaTus(request, reply, { actor, projectId: null });
    },
  );

  app.get(
    '/api/uploads/:id/file',
    {
      schema: {
        tags,
        summary: 'The file a finished tus upload became',
        description: '409 while the upload still misses bytes; 404 for an upload that is not yours.',
        params: UploadIdParams,
        response: { 200: FileRecord, ...errors(400, 401, 404, 409) },
      },
    },
    async (request) => {
      const actor = actorWithOrg(request);
      const id = request.params.id;
      const file = await files.uploadedFile(actor, id);
      if (file) return file;
      const upload = await ownUpload(actor, id);
      if (upload.size === undefined || upload.offset < upload.size)
        throw new AppError(
          'conflict',
          `upload ${id} is not finished: ${upload.offset} of ${upload.size ?? '?'} bytes`,
          {
            offset: upload.offset,
            length: upload.size ?? null,
          },
        );
      // Complete but not yet a file (its last request failed while finishing): finish it now.
      const done = await finish(actor, upload);
      await store.remove(id).catch(() => {});
      return done;
    },
  );

  return tus;
}
