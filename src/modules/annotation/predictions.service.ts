// Predictions (model output on a task): Label Studio's /api/predictions. Results are checked against the
// config like annotations; a bare string result on a single-Choices config is expanded as Label Studio does.
// Task and project prediction counters move in the same unit of work (task row locked first).
import type { Selectable } from 'kysely';
import { inScope, type Tx } from '../../db/scope.ts';
import type { Predictions } from '../../db/types.ts';
import { authorize } from '../../platform/access/access.ts';
import type { Actor } from '../../platform/auth/actor.ts';
import type { Deps } from '../../platform/deps.ts';
import { AppError } from '../../platform/errors.ts';
import { lockTask } from './annotations.repo.ts';
import { checkResult, projectConfig } from './annotations.service.ts';
import type { LabelConfig } from './label-config/index.ts';
import { authorizeOn, orgOf, scopeOf, taskFor } from './targets.ts';
import { toPrediction } from './tasks.repo.ts';

export interface PredictionInput {
  result?: unknown[] | string | undefined;
  score?: number | null | undefined;
  model_version?: string | null | undefined;
}

/** Label Studio's "minified" prediction: a bare choice for a config with exactly one Choices control. */
function expand(config: LabelConfig, result: unknown[] | string): unknown[] {
  if (Array.isArray(result)) return result;
  const choices = config.controls.filter((c) => c.type.toLowerCase() === 'choices');
  if (choices.length !== 1 || config.controls.length !== 1) {
    throw new AppError(
      'validation_failed',
      'a string result needs a config with exactly one Choices control',
      [{ in: 'body', field: 'result', message: 'must be a list of regions for this config' }],
    );
  }
  const control = choices[0]!;
  return [
    {
      from_name: control.name,
      to_name: control.toName[0],
      type: 'choices',
      value: { choices: [result] },
    },
  ];
}

async function moveCount(tx: Tx, projectId: number, taskId: number, by: number) {
  await tx
    .updateTable('tasks')
    .set((eb) => ({ total_predictions: eb('total_predictions', '+', by) }))
    .where('id', '=', taskId)
    .execute();
  await tx
    .updateTable('annotation_settings')
    .set((eb) => ({ total_predictions_number: eb('total_predictions_number', '+', by) }))
    .where('project_id', '=', projectId)
    .execute();
}

export function createPredictionsService({ database }: Pick<Deps, 'database'>) {
  const run = <T>(actor: Actor, fn: (tx: Tx) => Promise<T>) => inScope(database.db, scopeOf(actor), fn);

  async function found(tx: Tx, actor: Actor, id: number): Promise<Selectable<Predictions>> {
    const row = await tx.selectFrom('predictions').selectAll().where('id', '=', id).executeTakeFirst();
    if (!row) throw new AppError('not_found', `prediction ${id} not found`);
    await authorizeOn(tx, actor, 'tasks.read', row.project_id, `prediction ${id}`);
    return row;
  }

  return {
    async create(actor: Actor, input: PredictionInput & { task: number }) {
      return run(actor, async (tx) => {
        const task = await taskFor(tx, actor, input.task, 'predictions.manage');
        const config = await projectConfig(tx, task.project_id);
        const result = expand(config, input.result ?? []);
        checkResult(config, result);
        await lockTask(tx, task.id);
        const row = await tx
          .insertInto('predictions')
          .values({
            organization_id: orgOf(actor),
            project_id: task.project_id,
            task_id: task.id,
            result: JSON.stringify(result),
            score: input.score ?? null,
            model_version: input.model_version ?? '',
          })
          .returningAll()
          .executeTakeFirstOrThrow();
        await moveCount(tx, task.project_id, task.id, 1);
        return toPrediction(row);
      });
    },

    async list(
      actor: Actor,
      q: { task?: number | undefined; project?: number | undefined },
      page: number,
      size: number,
    ) {
      return run(actor, async (tx) => {
        if (q.task === undefined && q.project === undefined) {
          throw new AppError('validation_failed', 'give task or project', [
            { in: 'querystring', field: 'task', message: 'task or project is required' },
          ]);
        }
        let query = tx.selectFrom('predictions').selectAll();
        if (q.task !== undefined) {
          const task = await taskFor(tx, actor, q.task, 'tasks.read');
          query = query.where('task_id', '=', task.id);
        }
        if (q.project !== undefined) {
          await authorize(tx, actor, 'tasks.read', [q.project]);
          // predictions_project_version_idx serves the project filter.
          query = query.where('project_id', '=', q.project);
        }
        const rows = await query
          .orderBy('id')
          .limit(size)
          .offset((page - 1) * size)
          .execute();
        return rows.map(toPrediction);
      });
    },

    get: (actor: Actor, id: number) => run(actor, async (tx) => toPrediction(await found(tx, actor, id))),

    async update(actor: Actor, id: number, patch: PredictionInput) {
      return run(actor, async (tx) => {
        const before = await found(tx, actor, id);
        await authorize(tx, actor, 'predictions.manage', [before.project_id]);
        let result: unknown[] | undefined;
        if (patch.result !== undefined) {
          const config = await projectConfig(tx, before.project_id);
          result = expand(config, patch.result);
          checkResult(config, result);
        }
        const row = await tx
          .updateTable('predictions')
          .set({
            ...(result !== undefined && { result: JSON.stringify(result) }),
            ...(patch.score !== undefined && { score: patch.score }),
            ...(patch.model_version !== undefined && { model_version: patch.model_version ?? '' }),
            updated_at: new Date(),
          })
          .where('id', '=', id)
          .returningAll()
          .executeTakeFirst();
        if (!row) throw new AppError('not_found', `prediction ${id} not found`);
        return toPrediction(row);
      });
    },

    async remove(actor: Actor, id: number) {
      await run(actor, async (tx) => {
        const before = await found(tx, actor, id);
        await authorize(tx, actor, 'predictions.manage', [before.project_id]);
        await lockTask(tx, before.task_id);
        const gone = await tx
          .deleteFrom('predictions')
          .where('id', '=', id)
          .returning('id')
          .executeTakeFirst();
        if (!gone) throw new AppError('not_found', `prediction ${id} not found`);
        await moveCount(tx, before.project_id, before.task_id, -1);
      });
    },
  };
}

export type PredictionsService = ReturnType<typeof createPredictionsService>;
