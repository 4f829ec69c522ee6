// A team's (user group's) roles on projects and on tags: /api/projects/{id}/groups, /api/teams/{id}/projects,
// /api/teams/{id}/tags.
import Type from 'typebox';
import { actorOf } from '../../platform/auth/plugin.ts';
import type { App } from '../../platform/http/app-types.ts';
import { IdParams, Paged, PageQuery, pagedBody, pageOf } from '../../platform/http/common.schemas.ts';
import { errors } from '../../platform/http/schemas.ts';
import type { GroupAccessService } from './access.service.ts';
import { GrantParams, ProjectGroupGrant, RoleBody, TagGrantParams, TeamTagGrant } from './groups.schemas.ts';

export function groupAccessRoutes(app: App, access: GroupAccessService): void {
  app.get(
    '/api/projects/:id/groups',
    {
      schema: {
        tags: ['projects'],
        summary: 'The teams (user groups) given a role on the project; their members hold it',
        params: IdParams,
        querystring: PageQuery,
        response: { 200: Paged(ProjectGroupGrant), ...errors(400, 401, 404) },
      },
    },
    async (request) => {
      const page = pageOf(request.query);
      const { count, results } = await access.projectGrants(actorOf(request), request.params.id, page);
      return pagedBody(request.url, page, count, results);
    },
  );

  app.put(
    '/api/projects/:id/groups/:team_id',
    {
      schema: {
        tags: ['projects'],
        summary: 'Give a team a role on the project or change it (owners and managers; owner: owners only)',
        params: GrantParams,
        body: RoleBody,
        response: { 200: ProjectGroupGrant, 201: ProjectGroupGrant, ...errors(400, 401, 403, 404) },
      },
    },
    async (request, reply) => {
      const { id, team_id } = request.params;
      const { created, grant } = await access.grant(actorOf(request), id, team_id, request.body.role);
      return reply.status(created ? 201 : 200).send(grant);
    },
  );

  app.delete(
    '/api/projects/:id/groups/:team_id',
    {
      schema: {
        tags: ['projects'],
        summary: "Take a team's role on the project away; its members lose what it gave them at once",
        params: GrantParams,
        response: { 204: Type.Null(), ...errors(400, 401, 403, 404) },
      },
    },
    async (request, reply) => {
      await access.revoke(actorOf(request), request.params.id, request.params.team_id);
      return reply.status(204).send(null);
    },
  );

  app.get(
    '/api/teams/:id/projects',
    {
      schema: {
        tags: ['teams'],
        summary: 'The projects the team was given a role on',
        params: IdParams,
        querystring: PageQuery,
        response: { 200: Paged(ProjectGroupGrant), ...errors(400, 401, 404) },
      },
    },
    async (request) => {
      const page = pageOf(request.query);
      const { count, results } = await access.teamProjects(actorOf(request), request.params.id, page);
      return pagedBody(request.url, page, count, results);
    },
  );

  app.get(
    '/api/teams/:id/tags',
    {
      schema: {
        tags: ['teams'],
        summary: "The team's roles on project tags (each reaches every project with the tag)",
        params: IdParams,
        querystring: PageQuery,
        response: { 200: Paged(TeamTagGrant), ...errors(400, 401, 404) },
      },
    },
    async (request) => {
      const page = pageOf(request.query);
      const { count, results } = await access.teamTags(actorOf(request), request.params.id, page);
      return pagedBody(request.url, page, count, results);
    },
  );

  app.put(
    '/api/teams/:id/tags/:tag_id',
    {
      schema: {
        tags: ['teams'],
        summary:
          'Give the team a role on every project with the tag, or change it (organization owners, admins)',
        params: TagGrantParams,
        body: RoleBody,
        response: { 200: TeamTagGrant, 201: TeamTagGrant, ...errors(400, 401, 403, 404) },
      },
    },
    async (request, reply) => {
      const { id, tag_id } = request.params;
      const { created, grant } = await access.grantTag(actorOf(request), id, tag_id, request.body.role);
      return reply.status(created ? 201 : 200).send(grant);
    },
  );

  app.delete(
    '/api/teams/:id/tags/:tag_id',
    {
      schema: {
        tags: ['teams'],
        summary: "Take the team's role on a tag away (organization owners, admins)",
        params: TagGrantParams,
        response: { 204: Type.Null(), ...errors(400, 401, 403, 404) },
      },
    },
    async (request, reply) => {
      await access.revokeTag(actorOf(request), request.params.id, request.params.tag_id);
      return reply.status(204).send(null);
    },
  );
}
