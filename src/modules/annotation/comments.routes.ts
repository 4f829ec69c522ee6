// Comments on annotations: /api/comments (list by annotation, task or project; create) and
// /api/comments/{id} (change, resolve, delete), in Label Studio Enterprise's shape.
import Type from 'typebox';
import { actorOf } from '../../platform/auth/plugin.ts';
import type { App } from '../../platform/http/app-types.ts';
import { IdParams } from '../../platform/http/common.schemas.ts';
import { errors } from '../../platform/http/schemas.ts';
import { Comment, CommentListQuery, CreateCommentBody, UpdateCommentBody } from './annotations.schemas.ts';
import type { CommentsService } from './comments.service.ts';

const tags = ['comments'];

export function commentsRoutes(app: App, comments: CommentsService): void {
  app.get(
    '/api/comments',
    {
      schema: {
        tags,
        summary:
          'Comments of an annotation, task or project, oldest first (a plain list; paged by page_size)',
        querystring: CommentListQuery,
        response: { 200: Type.Array(Comment), ...errors(400, 401, 404) },
      },
    },
    async (request) => {
      const { page, page_size, ...filter } = request.query;
      return comments.list(actorOf(request), filter, page ?? 1, page_size ?? 1000);
    },
  );

  app.post(
    '/api/comments',
    {
      schema: {
        tags,
        summary: 'Comment on an annotation (or a task)',
        body: CreateCommentBody,
        response: { 201: Comment, ...errors(400, 401, 403, 404) },
      },
    },
    async (request, reply) => reply.status(201).send(await comments.create(actorOf(request), request.body)),
  );

  app.get(
    '/api/comments/:id',
    {
      schema: {
        tags,
        summary: 'One comment',
        params: IdParams,
        response: { 200: Comment, ...errors(400, 401, 404) },
      },
    },
    async (request) => comments.get(actorOf(request), request.params.id),
  );

  app.patch(
    '/api/comments/:id',
    {
      schema: {
        tags,
        summary: 'Change your comment, or resolve one (reviewers and managers resolve anyone’s)',
        params: IdParams,
        body: UpdateCommentBody,
        response: { 200: Comment, ...errors(400, 401, 403, 404) },
      },
    },
    async (request) => comments.update(actorOf(request), request.params.id, request.body),
  );

  app.delete(
    '/api/comments/:id',
    {
      schema: {
        tags,
        summary: 'Delete your comment (reviewers and managers delete anyone’s)',
        params: IdParams,
        response: { 204: Type.Null(), ...errors(400, 401, 403, 404) },
      },
    },
    async (request, reply) => {
      await comments.remove(actorOf(request), request.params.id);
      return reply.status(204).send(null);
    },
  );
}
