// /api/organizations/{id}/audit-log: who changed memberships, roles, keys, sessions and invitations.
import { actorOf } from '../../platform/auth/plugin.ts';
import type { App } from '../../platform/http/app-types.ts';
import { IdParams, Paged, pagedBody, pageOf } from '../../platform/http/common.schemas.ts';
import { errors } from '../../platform/http/schemas.ts';
import { AuditEntry, AuditQuery } from './organizations.schemas.ts';
import type { OrganizationsService } from './organizations.service.ts';

export function auditRoutes(app: App, orgs: OrganizationsService): void {
  app.get(
    '/api/organizations/:id/audit-log',
    {
      schema: {
        tags: ['organizations'],
        summary: "The organization's audit log, newest first (owners and admins); ?action= filters",
        params: IdParams,
        querystring: AuditQuery,
        response: { 200: Paged(AuditEntry), ...errors(400, 401, 403, 404) },
      },
    },
    async (request) => {
      const page = pageOf(request.query);
      const { action } = request.query;
      const { count, results } = await orgs.auditLog(
        actorOf(request),
        request.params.id,
        action === undefined ? {} : { action },
        page,
      );
      return pagedBody(request.url, page, count, results);
    },
  );
}
