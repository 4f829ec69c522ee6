// Stored files: datasets uploaded in one request, finished tus uploads, reading and deleting them.
// Who may do what: uploading into a project needs project.update (owner, manager); without a project,
// membership of the organization. A file is visible to its uploader and to whoever may read its project;
// deleting it takes its uploader or the project's owner or manager.
import type { Readable } from 'node:stream';
import { inScope, type Tx } from '../../db/scope.ts';
import { authorize, permitted } from '../../platform/access/access.ts';
import { audit } from '../../platform/audit.ts';
import type { Actor } from '../../platform/auth/actor.ts';
import type { Deps } from '../../platform/deps.ts';
import { AppError } from '../../platform/errors.ts';
import type { ByteRange, StoredBlob } from '../../platform/files/index.ts';
import type { PageRequest } from '../../platform/http/common.schemas.ts';
import { planDataset } from './datasets.ts';
import { detectMimeType, storeWithHead } from './detect.ts';
import {
  companionsOf,
  type FileRow,
  findByUploadId,
  findFile,
  hasBlobRefs,
  insertCompanions,
  insertFile,
  keysInUseHere,
  listMainFiles,
  lockUpload,
  markDeleted,
  type NewFile,
  unreferencedKeys,
} from './files.repo.ts';

export interface FileLimits {
  /** Largest file of a multipart request. */
  fileMaxBytes: number;
  /** Largest tus upload. */
  uploadMaxBytes: number;
}

/** A file already in the blob store, waiting for its row. */
export interface StoredPart {
  name: string;
  declaredType: string | null;
  blob: StoredBlob;
  head: Buffer;
}

const summary = (f: FileRow) => ({
  id: f.id,
  name: f.original_name,
  mime_type: f.mime_type,
  size: f.size_bytes,
  sha256: f.sha256,
  project: f.project_id,
  uploaded_by: f.uploaded_by,
  created_at: f.created_at,
});

const toRecord = (f: FileRow, companions: FileRow[]) => ({
  ...summary(f),
  parent: f.parent_file_id,
  companions: companions.map(summary),
});

export type FileRecord = ReturnType<typeof toRecord>;

const fileNotFound = (id: number | string) => new AppError('not_found', `file ${id} not found`);

/** A check another module (rooms' licenses) makes before new files' rows are written: throws to refuse. */
export type StorageQuota = (tx: Tx, organizationId: number, addBytes: number) => Promise<void>;

