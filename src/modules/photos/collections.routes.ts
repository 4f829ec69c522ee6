// Tags (catalogue, one photo, a selection), share links with their public read path, and exports.
import Type from 'typebox';
import { actorOf } from '../../platform/auth/plugin.ts';
import type { App } from '../../platform/http/app-types.ts';
import { IdParams, Paged, PageQuery, pagedBody, pageOf } from '../../platform/http/common.schemas.ts';
import { errors } from '../../platform/http/schemas.ts';
import type { Exporter } from './export.ts';
import { PhotoTag, ThumbnailQuery } from './photos.schemas.ts';
import {
  BulkAnswer,
  BulkTags,
  CreatedShare,
  ExportQuery,
  NewTag,
  PhotoTagParams,
  PhotoTagsInput,
  ShareInput,
  ShareLink,
  Tag,
  TagParams,
  TagPatch,
  TokenParams,
  TokenPhotoParams,
} from './review.schemas.ts';
import type { ShareService } from './share.service.ts';
import type { TagsService } from './tags.service.ts';

const tags = ['photos'];

export function collectionsRoutes(app: App, t: TagsService, share: ShareService, exporter: Exporter): void {
  app.get(
    '/api/projects/:id/tags',
    {
      schema: {
        tags,
        summary: "The project's tag catalogue, by name",
        params: IdParams,
        querystring: PageQuery,
        response: { 200: Paged(Tag), ...errors(400, 401, 404) },
      },
    },
    async (request) => {
      const page = pageOf(request.query);
      const { count, results } = await t.list(actorOf(request), request.params.id, page);
      return pagedBody(request.url, page, count, results);
    },
  );
  app.post(
    '/api/projects/:id/tags',
    {
      schema: {
        tags,
        summary: 'Create a user tag',
        params: IdParams,
        body: NewTag,
        response: { 201: Tag, ...errors(400, 401, 403, 404, 409) },
      },
    },
    async (request, reply) =>
      reply.status(201).send(await t.create(actorOf(request), request.params.id, request.body)),
  );
  app.patch(
    '/api/projects/:id/tags/:tag_id',
    {
      schema: {
        tags,
        summary: 'Rename or recolour a tag',
        params: TagParams,
        body: TagPatch,
        response: { 200: Tag, ...errors(400, 401, 403, 404, 409) },
      },
    },
    async (request) => t.update(actorOf(request), request.params.id, request.params.tag_id, request.body),
  );
  app.delete(
    '/api/projects/:id/tags/:tag_id',
    {
      schema: {
        tags,
        summary: 'Delete a tag (from every photo)',
        params: TagParams,
        response: { 204: Type.Null(), ...errors(400, 401, 403, 404) },
      },
    },
    async (request, reply) => {
      await t.remove(actorOf(request), request.params.id, request.params.tag_id);
      return reply.status(204).send(null);
    },
  );
  app.post(
    '/api/projects/:id/photos/tags',
    {
      schema: {
        tags,
        summary: 'Tag and untag a selection of photos at once',
        params: IdParams,
        body: BulkTags,
        response: { 200: BulkAnswer, ...errors(400, 401, 403, 404) },
      },
    },
    async (request) => t.bulk(actorOf(request), request.params.id, request.body),
  );
  app.post(
    '/api/photos/:id/tags',
    {
      schema: {
        tags,
        summary: 'Tag a photo (names are created as user tags when new)',
        params: IdParams,
        body: PhotoTagsInput,
        response: { 200: Type.Array(PhotoTag), ...errors(400, 401, 403, 404) },
      },
    },
    async (request) => t.tagPhoto(actorOf(request), request.params.id, request.body),
  );
  app.delete(
    '/api/photos/:id/tags/:tag_id',
    {
      schema: {
        tags,
        summary: 'Remove a tag from a photo',
        params: PhotoTagParams,
        response: { 200: Type.Array(PhotoTag), ...errors(400, 401, 403, 404) },
      },
    },
    async (request) => t.untagPhoto(actorOf(request), request.params.id, request.params.tag_id),
  );

  app.post(
    '/api/photos/share',
    {
      schema: {
        tags,
        summary: 'A read-only link to one photo or a set (one project), expiring, revocable',
        body: ShareInput,
        response: { 201: CreatedShare, ...errors(400, 401, 403, 404) },
      },
    },
    async (request, reply) => reply.status(201).send(await share.create(actorOf(request), request.body)),
  );
  app.get(
    '/api/projects/:id/share-links',
    {
      schema: {
        tags,
        summary: "The project's share links (without their tokens)",
        params: IdParams,
        response: { 200: Type.Array(ShareLink), ...errors(400, 401, 403, 404) },
      },
    },
    async (request) => share.list(actorOf(request), request.params.id),
  );
  app.delete(
    '/api/share-links/:id',
    {
      schema: {
        tags,
        summary: 'Revoke a share link',
        params: IdParams,
        response: { 204: Type.Null(), ...errors(400, 401, 403, 404) },
      },
    },
    async (request, reply) => {
      await share.revoke(actorOf(request), request.params.id);
      return reply.status(204).send(null);
    },
  );

  const publicBytes = {
    200: Type.Unsafe({ type: 'string', format: 'binary' }),
    ...errors(400, 404),
  };
  app.get(
    '/api/shared/photos/:token',
    {
      config: { auth: 'none' },
      schema: {
        tags,
        summary: 'The photos of a share link (public, by token only)',
        params: TokenParams,
        response: {
          200: Type.Object({
            expires_at: Type.Unsafe({ type: 'string', format: 'date-time' }),
            photos: Type.Array(Type.Unknown()),
          }),
          ...errors(400, 404),
        },
      },
    },
    async (request, reply) => {
      reply.header('cache-control', 'no-store').header('referrer-policy', 'no-referrer');
      return share.open(request.params.token);
    },
  );
  for (const what of ['original', 'thumbnail'] as const) {
    app.get(
      `/api/shared/photos/:token/:photo_id/${what}`,
      {
        config: { auth: 'none' },
        schema: {
          tags,
          summary: `A shared photo's ${what} (public, by token only)`,
          params: TokenPhotoParams,
          ...(what === 'thumbnail' && { querystring: ThumbnailQuery }),
          response: publicBytes,
        },
      },
      async (request, reply) => {
        const size =
          what === 'original'
            ? 'original'
            : ((request.query as { size?: 'small' | 'large' }).size ?? 'small');
        const { stream, type } = await share.bytes(request.params.token, request.params.photo_id, size);
        return reply
          .type(type)
          .header('cache-control', 'private, no-store')
          .header('referrer-policy', 'no-referrer')
          .header('x-content-type-options', 'nosniff')
          .header('content-security-policy', "default-src 'none'; sandbox")
          .send(stream);
      },
    );
  }

  app.get(
    '/api/projects/:id/photos/export',
    {
      schema: {
        tags,
        summary: "Export the project's photos with detections and tags (?format=csv|coco), streamed",
        params: IdParams,
        querystring: ExportQuery,
        response: { 200: Type.Unsafe({ type: 'string', format: 'binary' }), ...errors(400, 401, 403, 404) },
      },
    },
    async (request, reply) => {
      const actor = actorOf(request);
      const format = request.query.format ?? 'csv';
      const stream =
        format === 'csv'
          ? await exporter.csv(actor, request.params.id)
          : await exporter.coco(actor, request.params.id);
      return reply
        .type(format === 'csv' ? 'text/csv; charset=utf-8' : 'application/json')
        .header(
          'content-disposition',
          `attachment; filename="project-${request.params.id}-photos.${format === 'csv' ? 'csv' : 'coco.json'}"`,
        )
        .send(stream);
    },
  );
}
