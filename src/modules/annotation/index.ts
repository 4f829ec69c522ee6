// The annotation module (seed 003, Label Studio compatible): tasks, annotations, drafts, predictions,
// comments, the next-task queue with locks, and Label Studio's project fields (an extension of the one
// projects resource). The label config parser (label-config/) and export converters (export/) are pure code.
import type { Deps } from '../../platform/deps.ts';
import type { App } from '../../platform/http/app-types.ts';
import { annotationsRoutes } from './annotations.routes.ts';
import { createAnnotationsService } from './annotations.service.ts';
import { commentsRoutes } from './comments.routes.ts';
import { createCommentsService } from './comments.service.ts';
import { draftsRoutes } from './drafts.routes.ts';
import { createDraftsService } from './drafts.service.ts';
import { labelsRoutes } from './labels.routes.ts';
import { createLabelsService } from './labels.service.ts';
import { nextRoutes } from './next.routes.ts';
import { createNextService } from './next.service.ts';
import { predictionsRoutes } from './predictions.routes.ts';
import { createPredictionsService } from './predictions.service.ts';
import { settingsRoutes } from './settings.routes.ts';
import { createSettingsService } from './settings.service.ts';
import { tasksRoutes } from './tasks.routes.ts';
import { createTasksService } from './tasks.service.ts';
import { vocabularyRoutes } from './vocabulary.routes.ts';
import { createVocabularyService } from './vocabulary.service.ts';

export { annotationProjectExtension } from './settings.service.ts';

export function annotationModule(app: App, deps: Deps): void {
  tasksRoutes(app, createTasksService(deps));
  annotationsRoutes(app, createAnnotationsService(deps));
  settingsRoutes(app, createSettingsService(deps));
  draftsRoutes(app, createDraftsService(deps));
  predictionsRoutes(app, createPredictionsService(deps));
  commentsRoutes(app, createCommentsService(deps));
  nextRoutes(app, createNextService(deps));
  vocabularyRoutes(app, createVocabularyService(deps));
  labelsRoutes(app, createLabelsService(deps));
}
