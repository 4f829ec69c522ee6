// Background work of ML backends. A prediction job walks its selection in id order, one batch per /predict
// call, and commits each batch with its place (last_task_id), so a retried or resumed job goes on where it
// stopped. A batch the backend fails on (timeout, error status, garbage) is tried again a few times, then
// each of its tasks gets an error row and the job moves on: one bad batch never stops the others. Train jobs
// send START_TRAINING to /webhook; annotation events reach opted-in backends through the same /webhook.
import { inScope, type Tx } from '../../db/scope.ts';
import type { Deps } from '../../platform/deps.ts';
import type { JobContext } from '../../platform/jobs/runner.ts';
import type { WebhookEvent } from '../../platform/webhooks/dispatcher.ts';
import {
  countSelection,
  mlProjectInfo,
  type PredictionItem,
  predictionConfig,
  selectionPage,
  type TaskSelection,
  writePredictions,
} from '../annotation/index.ts';
import * as protocol from './ml.protocol.ts';
import { connectionOf, recordTaskErrors } from './ml.repo.ts';
import { projectKey } from './ml.service.ts';

/** Tries of one batch before its tasks are given up on. */
export const BATCH_ATTEMPTS = 3;
const WEBHOOK_TASK = 'ml.webhook';
const FORWARDED = new Set(['ANNOTATION_CREATED', 'ANNOTATION_UPDATED', 'ANNOTATIONS_DELETED']);

const errorText = (err: unknown) => (err instanceof Error ? err.message : String(err));
const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));
/** Marks a promise that is awaited later as handled now, so its failure is not an unhandled rejection. */
const quiet = <T>(p: Promise<T>) => {
  p.catch(() => {});
  return p;
};

