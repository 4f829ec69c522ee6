// ML backend connections (Label Studio's /api/ml): CRUD, health, setup on create and on address changes,
// interactive pre-annotation of one task, and the train and batch prediction requests, which queue jobs
// (ml.jobs.ts). Network calls never run inside a transaction: the row is written, the backend is called, and
// what it answered is recorded in a second unit of work. A backend that fails leaves the project usable: the
// connection is kept with state ER and the error message.
import { inScope, type Tx } from '../../db/scope.ts';
import type { Actor } from '../../platform/auth/actor.ts';
import { seal } from '../../platform/crypto.ts';
import type { Deps } from '../../platform/deps.ts';
import { AppError } from '../../platform/errors.ts';
import { urlProblem } from '../../platform/webhooks/address.ts';
import { checkSelection, mlProjectInfo, selectionPage, type TaskSelection } from '../annotation/index.ts';
import { createApiKeyService } from '../identity/index.ts';
import * as protocol from './ml.protocol.ts';
import {
  authorizeOn,
  type BackendRow,
  backendFor,
  connectionOf,
  orgOf,
  scopeOf,
  toBackend,
  toPredictionJob,
  toTrainJob,
} from './ml.repo.ts';

export const PREDICT_JOB = 'ml.predict';
export const TRAIN_JOB = 'ml.train';

export interface BackendInput {
  url?: string | undefined;
  title?: string | undefined;
  description?: string | undefined;
  is_interactive?: boolean | undefined;
  timeout?: number | undefined;
  auto_update?: boolean | undefined;
  extra_params?: Record<string, unknown> | undefined;
  model_version?: string | undefined;
  auth_method?: 'NONE' | 'BASIC_AUTH' | undefined;
  basic_auth_user?: string | null | undefined;
  basic_auth_pass?: string | null | undefined;
}

export interface SelectionInput {
  task_ids?: number[] | undefined;
  filters?: unknown;
  selectedItems?: unknown;
}

/** Label Studio names a project to its backends as "<id>.<created_at unix seconds>". */
export const projectKey = (p: { id: number; created_at: Date | string }) =>
  `${p.id}.${Math.floor(new Date(p.created_at).getTime() / 1000)}`;

export function selectionOf(input: SelectionInput): TaskSelection {
  if (input.task_ids) return { task_ids: [...new Set(input.task_ids)] };
  if (input.filters === undefined && input.selectedItems === undefined) {
    throw new AppError('validation_failed', 'give task_ids, or filters and selectedItems', [
      { in: 'body', field: 'task_ids', message: 'task_ids or a selection is required' },
    ]);
  }
  return { filters: input.filters, selectedItems: input.selectedItems ?? { all: true, excluded: [] } };
}

const errorText = (err: unknown) => (err instanceof Error ? err.message : String(err)).slice(0, 4000);

