// /api/organizations: create, list yours, read, edit, delete.
import Type from 'typebox';
import { actorOf } from '../../platform/auth/plugin.ts';
import type { App } from '../../platform/http/app-types.ts';
import { IdParams, Paged, PageQuery, pagedBody, pageOf } from '../../platform/http/common.schemas.ts';
import { errors } from '../../platform/http/schemas.ts';
import { CreateOrganizationBody, Organization, UpdateOrganizationBody } from './organizations.schemas.ts';
import type { OrganizationsService } from './organizations.service.ts';

const tags = ['organizations'];

export function organizationsRoutes(app: App, orgs: OrganizationsService): void {
  app.post(
    '/api/organizations',
    {
      schema: {
        tags,
        summary: 'Create an organization; you become its owner',
        body: CreateOrganizationBody,
        response: { 201: Organization, ...errors(400, 401, 403, 409) },
      },
    },
    async (request, reply) => reply.status(201).send(await orgs.create(actorOf(request), request.body)),
  );

  app.get(
    '/api/organizations',
    {
      schema: {
        tags,
        summary: 'The organizations you are a member of, with your role, newest first',
        querystring: PageQuery,
        response: { 200: Paged(Organization), ...errors(400, 401) },
      },
    },
    async (request) => {
      const page = pageOf(request.query);
      const { count, results } = await orgs.list(actorOf(request), page);
      return pagedBody(request.url, page, count, results);
    },
  );

  app.get(
    '/api/organizations/:id',
    {
      schema: {
        tags,
        summary: 'One organization you are a member of',
        params: IdParams,
        response: { 200: Organization, ...errors(400, 401, 404) },
      },
    },
    async (request) => orgs.get(actorOf(request), request.params.id),
  );

  app.patch(
    '/api/organizations/:id',
    {
      schema: {
        tags,
        summary: 'Rename, change the slug or the contact info (owners and admins)',
        params: IdParams,
        body: UpdateOrganizationBody,
        response: { 200: Organization, ...errors(400, 401, 403, 404, 409) },
      },
    },
    async (request) => orgs.update(actorOf(request), request.params.id, request.body),
  );

  app.delete(
    '/api/organizations/:id',
    {
      schema: {
        tags,
        summary: 'Delete the organization and everything in it (owners)',
        params: IdParams,
        response: { 204: Type.Null(), ...errors(400, 401, 403, 404) },
      },
    },
    async (request, reply) => {
      await orgs.remove(actorOf(request), request.params.id);
      return reply.status(204).send(null);
    },
  );
}
