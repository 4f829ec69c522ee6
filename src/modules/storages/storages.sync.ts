// Sync jobs and annotation export. An import sync lists the bucket a page at a time and turns the objects not
// linked yet into tasks, one transaction per page (memory holds one page, a second sync adds only new
// objects, a crash loses at most the page under way). An export sync writes every annotation of the project
// as one JSON object; saving an annotation writes it at once through an internal task queued with the save.
import { buffer } from 'node:stream/consumers';
import { inScope, type Tx } from '../../db/scope.ts';
import type { Deps } from '../../platform/deps.ts';
import type { JobContext } from '../../platform/jobs/runner.ts';
import type { WebhookDispatcher } from '../../platform/webhooks/dispatcher.ts';
import { annotationsForExport, type ExportedAnnotation, projectDataKey } from '../annotation/index.ts';
import { openClient, type StorageClient, underPrefix } from './providers/index.ts';
import { providerOptions } from './storages.fields.ts';
import {
  exportStoragesOf,
  findStorage,
  insertLinkedTasks,
  type NewTask,
  type StorageRow,
  setSyncState,
  unlinkedKeys,
  upsertExportLink,
} from './storages.repo.ts';

export const EXPORT_TASK = 'storages.export';
const PAGE = 1000;
const PARALLEL = 16;
/** A JSON task file larger than this is recorded as an error instead of read. */
const MAX_TASK_FILE = 64 * 1024 * 1024;
const MAX_ERRORS = 100;

export interface ExportPayload {
  project_id: number;
  annotation_ids: number[];
  deleted?: boolean;
}

/** Runs `fn` over `items`, at most `n` at a time. */
async function each<T>(items: T[], n: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(n, items.length) }, async () => {
      while (next < items.length) await fn(items[next++]!);
    }),
  );
}

/** The tasks of one JSON task file: an object is one task, a list is many; `data` is optional. */
function tasksOfFile(key: string, text: string): NewTask[] {
  const value = JSON.parse(text) as unknown;
  const list = Array.isArray(value) ? value : [value];
  return list.map((v, i) => {
    if (typeof v !== 'object' || v === null || Array.isArray(v))
      throw new Error(`item ${i + 1} is not a JSON object`);
    const t = v as Record<string, unknown>;
    if ('data' in t) {
      if (typeof t.data !== 'object' || t.data === null || Array.isArray(t.data))
        throw new Error(`item ${i + 1}: "data" is not a JSON object`);
      const meta = typeof t.meta === 'object' && t.meta !== null && !Array.isArray(t.meta) ? t.meta : {};
      return { key, data: t.data as Record<string, unknown>, meta: meta as Record<string, unknown> };
    }
    return { key, data: t };
  });
}

export const exportBody = (a: ExportedAnnotation) => JSON.stringify(a);

