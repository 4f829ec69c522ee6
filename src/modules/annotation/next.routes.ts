// GET /api/projects/{id}/next: the next task to label, locked for the caller (Label Studio's label stream).
import { actorOf } from '../../platform/auth/plugin.ts';
import type { App } from '../../platform/http/app-types.ts';
import { IdParams } from '../../platform/http/common.schemas.ts';
import { errors } from '../../platform/http/schemas.ts';
import type { NextService } from './next.service.ts';
import { Task } from './tasks.schemas.ts';

export function nextRoutes(app: App, next: NextService): void {
  app.get(
    '/api/projects/:id/next',
    {
      schema: {
        tags: ['tasks'],
        summary:
          'The next task to label by the project’s sampling, locked for you for an hour; 404 when none is left',
        params: IdParams,
        response: { 200: Task, ...errors(400, 401, 403, 404) },
      },
    },
    async (request) => next.next(actorOf(request), request.params.id),
  );
}