export function createMlService(deps: Pick<Deps, 'database' | 'config' | 'secrets' | 'jobs'>) {
  const { database, config, secrets, jobs } = deps;
  const allowPrivate = config.WEBHOOK_ALLOW_PRIVATE;
  const apiKeys = createApiKeyService(deps);
  const run = <T>(actor: Actor, fn: (tx: Tx) => Promise<T>) => inScope(database.db, scopeOf(actor), fn);

  function checkUrl(url: string) {
    const problem = urlProblem(url, allowPrivate);
    if (problem) {
      throw new AppError('validation_failed', `url ${problem}`, [
        { in: 'body', field: 'url', message: problem },
      ]);
    }
  }

  function authValues(input: BackendInput) {
    return {
      ...(input.auth_method !== undefined && { auth_method: input.auth_method }),
      ...(input.basic_auth_user !== undefined && { basic_auth_user: input.basic_auth_user }),
      ...(input.basic_auth_pass !== undefined && {
        basic_auth_pass: input.basic_auth_pass === null ? null : seal(secrets.dataKey, input.basic_auth_pass),
      }),
    };
  }

  /** Health, then /setup; records the state and the model version the backend reports. */
  async function connect(actor: Actor, row: BackendRow): Promise<BackendRow> {
    const project = await run(actor, (tx) => mlProjectInfo(tx, row.project_id));
    const conn = connectionOf(row, secrets.dataKey);
    let values: Partial<BackendRow>;
    try {
      await protocol.health(conn, allowPrivate);
      const answer = await protocol.setup(conn, allowPrivate, {
        project: projectKey(project),
        schema: project.label_config,
        hostname: config.PUBLIC_URL ?? '',
        access_token: await apiKeys.legacy(actor),
        model_version: row.model_version,
        extra_params: row.setup_args,
      });
      values = {
        state: 'CO',
        error_message: null,
        ...(answer.model_version && !row.model_version && { model_version: answer.model_version }),
      };
    } catch (err) {
      values = { state: 'ER', error_message: errorText(err) };
    }
    return run(actor, async (tx) =>
      tx
        .updateTable('ml_backends')
        .set({ ...values, updated_at: new Date() })
        .where('id', '=', row.id)
        .returningAll()
        .executeTakeFirstOrThrow(),
    );
  }

  async function queuePredictions(
    tx: Tx,
    actor: Actor,
    row: BackendRow,
    selection: TaskSelection,
    batchSize: number,
  ) {
    const pj = await tx
      .insertInto('ml_prediction_jobs')
      .values({
        organization_id: row.organization_id,
        ml_backend_id: row.id,
        project_id: row.project_id,
        model_version: row.model_version,
        selection: JSON.stringify(selection),
        batch_size: batchSize,
        created_by: actor.userId,
      })
      .returningAll()
      .executeTakeFirstOrThrow();
    const job = await jobs.enqueue(tx, PREDICT_JOB, {
      organizationId: row.organization_id,
      userId: actor.userId,
      projectId: row.project_id,
      payload: { prediction_job_id: pj.id },
      message: `predictions from ML backend ${row.id}`,
    });
    return tx
      .updateTable('ml_prediction_jobs')
      .set({ job_id: job.id })
      .where('id', '=', pj.id)
      .returningAll()
      .executeTakeFirstOrThrow();
  }

  return {
    async list(actor: Actor, projectId: number) {
      return run(actor, async (tx) => {
        await authorizeOn(tx, actor, 'ml.read', projectId, `project ${projectId}`);
        const rows = await tx
          .selectFrom('ml_backends')
          .selectAll()
          .where('project_id', '=', projectId)
          .orderBy('id')
          .limit(1000)
          .execute();
        return rows.map(toBackend);
      });
    },

    async create(actor: Actor, input: BackendInput & { project: number; url: string }) {
      checkUrl(input.url);
      const row = await run(actor, async (tx) => {
        await authorizeOn(tx, actor, 'ml.manage', input.project, `project ${input.project}`);
        return tx
          .insertInto('ml_backends')
          .values({
            organization_id: orgOf(actor),
            project_id: input.project,
            url: input.url,
            title: input.title ?? '',
            description: input.description ?? '',
            is_interactive: input.is_interactive ?? false,
            timeout: input.timeout ?? 100,
            auto_update: input.auto_update ?? true,
            setup_args: JSON.stringify(input.extra_params ?? {}),
            model_version: input.model_version ?? '',
            created_by: actor.userId,
            ...authValues(input),
          })
          .returningAll()
          .executeTakeFirstOrThrow();
      });
      return toBackend(await connect(actor, row));
    },

    get: (actor: Actor, id: number) =>
      run(actor, async (tx) => toBackend(await backendFor(tx, actor, id, 'ml.read'))),

    async update(actor: Actor, id: number, input: BackendInput) {
      if (input.url !== undefined) checkUrl(input.url);
      const row = await run(actor, async (tx) => {
        await backendFor(tx, actor, id, 'ml.manage');
        return tx
          .updateTable('ml_backends')
          .set({
            ...(input.url !== undefined && { url: input.url }),
            ...(input.title !== undefined && { title: input.title }),
            ...(input.description !== undefined && { description: input.description }),
            ...(input.is_interactive !== undefined && { is_interactive: input.is_interactive }),
            ...(input.timeout !== undefined && { timeout: input.timeout }),
            ...(input.auto_update !== undefined && { auto_update: input.auto_update }),
            ...(input.extra_params !== undefined && { setup_args: JSON.stringify(input.extra_params) }),
            ...(input.model_version !== undefined && { model_version: input.model_version }),
            ...authValues(input),
            updated_at: new Date(),
          })
          .where('id', '=', id)
          .returningAll()
          .executeTakeFirstOrThrow();
      });
      const reconnect =
        input.url !== undefined ||
        input.auth_method !== undefined ||
        input.basic_auth_user !== undefined ||
        input.basic_auth_pass !== undefined ||
        input.extra_params !== undefined;
      return toBackend(reconnect ? await connect(actor, row) : row);
    },

    async remove(actor: Actor, id: number) {
      await run(actor, async (tx) => {
        await backendFor(tx, actor, id, 'ml.manage');
        await tx.deleteFrom('ml_backends').where('id', '=', id).execute();
      });
    },

    /** GET /health on the backend; the state follows the answer. */
    async health(actor: Actor, id: number) {
      const row = await run(actor, (tx) => backendFor(tx, actor, id, 'ml.read'));
      let answer: { status: 'UP' | 'DOWN'; model_class: string | null; error_message: string | null };
      try {
        const up = await protocol.health(connectionOf(row, secrets.dataKey), allowPrivate);
        answer = { ...up, error_message: null };
      } catch (err) {
        answer = { status: 'DOWN', model_class: null, error_message: errorText(err) };
      }
      await run(actor, (tx) =>
        tx
          .updateTable('ml_backends')
          .set({
            state: answer.status === 'UP' ? 'CO' : 'ER',
            error_message: answer.error_message,
            updated_at: new Date(),
          })
          .where('id', '=', id)
          .execute(),
      );
      return answer;
    },

    async versions(actor: Actor, id: number) {
      const row = await run(actor, (tx) => backendFor(tx, actor, id, 'ml.read'));
      try {
        return {
          versions: await protocol.versions(connectionOf(row, secrets.dataKey), allowPrivate),
          message: null,
        };
      } catch (err) {
        return { versions: row.model_version ? [row.model_version] : [], message: errorText(err) };
      }
    },

    /** One task to an interactive backend; answers its prediction, or `errors` (as Label Studio does). */
    async interactive(
      actor: Actor,
      id: number,
      input: { task: number; context?: Record<string, unknown> | undefined },
    ) {
      const { row, project, task } = await run(actor, async (tx) => {
        const row = await backendFor(tx, actor, id, 'ml.interactive');
        const [task] = await selectionPage(tx, row.project_id, { task_ids: [input.task] }, 0, 1);
        if (!task) throw new AppError('not_found', `task ${input.task} not found`);
        return { row, task, project: await mlProjectInfo(tx, row.project_id) };
      });
      if (!row.is_interactive)
        return { errors: ['Model is not set to be used for interactive preannotations'] };
      try {
        const [value] = await protocol.predict(connectionOf(row, secrets.dataKey), allowPrivate, {
          tasks: [task],
          project: projectKey(project),
          label_config: project.label_config,
          params: { context: input.context ?? {} },
        });
        return { data: value };
      } catch (err) {
        return { errors: [errorText(err)] };
      }
    },

    /** Queues a train request: START_TRAINING to the backend's /webhook (ml.jobs.ts). */
    async train(actor: Actor, id: number) {
      return run(actor, async (tx) => {
        const row = await backendFor(tx, actor, id, 'ml.manage');
        const train = await tx
          .insertInto('ml_train_jobs')
          .values({ organization_id: row.organization_id, ml_backend_id: row.id, created_by: actor.userId })
          .returningAll()
          .executeTakeFirstOrThrow();
        const job = await jobs.enqueue(tx, TRAIN_JOB, {
          organizationId: row.organization_id,
          userId: actor.userId,
          projectId: row.project_id,
          payload: { train_job_id: train.id },
          message: `training ML backend ${row.id}`,
        });
        const linked = await tx
          .updateTable('ml_train_jobs')
          .set({ job_id: job.id })
          .where('id', '=', train.id)
          .returningAll()
          .executeTakeFirstOrThrow();
        return toTrainJob(linked);
      });
    },

    /** Queues batch predictions over a selection of the project's tasks. */
    async predict(actor: Actor, id: number, input: SelectionInput & { batch_size?: number | undefined }) {
      return run(actor, async (tx) => {
        const row = await backendFor(tx, actor, id, 'ml.manage');
        const selection = selectionOf(input);
        checkSelection(row.project_id, selection);
        return toPredictionJob(tx, await queuePredictions(tx, actor, row, selection, input.batch_size ?? 10));
      });
    },

    /**
     * The data manager's retrieve_tasks_predictions: a prediction job per backend of the project, inside the
     * action's unit of work (which has checked the actor may run actions on the project).
     */
    async retrieveForSelection(tx: Tx, actor: Actor, projectId: number, selection: TaskSelection) {
      const backends = await tx
        .selectFrom('ml_backends')
        .selectAll()
        .where('project_id', '=', projectId)
        .orderBy('id')
        .execute();
      if (backends.length === 0) {
        throw new AppError(
          'unprocessable',
          'the project has no ML backends connected (connect one with POST /api/ml)',
        );
      }
      const queued = [];
      for (const b of backends) queued.push((await queuePredictions(tx, actor, b, selection, 10)).id);
      return queued;
    },

    async predictionJobs(actor: Actor, id: number) {
      return run(actor, async (tx) => {
        await backendFor(tx, actor, id, 'ml.read');
        const rows = await tx
          .selectFrom('ml_prediction_jobs')
          .selectAll()
          .where('ml_backend_id', '=', id)
          .orderBy('id', 'desc')
          .limit(100)
          .execute();
        return Promise.all(rows.map((r) => toPredictionJob(tx, r)));
      });
    },

    async predictionJob(actor: Actor, id: number, jobId: number) {
      return run(actor, async (tx) => {
        await backendFor(tx, actor, id, 'ml.read');
        const row = await tx
          .selectFrom('ml_prediction_jobs')
          .selectAll()
          .where('id', '=', jobId)
          .where('ml_backend_id', '=', id)
          .executeTakeFirst();
        if (!row) throw new AppError('not_found', `prediction job ${jobId} not found`);
        return toPredictionJob(tx, row);
      });
    },

    async trainJobs(actor: Actor, id: number) {
      return run(actor, async (tx) => {
        await backendFor(tx, actor, id, 'ml.read');
        const rows = await tx
          .selectFrom('ml_train_jobs')
          .selectAll()
          .where('ml_backend_id', '=', id)
          .orderBy('id', 'desc')
          .limit(100)
          .execute();
        return rows.map(toTrainJob);
      });
    },
  };
}

export type MlService = ReturnType<typeof createMlService>;
