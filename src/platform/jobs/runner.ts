// Background work on pg-boss (same PostgreSQL), with a user-visible record per job in the `jobs` table: state,
// progress 0-100, message, error, result. Work is enqueued inside the caller's transaction, so it exists exactly
// when the change that asked for it committed. Handlers must be idempotent: a job can run again after a crash.
import { AsyncLocalStorage } from 'node:async_hooks';
import type { FastifyBaseLogger } from 'fastify';
import { CompiledQuery, sql } from 'kysely';
import { type Job, PgBoss } from 'pg-boss';
import type { Database } from '../../db/database.ts';
import { QUEUE_SCHEMA } from '../../db/migrations/0006_job_queue.ts';
import { inScope, type Tx } from '../../db/scope.ts';
import type { Listener } from '../listener.ts';

export interface JobContext<P> {
  jobId: number;
  organizationId: number;
  userId: number | null;
  projectId: number | null;
  payload: P;
  attempt: number;
  signal: AbortSignal;
  /** Records progress (0-100) and an optional message, visible to the user at once. */
  progress(percent: number, message?: string): Promise<void>;
}

export interface JobDefinition<P> {
  kind: string;
  handler: (ctx: JobContext<P>) => Promise<unknown>;
  /** Attempts after the first; default 3, with exponential backoff. */
  retryLimit?: number;
  expireInSeconds?: number;
  concurrency?: number;
}

/** Internal work (webhook deliveries...): queued and retried by pg-boss, with no user-visible record. */
export interface TaskDefinition<P> {
  kind: string;
  handler: (task: { payload: P; organizationId: number; attempt: number; final: boolean }) => Promise<void>;
  retryLimit: number;
  /** Seconds before the first retry; doubles each attempt. */
  retryDelay: number;
  concurrency?: number;
}

export interface EnqueueRequest<P> {
  organizationId: number;
  userId: number | null;
  projectId?: number | null;
  payload: P;
  message?: string;
}

interface QueueData {
  jobId: number;
  organizationId: number;
  /** Internal tasks carry their payload in the queue. */
  payload?: unknown;
}

export interface JobRunner {
  define<P>(definition: JobDefinition<P>): void;
  defineTask<P>(definition: TaskDefinition<P>): void;
  /** Enqueues internal tasks inside `tx`, one per payload. */
  enqueueTasks<P>(tx: Tx, kind: string, organizationId: number, payloads: P[]): Promise<void>;
  /** Records and enqueues a job inside `tx` (a unit of work scoped to the job's organization). */
  enqueue<P>(tx: Tx, kind: string, request: EnqueueRequest<P>): Promise<{ id: number }>;
  /** Starts pg-boss; with `work: true` this process also runs the defined handlers. */
  start(options: { work: boolean }): Promise<void>;
  stop(): Promise<void>;
}

/** NOTIFY channel that names a queue whose new job has just committed. */
const WAKE_CHANNEL = 'gt_job_queued';

