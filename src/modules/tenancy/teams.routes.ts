// /api/teams: teams of the acting organization (X-Organization-Id or the active organization) and members.
import Type from 'typebox';
import { actorOf } from '../../platform/auth/plugin.ts';
import type { Deps } from '../../platform/deps.ts';
import type { App } from '../../platform/http/app-types.ts';
import { IdParams, Paged, PageQuery, pagedBody, pageOf } from '../../platform/http/common.schemas.ts';
import { errors } from '../../platform/http/schemas.ts';
import {
  AddTeamMemberBody,
  CreateTeamBody,
  MemberParams,
  Team,
  TeamListQuery,
  TeamMember,
  UpdateTeamBody,
  UpdateTeamMemberBody,
} from './teams.schemas.ts';
import { createTeamsService } from './teams.service.ts';

const tags = ['teams'];

export function teamsRoutes(app: App, deps: Pick<Deps, 'config' | 'database'>): void {
  const teams = createTeamsService(deps);

  app.post(
    '/api/teams',
    {
      schema: {
        tags,
        summary: 'Create a team in the acting organization; you become its first owner',
        body: CreateTeamBody,
        response: { 201: Team, ...errors(400, 401, 403, 404) },
      },
    },
    async (request, reply) => reply.status(201).send(await teams.create(actorOf(request), request.body)),
  );

  app.get(
    '/api/teams',
    {
      schema: {
        tags,
        summary: "The organization's teams you belong to (owners/admins: all); ?search= on the name",
        querystring: TeamListQuery,
        response: { 200: Paged(Team), ...errors(400, 401, 404) },
      },
    },
    async (request) => {
      const page = pageOf(request.query);
      const { count, results } = await teams.list(actorOf(request), request.query, page);
      return pagedBody(request.url, page, count, results);
    },
  );

  app.get(
    '/api/teams/:id',
    {
      schema: {
        tags,
        summary: 'One team, with its member count and your role on it',
        params: IdParams,
        response: { 200: Team, ...errors(400, 401, 404) },
      },
    },
    async (request) => teams.get(actorOf(request), request.params.id),
  );

  app.patch(
    '/api/teams/:id',
    {
      schema: {
        tags,
        summary: 'Rename or describe a team (owners and managers)',
        params: IdParams,
        body: UpdateTeamBody,
        response: { 200: Team, ...errors(400, 401, 403, 404) },
      },
    },
    async (request) => teams.update(actorOf(request), request.params.id, request.body),
  );

  app.delete(
    '/api/teams/:id',
    {
      schema: {
        tags,
        summary: 'Delete a team (owners); its projects stay, without a team',
        params: IdParams,
        response: { 204: Type.Null(), ...errors(400, 401, 403, 404) },
      },
    },
    async (request, reply) => {
      await teams.remove(actorOf(request), request.params.id);
      return reply.status(204).send(null);
    },
  );

  app.get(
    '/api/teams/:id/members',
    {
      schema: {
        tags,
        summary: "A team's members with their roles",
        params: IdParams,
        querystring: PageQuery,
        response: { 200: Paged(TeamMember), ...errors(400, 401, 404) },
      },
    },
    async (request) => {
      const page = pageOf(request.query);
      const { count, results } = await teams.members(actorOf(request), request.params.id, page);
      return pagedBody(request.url, page, count, results);
    },
  );

  app.post(
    '/api/teams/:id/members',
    {
      schema: {
        tags,
        summary: 'Add a member of the organization to the team (owners and managers; owners grant owner)',
        params: IdParams,
        body: AddTeamMemberBody,
        response: { 201: TeamMember, ...errors(400, 401, 403, 404, 409) },
      },
    },
    async (request, reply) => {
      const { user_id, role = 'viewer' } = request.body;
      const member = await teams.addMember(actorOf(request), request.params.id, user_id, role);
      return reply.status(201).send(member);
    },
  );

  app.patch(
    '/api/teams/:id/members/:user_id',
    {
      schema: {
        tags,
        summary: "Change a member's role (owners and managers; only owners grant or revoke owner)",
        params: MemberParams,
        body: UpdateTeamMemberBody,
        response: { 200: TeamMember, ...errors(400, 401, 403, 404, 409) },
      },
    },
    async (request) =>
      teams.changeRole(actorOf(request), request.params.id, request.params.user_id, request.body.role),
  );

  app.delete(
    '/api/teams/:id/members/:user_id',
    {
      schema: {
        tags,
        summary: 'Remove a member, or leave the team yourself; the last owner cannot go',
        params: MemberParams,
        response: { 204: Type.Null(), ...errors(400, 401, 403, 404, 409) },
      },
    },
    async (request, reply) => {
      await teams.removeMember(actorOf(request), request.params.id, request.params.user_id);
      return reply.status(204).send(null);
    },
  );
}