export function createMlJobs(deps: Pick<Deps, 'database' | 'config' | 'secrets' | 'jobs'>) {
  const { database, config, secrets, jobs } = deps;
  const allowPrivate = config.WEBHOOK_ALLOW_PRIVATE;
  const inOrg = <T>(organizationId: number, fn: (tx: Tx) => Promise<T>) =>
    inScope(database.db, { organizationId, userId: null }, fn);

  async function runPredictions(ctx: JobContext<{ prediction_job_id: number }>) {
    const org = ctx.organizationId;
    const start = await inOrg(org, async (tx) => {
      const pj = await tx
        .selectFrom('ml_prediction_jobs')
        .selectAll()
        .where('id', '=', ctx.payload.prediction_job_id)
        .executeTakeFirst();
      if (!pj) return null;
      const backend = await tx
        .selectFrom('ml_backends')
        .selectAll()
        .where('id', '=', pj.ml_backend_id)
        .executeTakeFirst();
      if (!backend) return null;
      const selection = pj.selection as TaskSelection;
      const total = pj.total_tasks || (await countSelection(tx, pj.project_id, selection));
      await tx
        .updateTable('ml_prediction_jobs')
        .set({ total_tasks: total })
        .where('id', '=', pj.id)
        .execute();
      return { pj, backend, selection, total, project: await mlProjectInfo(tx, pj.project_id) };
    });
    if (!start) return { skipped: 'the prediction job or its backend is gone' };
    const { pj, backend, selection, total, project } = start;
    const conn = connectionOf(backend, secrets.dataKey);
    const config = await inOrg(org, (tx) => predictionConfig(tx, pj.project_id));
    const fallbackVersion = backend.model_version || backend.title || `ml-${backend.id}`;
    const page = (after: number) =>
      inOrg(org, (tx) => selectionPage(tx, pj.project_id, selection, after, pj.batch_size));

    async function predictBatch(tasks: Awaited<ReturnType<typeof page>>) {
      let failure = '';
      for (let attempts = 1; attempts <= BATCH_ATTEMPTS; attempts++) {
        try {
          const values = await protocol.predict(
            conn,
            allowPrivate,
            {
              tasks,
              project: projectKey(project),
              label_config: project.label_config,
              params: { login: null, password: null, context: null },
            },
            ctx.signal,
          );
          return { values, attempts, failure };
        } catch (err) {
          ctx.signal.throwIfAborted();
          failure = errorText(err);
          if (attempts < BATCH_ATTEMPTS) await pause(50 * 2 ** attempts);
        }
      }
      return { values: null, attempts: BATCH_ATTEMPTS, failure };
    }

    let processed = pj.processed_tasks;
    let reported = 0;
    /** One batch's outcome and the job's place, in one unit of work. */
    async function commit(
      tasks: Awaited<ReturnType<typeof page>>,
      outcome: Awaited<ReturnType<typeof predictBatch>>,
    ) {
      const { values, attempts, failure } = outcome;
      const items: PredictionItem[] = values
        ? tasks.map((t, i) => ({
            taskId: t.id,
            result: values[i]!.result,
            score: values[i]!.score,
            modelVersion: values[i]!.model_version ?? fallbackVersion,
          }))
        : [];
      const last = tasks[tasks.length - 1]!.id;
      await inOrg(org, async (tx) => {
        const { written, rejected } = await writePredictions(tx, org, pj.project_id, items, config);
        const errors = values
          ? rejected.map((r) => ({ ...r, attempts }))
          : tasks.map((t) => ({ taskId: t.id, error: failure, attempts }));
        await recordTaskErrors(tx, org, 'prediction_job_id', pj.id, errors);
        await tx
          .updateTable('ml_prediction_jobs')
          .set((eb) => ({
            last_task_id: last,
            processed_tasks: eb('processed_tasks', '+', tasks.length),
            predicted_tasks: eb('predicted_tasks', '+', written),
            failed_tasks: eb('failed_tasks', '+', errors.length),
            updated_at: new Date(),
          }))
          .where('id', '=', pj.id)
          .execute();
      });
      processed += tasks.length;
      // The job record's progress at most once a second (each report is a write of its own).
      if (Date.now() - reported > 1000) {
        reported = Date.now();
        await ctx.progress(total ? (100 * processed) / total : 100, `${processed} of ${total} tasks`);
      }
    }

    // A pipeline: while the backend works on one batch, the previous one is written and the next page read.
    // Calls to the backend stay one at a time, as Label Studio makes them; writes stay in order, so the
    // committed last_task_id is always a prefix of the selection.
    let next = quiet(page(pj.last_task_id));
    let writing: Promise<void> = Promise.resolve();
    try {
      for (;;) {
        ctx.signal.throwIfAborted();
        const tasks = await next;
        if (tasks.length === 0) break;
        next = quiet(page(tasks[tasks.length - 1]!.id));
        const outcome = await predictBatch(tasks);
        await writing;
        writing = quiet(commit(tasks, outcome));
      }
    } finally {
      // Settle what is in flight before the job ends (or is retried).
      await Promise.allSettled([next, writing]);
    }
    await writing;
    return inOrg(org, async (tx) => {
      const done = await tx
        .selectFrom('ml_prediction_jobs')
        .select(['processed_tasks', 'predicted_tasks', 'failed_tasks'])
        .where('id', '=', pj.id)
        .executeTakeFirstOrThrow();
      await tx
        .updateTable('ml_backends')
        .set(
          done.predicted_tasks === 0 && done.failed_tasks > 0
            ? { state: 'ER', error_message: 'no task got a prediction; see the prediction job errors' }
            : { state: 'CO', error_message: null },
        )
        .where('id', '=', backend.id)
        .execute();
      return done;
    });
  }

  async function runTrain(ctx: JobContext<{ train_job_id: number }>) {
    const org = ctx.organizationId;
    const found = await inOrg(org, async (tx) => {
      const train = await tx
        .selectFrom('ml_train_jobs')
        .selectAll()
        .where('id', '=', ctx.payload.train_job_id)
        .executeTakeFirst();
      if (!train) return null;
      const backend = await tx
        .selectFrom('ml_backends')
        .selectAll()
        .where('id', '=', train.ml_backend_id)
        .executeTakeFirstOrThrow();
      return { train, backend, project: await mlProjectInfo(tx, backend.project_id) };
    });
    if (!found) return { skipped: 'the train job is gone' };
    const { train, backend, project } = found;
    const record = (values: Record<string, unknown>) =>
      inOrg(org, (tx) =>
        tx
          .updateTable('ml_train_jobs')
          .set({ ...values, updated_at: new Date() })
          .where('id', '=', train.id)
          .execute(),
      );
    try {
      const answer = await protocol.webhook(connectionOf(backend, secrets.dataKey), allowPrivate, {
        action: 'START_TRAINING',
        project: { id: project.id, title: project.title, label_config: project.label_config },
      });
      await record({ status: 'sent', response: JSON.stringify(answer ?? null), error_message: null });
      return { status: 'sent' };
    } catch (err) {
      await record({ status: 'failed', error_message: errorText(err).slice(0, 4000) });
      throw err; // the job runner retries, then marks the job failed
    }
  }

  jobs.defineTask<{ backendId: number; event: Record<string, unknown> }>({
    kind: WEBHOOK_TASK,
    retryLimit: 3,
    retryDelay: 5,
    concurrency: 2,
    handler: async ({ payload, organizationId }) => {
      const backend = await inOrg(organizationId, (tx) =>
        tx.selectFrom('ml_backends').selectAll().where('id', '=', payload.backendId).executeTakeFirst(),
      );
      if (!backend?.auto_update) return;
      await protocol.webhook(connectionOf(backend, secrets.dataKey), allowPrivate, payload.event);
    },
  });

  /** Sends annotation events to the /webhook of the project's backends that opted in (auto_update). */
  async function onEvent(tx: Tx, event: WebhookEvent) {
    if (!FORWARDED.has(event.action) || event.projectId === null) return;
    const backends = await tx
      .selectFrom('ml_backends')
      .select('id')
      .where('project_id', '=', event.projectId)
      .where('auto_update', '=', true)
      .execute();
    if (backends.length === 0) return;
    const body = { action: event.action, ...event.payload };
    await jobs.enqueueTasks(
      tx,
      WEBHOOK_TASK,
      event.organizationId,
      backends.map((b) => ({ backendId: b.id, event: body })),
    );
  }

  return { runPredictions, runTrain, onEvent };
}
