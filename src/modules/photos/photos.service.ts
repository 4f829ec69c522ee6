// Photos: upload (multipart or a finished tus upload) with duplicates found by content, listing with filters
// and keyset paging, reading, editing, deleting and serving the bytes. The heavy work (EXIF, thumbnails,
// detection) runs in jobs (photos.jobs.ts) queued in the upload's transaction.
import type { Readable } from 'node:stream';
import { fileTypeFromBuffer } from 'file-type';
import { inScope, readScope, type Tx } from '../../db/scope.ts';
import type { Action } from '../../platform/access/policy.ts';
import { audit } from '../../platform/audit.ts';
import type { Actor } from '../../platform/auth/actor.ts';
import type { Deps } from '../../platform/deps.ts';
import { AppError } from '../../platform/errors.ts';
import type { StoredBlob } from '../../platform/files/index.ts';
import {
  findByUploadId,
  hasBlobRefs,
  insertFile,
  keysInUseHere,
  markDeleted,
  storeWithHead,
  unreferencedKeys,
} from '../files/index.ts';
import { photoTypeOf, type ThumbnailSize } from './image.ts';
import { type AccessOptions, canOnProject, canOnThing, tenantScope } from './photos.access.ts';
import {
  findBySha,
  findPhoto,
  insertPhoto,
  type ListedPhotoRow,
  listPhotos,
  lockContent,
  markPhotoDeleted,
  type PhotoFilter,
  type PhotoRow,
  type PhotoTag,
  tagsOf,
  updatePhoto,
} from './photos.repo.ts';

export const PROCESS_JOB = 'photos.process';

const photoNotFound = (id: number) => new AppError('not_found', `photo ${id} not found`);

/** A live photo the actor may `action` on; 404 when it is not visible to them. */
export async function visiblePhoto(tx: Tx, actor: Actor, id: number, action: Action, access: AccessOptions) {
  const row = await findPhoto(tx, id);
  if (!row) throw photoNotFound(id);
  await canOnThing(tx, actor, action, row.project_id, photoNotFound(id), access);
  return row;
}

export function toPhoto(row: ListedPhotoRow & { exif?: unknown }, tags: PhotoTag[], withExif: boolean) {
  const base = `/api/photos/${row.id}`;
  return {
    id: row.id,
    project: row.project_id,
    status: row.status as 'uploaded' | 'processing' | 'processed' | 'failed',
    error: row.error,
    name: row.original_name,
    mime_type: row.mime_type,
    size: row.size_bytes,
    sha256: row.sha256,
    width: row.width,
    height: row.height,
    captured_at: row.captured_at,
    latitude: row.latitude,
    longitude: row.longitude,
    altitude: row.altitude,
    description: row.description,
    ...(withExif && { exif: (row.exif as Record<string, unknown> | null) ?? null }),
    tags,
    uploaded_by: row.uploaded_by,
    created_at: row.created_at,
    urls: {
      original: `${base}/original`,
      small: row.thumbnail_small_key ? `${base}/thumbnail?size=small` : null,
      large: row.thumbnail_large_key ? `${base}/thumbnail?size=large` : null,
    },
  };
}

export type PhotoRecord = ReturnType<typeof toPhoto>;

export interface ListQuery {
  cursor?: string;
  limit?: number;
  sort?: 'created_at' | 'captured_at';
  tag?: number;
  status?: string;
  captured_from?: string;
  captured_to?: string;
  min_lat?: number;
  max_lat?: number;
  min_lon?: number;
  max_lon?: number;
  has_unconfirmed?: boolean;
  detection_type?: string;
  min_confidence?: number;
}

const invalidQuery = (field: string, message: string) =>
  new AppError('validation_failed', `${field} ${message}`, [{ in: 'querystring', field, message }]);

function decodeCursor(cursor: string, sort: string): { value: Date | null; id: number } {
  try {
    const [s, v, id] = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as [
      string,
      string | null,
      number,
    ];
    if (s !== sort || !Number.isSafeInteger(id) || id < 1) throw new Error('mismatch');
    const value = v === null ? null : new Date(v);
    if (value && Number.isNaN(value.getTime())) throw new Error('bad date');
    return { value, id };
  } catch {
    throw invalidQuery('cursor', 'is not a cursor of this listing (take next_cursor of the previous page)');
  }
}

