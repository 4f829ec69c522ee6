// /api/organizations/{id}/memberships: Label Studio's member list, role changes, removal.
import Type from 'typebox';
import { actorOf } from '../../platform/auth/plugin.ts';
import type { App } from '../../platform/http/app-types.ts';
import { IdParams, Paged, PageQuery, pagedBody, pageOf } from '../../platform/http/common.schemas.ts';
import { errors } from '../../platform/http/schemas.ts';
import type { MembershipsService } from './memberships.service.ts';
import { Membership, MembershipParams, UpdateMembershipBody } from './organizations.schemas.ts';

const tags = ['organizations'];

export function membershipsRoutes(app: App, members: MembershipsService): void {
  app.get(
    '/api/organizations/:id/memberships',
    {
      schema: {
        tags,
        summary: 'The members of the organization with their roles',
        params: IdParams,
        querystring: PageQuery,
        response: { 200: Paged(Membership), ...errors(400, 401, 404) },
      },
    },
    async (request) => {
      const page = pageOf(request.query);
      const { count, results } = await members.list(actorOf(request), request.params.id, page);
      return pagedBody(request.url, page, count, results);
    },
  );

  app.patch(
    '/api/organizations/:id/memberships/:user_id',
    {
      schema: {
        tags,
        summary: "Change a member's role (only owners grant or revoke owner; the last owner stays)",
        params: MembershipParams,
        body: UpdateMembershipBody,
        response: { 200: Membership, ...errors(400, 401, 403, 404, 409) },
      },
    },
    async (request) =>
      members.changeRole(actorOf(request), request.params.id, request.params.user_id, request.body.role),
  );

  app.delete(
    '/api/organizations/:id/memberships/:user_id',
    {
      schema: {
        tags,
        summary: 'Remove a member, or leave (your own id); ends their team, workspace and project access',
        params: MembershipParams,
        response: { 204: Type.Null(), ...errors(400, 401, 403, 404, 409) },
      },
    },
    async (request, reply) => {
      await members.remove(actorOf(request), request.params.id, request.params.user_id);
      return reply.status(204).send(null);
    },
  );
}
