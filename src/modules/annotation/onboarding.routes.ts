// `/api/projects/{id}/onboarding`: the project's onboarding steps and which are done.
import { actorOf } from '../../platform/auth/plugin.ts';
import type { App } from '../../platform/http/app-types.ts';
import { IdParams } from '../../platform/http/common.schemas.ts';
import { errors } from '../../platform/http/schemas.ts';
import { Onboarding, UpdateOnboardingBody } from './onboarding.schemas.ts';
import type { OnboardingService } from './onboarding.service.ts';

const tags = ['projects'];

export function onboardingRoutes(app: App, onboarding: OnboardingService): void {
  app.get(
    '/api/projects/:id/onboarding',
    {
      schema: {
        tags,
        summary: "The project's onboarding steps in order, each with whether it is done",
        params: IdParams,
        response: { 200: Onboarding, ...errors(400, 401, 403, 404) },
      },
    },
    async (request) => onboarding.get(actorOf(request), request.params.id),
  );

  app.patch(
    '/api/projects/:id/onboarding',
    {
      schema: {
        tags,
        summary: 'Mark a step (`step`: its code or id) or, without `step`, every step done or not done',
        params: IdParams,
        body: UpdateOnboardingBody,
        response: { 200: Onboarding, ...errors(400, 401, 403, 404) },
      },
    },
    async (request) => onboarding.update(actorOf(request), request.params.id, request.body),
  );
}
