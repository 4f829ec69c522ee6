// The labeling queue: GET /api/projects/{id}/next hands a person the next task by the project's sampling
// (Label Studio's Sequential, Uniform and Uncertainty sampling), skipping tasks they already did, tasks that
// are labeled, and tasks whose overlap is taken by other people's locks. The task is then locked for them
// (task_locks); submitting an annotation releases it. The lock lives as long as Label Studio's `get_lock_ttl`
// says: TASK_LOCK_TTL when set, else three times the project's average lead time but at least
// TASK_LOCK_MIN_TTL, and TASK_LOCK_DEFAULT_TTL while nothing has been timed yet (see lockTtl).
//
// Two people asking at once never get the same task: the candidate is taken with FOR UPDATE SKIP LOCKED (a
// concurrent request passes over it), and the lock row is written by a second statement that counts the
// locks again with a fresh snapshot while the task row is held, so a request whose first read predates a
// just-committed lock sees it there and moves on to the next candidate.
import { type RawBuilder, sql } from 'kysely';
import { inScope, type Tx } from '../../db/scope.ts';
import { authorize } from '../../platform/access/access.ts';
import type { Actor } from '../../platform/auth/actor.ts';
import type { Deps } from '../../platform/deps.ts';
import { AppError } from '../../platform/errors.ts';
import { settingsOf } from './settings.repo.ts';
import { orgOf, scopeOf } from './targets.ts';
import { type TaskRow, toAnnotation, toPrediction, toTask } from './tasks.repo.ts';

const ATTEMPTS = 20;
/** The average lead time is taken over the project's latest annotations: bounded, and it follows the pace. */
export const LEAD_TIME_SAMPLE = 1000;

type LockConfig = Pick<Deps['config'], 'TASK_LOCK_TTL' | 'TASK_LOCK_MIN_TTL' | 'TASK_LOCK_DEFAULT_TTL'>;

/** Seconds a new lock lives in a project (Label Studio's `Task.get_lock_ttl`). */
export async function lockTtl(tx: Tx, projectId: number, config: LockConfig): Promise<number> {
  if (config.TASK_LOCK_TTL !== undefined) return config.TASK_LOCK_TTL;
  const { rows } = await sql<{ avg: number | null }>`
    SELECT avg(lead_time)::float8 AS avg FROM (
      SELECT a.lead_time FROM annotations a
      WHERE a.project_id = ${projectId} AND a.lead_time IS NOT NULL AND a.lead_time >= 0
      ORDER BY a.id DESC LIMIT ${LEAD_TIME_SAMPLE}
    ) s`.execute(tx);
  const avg = rows[0]?.avg;
  if (avg === null || avg === undefined) return config.TASK_LOCK_DEFAULT_TTL;
  return Math.max(config.TASK_LOCK_MIN_TTL, 3 * Math.trunc(avg));
}

function ordering(sampling: string, modelVersion: string, pivot: number): RawBuilder<unknown> {
  if (sampling === 'Uniform sampling') {
    // A random starting point in id order, wrapping around: uniform enough, and an index walk, not a sort of
    // the whole project by random().
    return sql`(t.id >= ${pivot}) DESC, t.id`;
  }
  if (sampling === 'Uncertainty sampling') {
    const version = modelVersion ? sql`AND p.model_version = ${modelVersion}` : sql``;
    return sql`(SELECT min(p.score) FROM predictions p WHERE p.task_id = t.id ${version}) ASC NULLS LAST, t.id`;
  }
  return sql`t.id`;
}

