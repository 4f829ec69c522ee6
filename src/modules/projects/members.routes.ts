// /api/projects/{id}/members: a project's direct members and their roles.
import Type from 'typebox';
import { actorOf } from '../../platform/auth/plugin.ts';
import type { App } from '../../platform/http/app-types.ts';
import { IdParams, Paged, pagedBody, pageOf } from '../../platform/http/common.schemas.ts';
import { errors } from '../../platform/http/schemas.ts';
import type { MembersService } from './members.service.ts';
import {
  AddMemberBody,
  Member,
  MemberPageQuery,
  MemberParams,
  UpdateMemberBody,
} from './projects.schemas.ts';

const tags = ['projects'];

export function membersRoutes(app: App, members: MembersService): void {
  app.get(
    '/api/projects/:id/members',
    {
      schema: {
        tags,
        summary: "The project's direct members with their roles (team-derived access is not listed)",
        params: IdParams,
        querystring: MemberPageQuery,
        response: { 200: Paged(Member), ...errors(400, 401, 404) },
      },
    },
    async (request) => {
      const page = pageOf(request.query);
      const { count, results } = await members.list(actorOf(request), request.params.id, page);
      return pagedBody(request.url, page, count, results);
    },
  );

  app.post(
    '/api/projects/:id/members',
    {
      schema: {
        tags,
        summary: 'Add a member of the organization (owners, managers; only owners add owners)',
        params: IdParams,
        body: AddMemberBody,
        response: { 201: Member, ...errors(400, 401, 403, 404, 409) },
      },
    },
    async (request, reply) =>
      reply
        .status(201)
        .send(
          await members.add(actorOf(request), request.params.id, request.body.user_id, request.body.role),
        ),
  );

  app.patch(
    '/api/projects/:id/members/:user_id',
    {
      schema: {
        tags,
        summary: "Change a member's role (owners, managers; only owners grant or revoke owner)",
        params: MemberParams,
        body: UpdateMemberBody,
        response: { 200: Member, ...errors(400, 401, 403, 404, 409) },
      },
    },
    async (request) =>
      members.changeRole(actorOf(request), request.params.id, request.params.user_id, request.body.role),
  );

  app.delete(
    '/api/projects/:id/members/:user_id',
    {
      schema: {
        tags,
        summary: 'Remove a member, or leave yourself; the last owner stays (409 last_owner)',
        params: MemberParams,
        response: { 204: Type.Null(), ...errors(400, 401, 403, 404, 409) },
      },
    },
    async (request, reply) => {
      await members.remove(actorOf(request), request.params.id, request.params.user_id);
      return reply.status(204).send(null);
    },
  );
}
