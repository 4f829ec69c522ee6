// Storage connections of a project (Label Studio's /api/storages): create, change, delete, validate, and queue
// a sync. Everything here needs the project's owner or manager (storages.manage); another organization's
// storage, or one of another type or direction than the path says, is 404. Credentials are sealed on write and
// never returned.
import { inScope, type Tx } from '../../db/scope.ts';
import { authorize, permitted } from '../../platform/access/access.ts';
import { audit } from '../../platform/audit.ts';
import type { Actor } from '../../platform/auth/actor.ts';
import type { Deps } from '../../platform/deps.ts';
import { AppError } from '../../platform/errors.ts';
import { memberScope } from '../../platform/unit-of-work.ts';
import { openClient, ProviderError, type StorageType } from './providers/index.ts';
import {
  columnsOf,
  credentialsOf,
  type Direction,
  providerOptions,
  type StorageInput,
  toStorage,
} from './storages.fields.ts';
import { findStorage } from './storages.repo.ts';

export const SYNC_JOB = 'storages.sync';

export interface Kind {
  direction: Direction;
  type: StorageType;
}

/** A provider's refusal, as the 400 the caller can act on. */
export function providerFailure(err: unknown): AppError {
  if (err instanceof AppError) return err;
  const e = err as { name?: string; message?: string; code?: string };
  const message =
    err instanceof ProviderError ? e.message : `${e.name ?? 'Error'}: ${e.message ?? e.code ?? ''}`;
  return new AppError('validation_failed', `the storage cannot be used: ${message}`.slice(0, 2000));
}

