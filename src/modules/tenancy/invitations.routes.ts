// Invitations: create, list pending, revoke (owners and admins), invitations into one team, project or
// workspace (its member managers), and accept with the mailed token.
import Type from 'typebox';
import { actorOf } from '../../platform/auth/plugin.ts';
import type { App } from '../../platform/http/app-types.ts';
import { IdParams, Paged, PageQuery, pagedBody, pageOf } from '../../platform/http/common.schemas.ts';
import { errors } from '../../platform/http/schemas.ts';
import {
  AcceptedInvitation,
  AcceptInvitationBody,
  CreateInvitationBody,
  Invitation,
  InvitationParams,
  ProjectInvitationBody,
  TeamInvitationBody,
  WorkspaceInvitationBody,
} from './invitations.schemas.ts';
import type { InvitationScope, InvitationsService } from './invitations.service.ts';

const tags = ['invitations'];

export function invitationsRoutes(app: App, invitations: InvitationsService): void {
  app.post(
    '/api/organizations/:id/invitations',
    {
      schema: {
        tags,
        summary:
          'Invite an email address (a single-use link valid 7 days is mailed; only owners invite owners)',
        params: IdParams,
        body: CreateInvitationBody,
        response: { 201: Invitation, ...errors(400, 401, 403, 404) },
      },
    },
    async (request, reply) =>
      reply.status(201).send(await invitations.create(actorOf(request), request.params.id, request.body)),
  );

  app.get(
    '/api/organizations/:id/invitations',
    {
      schema: {
        tags,
        summary: 'Pending invitations (not accepted, revoked or expired), newest first',
        params: IdParams,
        querystring: PageQuery,
        response: { 200: Paged(Invitation), ...errors(400, 401, 403, 404) },
      },
    },
    async (request) => {
      const page = pageOf(request.query);
      const { count, results } = await invitations.list(actorOf(request), request.params.id, page);
      return pagedBody(request.url, page, count, results);
    },
  );

  app.delete(
    '/api/organizations/:id/invitations/:invitation_id',
    {
      schema: {
        tags,
        summary: 'Revoke an invitation; its link stops working',
        params: InvitationParams,
        response: { 204: Type.Null(), ...errors(400, 401, 403, 404, 409) },
      },
    },
    async (request, reply) => {
      await invitations.revoke(actorOf(request), request.params.id, request.params.invitation_id);
      return reply.status(204).send(null);
    },
  );

  const scoped = [
    { kind: 'team', path: '/api/teams/:id/invitations', body: TeamInvitationBody, lowest: 'viewer' },
    { kind: 'project', path: '/api/projects/:id/invitations', body: ProjectInvitationBody, lowest: 'viewer' },
    {
      kind: 'workspace',
      path: '/api/workspaces/:id/invitations',
      body: WorkspaceInvitationBody,
      lowest: 'member',
    },
  ] as const;
  for (const { kind, path, body, lowest } of scoped) {
    app.post(
      path,
      {
        schema: {
          tags: [`${kind}s`],
          summary: `Invite an email address into the ${kind} with a role (${lowest} when absent); they join the organization as member`,
          params: IdParams,
          body,
          response: { 201: Invitation, ...errors(400, 401, 403, 404) },
        },
      },
      async (request, reply) => {
        const { email, role = lowest } = request.body as { email: string; role?: string };
        const scope = { kind, id: request.params.id, role } as InvitationScope;
        return reply.status(201).send(await invitations.invite(actorOf(request), scope, email));
      },
    );
  }

  app.post(
    '/api/invitations/accept',
    {
      schema: {
        tags,
        summary: 'Accept an invitation with its token, as the signed-in user',
        body: AcceptInvitationBody,
        response: { 200: AcceptedInvitation, ...errors(400, 401) },
      },
    },
    async (request) => {
      const actor = actorOf(request);
      return invitations.accept(actor.userId, request.body.token, {
        authMethod: actor.authMethod,
        ip: actor.ip,
        userAgent: actor.userAgent,
        activate: false,
      });
    },
  );
}
