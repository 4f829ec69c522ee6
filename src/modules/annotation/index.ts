// The annotation module (seed 003, Label Studio compatible). Built in slices: tasks first; the label config
// parser (label-config/) and the export converters (export/) are pure code used by the endpoints to come.
import type { Deps } from '../../platform/deps.ts';
import type { App } from '../../platform/http/app-types.ts';
import { tasksRoutes } from './tasks.routes.ts';
import { createTasksService } from './tasks.service.ts';

export function annotationModule(app: App, deps: Deps): void {
  tasksRoutes(app, createTasksService(deps));
}
