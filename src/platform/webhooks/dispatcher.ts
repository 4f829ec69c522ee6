// Webhook events: `emit` records one delivery per matching subscription and queues it, inside the caller's
// transaction (an event exists exactly when its change committed). A queued delivery is POSTed, signed, and
// retried with exponential backoff; after the last attempt it counts as a failure of its subscription, which is
// switched off after WEBHOOK_MAX_FAILURES failures in a row. Bodies follow Label Studio: {"action", ...payload}.
import type { FastifyBaseLogger } from 'fastify';
import { sql } from 'kysely';
import type { Config } from '../../config.ts';
import type { Database } from '../../db/database.ts';
import { inScope, type Tx } from '../../db/scope.ts';
import { open } from '../crypto.ts';
import type { JobRunner } from '../jobs/runner.ts';
import type { Secrets } from '../secrets.ts';
import { deliver } from './deliver.ts';

export const WEBHOOK_ACTIONS = [
  'PROJECT_CREATED',
  'PROJECT_UPDATED',
  'PROJECT_DELETED',
  'TASKS_CREATED',
  'TASKS_DELETED',
  'ANNOTATION_CREATED',
  'ANNOTATIONS_CREATED',
  'ANNOTATION_UPDATED',
  'ANNOTATIONS_DELETED',
  'LABEL_LINK_CREATED',
  'LABEL_LINK_UPDATED',
  'LABEL_LINK_DELETED',
  'PHOTO_CREATED',
  'PHOTO_TAGGED',
  'DETECTION_CREATED',
  'DETECTION_REVIEWED',
  'WEBHOOK_PING',
] as const;
export type WebhookAction = (typeof WEBHOOK_ACTIONS)[number];

export interface WebhookEvent {
  organizationId: number;
  projectId: number | null;
  action: WebhookAction;
  /** Merged into the body when the subscription has send_payload (Label Studio's shape). */
  payload: Record<string, unknown>;
}

const TASK = 'webhook.deliver';

export interface WebhookDispatcher {
  emit(tx: Tx, event: WebhookEvent): Promise<number>;
  /** Queues a WEBHOOK_PING to one subscription; returns the delivery id. */
  ping(tx: Tx, organizationId: number, webhookId: number): Promise<number>;
  /** Also hands every event to `listener`, in the same unit of work (e.g. ML backends' /webhook). */
  listen(listener: EventListener): void;
}

export type EventListener = (tx: Tx, event: WebhookEvent) => Promise<void>;

export function createWebhookDispatcher(deps: {
  config: Config;
  database: Database;
  jobs: JobRunner;
  secrets: Secrets;
  log: FastifyBaseLogger;
}): WebhookDispatcher {
  const { config, database, jobs, secrets, log } = deps;

  async function attempt({ deliveryId }: { deliveryId: number }, organizationId: number, final: boolean) {
    const scope = { organizationId, userId: null };
    const row = await inScope(database.db, scope, (tx) =>
      tx
        .selectFrom('webhook_deliveries as d')
        .innerJoin('webhooks as w', 'w.id', 'd.webhook_id')
        .select([
          'd.id',
          'd.payload',
          'd.status',
          'w.id as webhook_id',
          'w.url',
          'w.headers',
          'w.secret',
          'w.is_active',
        ])
        .where('d.id', '=', deliveryId)
        .executeTakeFirst(),
    );
    if (row?.status !== 'pending') return; // deleted, or already done by an earlier attempt
    const record = (values: Record<string, unknown>) =>
      inScope(database.db, scope, (tx) =>
        tx
          .updateTable('webhook_deliveries')
          .set({ ...values, attempts: sql`attempts + 1` })
          .where('id', '=', deliveryId)
          .execute(),
      );
    if (!row.is_active) {
      await record({ status: 'failed', error: 'the webhook was switched off' });
      return;
    }
    let error: string;
    let status: number | null = null;
    let responseBody: string | null = null;
    try {
      const result = await deliver(
        row.url,
        row.headers as Record<string, string>,
        JSON.stringify(row.payload),
        open(secrets.dataKey, row.secret),
        { timeoutMs: config.WEBHOOK_TIMEOUT_MS, allowPrivate: config.WEBHOOK_ALLOW_PRIVATE },
      );
      status = result.status;
      responseBody = result.body;
      if (status >= 200 && status < 300) {
        await record({
          status: 'succeeded',
          response_status: status,
          response_body: responseBody,
          error: null,
          delivered_at: new Date(),
        });
        await inScope(database.db, scope, (tx) =>
          tx
            .updateTable('webhooks')
            .set({ consecutive_failures: 0 })
            .where('id', '=', row.webhook_id)
            .execute(),
        );
        return;
      }
      error = `the receiver answered ${status}`;
    } catch (err) {
      error = (err as Error).message;
    }
    await record({
      response_status: status,
      response_body: responseBody,
      error,
      ...(final && { status: 'failed' }),
    });
    if (!final) throw new Error(error); // pg-boss retries with backoff
    await inScope(database.db, scope, (tx) =>
      tx
        .updateTable('webhooks')
        .set((eb) => ({
          consecutive_failures: eb('consecutive_failures', '+', 1),
          is_active: sql<boolean>`consecutive_failures + 1 < ${config.WEBHOOK_MAX_FAILURES}`,
          disabled_at: sql`CASE WHEN consecutive_failures + 1 >= ${config.WEBHOOK_MAX_FAILURES} THEN now() ELSE disabled_at END`,
        }))
        .where('id', '=', row.webhook_id)
        .execute(),
    );
    log.warn({ webhook_id: row.webhook_id, delivery_id: deliveryId, error }, 'webhook delivery failed');
  }

  jobs.defineTask<{ deliveryId: number }>({
    kind: TASK,
    retryLimit: config.WEBHOOK_RETRIES,
    retryDelay: config.WEBHOOK_RETRY_DELAY_S,
    concurrency: 4,
    handler: ({ payload, organizationId, final }) => attempt(payload, organizationId, final),
  });

  const listeners: EventListener[] = [];

  return {
    listen(listener) {
      listeners.push(listener);
    },

    async emit(tx, event) {
      for (const listener of listeners) await listener(tx, event);
      const full = JSON.stringify({ action: event.action, ...event.payload });
      const bare = JSON.stringify({ action: event.action });
      const { rows } = await sql<{ id: number }>`
        INSERT INTO webhook_deliveries (organization_id, webhook_id, action, payload)
        SELECT organization_id, id, ${event.action}, CASE WHEN send_payload THEN ${full}::jsonb ELSE ${bare}::jsonb END
        FROM webhooks
        WHERE organization_id = ${event.organizationId} AND is_active
          AND (project_id IS NULL OR project_id = ${event.projectId})
          AND (send_for_all_actions OR ${event.action} = ANY(actions))
        RETURNING id`.execute(tx);
      await jobs.enqueueTasks(
        tx,
        TASK,
        event.organizationId,
        rows.map((r) => ({ deliveryId: r.id })),
      );
      return rows.length;
    },

    async ping(tx, organizationId, webhookId) {
      const row = await tx
        .insertInto('webhook_deliveries')
        .values({
          organization_id: organizationId,
          webhook_id: webhookId,
          action: 'WEBHOOK_PING',
          payload: JSON.stringify({
            action: 'WEBHOOK_PING',
            webhook: webhookId,
            sent_at: new Date().toISOString(),
          }),
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      await jobs.enqueueTasks(tx, TASK, organizationId, [{ deliveryId: row.id }]);
      return row.id;
    },
  };
}
