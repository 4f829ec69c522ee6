// Label Studio's label library endpoints: /api/labels (the organization's labels) and /api/label_links
// (a library label used by a project's control).
import Type from 'typebox';
import { actorOf } from '../../platform/auth/plugin.ts';
import type { App } from '../../platform/http/app-types.ts';
import { Id, IdParams, Paged, pagedBody, pageOf, Timestamp } from '../../platform/http/common.schemas.ts';
import { errors } from '../../platform/http/schemas.ts';
import type { LabelsService } from './labels.service.ts';

const Title = Type.String({ minLength: 1, maxLength: 2048 });
const Description = Type.Union([Type.String({ maxLength: 10_000 }), Type.Null()]);
const Label = Type.Object({
  id: Id,
  organization: Id,
  title: Type.String(),
  description: Description,
  value: Type.Unknown(),
  approved: Type.Boolean(),
  approved_by: Type.Union([Id, Type.Null()]),
  created_by: Type.Union([Id, Type.Null()]),
  created_at: Timestamp,
  updated_at: Timestamp,
});
const LabelLink = Type.Object({ id: Id, project: Id, label: Id, from_name: Type.String() });
const PageQuery = Type.Object({
  page: Type.Optional(Type.Integer({ minimum: 1 })),
  page_size: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000 })),
});
const tags = ['labels'];

export function labelsRoutes(app: App, labels: LabelsService): void {
  app.get(
    '/api/labels',
    {
      schema: {
        tags,
        summary: "The organization's label library, by title",
        querystring: PageQuery,
        response: { 200: Paged(Label), ...errors(400, 401, 404) },
      },
    },
    async (request) => {
      const page = pageOf(request.query);
      const { count, results } = await labels.list(actorOf(request), page);
      return pagedBody(request.url, page, count, results);
    },
  );
  app.post(
    '/api/labels',
    {
      schema: {
        tags,
        summary: 'Add a label to the library (organization owners, admins)',
        body: Type.Object(
          {
            title: Title,
            value: Type.Unknown({ description: 'the label as a config holds it, e.g. {"value": "Car"}' }),
            description: Type.Optional(Description),
            approved: Type.Optional(Type.Boolean()),
          },
          { additionalProperties: false },
        ),
        response: { 201: Label, ...errors(400, 401, 403, 404, 409) },
      },
    },
    async (request, reply) => reply.status(201).send(await labels.create(actorOf(request), request.body)),
  );
  app.get(
    '/api/labels/:id',
    {
      schema: {
        tags,
        summary: 'One library label',
        params: IdParams,
        response: { 200: Label, ...errors(400, 401, 404) },
      },
    },
    async (request) => labels.get(actorOf(request), request.params.id),
  );
  app.patch(
    '/api/labels/:id',
    {
      schema: {
        tags,
        summary: 'Change or approve a library label (organization owners, admins)',
        params: IdParams,
        body: Type.Object(
          {
            title: Type.Optional(Title),
            value: Type.Optional(Type.Unknown()),
            description: Type.Optional(Description),
            approved: Type.Optional(Type.Boolean()),
          },
          { additionalProperties: false, minProperties: 1 },
        ),
        response: { 200: Label, ...errors(400, 401, 403, 404, 409) },
      },
    },
    async (request) => labels.update(actorOf(request), request.params.id, request.body),
  );
  app.delete(
    '/api/labels/:id',
    {
      schema: {
        tags,
        summary: 'Delete a library label and its links (organization owners, admins)',
        params: IdParams,
        response: { 204: Type.Null(), ...errors(400, 401, 403, 404) },
      },
    },
    async (request, reply) => {
      await labels.remove(actorOf(request), request.params.id);
      return reply.status(204).send(null);
    },
  );

  app.get(
    '/api/label_links',
    {
      schema: {
        tags,
        summary: "A project's links to library labels",
        querystring: Type.Object({ project: Id }),
        response: { 200: Type.Array(LabelLink), ...errors(400, 401, 404) },
      },
    },
    async (request) => labels.links(actorOf(request), request.query.project),
  );
  app.post(
    '/api/label_links',
    {
      schema: {
        tags,
        summary: "Link a library label to a project's control (owners, managers; idempotent)",
        body: Type.Object(
          { project: Id, label: Id, from_name: Type.String({ minLength: 1, maxLength: 2048 }) },
          { additionalProperties: false },
        ),
        response: { 201: LabelLink, ...errors(400, 401, 403, 404) },
      },
    },
    async (request, reply) => reply.status(201).send(await labels.addLink(actorOf(request), request.body)),
  );
  app.get(
    '/api/label_links/:id',
    {
      schema: {
        tags,
        summary: 'One label link',
        params: IdParams,
        response: { 200: LabelLink, ...errors(400, 401, 404) },
      },
    },
    async (request) => labels.getLink(actorOf(request), request.params.id),
  );
  app.delete(
    '/api/label_links/:id',
    {
      schema: {
        tags,
        summary: 'Remove a label link (owners, managers)',
        params: IdParams,
        response: { 204: Type.Null(), ...errors(400, 401, 403, 404) },
      },
    },
    async (request, reply) => {
      await labels.removeLink(actorOf(request), request.params.id);
      return reply.status(204).send(null);
    },
  );
}
