// /api/disk-usage: the latest snapshot (or the history) and an on-demand refresh.
import { actorOf } from '../../platform/auth/plugin.ts';
import type { App } from '../../platform/http/app-types.ts';
import { pagedBody, pageOf } from '../../platform/http/common.schemas.ts';
import { errors } from '../../platform/http/schemas.ts';
import { DiskUsageAnswer, DiskUsageQuery, RefreshAnswer } from './disk-usage.schemas.ts';
import type { DiskUsageService } from './disk-usage.service.ts';

const tags = ['geodata', 'disk usage'];

export function diskUsageRoutes(app: App, usage: DiskUsageService): void {
  app.get(
    '/api/disk-usage',
    {
      schema: {
        tags,
        summary:
          'Disk usage of the latest snapshot: the organization and every member (owners, admins) or yours',
        description:
          'Snapshots are taken by POST /api/disk-usage/refresh (and a daily schedule you set up, see README). ' +
          "`history=true` pages the organization's totals over time (owners and admins; 403 for members).",
        querystring: DiskUsageQuery,
        response: { 200: DiskUsageAnswer, ...errors(400, 401, 403, 404) },
      },
    },
    async (request) => {
      const page = pageOf(request.query);
      const answer = await usage.get(actorOf(request), request.query.history === true, page);
      const { count, next, previous, results } = pagedBody(request.url, page, answer.count, answer.results);
      return { ...answer, count, next, previous, results };
    },
  );
  app.post(
    '/api/disk-usage/refresh',
    {
      schema: {
        tags,
        summary: "Take a new snapshot of the organization's disk usage (owners, admins): 202 with the job",
        response: { 202: RefreshAnswer, ...errors(400, 401, 403, 404) },
      },
    },
    async (request, reply) => {
      const answer = await usage.refresh(actorOf(request));
      return reply.status(202).header('location', `/api/jobs/${answer.job_id}`).send(answer);
    },
  );
}
