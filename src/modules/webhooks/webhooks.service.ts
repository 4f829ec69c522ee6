// Webhook subscriptions. An organization-wide hook (no project) needs an organization owner or admin; a
// project's hook needs its owner or manager. Reading them needs the same rights (URLs and headers can hold
// credentials of the receiver).
import { randomBytes } from 'node:crypto';
import type { Selectable } from 'kysely';
import { inScope, type Tx } from '../../db/scope.ts';
import type { Webhooks } from '../../db/types.ts';
import { authorize } from '../../platform/access/access.ts';
import { audit } from '../../platform/audit.ts';
import type { Actor } from '../../platform/auth/actor.ts';
import { seal } from '../../platform/crypto.ts';
import type { Deps } from '../../platform/deps.ts';
import { AppError } from '../../platform/errors.ts';
import { urlProblem } from '../../platform/webhooks/address.ts';
import type { WebhookDispatcher } from '../../platform/webhooks/dispatcher.ts';

export interface WebhookInput {
  url?: string;
  project?: number | null;
  send_payload?: boolean;
  send_for_all_actions?: boolean;
  headers?: Record<string, string>;
  is_active?: boolean;
  actions?: string[];
}

function toWebhook(w: Selectable<Webhooks>) {
  return {
    id: w.id,
    organization: w.organization_id,
    project: w.project_id,
    url: w.url,
    send_payload: w.send_payload,
    send_for_all_actions: w.send_for_all_actions,
    headers: w.headers as Record<string, string>,
    is_active: w.is_active,
    actions: w.actions,
    consecutive_failures: w.consecutive_failures,
    disabled_at: w.disabled_at,
    created_at: w.created_at,
    updated_at: w.updated_at,
  };
}

export function createWebhooksService(
  deps: Pick<Deps, 'database' | 'config' | 'secrets'>,
  dispatcher: WebhookDispatcher,
) {
  const { database, config, secrets } = deps;
  const scope = (actor: Actor) => ({
    organizationId: actor.organizationId,
    userId: actor.userId,
    requireMembership: true,
  });

  function checkUrl(url: string): void {
    const problem = urlProblem(url, config.WEBHOOK_ALLOW_PRIVATE);
    if (problem)
      throw new AppError('validation_failed', `url ${problem}`, [
        { in: 'body', field: 'url', message: problem },
      ]);
  }

  async function canManage(tx: Tx, actor: Actor, projectId: number | null): Promise<void> {
    if (projectId === null) await authorize(tx, actor, 'organization.webhooks.manage', []);
    else await authorize(tx, actor, 'project.webhooks.manage', [projectId]);
  }

  /** Loads a hook the actor may manage; others' hooks (or hooks they cannot manage) are 404. */
  async function load(tx: Tx, actor: Actor, id: number) {
    const hook = await tx.selectFrom('webhooks').selectAll().where('id', '=', id).executeTakeFirst();
    if (!hook) throw new AppError('not_found', `webhook ${id} not found`);
    await canManage(tx, actor, hook.project_id).catch((err: AppError) => {
      throw err.code === 'forbidden' ? err : new AppError('not_found', `webhook ${id} not found`);
    });
    return hook;
  }

  async function record(tx: Tx, actor: Actor, action: string, id: number) {
    await audit(tx, {
      organizationId: actor.organizationId!,
      actorUserId: actor.userId,
      authMethod: actor.authMethod,
      action,
      targetType: 'webhook',
      targetId: id,
      ip: actor.ip,
      userAgent: actor.userAgent,
    });
  }

  return {
    async create(actor: Actor, input: WebhookInput & { url: string }) {
      checkUrl(input.url);
      return inScope(database.db, scope(actor), async (tx) => {
        const project = input.project ?? null;
        await canManage(tx, actor, project);
        const secret = randomBytes(24).toString('base64url');
        const row = await tx
          .insertInto('webhooks')
          .values({
            organization_id: actor.organizationId!,
            project_id: project,
            url: input.url,
            secret: seal(secrets.dataKey, secret),
            send_payload: input.send_payload ?? true,
            send_for_all_actions: input.send_for_all_actions ?? true,
            headers: JSON.stringify(input.headers ?? {}),
            is_active: input.is_active ?? true,
            actions: input.actions ?? [],
            created_by: actor.userId,
          })
          .returningAll()
          .executeTakeFirstOrThrow();
        await record(tx, actor, 'webhook.create', row.id);
        return { ...toWebhook(row), secret };
      });
    },

    async list(actor: Actor, projectId: number | undefined) {
      return inScope(database.db, scope(actor), async (tx) => {
        await canManage(tx, actor, projectId ?? null);
        let q = tx.selectFrom('webhooks').selectAll().orderBy('id');
        if (projectId !== undefined) q = q.where('project_id', '=', projectId);
        return (await q.execute()).map(toWebhook);
      });
    },

    get: (actor: Actor, id: number) =>
      inScope(database.db, scope(actor), async (tx) => toWebhook(await load(tx, actor, id))),

    async update(actor: Actor, id: number, input: WebhookInput) {
      if (input.url !== undefined) checkUrl(input.url);
      return inScope(database.db, scope(actor), async (tx) => {
        await load(tx, actor, id);
        const row = await tx
          .updateTable('webhooks')
          .set({
            ...(input.url !== undefined && { url: input.url }),
            ...(input.send_payload !== undefined && { send_payload: input.send_payload }),
            ...(input.send_for_all_actions !== undefined && {
              send_for_all_actions: input.send_for_all_actions,
            }),
            ...(input.headers !== undefined && { headers: JSON.stringify(input.headers) }),
            ...(input.actions !== undefined && { actions: input.actions }),
            // Switching a hook back on clears its failure count.
            ...(input.is_active !== undefined && {
              is_active: input.is_active,
              ...(input.is_active && { consecutive_failures: 0, disabled_at: null }),
            }),
            updated_at: new Date(),
          })
          .where('id', '=', id)
          .returningAll()
          .executeTakeFirstOrThrow();
        await record(tx, actor, 'webhook.update', id);
        return toWebhook(row);
      });
    },

    async remove(actor: Actor, id: number) {
      await inScope(database.db, scope(actor), async (tx) => {
        await load(tx, actor, id);
        await tx.deleteFrom('webhooks').where('id', '=', id).execute();
        await record(tx, actor, 'webhook.delete', id);
      });
    },

    async ping(actor: Actor, id: number) {
      return inScope(database.db, scope(actor), async (tx) => {
        await load(tx, actor, id);
        return { delivery: await dispatcher.ping(tx, actor.organizationId!, id) };
      });
    },

    async deliveries(actor: Actor, id: number, page: { page: number; pageSize: number }) {
      return inScope(database.db, scope(actor), async (tx) => {
        await load(tx, actor, id);
        const q = tx.selectFrom('webhook_deliveries').where('webhook_id', '=', id);
        const { count } = await q
          .select((eb) => eb.fn.countAll<number>().as('count'))
          .executeTakeFirstOrThrow();
        const rows = await q
          .select([
            'id',
            'action',
            'status',
            'attempts',
            'response_status',
            'error',
            'payload',
            'created_at',
            'delivered_at',
          ])
          .orderBy('created_at', 'desc')
          .orderBy('id', 'desc')
          .limit(page.pageSize)
          .offset((page.page - 1) * page.pageSize)
          .execute();
        return {
          count: Number(count),
          results: rows.map((r) => ({ ...r, status: r.status as 'pending' | 'succeeded' | 'failed' })),
        };
      });
    },
  };
}