const encodeCursor = (sort: string, value: Date | null, id: number) =>
  Buffer.from(JSON.stringify([sort, value ? value.toISOString() : null, id])).toString('base64url');

export function filterOf(projectId: number, q: ListQuery): PhotoFilter {
  const sort = q.sort ?? 'created_at';
  const f: PhotoFilter = { projectId, sort, limit: q.limit ?? 50 };
  if (q.tag !== undefined) f.tagId = q.tag;
  if (q.status !== undefined) f.status = q.status;
  if (q.captured_from !== undefined) f.capturedFrom = new Date(q.captured_from);
  if (q.captured_to !== undefined) f.capturedTo = new Date(q.captured_to);
  const box = [q.min_lat, q.max_lat, q.min_lon, q.max_lon];
  if (box.some((v) => v !== undefined)) {
    if (box.some((v) => v === undefined))
      throw invalidQuery('min_lat', 'a bounding box needs all of min_lat, max_lat, min_lon, max_lon');
    const [minLat, maxLat, minLon, maxLon] = box as number[];
    if (minLat! > maxLat!) throw invalidQuery('min_lat', 'must not be greater than max_lat');
    if (minLon! > maxLon!) throw invalidQuery('min_lon', 'must not be greater than max_lon');
    f.bbox = { minLat: minLat!, maxLat: maxLat!, minLon: minLon!, maxLon: maxLon! };
  }
  if (q.has_unconfirmed !== undefined) f.hasUnconfirmed = q.has_unconfirmed;
  if (q.detection_type !== undefined) f.detectionType = q.detection_type;
  if (q.min_confidence !== undefined) f.minConfidence = q.min_confidence;
  if (q.cursor !== undefined) f.after = decodeCursor(q.cursor, sort);
  return f;
}

