// The annotation module (seed 003, Label Studio compatible). Built in slices: tasks and the data manager
// (views, filters, actions); the label config parser (label-config/) and the export converters (export/) are
// pure code used by the endpoints to come.
import type { Deps } from '../../platform/deps.ts';
import type { App } from '../../platform/http/app-types.ts';
import { createActionsService } from './dm.actions.ts';
import { buildIndex, INDEX_TASK } from './dm.indexes.ts';
import { dmRoutes } from './dm.routes.ts';
import { createDmService } from './dm.service.ts';
import { createViewsService } from './dm.views.ts';
import type { IndexNeed } from './filters/compile.ts';
import { tasksRoutes } from './tasks.routes.ts';
import { createTasksService } from './tasks.service.ts';

export function annotationModule(app: App, deps: Deps): void {
  const views = createViewsService(deps);
  const dm = createDmService(deps, views);
  deps.jobs.defineTask<IndexNeed>({
    kind: INDEX_TASK,
    retryLimit: 3,
    retryDelay: 30,
    concurrency: 1,
    handler: async ({ payload }) => {
      await buildIndex(deps.database, payload);
    },
  });
  tasksRoutes(app, createTasksService(deps), dm);
  dmRoutes(app, views, dm, createActionsService(deps, views));
}
