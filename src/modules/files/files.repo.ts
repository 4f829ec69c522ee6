// SQL for stored files. No access decisions here; every query runs inside a tenant unit of work (RLS).
import { type Selectable, sql } from 'kysely';
import type { Tx } from '../../db/scope.ts';
import type { Files } from '../../db/types.ts';
import type { PageRequest } from '../../platform/http/common.schemas.ts';

export type FileRow = Selectable<Files>;

export interface NewFile {
  organizationId: number;
  projectId: number | null;
  uploadedBy: number;
  parentFileId: number | null;
  storageKey: string;
  name: string;
  mimeType: string;
  size: number;
  sha256: string;
  metadata: Record<string, unknown>;
}

const live = (tx: Tx) => tx.selectFrom('files').where('status', '<>', 'deleted');

export async function insertFile(tx: Tx, f: NewFile): Promise<FileRow> {
  return tx
    .insertInto('files')
    .values({
      organization_id: f.organizationId,
      project_id: f.projectId,
      uploaded_by: f.uploadedBy,
      parent_file_id: f.parentFileId,
      storage_key: f.storageKey,
      original_name: f.name,
      mime_type: f.mimeType,
      size_bytes: f.size,
      sha256: f.sha256,
      status: 'ready',
      metadata: JSON.stringify(f.metadata),
    })
    .returningAll()
    .executeTakeFirstOrThrow();
}

/** Companions of the main files in one statement. */
export async function insertCompanions(tx: Tx, parent: FileRow, files: NewFile[]): Promise<FileRow[]> {
  if (files.length === 0) return [];
  return tx
    .insertInto('files')
    .values(
      files.map((f) => ({
        organization_id: f.organizationId,
        project_id: f.projectId,
        uploaded_by: f.uploadedBy,
        parent_file_id: parent.id,
        storage_key: f.storageKey,
        original_name: f.name,
        mime_type: f.mimeType,
        size_bytes: f.size,
        sha256: f.sha256,
        status: 'ready',
        metadata: JSON.stringify(f.metadata),
      })),
    )
    .returningAll()
    .execute()
    .then((rows) => rows.sort((a, b) => a.id - b.id));
}

export async function findFile(tx: Tx, id: number): Promise<FileRow | undefined> {
  return live(tx).selectAll().where('id', '=', id).executeTakeFirst();
}

/** Live companions of each of `parentIds`, by parent id. */
export async function companionsOf(tx: Tx, parentIds: readonly number[]): Promise<Map<number, FileRow[]>> {
  const out = new Map<number, FileRow[]>(parentIds.map((id) => [id, []]));
  if (parentIds.length === 0) return out;
  const rows = await live(tx)
    .selectAll()
    .where('parent_file_id', 'in', parentIds as number[])
    .orderBy('id')
    .execute();
  for (const r of rows) out.get(r.parent_file_id!)?.push(r);
  return out;
}

/** A page of main files (no companions): a project's, or the ones `uploadedBy` uploaded. */
export async function listMainFiles(
  tx: Tx,
  filter: { projectId: number } | { uploadedBy: number },
  page: PageRequest,
): Promise<{ count: number; rows: FileRow[] }> {
  let q = live(tx).where('parent_file_id', 'is', null);
  q =
    'projectId' in filter
      ? q.where('project_id', '=', filter.projectId)
      : q.where('uploaded_by', '=', filter.uploadedBy);
  const { count } = await q.select((eb) => eb.fn.countAll<number>().as('count')).executeTakeFirstOrThrow();
  const rows = await q
    .selectAll()
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .limit(page.pageSize)
    .offset((page.page - 1) * page.pageSize)
    .execute();
  return { count: Number(count), rows };
}

export async function findByUploadId(tx: Tx, uploadId: string): Promise<FileRow | undefined> {
  return live(tx)
    .selectAll()
    .where(sql<string>`metadata->>'tus_id'`, '=', uploadId)
    .where('parent_file_id', 'is', null)
    .executeTakeFirst();
}

/** Serializes the finishing of one tus upload across requests and processes, until the transaction ends. */
export async function lockUpload(tx: Tx, uploadId: string): Promise<void> {
  await sql`SELECT pg_advisory_xact_lock(hashtextextended(${`gt.upload:${uploadId}`}, 0))`.execute(tx);
}

/** Marks a file and its companions deleted; answers the storage keys they held. */
export async function markDeleted(tx: Tx, id: number): Promise<string[]> {
  const rows = await tx
    .updateTable('files')
    .set({ status: 'deleted', deleted_at: sql`now()`, updated_at: sql`now()` })
    .where('status', '<>', 'deleted')
    .where((eb) => eb.or([eb('id', '=', id), eb('parent_file_id', '=', id)]))
    .returning('storage_key')
    .execute();
  return [...new Set(rows.map((r) => r.storage_key))];
}

/** Which of `keys` live rows of this organization still point at (other organizations are not visible). */
export async function keysInUseHere(tx: Tx, keys: readonly string[]): Promise<Set<string>> {
  if (keys.length === 0) return new Set();
  const rows = await live(tx)
    .select('storage_key')
    .distinct()
    .where('storage_key', 'in', keys as string[])
    .execute();
  return new Set(rows.map((r) => r.storage_key));
}

/**
 * Whether the database keeps the cross-organization reference count of blobs (table blob_refs, maintained by a
 * trigger on files). Without it a blob's other users in other organizations are invisible under RLS.
 */
export async function hasBlobRefs(tx: Tx): Promise<boolean> {
  const { rows } = await sql<{ present: boolean }>`
    SELECT to_regclass('public.blob_refs') IS NOT NULL AS present`.execute(tx);
  return rows[0]?.present === true;
}

/** Keys no live row of any organization points at. Reads rows the caller's trigger updates already locked. */
export async function unreferencedKeys(tx: Tx, keys: readonly string[]): Promise<string[]> {
  if (keys.length === 0) return [];
  const { rows } = await sql<{ storage_key: string }>`
    SELECT k.key AS storage_key
    FROM unnest(${keys as string[]}::text[]) AS k(key)
    LEFT JOIN blob_refs r ON r.storage_key = k.key
    WHERE coalesce(r.refs, 0) = 0`.execute(tx);
  return rows.map((r) => r.storage_key);
}
