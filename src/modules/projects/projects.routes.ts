// /api/projects: the one projects resource (core fields), bookmarks and enabled modules.
import Type from 'typebox';
import { actorOf } from '../../platform/auth/plugin.ts';
import type { App } from '../../platform/http/app-types.ts';
import { IdParams, Paged, pagedBody, pageOf } from '../../platform/http/common.schemas.ts';
import { errors } from '../../platform/http/schemas.ts';
import type { ProjectExtension } from './projects.extensions.ts';
import {
  extendedSchemas,
  LikeState,
  ModulesBody,
  ModulesState,
  ProjectListQuery,
} from './projects.schemas.ts';
import type { ProjectsService } from './projects.service.ts';

const tags = ['projects'];

export function projectsRoutes(
  app: App,
  projects: ProjectsService,
  extensions: readonly ProjectExtension[] = [],
): void {
  const { Project, CreateProjectBody, UpdateProjectBody } = extendedSchemas(extensions);
  app.post(
    '/api/projects',
    {
      schema: {
        tags,
        summary: 'Create a project; you become its owner',
        body: CreateProjectBody,
        response: { 201: Project, ...errors(400, 401, 403, 404, 409) },
      },
    },
    async (request, reply) => reply.status(201).send(await projects.create(actorOf(request), request.body)),
  );

  app.get(
    '/api/projects',
    {
      schema: {
        tags,
        summary: 'Projects you can read in the organization, newest first',
        querystring: ProjectListQuery,
        response: { 200: Paged(Project), ...errors(400, 401, 404) },
      },
    },
    async (request) => {
      const page = pageOf(request.query);
      const { page: _p, page_size: _s, ...filter } = request.query;
      const { count, results } = await projects.list(actorOf(request), filter, page);
      return pagedBody(request.url, page, count, results);
    },
  );

  app.get(
    '/api/projects/:id',
    {
      config: { cache: true },
      schema: {
        tags,
        summary: 'One project',
        params: IdParams,
        response: { 200: Project, ...errors(400, 401, 404) },
      },
    },
    async (request) => projects.get(actorOf(request), request.params.id),
  );

  app.patch(
    '/api/projects/:id',
    {
      schema: {
        tags,
        summary: 'Edit title, description, slug, visibility, status, team or workspace (owners, managers)',
        params: IdParams,
        body: UpdateProjectBody,
        response: { 200: Project, ...errors(400, 401, 403, 404, 409) },
      },
    },
    async (request) => projects.update(actorOf(request), request.params.id, request.body),
  );

  app.delete(
    '/api/projects/:id',
    {
      schema: {
        tags,
        summary: 'Delete a project with everything in it (owners only)',
        params: IdParams,
        response: { 204: Type.Null(), ...errors(400, 401, 403, 404) },
      },
    },
    async (request, reply) => {
      await projects.remove(actorOf(request), request.params.id);
      return reply.status(204).send(null);
    },
  );

  for (const [method, liked, summary] of [
    ['POST', true, 'Bookmark the project (idempotent)'],
    ['DELETE', false, 'Remove your bookmark (idempotent)'],
  ] as const) {
    app.route({
      method,
      url: '/api/projects/:id/like',
      schema: {
        tags,
        summary,
        params: IdParams,
        response: { 200: LikeState, ...errors(400, 401, 404) },
      },
      handler: async (request) => projects.like(actorOf(request), request.params.id, liked),
    });
  }

  app.get(
    '/api/projects/:id/modules',
    {
      schema: {
        tags,
        summary: 'Which modules the project has enabled',
        params: IdParams,
        response: { 200: ModulesState, ...errors(400, 401, 404) },
      },
    },
    async (request) => projects.modules(actorOf(request), request.params.id),
  );

  app.put(
    '/api/projects/:id/modules',
    {
      schema: {
        tags,
        summary: 'Set exactly which modules are enabled (owners, managers)',
        params: IdParams,
        body: ModulesBody,
        response: { 200: ModulesState, ...errors(400, 401, 403, 404) },
      },
    },
    async (request) => projects.updateModules(actorOf(request), request.params.id, request.body.enabled),
  );
}
