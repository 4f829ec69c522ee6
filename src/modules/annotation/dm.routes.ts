// Label Studio's data manager endpoints: `/api/dm/views`, `/api/dm/columns`, `/api/dm/actions`, `/api/dm/project`.
import Type from 'typebox';
import { actorOf } from '../../platform/auth/plugin.ts';
import type { App } from '../../platform/http/app-types.ts';
import { IdParams } from '../../platform/http/common.schemas.ts';
import { errors } from '../../platform/http/schemas.ts';
import type { createActionsService } from './dm.actions.ts';
import type { DmProjectService } from './dm.project.ts';
import {
  ActionBody,
  ActionInfo,
  ActionQuery,
  ActionResult,
  Columns,
  CreateViewBody,
  DmProject,
  ProjectQuery,
  ReorderBody,
  UpdateViewBody,
  View,
} from './dm.schemas.ts';
import type { DmService } from './dm.service.ts';
import type { ViewsService } from './dm.views.ts';

const tags = ['data manager'];

export function dmRoutes(
  app: App,
  views: ViewsService,
  dm: DmService,
  actions: ReturnType<typeof createActionsService>,
  project: DmProjectService,
): void {
  app.get(
    '/api/dm/project',
    {
      schema: {
        tags,
        summary: "The project's state for the data manager (Label Studio's project state)",
        querystring: ProjectQuery,
        response: { 200: DmProject, ...errors(400, 401, 403, 404) },
      },
    },
    async (request) => project.state(actorOf(request), request.query.project),
  );

  app.get(
    '/api/dm/views',
    {
      schema: {
        tags,
        summary: "A project's data manager views (yours; a manager sees everyone's), at most 1000",
        querystring: ProjectQuery,
        response: { 200: Type.Array(View), ...errors(400, 401, 403, 404) },
      },
    },
    async (request) => views.list(actorOf(request), request.query.project),
  );

  app.post(
    '/api/dm/views',
    {
      schema: {
        tags,
        summary: 'Create a view (filters, ordering, hidden columns)',
        body: CreateViewBody,
        response: { 201: View, ...errors(400, 401, 403, 404) },
      },
    },
    async (request, reply) => {
      const b = request.body;
      return reply.status(201).send(
        await views.create(actorOf(request), {
          project: b.project,
          data: b.data,
          order: b.order,
          selected_items: b.selected_items,
        }),
      );
    },
  );

  app.delete(
    '/api/dm/views/reset',
    {
      schema: {
        tags,
        summary: "Delete all of your views of a project (Label Studio's reset)",
        querystring: ProjectQuery,
        response: { 204: Type.Null(), ...errors(400, 401, 403, 404) },
      },
    },
    async (request, reply) => {
      await views.reset(actorOf(request), request.query.project);
      return reply.status(204).send(null);
    },
  );

  app.post(
    '/api/dm/views/order',
    {
      schema: {
        tags,
        summary: 'Order views: each gets its position in `ids`',
        body: ReorderBody,
        response: { 204: Type.Null(), ...errors(400, 401, 403, 404) },
      },
    },
    async (request, reply) => {
      await views.reorder(actorOf(request), request.body.project, request.body.ids);
      return reply.status(204).send(null);
    },
  );

  app.get(
    '/api/dm/views/:id',
    {
      schema: {
        tags,
        summary: 'One view',
        params: IdParams,
        response: { 200: View, ...errors(400, 401, 403, 404) },
      },
    },
    async (request) => views.get(actorOf(request), request.params.id),
  );

  for (const method of ['patch', 'put'] as const) {
    app[method](
      '/api/dm/views/:id',
      {
        schema: {
          tags,
          summary: method === 'put' ? 'Replace a view' : 'Change a view',
          params: IdParams,
          body: UpdateViewBody,
          response: { 200: View, ...errors(400, 401, 403, 404) },
        },
      },
      async (request) => {
        const b = request.body;
        return views.update(actorOf(request), request.params.id, {
          project: b.project,
          data: b.data,
          order: b.order,
          selected_items: b.selected_items,
        });
      },
    );
  }

  app.delete(
    '/api/dm/views/:id',
    {
      schema: {
        tags,
        summary: 'Delete a view',
        params: IdParams,
        response: { 204: Type.Null(), ...errors(400, 401, 403, 404) },
      },
    },
    async (request, reply) => {
      await views.remove(actorOf(request), request.params.id);
      return reply.status(204).send(null);
    },
  );

  app.get(
    '/api/dm/columns',
    {
      schema: {
        tags,
        summary: "The data manager's columns for a project, its data keys included",
        querystring: ProjectQuery,
        response: { 200: Columns, ...errors(400, 401, 403, 404) },
      },
    },
    async (request) => dm.columns(actorOf(request), request.query.project),
  );

  app.get(
    '/api/dm/actions',
    {
      schema: {
        tags,
        summary: 'The actions you may run on the selected tasks of a project',
        querystring: ProjectQuery,
        response: { 200: Type.Array(ActionInfo), ...errors(400, 401, 403, 404) },
      },
    },
    async (request) => actions.list(actorOf(request), request.query.project),
  );

  app.post(
    '/api/dm/actions',
    {
      schema: {
        tags,
        summary:
          'Run an action on the selected tasks ({all:false, included} or {all:true, excluded} with the filters)',
        querystring: ActionQuery,
        body: Type.Optional(ActionBody),
        response: { 200: ActionResult, ...errors(400, 401, 403, 404, 422) },
      },
    },
    async (request) =>
      actions.run(actorOf(request), {
        id: request.query.id,
        project: request.query.project,
        view: request.query.view,
        body: request.body ?? {},
      }),
  );
}
