// Label Studio's task endpoints: `/api/tasks` (list by project, create) and `/api/tasks/{id}`.
import Type from 'typebox';
import { actorOf } from '../../platform/auth/plugin.ts';
import type { App } from '../../platform/http/app-types.ts';
import { IdParams } from '../../platform/http/common.schemas.ts';
import { errors } from '../../platform/http/schemas.ts';
import type { DmService } from './dm.service.ts';
import { CreateTaskBody, Task, TaskListQuery, TaskPage, UpdateTaskBody } from './tasks.schemas.ts';
import type { createTasksService } from './tasks.service.ts';

const tags = ['tasks'];

export function tasksRoutes(app: App, tasks: ReturnType<typeof createTasksService>, dm: DmService): void {
  app.get(
    '/api/tasks',
    {
      schema: {
        tags,
        summary: "A project's tasks, 100 a page by default (404 past the last page, as Label Studio answers)",
        querystring: TaskListQuery,
        response: { 200: TaskPage, ...errors(400, 401, 403, 404) },
      },
    },
    async (request) => {
      const q = request.query;
      if (q.view !== undefined || q.query !== undefined) {
        return dm.listTasks(actorOf(request), q.project, {
          view: q.view,
          query: q.query,
          page: q.page ?? 1,
          pageSize: q.page_size ?? 100,
          withRelated: q.fields !== 'task_only',
        });
      }
      return tasks.list(
        actorOf(request),
        q.project,
        q.page ?? 1,
        q.page_size ?? 100,
        q.fields !== 'task_only',
      );
    },
  );

  app.post(
    '/api/tasks',
    {
      schema: {
        tags,
        summary: 'Create one task',
        body: CreateTaskBody,
        response: { 201: Task, ...errors(400, 401, 403, 404) },
      },
    },
    async (request, reply) => reply.status(201).send(await tasks.create(actorOf(request), request.body)),
  );

  app.get(
    '/api/tasks/:id',
    {
      config: { cache: true },
      schema: {
        tags,
        summary: 'One task with its annotations and predictions',
        params: IdParams,
        response: { 200: Task, ...errors(400, 401, 403, 404) },
      },
    },
    async (request) => tasks.get(actorOf(request), request.params.id),
  );

  app.patch(
    '/api/tasks/:id',
    {
      schema: {
        tags,
        summary: "Change a task's data or meta",
        params: IdParams,
        body: UpdateTaskBody,
        response: { 200: Task, ...errors(400, 401, 403, 404) },
      },
    },
    async (request) => tasks.update(actorOf(request), request.params.id, request.body),
  );

  app.delete(
    '/api/tasks/:id',
    {
      schema: {
        tags,
        summary: 'Delete a task',
        params: IdParams,
        response: { 204: Type.Null(), ...errors(400, 401, 403, 404) },
      },
    },
    async (request, reply) => {
      await tasks.remove(actorOf(request), request.params.id);
      return reply.status(204).send(null);
    },
  );
}