export function createSyncer(deps: Pick<Deps, 'database' | 'config' | 'secrets' | 'webhooks'>) {
  const { database, config, secrets, webhooks } = deps;
  const net = { allowPrivate: config.WEBHOOK_ALLOW_PRIVATE, localRoot: config.STORAGE_LOCAL_ROOT ?? null };
  const open = (row: StorageRow) => openClient(providerOptions(row, secrets.dataKey), net);
  const inOrg = <T>(organizationId: number, fn: (tx: Tx) => Promise<T>) =>
    inScope(database.db, { organizationId, userId: null }, fn);

  async function importPage(
    row: StorageRow,
    client: StorageClient,
    keys: string[],
    dataKey: string | null,
    errors: { key: string; error: string }[],
  ): Promise<number> {
    if (dataKey !== null) {
      return inOrg(row.organization_id, async (tx) => {
        const fresh = await unlinkedKeys(tx, row.id, keys);
        const tasks = fresh.map((key) => ({ key, data: { [dataKey]: client.uri(key) } }));
        return (await insertLinkedTasks(tx, row, tasks)).length;
      });
    }
    // JSON task files: read the new ones outside the transaction, then insert those still new.
    const fresh = await inOrg(row.organization_id, (tx) => unlinkedKeys(tx, row.id, keys));
    const read = new Map<string, NewTask[]>();
    await each(fresh, PARALLEL, async (key) => {
      try {
        const object = await client.get(key);
        if (!object) return;
        if (object.size !== null && object.size > MAX_TASK_FILE) {
          object.body.destroy();
          throw new Error(`larger than ${MAX_TASK_FILE} bytes`);
        }
        read.set(key, tasksOfFile(key, (await buffer(object.body)).toString('utf8')));
      } catch (err) {
        if (errors.length < MAX_ERRORS) errors.push({ key, error: (err as Error).message.slice(0, 500) });
      }
    });
    if (read.size === 0) return 0;
    return inOrg(row.organization_id, async (tx) => {
      const still = await unlinkedKeys(tx, row.id, [...read.keys()]);
      return (
        await insertLinkedTasks(
          tx,
          row,
          still.flatMap((k) => read.get(k)!),
        )
      ).length;
    });
  }

  async function importSync(ctx: JobContext<{ storage_id: number }>, row: StorageRow) {
    const client = await open(row);
    try {
      const regex = row.regex_filter ? new RegExp(row.regex_filter) : null;
      const dataKey = row.use_blob_urls
        ? await inOrg(row.organization_id, (tx) => projectDataKey(tx, row.project_id))
        : null;
      const errors: { key: string; error: string }[] = [];
      let listed = 0;
      let created = 0;
      let pages = 0;
      for await (const page of client.pages(PAGE)) {
        ctx.signal.throwIfAborted();
        listed += page.length;
        const keys = regex ? page.filter((k) => regex.test(k)) : page;
        if (keys.length > 0) created += await importPage(row, client, keys, dataKey, errors);
        // Counts every 10 pages (and at the end, by run()): each write is a transaction of its own.
        if (++pages % 10 !== 0) continue;
        await inOrg(row.organization_id, (tx) =>
          setSyncState(tx, row.id, {
            last_sync_count: created,
            meta: JSON.stringify({ objects_listed: listed, tasks_created: created, errors }),
          }),
        );
        await ctx.progress(0, `${listed} objects listed, ${created} tasks created`);
      }
      if (created > 0)
        await inOrg(row.organization_id, (tx) =>
          webhooks.emit(tx, {
            organizationId: row.organization_id,
            projectId: row.project_id,
            action: 'TASKS_CREATED',
            payload: { task_count: created, storage: row.id, project: { id: row.project_id } },
          }),
        );
      return { objects_listed: listed, tasks_created: created, errors };
    } finally {
      await client.close().catch(() => {});
    }
  }

  async function writeAnnotations(row: StorageRow, client: StorageClient, list: ExportedAnnotation[]) {
    await each(list, PARALLEL, async (a) => {
      await client.put(underPrefix(row.prefix, String(a.id)), exportBody(a), 'application/json');
    });
    await inOrg(row.organization_id, async (tx) => {
      for (const a of list) await upsertExportLink(tx, row, a.id, underPrefix(row.prefix, String(a.id)));
    });
  }

  async function exportSync(ctx: JobContext<{ storage_id: number }>, row: StorageRow) {
    const client = await open(row);
    try {
      let afterId = 0;
      let written = 0;
      for (;;) {
        ctx.signal.throwIfAborted();
        const list = await inOrg(row.organization_id, (tx) =>
          annotationsForExport(tx, row.project_id, { afterId, limit: 500 }),
        );
        if (list.length === 0) break;
        await writeAnnotations(row, client, list);
        written += list.length;
        afterId = list[list.length - 1]!.id;
        await inOrg(row.organization_id, (tx) => setSyncState(tx, row.id, { last_sync_count: written }));
        await ctx.progress(0, `${written} annotations written`);
      }
      return { annotations_written: written };
    } finally {
      await client.close().catch(() => {});
    }
  }

  return {
    /** The sync job: import or export by the storage's direction; the outcome is on the storage row. */
    async run(ctx: JobContext<{ storage_id: number }>) {
      const org = ctx.organizationId;
      const row = await inOrg(org, (tx) => findStorage(tx, ctx.payload.storage_id));
      if (!row) return { skipped: 'the storage is gone' };
      await inOrg(org, (tx) => setSyncState(tx, row.id, { status: 'in_progress', traceback: null }));
      try {
        const result = row.direction === 'import' ? await importSync(ctx, row) : await exportSync(ctx, row);
        const count = 'tasks_created' in result ? result.tasks_created : result.annotations_written;
        await inOrg(org, (tx) =>
          setSyncState(tx, row.id, {
            status: 'completed',
            last_sync: new Date(),
            last_sync_count: count,
            ...('tasks_created' in result && { meta: JSON.stringify(result) }),
          }),
        );
        return result;
      } catch (err) {
        const e = err as Error;
        await inOrg(org, (tx) =>
          setSyncState(tx, row.id, {
            status: 'failed',
            last_sync: new Date(),
            traceback: `${e.name}: ${e.message}`.slice(0, 20000),
          }),
        ).catch(() => {});
        throw err;
      }
    },

    /** Writes (or, when deleted and allowed, removes) the annotations' objects in every export storage. */
    async exportAnnotations(organizationId: number, payload: ExportPayload) {
      const rows = await inOrg(organizationId, (tx) => exportStoragesOf(tx, payload.project_id));
      for (const row of rows) {
        if (payload.deleted && !row.can_delete_objects) continue;
        const client = await open(row);
        try {
          if (payload.deleted) {
            for (const id of payload.annotation_ids) await client.remove(underPrefix(row.prefix, String(id)));
            continue;
          }
          const list = await inOrg(organizationId, (tx) =>
            annotationsForExport(tx, payload.project_id, { ids: payload.annotation_ids }),
          );
          await writeAnnotations(row, client, list);
        } finally {
          await client.close().catch(() => {});
        }
      }
    },
  };
}

const SAVED = new Set(['ANNOTATION_CREATED', 'ANNOTATION_UPDATED', 'ANNOTATIONS_CREATED']);
const DELETED = 'ANNOTATIONS_DELETED';

const annotationIds = (payload: Record<string, unknown>): number[] => {
  const one = (payload.annotation as { id?: unknown } | undefined)?.id;
  const many = Array.isArray(payload.annotations) ? payload.annotations : [];
  return [one, ...many.map((a) => (a as { id?: unknown })?.id)].filter(
    (id): id is number => typeof id === 'number',
  );
};

/**
 * The webhook dispatcher with annotation events also queued for the project's export storages, in the same
 * transaction as the save (an annotation is exported exactly when its save committed).
 */
export function withStorageExports(inner: WebhookDispatcher, jobs: Deps['jobs']): WebhookDispatcher {
  return {
    ...inner,
    async emit(tx, event) {
      const n = await inner.emit(tx, event);
      const saved = SAVED.has(event.action);
      if (event.projectId !== null && (saved || event.action === DELETED)) {
        const ids = annotationIds(event.payload);
        const target = await tx
          .selectFrom('storages')
          .select('id')
          .where('project_id', '=', event.projectId)
          .where('direction', '=', 'export')
          .limit(1)
          .executeTakeFirst();
        if (target && ids.length > 0)
          await jobs.enqueueTasks<ExportPayload>(tx, EXPORT_TASK, event.organizationId, [
            { project_id: event.projectId, annotation_ids: ids, ...(!saved && { deleted: true }) },
          ]);
      }
      return n;
    },
  };
}
