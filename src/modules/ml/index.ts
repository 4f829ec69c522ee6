// The ML module (seed 003, Label Studio's ml, ml_model_providers and ml_models): ML backend connections in
// the label-studio-ml-backend protocol (ml.*: setup, health, interactive pre-annotation, train, batch
// prediction jobs, annotation events to /webhook) and LLM model runs over OpenAI-compatible endpoints
// (models.*). It reaches annotation projects only through the annotation module's index.
import type { Deps } from '../../platform/deps.ts';
import type { App } from '../../platform/http/app-types.ts';
import type { PredictionRetriever } from '../annotation/index.ts';
import { createConnectionsService } from './connections.service.ts';
import { createMlJobs } from './ml.jobs.ts';
import { mlRoutes } from './ml.routes.ts';
import { createMlService, PREDICT_JOB, TRAIN_JOB } from './ml.service.ts';
import { modelsRoutes } from './models.routes.ts';
import { createModelRuns } from './models.runs.ts';
import { createModelsService, RUN_JOB } from './models.service.ts';

/** Registers the ML routes and jobs; answers the data manager's prediction retriever for the annotation module. */
export function mlModule(app: App, deps: Deps): { retrievePredictions: PredictionRetriever } {
  const mlJobs = createMlJobs(deps);
  deps.webhooks.listen(mlJobs.onEvent);
  deps.jobs.define<{ prediction_job_id: number }>({
    kind: PREDICT_JOB,
    handler: (ctx) => mlJobs.runPredictions(ctx),
    retryLimit: 2,
    expireInSeconds: 4 * 3600,
  });
  deps.jobs.define<{ train_job_id: number }>({
    kind: TRAIN_JOB,
    handler: (ctx) => mlJobs.runTrain(ctx),
    retryLimit: 2,
    expireInSeconds: 3600,
  });
  const runs = createModelRuns(deps);
  deps.jobs.define<{ model_run_id: number }>({
    kind: RUN_JOB,
    handler: (ctx) => runs.runJob(ctx),
    retryLimit: 2,
    expireInSeconds: 4 * 3600,
  });
  const ml = createMlService(deps);
  mlRoutes(app, ml);
  modelsRoutes(app, createConnectionsService(deps), createModelsService(deps));
  return { retrievePredictions: ml.retrieveForSelection };
}