export function createJobRunner({
  database,
  log,
  listener,
}: {
  database: Database;
  log: FastifyBaseLogger;
  /** With a listener (PostgreSQL), a committed job wakes its queue's workers in every process at once. */
  listener?: Listener;
}): JobRunner {
  const definitions = new Map<string, JobDefinition<unknown>>();
  const tasks = new Map<string, TaskDefinition<unknown>>();
  // pg-boss statements inside the caller's transaction.
  const inTx = (tx: Tx) => ({
    executeSql: async (text: string, values?: unknown[]) => ({
      rows: (await tx.executeQuery(CompiledQuery.raw(text, (values ?? []) as unknown[]))).rows as unknown[],
    }),
  });
  // While a send runs inside the caller's transaction, pg-boss's own lookups (its queue cache) go to that
  // transaction's connection too: on the embedded database the pool has one connection, which the
  // transaction holds, so a second one would wait forever.
  const current = new AsyncLocalStorage<Tx>();
  const boss = new PgBoss({
    // The raw pg result: pg-boss reads multi-statement results as arrays.
    db: {
      executeSql: (text, values) => {
        const tx = current.getStore();
        return (
          tx ? inTx(tx).executeSql(text, values as unknown[]) : database.pool.query(text, values as unknown[])
        ) as never;
      },
    },
    schema: QUEUE_SCHEMA,
    migrate: true,
    createSchema: false, // made by migration 0006
  });
  boss.on('error', (err) => log.error({ err: err.message }, 'job queue error'));
  let started: Promise<void> | null = null;
  let working = false;
  // Worker ids per queue in this process, woken by the queue's NOTIFY (delivered when the sender commits).
  const workers = new Map<string, string[]>();
  const wake = database.kind === 'postgres' && listener !== undefined;
  const send = async (tx: Tx, kind: string, data: QueueData, options: object) => {
    if (!started) throw new Error('the job runner is not started (app.jobs.start)');
    const id = await current.run(tx, () =>
      boss.send(kind, data as unknown as object, { ...options, db: inTx(tx) }),
    );
    if (wake) await sql`SELECT pg_notify(${WAKE_CHANNEL}, ${kind})`.execute(tx);
    return id;
  };

  const setState = (organizationId: number, jobId: number, values: Record<string, unknown>) =>
    inScope(database.db, { organizationId, userId: null }, (tx) =>
      tx
        .updateTable('jobs')
        .set({ ...values, updated_at: new Date() })
        .where('id', '=', jobId)
        .execute(),
    );

  async function run(definition: JobDefinition<unknown>, data: QueueData, signal: AbortSignal) {
    const { jobId, organizationId } = data;
    const row = await inScope(database.db, { organizationId, userId: null }, async (tx) =>
      tx
        .updateTable('jobs')
        .set({
          state: 'running',
          started_at: sql`coalesce(started_at, now())`,
          attempts: sql`attempts + 1`,
          updated_at: new Date(),
        })
        .where('id', '=', jobId)
        .where('state', 'in', ['queued', 'running'])
        .returning(['payload', 'created_by', 'project_id', 'attempts'])
        .executeTakeFirst(),
    );
    if (!row) return; // cancelled, or already finished by an earlier attempt
    const retryLimit = definition.retryLimit ?? 3;
    try {
      const result = await definition.handler({
        jobId,
        organizationId,
        userId: row.created_by,
        projectId: row.project_id,
        payload: row.payload,
        attempt: row.attempts,
        signal,
        progress: async (percent, message) => {
          await setState(organizationId, jobId, {
            progress: Math.max(0, Math.min(100, Math.round(percent))),
            ...(message !== undefined && { message }),
          });
        },
      });
      await setState(organizationId, jobId, {
        state: 'succeeded',
        progress: 100,
        result: JSON.stringify(result ?? null),
        error: null,
        finished_at: new Date(),
      });
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      const final = row.attempts > retryLimit;
      await setState(organizationId, jobId, {
        state: final ? 'failed' : 'queued',
        error: message.slice(0, 2000),
        ...(final && { finished_at: new Date() }),
      });
      log.warn({ job_id: jobId, kind: definition.kind, attempt: row.attempts, final }, 'job attempt failed');
      if (!final) throw err; // pg-boss retries with backoff
    }
  }

  /**
   * `concurrency` single-job workers on a queue. pg-boss waits out its polling interval after every job (burst
   * modes need batches), which capped a busy queue at one job per second per worker; a worker that has just
   * finished a job is woken at once instead, so a backlog drains at the handlers' speed and only an empty
   * fetch waits for the next poll.
   */
  async function workBusy(
    kind: string,
    concurrency: number,
    handle: (job: Job<QueueData>) => Promise<unknown>,
  ) {
    for (let i = 0; i < concurrency; i++) {
      let workerId: string | undefined;
      workerId = await boss.work<QueueData>(
        kind,
        { batchSize: 1, localConcurrency: 1, pollingIntervalSeconds: 1 },
        async ([job]) => {
          if (!job) return;
          try {
            await handle(job);
          } finally {
            if (workerId) boss.notifyWorker(workerId);
          }
        },
      );
      workers.set(kind, [...(workers.get(kind) ?? []), workerId]);
    }
  }

  return {
    define(definition) {
      definitions.set(definition.kind, definition as JobDefinition<unknown>);
    },

    async enqueue(tx, kind, request) {
      const definition = definitions.get(kind);
      if (!definition) throw new Error(`no job kind "${kind}" is defined`);
      const row = await tx
        .insertInto('jobs')
        .values({
          organization_id: request.organizationId,
          project_id: request.projectId ?? null,
          created_by: request.userId,
          kind,
          payload: JSON.stringify(request.payload ?? {}),
          message: request.message ?? null,
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      const data: QueueData = { jobId: row.id, organizationId: request.organizationId };
      const queueId = await send(tx, kind, data, {
        retryLimit: definition.retryLimit ?? 3,
        retryBackoff: true,
        retryDelay: 2,
        expireInSeconds: definition.expireInSeconds ?? 3600,
      });
      await tx.updateTable('jobs').set({ queue_job_id: queueId }).where('id', '=', row.id).execute();
      return { id: row.id };
    },

    defineTask(definition) {
      tasks.set(definition.kind, definition as TaskDefinition<unknown>);
    },

    async enqueueTasks(tx, kind, organizationId, payloads) {
      const task = tasks.get(kind);
      if (!task) throw new Error(`no task kind "${kind}" is defined`);
      for (const payload of payloads) {
        const data: QueueData = { jobId: 0, organizationId, payload };
        await send(tx, kind, data, {
          retryLimit: task.retryLimit,
          retryDelay: task.retryDelay,
          retryBackoff: true,
        });
      }
    },

    /** Idempotent; a later call with `work: true` adds the workers to a runner started without them. */
    async start({ work }) {
      started ??= boss.start().then(() => undefined);
      await started;
      // Kinds defined since the last start get their queues too.
      for (const kind of [...tasks.keys(), ...definitions.keys()]) {
        await boss.createQueue(kind).catch(() => undefined); // exists already
      }
      if (!work || working) return;
      working = true;
      if (wake)
        listener.on(WAKE_CHANNEL, (kind) => {
          for (const id of workers.get(kind) ?? []) boss.notifyWorker(id);
        });
      for (const task of tasks.values()) {
        await workBusy(task.kind, task.concurrency ?? 2, async (job) => {
          await task.handler({
            payload: job.data.payload,
            organizationId: job.data.organizationId,
            attempt: job.retryCount + 1,
            final: job.retryCount >= task.retryLimit,
          });
        });
      }
      for (const definition of definitions.values()) {
        await workBusy(definition.kind, definition.concurrency ?? 1, (job) =>
          run(definition, job.data, job.signal),
        );
      }
    },

    async stop() {
      if (started) {
        await started.catch(() => undefined);
        await boss.stop({ graceful: true, timeout: 10_000 });
      }
      started = null;
      working = false;
    },
  };
}