export function createNextService({ database, config }: Pick<Deps, 'database' | 'config'>) {
  async function details(tx: Tx, task: TaskRow) {
    const [annotations, predictions] = await Promise.all([
      tx.selectFrom('annotations').selectAll().where('task_id', '=', task.id).orderBy('id').execute(),
      tx.selectFrom('predictions').selectAll().where('task_id', '=', task.id).orderBy('id').execute(),
    ]);
    return {
      ...toTask(task),
      annotations: annotations.map(toAnnotation),
      predictions: predictions.map(toPrediction),
    };
  }

  /** The unexpired lock the person already holds on a task still to do: asking again gives the same task. */
  async function heldTask(tx: Tx, projectId: number, userId: number) {
    const { rows } = await sql<TaskRow>`
      SELECT t.* FROM task_locks l JOIN tasks t ON t.id = l.task_id
      WHERE l.project_id = ${projectId} AND l.user_id = ${userId} AND l.expire_at > now() AND NOT t.is_labeled
        AND NOT EXISTS (SELECT 1 FROM annotations a WHERE a.task_id = t.id AND a.completed_by = ${userId})
      ORDER BY l.created_at, t.id LIMIT 1
      FOR UPDATE OF t SKIP LOCKED`.execute(tx);
    return rows[0];
  }

  async function candidate(
    tx: Tx,
    projectId: number,
    userId: number,
    order: RawBuilder<unknown>,
    excluded: number[],
  ) {
    const { rows } = await sql<TaskRow>`
      SELECT t.* FROM tasks t
      WHERE t.project_id = ${projectId} AND NOT t.is_labeled AND t.id <> ALL(${excluded}::bigint[])
        AND NOT EXISTS (SELECT 1 FROM annotations a WHERE a.task_id = t.id AND a.completed_by = ${userId})
        AND t.total_annotations + (
          SELECT count(*) FROM task_locks l
          WHERE l.task_id = t.id AND l.user_id <> ${userId} AND l.expire_at > now()
        ) < t.overlap
      ORDER BY ${order}
      LIMIT 1
      FOR UPDATE OF t SKIP LOCKED`.execute(tx);
    return rows[0];
  }

  /** Writes the person's lock unless, counted again now, the task's overlap is already taken. */
  async function lock(
    tx: Tx,
    organizationId: number,
    task: TaskRow,
    userId: number,
    ttl: number,
  ): Promise<boolean> {
    const { rows } = await sql<{ task_id: number }>`
      INSERT INTO task_locks (organization_id, project_id, task_id, user_id, expire_at)
      SELECT ${organizationId}, ${task.project_id}, ${task.id}, ${userId},
             now() + make_interval(secs => ${ttl})
      WHERE (SELECT t.total_annotations FROM tasks t WHERE t.id = ${task.id}) + (
        SELECT count(*) FROM task_locks l
        WHERE l.task_id = ${task.id} AND l.user_id <> ${userId} AND l.expire_at > now()
      ) < ${task.overlap}
      ON CONFLICT (task_id, user_id) DO UPDATE SET expire_at = excluded.expire_at, created_at = now()
      RETURNING task_id`.execute(tx);
    return rows.length > 0;
  }

  async function remember(tx: Tx, organizationId: number, projectId: number, userId: number, taskId: number) {
    await sql`
      INSERT INTO label_stream_history (organization_id, project_id, user_id, data)
      VALUES (${organizationId}, ${projectId}, ${userId}, jsonb_build_array(${taskId}::bigint))
      ON CONFLICT (project_id, user_id) DO UPDATE SET data = CASE
        WHEN jsonb_array_length(label_stream_history.data) >= 10
        THEN (label_stream_history.data - 0) || excluded.data
        ELSE label_stream_history.data || excluded.data END`.execute(tx);
  }

  return {
    async next(actor: Actor, projectId: number) {
      const organizationId = orgOf(actor);
      return inScope(database.db, scopeOf(actor), async (tx) => {
        await authorize(tx, actor, 'annotations.create', [projectId]);
        await tx
          .deleteFrom('task_locks')
          .where('project_id', '=', projectId)
          .where('expire_at', '<', sql<Date>`now()`)
          .execute();
        const ttl = await lockTtl(tx, projectId, config);
        const held = await heldTask(tx, projectId, actor.userId);
        if (held && (await lock(tx, organizationId, held, actor.userId, ttl))) return details(tx, held);
        const settings = await settingsOf(tx, projectId);
        const range = await tx
          .selectFrom('tasks')
          .select((eb) => [eb.fn.min('id').as('lo'), eb.fn.max('id').as('hi')])
          .where('project_id', '=', projectId)
          .executeTakeFirst();
        const lo = Number(range?.lo ?? 0);
        const hi = Number(range?.hi ?? 0);
        const pivot = lo + Math.floor(Math.random() * (hi - lo + 1));
        const order = ordering(
          settings?.sampling ?? 'Sequential sampling',
          settings?.model_version ?? '',
          pivot,
        );
        const excluded: number[] = [];
        for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
          const task = await candidate(tx, projectId, actor.userId, order, excluded);
          if (!task) break;
          if (await lock(tx, organizationId, task, actor.userId, ttl)) {
            await remember(tx, organizationId, projectId, actor.userId, task.id);
            return details(tx, task);
          }
          excluded.push(task.id);
        }
        throw new AppError('not_found', 'there are no more tasks for you to label in this project');
      });
    },
  };
}

export type NextService = ReturnType<typeof createNextService>;
