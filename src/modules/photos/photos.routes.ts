// /api/projects/{id}/photos and /api/photos/{id}: upload, list, read, edit, delete, original and thumbnails.
import path from 'node:path';
import type { MultipartFile } from '@fastify/multipart';
import type { FastifyReply, FastifyRequest } from 'fastify';
import Type from 'typebox';
import { actorOf } from '../../platform/auth/plugin.ts';
import { AppError } from '../../platform/errors.ts';
import type { App } from '../../platform/http/app-types.ts';
import { IdParams } from '../../platform/http/common.schemas.ts';
import { errors } from '../../platform/http/schemas.ts';
import {
  Photo,
  PhotoListQuery,
  PhotoPage,
  PhotoPatch,
  ThumbnailQuery,
  UploadAnswer,
  UploadForm,
  UploadJson,
} from './photos.schemas.ts';
import type { PhotosService } from './photos.service.ts';

const tags = ['photos'];

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

async function uploadMultipart(request: FastifyRequest, photos: PhotosService, projectId: number) {
  const actor = actorOf(request);
  await photos.checkUpload(actor, projectId); // before any byte is stored
  let answer: Awaited<ReturnType<PhotosService['upload']>> | null = null;
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
      const name = path.posix.basename((file.filename ?? '').replaceAll('\\', '/')).trim() || 'photo';
      answer = await photos.upload(actor, projectId, file.file, name.slice(0, 1024));
    }
  } catch (err) {
    throw multipartError(err);
  }
  if (!answer)
    throw new AppError('validation_failed', 'file is required: send the photo in a part named "file"', [
      { in: 'body', field: 'file', message: 'is required' },
    ]);
  return answer;
}

function cached(request: FastifyRequest, reply: FastifyReply, etag: string, immutable: boolean): boolean {
  const tag = `"${etag}"`;
  reply
    .header('etag', tag)
    .header(
      'cache-control',
      immutable ? 'private, max-age=31536000, immutable' : 'private, max-age=0, must-revalidate',
    )
    .header('x-content-type-options', 'nosniff')
    .header('content-security-policy', "default-src 'none'; sandbox");
  const inm = request.headers['if-none-match'];
  return inm?.split(',').some((t) => t.trim() === tag || t.trim() === '*') ?? false;
}

export function photosRoutes(app: App, photos: PhotosService): void {
  app.post(
    '/api/projects/:id/photos',
    {
      schema: {
        tags,
        summary: 'Upload a photo (multipart `file`, or JSON {upload_id} of a finished tus upload)',
        description:
          `JPEG, PNG, WebP, TIFF or HEIC, decided from the bytes; at most PHOTO_MAX_BYTES (413 above, 415 for ` +
          'other types). The same bytes in the same project answer 200 with the existing photo and ' +
          '`duplicate: true`; otherwise 201. EXIF and thumbnails follow in a job (status uploaded -> processed).',
        params: IdParams,
        consumes: ['multipart/form-data', 'application/json'],
        body: {
          content: {
            'application/json': { schema: UploadJson },
            'multipart/form-data': { schema: UploadForm },
          },
        } as never,
        response: { 200: UploadAnswer, 201: UploadAnswer, ...errors(400, 401, 403, 404, 409, 413, 415) },
      },
    },
    async (request, reply) => {
      const projectId = request.params.id;
      const answer = request.isMultipart()
        ? await uploadMultipart(request, photos, projectId)
        : await photos.uploadFromTus(
            actorOf(request),
            projectId,
            (request.body as { upload_id: string }).upload_id,
          );
      return reply
        .status(answer.duplicate ? 200 : 201)
        .send({ ...answer.photo, duplicate: answer.duplicate });
    },
  );

  app.get(
    '/api/projects/:id/photos',
    {
      schema: {
        tags,
        summary: "The project's photos, newest first (created_at or captured_at), filtered, by cursor",
        params: IdParams,
        querystring: PhotoListQuery,
        response: { 200: PhotoPage, ...errors(400, 401, 403, 404) },
      },
    },
    async (request) => photos.list(actorOf(request), request.params.id, request.query),
  );

  app.get(
    '/api/photos/:id',
    {
      schema: {
        tags,
        summary: 'One photo with its EXIF and tags',
        params: IdParams,
        response: { 200: Photo, ...errors(400, 401, 404) },
      },
    },
    async (request) => photos.get(actorOf(request), request.params.id),
  );

  app.patch(
    '/api/photos/:id',
    {
      schema: {
        tags,
        summary: 'Edit a photo: description, capture time, position',
        params: IdParams,
        body: PhotoPatch,
        response: { 200: Photo, ...errors(400, 401, 403, 404) },
      },
    },
    async (request) => photos.update(actorOf(request), request.params.id, request.body),
  );

  app.delete(
    '/api/photos/:id',
    {
      schema: {
        tags,
        summary: 'Delete a photo (its thumbnails and detections go with it)',
        params: IdParams,
        response: { 204: Type.Null(), ...errors(400, 401, 403, 404) },
      },
    },
    async (request, reply) => {
      await photos.remove(actorOf(request), request.params.id);
      return reply.status(204).send(null);
    },
  );

  const binary = (what: string) => ({
    200: Type.Unsafe({ type: 'string', format: 'binary', description: what }),
    304: Type.Null({ description: 'not modified (If-None-Match)' }),
  });

  app.get(
    '/api/photos/:id/original',
    {
      schema: {
        tags,
        summary: 'The original bytes (ETag is their SHA-256)',
        params: IdParams,
        response: { ...binary('the original'), ...errors(400, 401, 404) },
      },
    },
    async (request, reply) => {
      const { row, stream, type, etag } = await photos.open(actorOf(request), request.params.id, 'original');
      if (cached(request, reply, etag, true)) {
        stream.destroy();
        return reply.code(304).send(null);
      }
      return reply.type(type).header('content-length', String(row.size_bytes)).send(stream);
    },
  );

  app.get(
    '/api/photos/:id/thumbnail',
    {
      schema: {
        tags,
        summary: 'A WebP thumbnail: small (about 256 px) or large (about 1280 px)',
        params: IdParams,
        querystring: ThumbnailQuery,
        response: { ...binary('the thumbnail (image/webp)'), ...errors(400, 401, 404) },
      },
    },
    async (request, reply) => {
      const size = request.query.size ?? 'small';
      const { stream, type, etag } = await photos.open(actorOf(request), request.params.id, size);
      if (cached(request, reply, etag, true)) {
        stream.destroy();
        return reply.code(304).send(null);
      }
      return reply.type(type).send(stream);
    },
  );
}
