// Label Studio's project config checks (/api/projects/validate, /api/projects/{id}/validate) and the project
// summary (/api/projects/{id}/summary). The settings themselves are fields of /api/projects.
import { actorOf } from '../../platform/auth/plugin.ts';
import type { App } from '../../platform/http/app-types.ts';
import { IdParams } from '../../platform/http/common.schemas.ts';
import { errors } from '../../platform/http/schemas.ts';
import { SummaryAnswer, ValidateConfigAnswer, ValidateConfigBody } from './settings.schemas.ts';
import type { createSettingsService } from './settings.service.ts';

const tags = ['projects'];

export function settingsRoutes(app: App, settings: ReturnType<typeof createSettingsService>): void {
  app.post(
    '/api/projects/validate',
    {
      schema: {
        tags,
        summary: 'Check a label config (400 naming the problem)',
        body: ValidateConfigBody,
        response: { 200: ValidateConfigAnswer, ...errors(400, 401, 403, 404) },
      },
    },
    async (request) => settings.validate(actorOf(request), request.body.label_config),
  );

  app.post(
    '/api/projects/:id/validate',
    {
      schema: {
        tags,
        summary: "Check a label config for this project: it must keep every label the project's work uses",
        params: IdParams,
        body: ValidateConfigBody,
        response: { 200: ValidateConfigAnswer, ...errors(400, 401, 403, 404) },
      },
    },
    async (request) => settings.validateFor(actorOf(request), request.params.id, request.body.label_config),
  );

  app.get(
    '/api/projects/:id/summary',
    {
      schema: {
        tags,
        summary: "Label use of the project's annotations and drafts (Label Studio's project summary)",
        params: IdParams,
        response: { 200: SummaryAnswer, ...errors(400, 401, 404) },
      },
    },
    async (request) => settings.summary(actorOf(request), request.params.id),
  );
}
