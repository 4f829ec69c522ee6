// The jobs module: the HTTP view of background work (the runner itself is platform/jobs).
import type { Deps } from '../../platform/deps.ts';
import type { App } from '../../platform/http/app-types.ts';
import { jobsRoutes } from './jobs.routes.ts';
import { createJobsService } from './jobs.service.ts';

export function jobsModule(app: App, deps: Deps): void {
  jobsRoutes(app, createJobsService(deps));
}
