// SQL of storages and their links. Sync writes one page of objects per transaction: the keys not linked yet
// become tasks (one set-based insert) and links (one more), under a row lock on the storage so two syncs of
// the same storage cannot both take a key.
import type { Selectable } from 'kysely';
import { sql } from 'kysely';
import type { Tx } from '../../db/scope.ts';
import type { Storages } from '../../db/types.ts';
import { insertTasks } from '../annotation/index.ts';

export type StorageRow = Selectable<Storages>;

export const findStorage = (tx: Tx, id: number) =>
  tx.selectFrom('storages').selectAll().where('id', '=', id).executeTakeFirst();

/** The keys of `keys` (deduplicated) that no task of the storage came from yet; locks the storage row. */
export async function unlinkedKeys(tx: Tx, storageId: number, keys: string[]): Promise<string[]> {
  await sql`SELECT 1 FROM storages WHERE id = ${storageId} FOR UPDATE`.execute(tx);
  const { rows } = await sql<{ key: string }>`
    SELECT DISTINCT k.key FROM unnest(${keys}::text[]) AS k(key)
    WHERE NOT EXISTS (SELECT 1 FROM storage_import_links l WHERE l.storage_id = ${storageId} AND l.key = k.key)
    ORDER BY k.key`.execute(tx);
  return rows.map((r) => r.key);
}

export interface NewTask {
  key: string;
  data: Record<string, unknown>;
  meta?: Record<string, unknown>;
}

/** Inserts the tasks and links each to its object; returns the new task ids. */
export async function insertLinkedTasks(tx: Tx, storage: StorageRow, tasks: NewTask[]): Promise<number[]> {
  if (tasks.length === 0) return [];
  const rows = await insertTasks(
    tx,
    storage.organization_id,
    storage.project_id,
    tasks.map((t) => ({ data: t.data, meta: t.meta ?? {} })),
    { userId: null },
  );
  // inner_id follows the input order.
  const ids = rows.sort((a, b) => a.inner_id - b.inner_id).map((r) => r.id);
  await sql`
    INSERT INTO storage_import_links (organization_id, storage_id, task_id, key)
    SELECT ${storage.organization_id}, ${storage.id}, t.id, t.key
    FROM unnest(${ids}::bigint[], ${tasks.map((t) => t.key)}::text[]) AS t(id, key)`.execute(tx);
  return ids;
}

export async function upsertExportLink(tx: Tx, storage: StorageRow, annotationId: number, key: string) {
  await sql`
    INSERT INTO storage_export_links (organization_id, storage_id, annotation_id, key)
    VALUES (${storage.organization_id}, ${storage.id}, ${annotationId}, ${key})
    ON CONFLICT (storage_id, annotation_id) DO UPDATE SET key = excluded.key, object_exists = true, updated_at = now()`.execute(
    tx,
  );
}

export const exportStoragesOf = (tx: Tx, projectId: number) =>
  tx
    .selectFrom('storages')
    .selectAll()
    .where('project_id', '=', projectId)
    .where('direction', '=', 'export')
    .orderBy('id')
    .execute();

export const importStoragesOf = (tx: Tx, projectId: number) =>
  tx
    .selectFrom('storages')
    .selectAll()
    .where('project_id', '=', projectId)
    .where('direction', '=', 'import')
    .orderBy('id')
    .execute();

export async function setSyncState(
  tx: Tx,
  id: number,
  values: Partial<{
    status: string;
    traceback: string | null;
    last_sync: Date;
    last_sync_count: number;
    last_sync_job: number;
    meta: string;
  }>,
) {
  await tx
    .updateTable('storages')
    .set({ ...values, updated_at: new Date() })
    .where('id', '=', id)
    .execute();
}