export function createStoragesService(deps: Pick<Deps, 'database' | 'config' | 'secrets' | 'jobs'>) {
  const { database, config, secrets, jobs } = deps;
  const key = secrets.dataKey;
  const net = { allowPrivate: config.WEBHOOK_ALLOW_PRIVATE, localRoot: config.STORAGE_LOCAL_ROOT ?? null };
  const access = { approvalRequired: config.APPROVAL_REQUIRED };
  const manage = (tx: Tx, actor: Actor, projectId: number) =>
    authorize(tx, actor, 'storages.manage', [projectId], access);

  async function load(tx: Tx, actor: Actor, kind: Kind, id: number) {
    const row = await findStorage(tx, id);
    const missing = new AppError('not_found', `storage ${id} not found`);
    if (!row || row.direction !== kind.direction || row.type !== kind.type) throw missing;
    await manage(tx, actor, row.project_id).catch((err: AppError) => {
      throw err.code === 'forbidden' ? err : missing;
    });
    return row;
  }

  const record = (tx: Tx, actor: Actor, action: string, id: number) =>
    audit(tx, {
      organizationId: actor.organizationId!,
      actorUserId: actor.userId,
      authMethod: actor.authMethod,
      action,
      targetType: 'storage',
      targetId: id,
      ip: actor.ip,
      userAgent: actor.userAgent,
    });

  /** Opens the provider and lists (at most) one object: the connection, the credentials and the bucket work. */
  async function probe(row: Parameters<typeof providerOptions>[0]) {
    let client: Awaited<ReturnType<typeof openClient>> | null = null;
    try {
      client = await openClient(providerOptions(row, key), net);
      for await (const _ of client.pages(1)) break;
    } catch (err) {
      throw providerFailure(err);
    } finally {
      await client?.close().catch(() => {});
    }
  }

  return {
    net,

    /** One project's storages, or (no project) those of every project the actor may manage here. */
    async list(actor: Actor, direction: Direction, type: StorageType | null, projectId: number | undefined) {
      return inScope(database.db, memberScope(actor), async (tx) => {
        if (projectId !== undefined) await manage(tx, actor, projectId);
        let q = tx.selectFrom('storages').selectAll().where('direction', '=', direction);
        if (projectId !== undefined) q = q.where('project_id', '=', projectId);
        if (type) q = q.where('type', '=', type);
        const rows = await q.orderBy('id').limit(1000).execute();
        const allowed =
          projectId !== undefined
            ? null
            : await permitted(tx, actor, 'storages.manage', [...new Set(rows.map((r) => r.project_id))]);
        return rows.filter((r) => !allowed || allowed.has(r.project_id)).map((r) => toStorage(r, key));
      });
    },

    async create(actor: Actor, kind: Kind, input: StorageInput & { project: number }) {
      const columns = columnsOf(kind.type, input, null, key);
      return inScope(database.db, memberScope(actor), async (tx) => {
        await manage(tx, actor, input.project);
        const row = await tx
          .insertInto('storages')
          .values({
            ...columns,
            organization_id: actor.organizationId!,
            project_id: input.project,
            direction: kind.direction,
            type: kind.type,
            created_by: actor.userId,
          })
          .returningAll()
          .executeTakeFirstOrThrow();
        await record(tx, actor, 'storage.create', row.id);
        return toStorage(row, key);
      });
    },

    get: (actor: Actor, kind: Kind, id: number) =>
      inScope(database.db, memberScope(actor), async (tx) => toStorage(await load(tx, actor, kind, id), key)),

    async update(actor: Actor, kind: Kind, id: number, input: StorageInput) {
      return inScope(database.db, memberScope(actor), async (tx) => {
        const current = await load(tx, actor, kind, id);
        if (input.project !== undefined && input.project !== current.project_id)
          throw new AppError('validation_failed', 'a storage cannot move to another project', [
            { in: 'body', field: 'project', message: 'cannot change' },
          ]);
        const columns = columnsOf(
          kind.type,
          input,
          { settings: current.settings as Record<string, unknown>, credentials: credentialsOf(current, key) },
          key,
        );
        const row = await tx
          .updateTable('storages')
          .set({ ...columns, updated_at: new Date() })
          .where('id', '=', id)
          .returningAll()
          .executeTakeFirstOrThrow();
        await record(tx, actor, 'storage.update', id);
        return toStorage(row, key);
      });
    },

    async remove(actor: Actor, kind: Kind, id: number) {
      await inScope(database.db, memberScope(actor), async (tx) => {
        await load(tx, actor, kind, id);
        await tx.deleteFrom('storages').where('id', '=', id).execute();
        await record(tx, actor, 'storage.delete', id);
      });
    },

    /** Label Studio's /validate: the settings as given (an existing storage's credentials fill in). */
    async validate(actor: Actor, kind: Kind, input: StorageInput & { project: number; id?: number | null }) {
      const current = await inScope(database.db, memberScope(actor), async (tx) => {
        await manage(tx, actor, input.project);
        return input.id ? load(tx, actor, kind, input.id) : null;
      });
      const columns = columnsOf(
        kind.type,
        input,
        current
          ? {
              settings: current.settings as Record<string, unknown>,
              credentials: credentialsOf(current, key),
            }
          : null,
        key,
      );
      const row = {
        type: kind.type,
        bucket: columns.bucket ?? current?.bucket ?? '',
        prefix: columns.prefix ?? current?.prefix ?? '',
        recursive_scan: columns.recursive_scan ?? current?.recursive_scan ?? false,
        settings: JSON.parse(columns.settings),
        credentials: columns.credentials === undefined ? (current?.credentials ?? null) : columns.credentials,
      };
      await probe(row as never);
      return {};
    },

    /** Queues a sync job (import: objects to tasks; export: annotations to objects). */
    async sync(actor: Actor, kind: Kind, id: number) {
      return inScope(database.db, memberScope(actor), async (tx) => {
        const row = await load(tx, actor, kind, id);
        if (row.status === 'queued' || row.status === 'in_progress')
          throw new AppError('conflict', `storage ${id} is already syncing (job ${row.last_sync_job})`);
        const job = await jobs.enqueue(tx, SYNC_JOB, {
          organizationId: row.organization_id,
          userId: actor.userId,
          projectId: row.project_id,
          payload: { storage_id: id },
          message: `${kind.direction} storage ${id} sync`,
        });
        const updated = await tx
          .updateTable('storages')
          .set({ status: 'queued', traceback: null, last_sync_job: job.id, updated_at: new Date() })
          .where('id', '=', id)
          .returningAll()
          .executeTakeFirstOrThrow();
        await record(tx, actor, 'storage.sync', id);
        return toStorage(updated, key);
      });
    },
  };
}

export type StoragesService = ReturnType<typeof createStoragesService>;
