// /api/project-groups: named collections of the organization's projects (seed 003 projects_projectgroup).
import Type from 'typebox';
import { actorOf } from '../../platform/auth/plugin.ts';
import type { App } from '../../platform/http/app-types.ts';
import { IdParams, Paged, PageQuery, pagedBody, pageOf } from '../../platform/http/common.schemas.ts';
import { errors } from '../../platform/http/schemas.ts';
import {
  AddedGroupProjects,
  AddGroupProjectsBody,
  CreateProjectGroupBody,
  GroupProject,
  GroupProjectParams,
  ProjectGroup,
  ProjectGroupListQuery,
  UpdateProjectGroupBody,
} from './groups.schemas.ts';
import type { ProjectGroupsService } from './project-groups.service.ts';

const tags = ['project-groups'];

export function projectGroupsRoutes(app: App, groups: ProjectGroupsService): void {
  app.post(
    '/api/project-groups',
    {
      schema: {
        tags,
        summary: 'Create a project group (you own it), optionally with projects you may read',
        body: CreateProjectGroupBody,
        response: { 201: ProjectGroup, ...errors(400, 401, 403, 404) },
      },
    },
    async (request, reply) => reply.status(201).send(await groups.create(actorOf(request), request.body)),
  );

  app.get(
    '/api/project-groups',
    {
      schema: {
        tags,
        summary:
          "The organization's project groups; ?search= on the title, ?project= those holding a project",
        querystring: ProjectGroupListQuery,
        response: { 200: Paged(ProjectGroup), ...errors(400, 401, 404) },
      },
    },
    async (request) => {
      const page = pageOf(request.query);
      const { count, results } = await groups.list(actorOf(request), request.query, page);
      return pagedBody(request.url, page, count, results);
    },
  );

  app.get(
    '/api/project-groups/:id',
    {
      schema: {
        tags,
        summary: 'One project group',
        params: IdParams,
        response: { 200: ProjectGroup, ...errors(400, 401, 404) },
      },
    },
    async (request) => groups.get(actorOf(request), request.params.id),
  );

  app.patch(
    '/api/project-groups/:id',
    {
      schema: {
        tags,
        summary: 'Rename or describe a project group (its owner, organization owners and admins)',
        params: IdParams,
        body: UpdateProjectGroupBody,
        response: { 200: ProjectGroup, ...errors(400, 401, 403, 404) },
      },
    },
    async (request) => groups.update(actorOf(request), request.params.id, request.body),
  );

  app.delete(
    '/api/project-groups/:id',
    {
      schema: {
        tags,
        summary: 'Delete a project group; its projects stay',
        params: IdParams,
        response: { 204: Type.Null(), ...errors(400, 401, 403, 404) },
      },
    },
    async (request, reply) => {
      await groups.remove(actorOf(request), request.params.id);
      return reply.status(204).send(null);
    },
  );

  app.get(
    '/api/project-groups/:id/projects',
    {
      schema: {
        tags,
        summary: "The group's projects that you may read, in the order they were added",
        params: IdParams,
        querystring: PageQuery,
        response: { 200: Paged(GroupProject), ...errors(400, 401, 404) },
      },
    },
    async (request) => {
      const page = pageOf(request.query);
      const { count, results } = await groups.projects(actorOf(request), request.params.id, page);
      return pagedBody(request.url, page, count, results);
    },
  );

  app.post(
    '/api/project-groups/:id/projects',
    {
      schema: {
        tags,
        summary: 'Add projects (ones you may read) to the group; those already in it are skipped',
        params: IdParams,
        body: AddGroupProjectsBody,
        response: { 200: AddedGroupProjects, ...errors(400, 401, 403, 404) },
      },
    },
    async (request) => groups.add(actorOf(request), request.params.id, request.body.project_ids),
  );

  app.delete(
    '/api/project-groups/:id/projects/:project_id',
    {
      schema: {
        tags,
        summary: 'Take a project out of the group',
        params: GroupProjectParams,
        response: { 204: Type.Null(), ...errors(400, 401, 403, 404) },
      },
    },
    async (request, reply) => {
      await groups.drop(actorOf(request), request.params.id, request.params.project_id);
      return reply.status(204).send(null);
    },
  );
}