export function createPhotosService(deps: Pick<Deps, 'database' | 'config' | 'blobs' | 'jobs' | 'webhooks'>) {
  const { database, config, blobs, jobs, webhooks } = deps;
  const access = { approvalRequired: config.APPROVAL_REQUIRED };
  const maxBytes = config.PHOTO_MAX_BYTES;

  const scope = tenantScope;
  const can = (tx: Tx, actor: Actor, action: Action, projectId: number) =>
    canOnProject(tx, actor, action, projectId, access);
  const photoFor = (tx: Tx, actor: Actor, id: number, action: Action = 'photos.read') =>
    visiblePhoto(tx, actor, id, action, access);

  async function record(tx: Tx, row: PhotoRow, withExif = true): Promise<PhotoRecord> {
    return toPhoto(row, (await tagsOf(tx, [row.id])).get(row.id) ?? [], withExif);
  }

  /** A blob nobody refers to (a refused upload) is removed again. */
  async function discard(actor: Actor, key: string): Promise<void> {
    await inScope(database.db, scope(actor), async (tx) => {
      if (!(await hasBlobRefs(tx))) return;
      if ((await keysInUseHere(tx, [key])).size) return;
      if ((await unreferencedKeys(tx, [key])).length) await blobs.delete(key);
    });
  }

  async function typeOf(actor: Actor, blob: StoredBlob, head: Buffer) {
    const detected = await fileTypeFromBuffer(head);
    const type = photoTypeOf(detected?.mime);
    if (!type) {
      await discard(actor, blob.key);
      throw new AppError(
        'unsupported_media_type',
        `${detected ? `${detected.mime} is` : 'these bytes are'} not a supported photo type: send JPEG, PNG, WebP, TIFF or HEIC`,
      );
    }
    return type;
  }

  /** Rows for stored bytes: the same bytes in the same project answer the photo that has them. */
  async function admit(
    actor: Actor,
    projectId: number,
    blob: StoredBlob,
    name: string,
    mimeType: string,
    metadata: Record<string, unknown>,
  ): Promise<{ photo: PhotoRecord; duplicate: boolean }> {
    return inScope(database.db, scope(actor), async (tx) => {
      await can(tx, actor, 'photos.upload', projectId);
      await lockContent(tx, projectId, blob.sha256);
      const existing = await findBySha(tx, projectId, blob.sha256);
      if (existing) return { photo: await record(tx, existing), duplicate: true };
      const file = await insertFile(tx, {
        organizationId: actor.organizationId!,
        projectId,
        uploadedBy: actor.userId,
        parentFileId: null,
        storageKey: blob.key,
        name,
        mimeType,
        size: blob.size,
        sha256: blob.sha256,
        metadata: { ...metadata, photo: true },
      });
      if ((await hasBlobRefs(tx)) && !(await blobs.stat(blob.key)))
        throw new AppError('conflict', 'the file was removed while it was being stored: send it again');
      const row = await insertPhoto(tx, {
        organizationId: actor.organizationId!,
        projectId,
        fileId: file.id,
        uploadedBy: actor.userId,
        storageKey: blob.key,
        name,
        mimeType,
        size: blob.size,
        sha256: blob.sha256,
      });
      await jobs.enqueue(tx, PROCESS_JOB, {
        organizationId: actor.organizationId!,
        userId: actor.userId,
        projectId,
        payload: { photoId: row.id },
        message: `EXIF and thumbnails of ${name}`,
      });
      const photo = await record(tx, row);
      await webhooks.emit(tx, {
        organizationId: actor.organizationId!,
        projectId,
        action: 'PHOTO_CREATED',
        payload: { photo },
      });
      return { photo, duplicate: false };
    });
  }

  return {
    maxBytes,

    /** Refuses early (before any byte is stored) an upload the actor may not make. */
    async checkUpload(actor: Actor, projectId: number): Promise<void> {
      await inScope(database.db, scope(actor), (tx) => can(tx, actor, 'photos.upload', projectId));
    },

    /** Streams one photo in (refused past PHOTO_MAX_BYTES), decides its type from the bytes, records it. */
    async upload(actor: Actor, projectId: number, source: Readable, name: string) {
      const { blob, head } = await storeWithHead(blobs, source, maxBytes);
      const type = await typeOf(actor, blob, head);
      return admit(actor, projectId, blob, name, type, {});
    },

    /** A finished tus upload of the actor's becomes a photo (its bytes are already in the blob store). */
    async uploadFromTus(actor: Actor, projectId: number, uploadId: string) {
      const file = await inScope(database.db, scope(actor), async (tx) => {
        await can(tx, actor, 'photos.upload', projectId);
        const row = await findByUploadId(tx, uploadId);
        return row && row.uploaded_by === actor.userId ? row : null;
      });
      if (!file) throw new AppError('not_found', `no finished upload ${uploadId} of yours`);
      if (file.size_bytes > maxBytes)
        throw new AppError('payload_too_large', `the photo is larger than ${maxBytes} bytes`);
      const head = await blobs.get(file.storage_key, { start: 0, end: 64 * 1024 - 1 });
      const chunks: Buffer[] = [];
      for await (const c of head) chunks.push(c as Buffer);
      const blob = { key: file.storage_key, sha256: file.sha256, size: file.size_bytes };
      const type = photoTypeOf((await fileTypeFromBuffer(Buffer.concat(chunks)))?.mime);
      if (!type)
        throw new AppError(
          'unsupported_media_type',
          `${file.mime_type} is not a supported photo type: send JPEG, PNG, WebP, TIFF or HEIC`,
        );
      return admit(actor, projectId, blob, file.original_name, type, { tus_file_id: file.id });
    },

    async list(actor: Actor, projectId: number, q: ListQuery) {
      const filter = filterOf(projectId, q);
      return readScope(database, scope(actor), async (tx) => {
        await can(tx, actor, 'photos.read', projectId);
        const rows = await listPhotos(tx, { ...filter, limit: filter.limit + 1 });
        const page = rows.slice(0, filter.limit);
        const last = page.at(-1);
        return {
          results: page.map((r) => toPhoto(r, r.tags, false)),
          next_cursor:
            rows.length > filter.limit && last
              ? encodeCursor(
                  filter.sort,
                  filter.sort === 'created_at' ? last.created_at : last.captured_at,
                  last.id,
                )
              : null,
        };
      });
    },

    async get(actor: Actor, id: number): Promise<PhotoRecord> {
      return inScope(database.db, scope(actor), async (tx) => record(tx, await photoFor(tx, actor, id)));
    },

    async update(
      actor: Actor,
      id: number,
      patch: {
        description?: string | null;
        captured_at?: string | null;
        latitude?: number | null;
        longitude?: number | null;
        altitude?: number | null;
      },
    ): Promise<PhotoRecord> {
      return inScope(database.db, scope(actor), async (tx) => {
        const row = await photoFor(tx, actor, id, 'photos.manage');
        const lat = patch.latitude !== undefined ? patch.latitude : row.latitude;
        const lon = patch.longitude !== undefined ? patch.longitude : row.longitude;
        if ((lat === null) !== (lon === null))
          throw new AppError('validation_failed', 'latitude and longitude are set (or cleared) together', [
            { in: 'body', field: lat === null ? 'latitude' : 'longitude', message: 'needs its pair' },
          ]);
        const values: Parameters<typeof updatePhoto>[2] = {};
        if (patch.description !== undefined) values.description = patch.description;
        if (patch.captured_at !== undefined)
          values.captured_at = patch.captured_at === null ? null : new Date(patch.captured_at);
        if (patch.latitude !== undefined) values.latitude = patch.latitude;
        if (patch.longitude !== undefined) values.longitude = patch.longitude;
        if (patch.altitude !== undefined) values.altitude = patch.altitude;
        return record(tx, await updatePhoto(tx, id, values));
      });
    },

    /** Soft-deletes the photo; its files rows go too, and blobs nobody else refers to. */
    async remove(actor: Actor, id: number): Promise<void> {
      await inScope(database.db, scope(actor), async (tx) => {
        const row = await photoFor(tx, actor, id, 'photos.manage');
        await markPhotoDeleted(tx, id);
        // Its detections leave the review queue and the filters with it.
        await tx.deleteFrom('detections').where('photo_id', '=', id).execute();
        const keys = await markDeleted(tx, row.file_id);
        await audit(tx, {
          organizationId: actor.organizationId!,
          actorUserId: actor.userId,
          authMethod: actor.authMethod,
          action: 'photo.delete',
          targetType: 'photo',
          targetId: id,
          ip: actor.ip,
          userAgent: actor.userAgent,
          details: { name: row.original_name, sha256: row.sha256 },
        });
        const usedHere = await keysInUseHere(tx, keys);
        const candidates = keys.filter((k) => !usedHere.has(k));
        if (candidates.length === 0 || !(await hasBlobRefs(tx))) return;
        for (const key of await unreferencedKeys(tx, candidates)) await blobs.delete(key);
      });
    },

    /** The row and a stream of the original or a thumbnail of a photo the actor may read. */
    async open(actor: Actor, id: number, what: 'original' | ThumbnailSize) {
      const row = await inScope(database.db, scope(actor), (tx) => photoFor(tx, actor, id));
      return { row, ...(await bytesOf(row, what)) };
    },

    bytesOf,
  };

  async function bytesOf(row: PhotoRow, what: 'original' | ThumbnailSize) {
    if (what === 'original')
      return { stream: await blobs.get(row.storage_key), type: row.mime_type, etag: row.sha256 };
    const key = what === 'small' ? row.thumbnail_small_key : row.thumbnail_large_key;
    if (!key)
      throw new AppError(
        'not_found',
        row.status === 'failed'
          ? `photo ${row.id} has no thumbnail: ${row.error ?? 'processing failed'}`
          : `the thumbnails of photo ${row.id} are not made yet (status ${row.status})`,
      );
    return { stream: await blobs.get(key), type: 'image/webp', etag: key.slice(-64) };
  }
}

export type PhotosService = ReturnType<typeof createPhotosService>;
