// /api/jobs: follow long-running work (imports, exports, conversions).
import { actorOf } from '../../platform/auth/plugin.ts';
import type { App } from '../../platform/http/app-types.ts';
import { IdParams, Paged, pagedBody, pageOf } from '../../platform/http/common.schemas.ts';
import { errors } from '../../platform/http/schemas.ts';
import { Job, JobListQuery } from './jobs.schemas.ts';
import type { createJobsService } from './jobs.service.ts';

export function jobsRoutes(app: App, jobs: ReturnType<typeof createJobsService>): void {
  app.get(
    '/api/jobs',
    {
      schema: {
        tags: ['jobs'],
        summary: "Background jobs: a project's (?project=), else the ones you started (owners/admins: all)",
        querystring: JobListQuery,
        response: { 200: Paged(Job), ...errors(400, 401, 403, 404) },
      },
    },
    async (request) => {
      const page = pageOf(request.query);
      const { count, results } = await jobs.list(actorOf(request), request.query, page);
      return pagedBody(request.url, page, count, results);
    },
  );

  app.get(
    '/api/jobs/:id',
    {
      schema: {
        tags: ['jobs'],
        summary: 'One job: state, progress 0-100, message, error, result',
        params: IdParams,
        response: { 200: Job, ...errors(400, 401, 404) },
      },
    },
    async (request) => jobs.get(actorOf(request), request.params.id),
  );
}