export function createFilesService(deps: Pick<Deps, 'database' | 'config' | 'blobs'>, limits: FileLimits) {
  const { database, config, blobs } = deps;
  let quota: StorageQuota | null = null;
  const access = { approvalRequired: config.APPROVAL_REQUIRED };

  function scope(actor: Actor) {
    if (actor.organizationId === null) throw new AppError('not_found', 'organization not found');
    return { organizationId: actor.organizationId, userId: actor.userId, requireMembership: true };
  }

  /** Uploading into a project takes project.update; without one, membership (checked by the scope). */
  async function mayUploadInto(tx: Tx, actor: Actor, projectId: number | null): Promise<void> {
    if (projectId !== null) await authorize(tx, actor, 'project.update', [projectId], access);
  }

  async function visible(tx: Tx, actor: Actor, id: number): Promise<FileRow> {
    const row = await findFile(tx, id);
    if (!row) throw fileNotFound(id);
    if (row.uploaded_by === actor.userId) return row;
    if (row.project_id !== null && (await permitted(tx, actor, 'project.read', [row.project_id])).size)
      return row;
    throw fileNotFound(id);
  }

  async function record(tx: Tx, row: FileRow): Promise<FileRecord> {
    const companions = row.parent_file_id === null ? (await companionsOf(tx, [row.id])).get(row.id)! : [];
    return toRecord(row, companions);
  }

  /**
   * Once blobs can be deleted (blob_refs present), a blob may vanish between storing it and the insert that
   * references it; the insert waited for that deletion's lock, so looking now tells. The client retries.
   */
  async function assertStored(tx: Tx, keys: readonly string[]): Promise<void> {
    if (!(await hasBlobRefs(tx))) return;
    for (const key of new Set(keys)) {
      if (!(await blobs.stat(key)))
        throw new AppError('conflict', 'the file was removed while it was being stored: send it again');
    }
  }

  const newFile = async (
    actor: Actor,
    projectId: number | null,
    part: StoredPart,
    metadata: Record<string, unknown> = {},
  ): Promise<NewFile> => ({
    organizationId: actor.organizationId!,
    projectId,
    uploadedBy: actor.userId,
    parentFileId: null,
    storageKey: part.blob.key,
    name: part.name,
    mimeType: await detectMimeType(part.head, part.name, part.declaredType),
    size: part.blob.size,
    sha256: part.blob.sha256,
    metadata,
  });

  /** The file a finished tus upload became, or null while it has none (idempotent by the upload id). */
  async function uploadedFile(actor: Actor, uploadId: string): Promise<FileRecord | null> {
    return inScope(database.db, scope(actor), async (tx) => {
      const row = await findByUploadId(tx, uploadId);
      return row && row.uploaded_by === actor.userId ? record(tx, row) : null;
    });
  }

  async function store(
    source: Readable,
    name: string,
    declaredType: string | null,
    maxBytes = limits.fileMaxBytes,
  ) {
    const { blob, head } = await storeWithHead(blobs, source, maxBytes);
    return { name, declaredType, blob, head } satisfies StoredPart;
  }

  return {
    limits,

    /** Sets the storage check uploads pass (the rooms module's plan limit). */
    useStorageQuota(check: StorageQuota): void {
      quota = check;
    },

    /** Refuses early (before any byte is stored) an upload the actor may not make. */
    async checkUploadTarget(actor: Actor, projectId: number | null): Promise<void> {
      await inScope(database.db, scope(actor), (tx) => mayUploadInto(tx, actor, projectId));
    },

    /** Streams one file into the blob store (no row yet): refused past the per-file limit. */
    store,

    /** One dataset (a main file and its companions) of already stored parts, all rows or none. */
    async createDataset(actor: Actor, projectId: number | null, parts: StoredPart[]): Promise<FileRecord> {
      const plan = planDataset(parts.map((p) => p.name));
      const main = await newFile(actor, projectId, parts[plan.main]!);
      const companions = await Promise.all(plan.companions.map((i) => newFile(actor, projectId, parts[i]!)));
      return inScope(database.db, scope(actor), async (tx) => {
        await mayUploadInto(tx, actor, projectId);
        await quota?.(
          tx,
          actor.organizationId!,
          parts.reduce((n, p) => n + p.blob.size, 0),
        );
        const parent = await insertFile(tx, main);
        const rows = await insertCompanions(tx, parent, companions);
        await assertStored(
          tx,
          [main, ...companions].map((f) => f.storageKey),
        );
        return toRecord(parent, rows);
      });
    },

    uploadedFile,

    /**
     * Turns a finished tus upload into a file: streams it into the blob store, decides its type from the
     * bytes and inserts the row. Safe to call twice (the row is keyed by the upload id).
     */
    async finishUpload(
      actor: Actor,
      upload: {
        id: string;
        size: number;
        name: string;
        declaredType: string | null;
        projectId: number | null;
      },
      open: () => Readable,
    ): Promise<FileRecord> {
      const done = await uploadedFile(actor, upload.id);
      if (done) return done;
      const part = await store(open(), upload.name, upload.declaredType, limits.uploadMaxBytes);
      if (part.blob.size !== upload.size)
        throw new AppError('conflict', `the upload has ${part.blob.size} of ${upload.size} bytes`);
      const file = await newFile(actor, upload.projectId, part, { tus_id: upload.id });
      return inScope(database.db, scope(actor), async (tx) => {
        await lockUpload(tx, upload.id);
        const existing = await findByUploadId(tx, upload.id);
        if (existing) return record(tx, existing);
        await mayUploadInto(tx, actor, upload.projectId);
        await quota?.(tx, actor.organizationId!, part.blob.size);
        const row = await insertFile(tx, file);
        await assertStored(tx, [row.storage_key]);
        return toRecord(row, []);
      });
    },

    async list(actor: Actor, projectId: number | undefined, page: PageRequest) {
      return inScope(database.db, scope(actor), async (tx) => {
        if (projectId !== undefined) await authorize(tx, actor, 'project.read', [projectId], access);
        const { count, rows } = await listMainFiles(
          tx,
          projectId !== undefined ? { projectId } : { uploadedBy: actor.userId },
          page,
        );
        const companions = await companionsOf(
          tx,
          rows.map((r) => r.id),
        );
        return { count, results: rows.map((r) => toRecord(r, companions.get(r.id) ?? [])) };
      });
    },

    async get(actor: Actor, id: number): Promise<FileRecord> {
      return inScope(database.db, scope(actor), async (tx) => record(tx, await visible(tx, actor, id)));
    },

    /** The row of a file the actor may read, to serve its bytes. */
    async open(actor: Actor, id: number): Promise<FileRow> {
      return inScope(database.db, scope(actor), (tx) => visible(tx, actor, id));
    },

    read(row: FileRow, range?: ByteRange): Promise<Readable> {
      return blobs.get(row.storage_key, range);
    },

    /**
     * Marks the file (and its companions) deleted. A blob goes only when no live row of any organization
     * still points at it; that count needs blob_refs, so without it blobs are kept (and can be swept later).
     */
    async remove(actor: Actor, id: number): Promise<void> {
      await inScope(database.db, scope(actor), async (tx) => {
        const row = await visible(tx, actor, id);
        if (row.uploaded_by !== actor.userId) {
          if (row.project_id === null) throw fileNotFound(id);
          await authorize(tx, actor, 'project.update', [row.project_id], access);
        }
        const keys = await markDeleted(tx, row.id);
        await audit(tx, {
          organizationId: actor.organizationId!,
          actorUserId: actor.userId,
          authMethod: actor.authMethod,
          action: 'file.delete',
          targetType: 'file',
          targetId: row.id,
          ip: actor.ip,
          userAgent: actor.userAgent,
          details: { name: row.original_name, sha256: row.sha256 },
        });
        const usedHere = await keysInUseHere(tx, keys);
        const candidates = keys.filter((k) => !usedHere.has(k));
        if (candidates.length === 0 || !(await hasBlobRefs(tx))) return;
        const unused = await unreferencedKeys(tx, candidates);
        // Deleted while this transaction holds the blob_refs rows, so an upload of the same bytes that is
        // inserting its row waits, then finds the blob gone and asks for the bytes again.
        for (const key of unused) await blobs.delete(key);
      });
    },
  };
}

export type FilesService = ReturnType<typeof createFilesService>;
