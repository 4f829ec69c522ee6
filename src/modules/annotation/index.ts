// The annotation module (seed 003, Label Studio compatible): tasks, annotations, drafts, predictions,
// comments, the next-task queue with locks, Label Studio's project fields (an extension of the one projects
// resource), imports (import.*) and exports (export.*: the streaming converters in export/, the endpoints and
// snapshot jobs beside them), and the data manager (dm.*: views, filters, actions). The label config parser
// (label-config/) is pure code the endpoints use.
import type { Deps } from '../../platform/deps.ts';
import type { App } from '../../platform/http/app-types.ts';
import { annotationsRoutes } from './annotations.routes.ts';
import { createAnnotationsService } from './annotations.service.ts';
import { commentsRoutes } from './comments.routes.ts';
import { createCommentsService } from './comments.service.ts';
import { createActionsService, type PredictionRetriever } from './dm.actions.ts';
import { buildIndex, INDEX_TASK } from './dm.indexes.ts';
import { createDmProjectService } from './dm.project.ts';
import { dmRoutes } from './dm.routes.ts';
import { createDmService } from './dm.service.ts';
import { createViewsService } from './dm.views.ts';
import { draftsRoutes } from './drafts.routes.ts';
import { createDraftsService } from './drafts.service.ts';
import { exportRoutes } from './export.routes.ts';
import { CONVERT_JOB, createExportService, EXPORT_JOB } from './export.service.ts';
import type { IndexNeed } from './filters/compile.ts';
import { importRoutes } from './import.routes.ts';
import { createImportService, IMPORT_JOB } from './import.service.ts';
import { labelsRoutes } from './labels.routes.ts';
import { createLabelsService } from './labels.service.ts';
import { nextRoutes } from './next.routes.ts';
import { createNextService } from './next.service.ts';
import { onboardingRoutes } from './onboarding.routes.ts';
import { createOnboardingService } from './onboarding.service.ts';
import { predictionsRoutes } from './predictions.routes.ts';
import { createPredictionsService } from './predictions.service.ts';
import { settingsRoutes } from './settings.routes.ts';
import { createSettingsService } from './settings.service.ts';
import { tasksRoutes } from './tasks.routes.ts';
import { createTasksService } from './tasks.service.ts';
import { vocabularyRoutes } from './vocabulary.routes.ts';
import { createVocabularyService } from './vocabulary.service.ts';

export type { PredictionRetriever } from './dm.actions.ts';
export {
  checkSelection,
  countSelection,
  llmTarget,
  mlProjectInfo,
  type PredictionConfig,
  type PredictionItem,
  predictionConfig,
  selectionPage,
  type TaskSelection,
  writePredictions,
} from './ml-port.ts';
export { annotationProjectExtension } from './settings.service.ts';

export interface AnnotationPorts {
  /** The data manager's retrieve_tasks_predictions (from the ML module). */
  retrievePredictions?: PredictionRetriever;
}

export async function annotationModule(app: App, deps: Deps, ports: AnnotationPorts = {}): Promise<void> {
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
  dmRoutes(
    app,
    views,
    dm,
    createActionsService(deps, views, ports.retrievePredictions),
    createDmProjectService(deps),
  );
  annotationsRoutes(app, createAnnotationsService(deps));
  settingsRoutes(app, createSettingsService(deps));
  draftsRoutes(app, createDraftsService(deps));
  predictionsRoutes(app, createPredictionsService(deps));
  commentsRoutes(app, createCommentsService(deps));
  nextRoutes(app, createNextService(deps));
  onboardingRoutes(app, createOnboardingService(deps));
  const imports = createImportService(deps);
  deps.jobs.define<{ import_id: number }>({
    kind: IMPORT_JOB,
    handler: (ctx) => imports.runJob(ctx),
    retryLimit: 2,
    expireInSeconds: 4 * 3600,
  });
  await importRoutes(app, imports, deps.config.IMPORT_MAX_BYTES);
  const exports = createExportService(deps);
  deps.jobs.define<{ export_id: number }>({
    kind: EXPORT_JOB,
    handler: (ctx) => exports.runExport(ctx),
    retryLimit: 2,
    expireInSeconds: 4 * 3600,
  });
  deps.jobs.define<{ conversion_id: number }>({
    kind: CONVERT_JOB,
    handler: (ctx) => exports.runConvert(ctx),
    retryLimit: 2,
    expireInSeconds: 4 * 3600,
  });
  exportRoutes(app, exports);
  vocabularyRoutes(app, createVocabularyService(deps));
  labelsRoutes(app, createLabelsService(deps));
}

export {
  annotationsForExport,
  type ExportedAnnotation,
  insertTasks,
  projectDataKey,
  taskProject,
} from './storage.port.ts';
