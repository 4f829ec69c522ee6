// /api/workspaces: workspaces (folders of projects) of the acting organization and their members.
import Type from 'typebox';
import { actorOf } from '../../platform/auth/plugin.ts';
import type { Deps } from '../../platform/deps.ts';
import type { App } from '../../platform/http/app-types.ts';
import { IdParams, Paged, PageQuery, pagedBody, pageOf } from '../../platform/http/common.schemas.ts';
import { errors } from '../../platform/http/schemas.ts';
import { MemberParams } from './teams.schemas.ts';
import {
  AddWorkspaceMemberBody,
  CreateWorkspaceBody,
  UpdateWorkspaceBody,
  UpdateWorkspaceMemberBody,
  Workspace,
  WorkspaceMember,
} from './workspaces.schemas.ts';
import { createWorkspacesService } from './workspaces.service.ts';

const tags = ['workspaces'];

export function workspacesRoutes(app: App, deps: Pick<Deps, 'config' | 'database'>): void {
  const workspaces = createWorkspacesService(deps);

  app.post(
    '/api/workspaces',
    {
      schema: {
        tags,
        summary: 'Create a workspace in the acting organization; you become its manager',
        body: CreateWorkspaceBody,
        response: { 201: Workspace, ...errors(400, 401, 403, 404) },
      },
    },
    async (request, reply) => reply.status(201).send(await workspaces.create(actorOf(request), request.body)),
  );

  app.get(
    '/api/workspaces',
    {
      schema: {
        tags,
        summary:
          'Workspaces you are a member of and the public ones (owners/admins: all), with project counts',
        querystring: PageQuery,
        response: { 200: Paged(Workspace), ...errors(400, 401, 404) },
      },
    },
    async (request) => {
      const page = pageOf(request.query);
      const { count, results } = await workspaces.list(actorOf(request), page);
      return pagedBody(request.url, page, count, results);
    },
  );

  app.get(
    '/api/workspaces/:id',
    {
      schema: {
        tags,
        summary: 'One workspace, with its project count and your role on it',
        params: IdParams,
        response: { 200: Workspace, ...errors(400, 401, 404) },
      },
    },
    async (request) => workspaces.get(actorOf(request), request.params.id),
  );

  app.patch(
    '/api/workspaces/:id',
    {
      schema: {
        tags,
        summary: 'Edit title, description, colour or visibility (managers)',
        params: IdParams,
        body: UpdateWorkspaceBody,
        response: { 200: Workspace, ...errors(400, 401, 403, 404) },
      },
    },
    async (request) => workspaces.update(actorOf(request), request.params.id, request.body),
  );

  app.delete(
    '/api/workspaces/:id',
    {
      schema: {
        tags,
        summary: 'Delete a workspace (managers); its projects stay, outside any workspace',
        params: IdParams,
        response: { 204: Type.Null(), ...errors(400, 401, 403, 404) },
      },
    },
    async (request, reply) => {
      await workspaces.remove(actorOf(request), request.params.id);
      return reply.status(204).send(null);
    },
  );

  app.get(
    '/api/workspaces/:id/members',
    {
      schema: {
        tags,
        summary: "A workspace's members with their roles",
        params: IdParams,
        querystring: PageQuery,
        response: { 200: Paged(WorkspaceMember), ...errors(400, 401, 404) },
      },
    },
    async (request) => {
      const page = pageOf(request.query);
      const { count, results } = await workspaces.members(actorOf(request), request.params.id, page);
      return pagedBody(request.url, page, count, results);
    },
  );

  app.post(
    '/api/workspaces/:id/members',
    {
      schema: {
        tags,
        summary: 'Add a member of the organization to the workspace (managers)',
        params: IdParams,
        body: AddWorkspaceMemberBody,
        response: { 201: WorkspaceMember, ...errors(400, 401, 403, 404, 409) },
      },
    },
    async (request, reply) => {
      const { user_id, role = 'member' } = request.body;
      const member = await workspaces.addMember(actorOf(request), request.params.id, user_id, role);
      return reply.status(201).send(member);
    },
  );

  app.patch(
    '/api/workspaces/:id/members/:user_id',
    {
      schema: {
        tags,
        summary: "Change a member's role (managers); the last manager stays a manager",
        params: MemberParams,
        body: UpdateWorkspaceMemberBody,
        response: { 200: WorkspaceMember, ...errors(400, 401, 403, 404, 409) },
      },
    },
    async (request) =>
      workspaces.changeRole(actorOf(request), request.params.id, request.params.user_id, request.body.role),
  );

  app.delete(
    '/api/workspaces/:id/members/:user_id',
    {
      schema: {
        tags,
        summary: 'Remove a member, or leave the workspace yourself; the last manager cannot go',
        params: MemberParams,
        response: { 204: Type.Null(), ...errors(400, 401, 403, 404, 409) },
      },
    },
    async (request, reply) => {
      await workspaces.removeMember(actorOf(request), request.params.id, request.params.user_id);
      return reply.status(204).send(null);
    },
  );
}
