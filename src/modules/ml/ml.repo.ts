// ML backend rows and their answers' shapes; the scope and lookups every ML use case starts from.
import type { Selectable } from 'kysely';
import type { Tx } from '../../db/scope.ts';
import type { MlBackends, MlPredictionJobs, MlTrainJobs } from '../../db/types.ts';
import { authorize } from '../../platform/access/access.ts';
import type { Action } from '../../platform/access/policy.ts';
import type { Actor } from '../../platform/auth/actor.ts';
import { open } from '../../platform/crypto.ts';
import { AppError } from '../../platform/errors.ts';
import type { BackendConnection } from './ml.protocol.ts';

export type BackendRow = Selectable<MlBackends>;

const STATES: Record<string, string> = {
  CO: 'Connected',
  DI: 'Disconnected',
  ER: 'Error',
  TR: 'Training',
  PR: 'Predicting',
};

export function orgOf(actor: Actor): number {
  if (actor.organizationId === null) throw new AppError('not_found', 'organization not found');
  return actor.organizationId;
}

export const scopeOf = (actor: Actor) => ({
  organizationId: orgOf(actor),
  userId: actor.userId,
  requireMembership: true,
});

/** Checks `action` on the project, reporting a hidden project as the thing asked for. */
export async function authorizeOn(tx: Tx, actor: Actor, action: Action, projectId: number, what: string) {
  await authorize(tx, actor, action, [projectId]).catch((err: AppError) => {
    throw err.code === 'not_found' ? new AppError('not_found', `${what} not found`) : err;
  });
}

export async function backendFor(tx: Tx, actor: Actor, id: number, action: Action): Promise<BackendRow> {
  const row = await tx.selectFrom('ml_backends').selectAll().where('id', '=', id).executeTakeFirst();
  if (!row) throw new AppError('not_found', `ML backend ${id} not found`);
  await authorizeOn(tx, actor, action, row.project_id, `ML backend ${id}`);
  return row;
}

export function toBackend(b: BackendRow) {
  return {
    id: b.id,
    project: b.project_id,
    url: b.url,
    title: b.title,
    description: b.description,
    model_version: b.model_version,
    is_interactive: b.is_interactive,
    timeout: b.timeout,
    state: b.state,
    readable_state: STATES[b.state] ?? b.state,
    error_message: b.error_message,
    auto_update: b.auto_update,
    extra_params: b.setup_args as Record<string, unknown>,
    auth_method: b.auth_method,
    basic_auth_user: b.basic_auth_user,
    basic_auth_pass_is_set: b.basic_auth_pass !== null,
    created_at: b.created_at,
    updated_at: b.updated_at,
  };
}

export function connectionOf(b: BackendRow, dataKey: Buffer): BackendConnection {
  const basic = b.auth_method === 'BASIC_AUTH';
  return {
    url: b.url,
    timeout: b.timeout,
    authUser: basic ? (b.basic_auth_user ?? '') : null,
    authPassword: basic && b.basic_auth_pass ? open(dataKey, b.basic_auth_pass) : null,
  };
}

export async function taskErrors(
  tx: Tx,
  column: 'prediction_job_id' | 'model_run_id',
  id: number,
  limit = 100,
) {
  const rows = await tx
    .selectFrom('ml_task_errors')
    .select(['task_id', 'error', 'attempts'])
    .where(column, '=', id)
    .orderBy('task_id')
    .limit(limit)
    .execute();
  return rows.map((r) => ({ task: r.task_id, error: r.error, attempts: r.attempts }));
}

/** Records (or replaces) a task's error in a prediction job or a model run. */
export async function recordTaskErrors(
  tx: Tx,
  organizationId: number,
  column: 'prediction_job_id' | 'model_run_id',
  id: number,
  errors: { taskId: number; error: string; attempts: number }[],
) {
  if (errors.length === 0) return;
  await tx
    .insertInto('ml_task_errors')
    .values(
      errors.map((e) => ({
        organization_id: organizationId,
        [column]: id,
        task_id: e.taskId,
        error: e.error.slice(0, 2000),
        attempts: e.attempts,
      })),
    )
    .onConflict((oc) =>
      oc
        .columns([column, 'task_id'])
        .where(column, 'is not', null)
        .doUpdateSet((eb) => ({
          error: eb.ref('excluded.error'),
          attempts: eb.ref('excluded.attempts'),
          updated_at: new Date(),
        })),
    )
    .execute();
}

export async function toPredictionJob(tx: Tx, p: Selectable<MlPredictionJobs>) {
  const job = p.job_id
    ? await tx.selectFrom('jobs').select(['state', 'progress']).where('id', '=', p.job_id).executeTakeFirst()
    : undefined;
  return {
    id: p.id,
    ml_backend: p.ml_backend_id,
    project: p.project_id,
    job: p.job_id,
    state: job?.state ?? 'cancelled',
    progress: job?.progress ?? 0,
    model_version: p.model_version,
    batch_size: p.batch_size,
    total_tasks: p.total_tasks,
    processed_tasks: p.processed_tasks,
    predicted_tasks: p.predicted_tasks,
    failed_tasks: p.failed_tasks,
    error_message: p.error_message,
    errors: await taskErrors(tx, 'prediction_job_id', p.id),
    created_at: p.created_at,
    updated_at: p.updated_at,
  };
}

export function toTrainJob(t: Selectable<MlTrainJobs>) {
  return {
    id: t.id,
    ml_backend: t.ml_backend_id,
    job: t.job_id,
    status: t.status,
    response: t.response,
    error_message: t.error_message,
    created_at: t.created_at,
    updated_at: t.updated_at,
  };
}
