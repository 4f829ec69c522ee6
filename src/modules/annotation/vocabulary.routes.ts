// Task flags (/api/flags, /api/tasks/{id}/flags) and project tags (/api/tags, /api/projects/{id}/project-tags; /api/projects/{id}/tags is the photos
// module's tag catalogue).
import Type from 'typebox';
import { actorOf } from '../../platform/auth/plugin.ts';
import type { App } from '../../platform/http/app-types.ts';
import { Id, IdParams, Paged, pagedBody, pageOf, Timestamp } from '../../platform/http/common.schemas.ts';
import { errors } from '../../platform/http/schemas.ts';
import type { VocabularyKind, VocabularyService } from './vocabulary.service.ts';

const Title = Type.String({ minLength: 1, maxLength: 255 });
const Description = Type.Union([Type.String({ maxLength: 10_000 }), Type.Null()]);
const Color = Type.Union([Type.String({ pattern: '^#[0-9A-Fa-f]{6}$' }), Type.Null()]);
const PageQuery = Type.Object({
  page: Type.Optional(Type.Integer({ minimum: 1 })),
  page_size: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000 })),
});

const shapes = {
  flags: {
    out: Type.Object({
      id: Id,
      title: Type.String(),
      description: Description,
      color: Color,
      created_at: Timestamp,
    }),
    create: Type.Object(
      { title: Title, description: Type.Optional(Description), color: Type.Optional(Color) },
      { additionalProperties: false },
    ),
    update: Type.Object(
      { title: Type.Optional(Title), description: Type.Optional(Description), color: Type.Optional(Color) },
      { additionalProperties: false, minProperties: 1 },
    ),
  },
  tags: {
    out: Type.Object({ id: Id, title: Type.String(), description: Description, created_at: Timestamp }),
    create: Type.Object(
      { title: Title, description: Type.Optional(Description) },
      { additionalProperties: false },
    ),
    update: Type.Object(
      { title: Type.Optional(Title), description: Type.Optional(Description) },
      { additionalProperties: false, minProperties: 1 },
    ),
  },
};

function termRoutes(app: App, vocabulary: VocabularyService, kind: VocabularyKind) {
  const { out, create, update } = shapes[kind];
  const tags = [kind];
  const one = kind === 'flags' ? 'flag' : 'tag';
  app.get(
    `/api/${kind}`,
    {
      schema: {
        tags,
        summary: `The organization's ${kind}, by title`,
        querystring: PageQuery,
        response: { 200: Paged(out), ...errors(400, 401, 404) },
      },
    },
    async (request) => {
      const page = pageOf(request.query);
      const { count, results } = await vocabulary.list(actorOf(request), kind, page);
      return pagedBody(request.url, page, count, results);
    },
  );
  app.post(
    `/api/${kind}`,
    {
      schema: {
        tags,
        summary: `Add a ${one} (organization owners, admins)`,
        body: create,
        response: { 201: out, ...errors(400, 401, 403, 404, 409) },
      },
    },
    async (request, reply) =>
      reply.status(201).send(await vocabulary.create(actorOf(request), kind, request.body)),
  );
  app.get(
    `/api/${kind}/:id`,
    {
      schema: {
        tags,
        summary: `One ${one}`,
        params: IdParams,
        response: { 200: out, ...errors(400, 401, 404) },
      },
    },
    async (request) => vocabulary.get(actorOf(request), kind, request.params.id),
  );
  app.patch(
    `/api/${kind}/:id`,
    {
      schema: {
        tags,
        summary: `Change a ${one} (organization owners, admins)`,
        params: IdParams,
        body: update,
        response: { 200: out, ...errors(400, 401, 403, 404, 409) },
      },
    },
    async (request) => vocabulary.update(actorOf(request), kind, request.params.id, request.body),
  );
  app.delete(
    `/api/${kind}/:id`,
    {
      schema: {
        tags,
        summary: `Delete a ${one} everywhere it is used (organization owners, admins)`,
        params: IdParams,
        response: { 204: Type.Null(), ...errors(400, 401, 403, 404) },
      },
    },
    async (request, reply) => {
      await vocabulary.remove(actorOf(request), kind, request.params.id);
      return reply.status(204).send(null);
    },
  );
}

export function vocabularyRoutes(app: App, vocabulary: VocabularyService): void {
  termRoutes(app, vocabulary, 'flags');
  termRoutes(app, vocabulary, 'tags');

  app.get(
    '/api/tasks/:id/flags',
    {
      schema: {
        tags: ['flags'],
        summary: 'The flags on a task',
        params: IdParams,
        response: { 200: Type.Array(shapes.flags.out), ...errors(400, 401, 404) },
      },
    },
    async (request) => vocabulary.taskFlags(actorOf(request), request.params.id),
  );
  app.post(
    '/api/tasks/:id/flags',
    {
      schema: {
        tags: ['flags'],
        summary: 'Flag a task (people who label or review it; idempotent)',
        params: IdParams,
        body: Type.Object({ flag: Id }, { additionalProperties: false }),
        response: { 200: Type.Array(shapes.flags.out), ...errors(400, 401, 403, 404) },
      },
    },
    async (request) => {
      await vocabulary.setTaskFlag(actorOf(request), request.params.id, request.body.flag, true);
      return vocabulary.taskFlags(actorOf(request), request.params.id);
    },
  );
  app.delete(
    '/api/tasks/:id/flags/:flag_id',
    {
      schema: {
        tags: ['flags'],
        summary: 'Take a flag off a task (idempotent)',
        params: Type.Object({ id: Id, flag_id: Id }),
        response: { 204: Type.Null(), ...errors(400, 401, 403, 404) },
      },
    },
    async (request, reply) => {
      await vocabulary.setTaskFlag(actorOf(request), request.params.id, request.params.flag_id, false);
      return reply.status(204).send(null);
    },
  );

  app.get(
    '/api/projects/:id/project-tags',
    {
      schema: {
        tags: ['tags'],
        summary: "The project's tags",
        params: IdParams,
        response: { 200: Type.Array(shapes.tags.out), ...errors(400, 401, 404) },
      },
    },
    async (request) => vocabulary.projectTags(actorOf(request), request.params.id),
  );
  app.post(
    '/api/projects/:id/project-tags',
    {
      schema: {
        tags: ['tags'],
        summary: 'Tag a project (owners, managers; idempotent)',
        params: IdParams,
        body: Type.Object({ tag: Id }, { additionalProperties: false }),
        response: { 200: Type.Array(shapes.tags.out), ...errors(400, 401, 403, 404) },
      },
    },
    async (request) => {
      await vocabulary.setProjectTag(actorOf(request), request.params.id, request.body.tag, true);
      return vocabulary.projectTags(actorOf(request), request.params.id);
    },
  );
  app.delete(
    '/api/projects/:id/project-tags/:tag_id',
    {
      schema: {
        tags: ['tags'],
        summary: 'Take a tag off a project (owners, managers; idempotent)',
        params: Type.Object({ id: Id, tag_id: Id }),
        response: { 204: Type.Null(), ...errors(400, 401, 403, 404) },
      },
    },
    async (request, reply) => {
      await vocabulary.setProjectTag(actorOf(request), request.params.id, request.params.tag_id, false);
      return reply.status(204).send(null);
    },
  );
}
