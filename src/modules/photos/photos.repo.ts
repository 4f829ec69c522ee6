// SQL for photos. No access decisions; every query runs inside a tenant unit of work (RLS).
import { type Selectable, sql } from 'kysely';
import type { Tx } from '../../db/scope.ts';
import { shapedStatements } from '../../db/statements.ts';
import type { Photos } from '../../db/types.ts';

export type PhotoRow = Selectable<Photos>;

/** The columns a photo listing answers with (no EXIF, storage keys or bookkeeping: less to read and parse). */
const LISTED = [
  'id',
  'project_id',
  'status',
  'error',
  'original_name',
  'mime_type',
  'size_bytes',
  'sha256',
  'width',
  'height',
  'captured_at',
  'latitude',
  'longitude',
  'altitude',
  'description',
  'uploaded_by',
  'created_at',
  'thumbnail_small_key',
  'thumbnail_large_key',
] as const;
export type ListedPhotoRow = Pick<PhotoRow, (typeof LISTED)[number]>;

export interface PhotoTag {
  id: number;
  name: string;
  source: 'ai' | 'user';
  color: string | null;
}

export interface NewPhoto {
  organizationId: number;
  projectId: number;
  fileId: number;
  uploadedBy: number;
  storageKey: string;
  name: string;
  mimeType: string;
  size: number;
  sha256: string;
}

const live = (tx: Tx) => tx.selectFrom('photos').where('deleted_at', 'is', null);

export async function insertPhoto(tx: Tx, p: NewPhoto): Promise<PhotoRow> {
  return tx
    .insertInto('photos')
    .values({
      organization_id: p.organizationId,
      project_id: p.projectId,
      file_id: p.fileId,
      uploaded_by: p.uploadedBy,
      storage_key: p.storageKey,
      original_name: p.name,
      mime_type: p.mimeType,
      size_bytes: p.size,
      sha256: p.sha256,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
}

export async function findPhoto(tx: Tx, id: number): Promise<PhotoRow | undefined> {
  return live(tx).selectAll().where('id', '=', id).executeTakeFirst();
}

export async function findPhotos(tx: Tx, ids: readonly number[]): Promise<PhotoRow[]> {
  if (ids.length === 0) return [];
  return live(tx)
    .selectAll()
    .where('id', 'in', ids as number[])
    .orderBy('id')
    .execute();
}

export async function lockPhoto(tx: Tx, id: number): Promise<PhotoRow | undefined> {
  return tx.selectFrom('photos').selectAll().where('id', '=', id).forUpdate().executeTakeFirst();
}

export async function findBySha(tx: Tx, projectId: number, sha256: string): Promise<PhotoRow | undefined> {
  return live(tx)
    .selectAll()
    .where('project_id', '=', projectId)
    .where('sha256', '=', sha256)
    .executeTakeFirst();
}

/** Serializes uploads of the same bytes into one project until the transaction ends. */
export async function lockContent(tx: Tx, projectId: number, sha256: string): Promise<void> {
  await sql`SELECT pg_advisory_xact_lock(hashtextextended(${`gt.photo:${projectId}:${sha256}`}, 0))`.execute(
    tx,
  );
}

/** Tags of each photo, by photo id. */
export async function tagsOf(tx: Tx, photoIds: readonly number[]): Promise<Map<number, PhotoTag[]>> {
  const out = new Map<number, PhotoTag[]>(photoIds.map((id) => [id, []]));
  if (photoIds.length === 0) return out;
  const rows = await tx
    .selectFrom('photo_tags as pt')
    .innerJoin('photo_tag_catalog as t', 't.id', 'pt.tag_id')
    .select(['pt.photo_id', 't.id', 't.name', 'pt.source', 't.color'])
    .where('pt.photo_id', 'in', photoIds as number[])
    .orderBy('t.name')
    .execute();
  for (const r of rows)
    out
      .get(r.photo_id)
      ?.push({ id: r.id, name: r.name, source: r.source as PhotoTag['source'], color: r.color });
  return out;
}

export interface PhotoFilter {
  projectId: number;
  sort: 'created_at' | 'captured_at';
  tagId?: number;
  capturedFrom?: Date;
  capturedTo?: Date;
  bbox?: { minLat: number; maxLat: number; minLon: number; maxLon: number };
  hasUnconfirmed?: boolean;
  detectionType?: string;
  minConfidence?: number;
  status?: string;
  /** Keyset: the last row of the previous page. */
  after?: { value: Date | null; id: number };
  limit: number;
}

/**
 * One page of a project's photos, newest first by the sort column. Each filter is one predicate an index
 * answers: (project, created_at|captured_at, id), (project, latitude, longitude), photo_tags (photo, tag),
 * detections (photo, type, confidence) and the partial index of unconfirmed detections.
 */
export async function listPhotos(tx: Tx, f: PhotoFilter): Promise<ListedPhoto[]> {
  const values: Record<string, unknown> = {
    projectId: f.projectId,
    limit: f.limit,
    tagId: f.tagId,
    capturedFrom: f.capturedFrom,
    capturedTo: f.capturedTo,
    minLat: f.bbox?.minLat,
    maxLat: f.bbox?.maxLat,
    minLon: f.bbox?.minLon,
    maxLon: f.bbox?.maxLon,
    detectionType: f.detectionType,
    minConfidence: f.minConfidence,
    status: f.status,
    afterValue: f.after?.value ?? undefined,
    afterId: f.after?.id,
  };
  const key = [
    f.sort,
    f.status !== undefined,
    f.capturedFrom !== undefined,
    f.capturedTo !== undefined,
    f.bbox !== undefined,
    f.tagId !== undefined,
    f.hasUnconfirmed ?? '-',
    f.detectionType !== undefined,
    f.minConfidence !== undefined,
    f.after ? (f.after.value === null ? 'null' : 'value') : '-',
  ].join('|');
  // Every value goes in as a parameter; the shape (which filters, the sort, a null cursor) is the key.
  return listings.rows(tx, key, values, (param) => {
    const p = (name: string) => (values[name] === undefined ? undefined : param(name));
    return listingQuery(tx, {
      projectId: param('projectId'),
      sort: f.sort,
      tagId: p('tagId'),
      capturedFrom: p('capturedFrom'),
      capturedTo: p('capturedTo'),
      bbox: f.bbox && { minLat: p('minLat'), maxLat: p('maxLat'), minLon: p('minLon'), maxLon: p('maxLon') },
      hasUnconfirmed: f.hasUnconfirmed,
      detectionType: p('detectionType'),
      minConfidence: p('minConfidence'),
      status: p('status'),
      after: f.after && { value: f.after.value === null ? null : p('afterValue'), id: p('afterId') },
      limit: param('limit'),
    } as PhotoFilter);
  });
}

type ListedPhoto = ListedPhotoRow & { tags: PhotoTag[] };
const listings = shapedStatements<Record<string, unknown>>();

function listingQuery(tx: Tx, f: PhotoFilter) {
  const col = f.sort;
  // The tags of each photo of the page come in the same statement (computed only for the rows returned).
  let q = live(tx)
    .select(LISTED.map((c) => `photos.${c}` as const))
    .select(
      sql<PhotoTag[]>`coalesce((
        SELECT json_agg(json_build_object('id', c.id, 'name', c.name, 'source', pt.source, 'color', c.color)
                        ORDER BY c.name)
        FROM photo_tags pt JOIN photo_tag_catalog c ON c.id = pt.tag_id
        WHERE pt.photo_id = photos.id), '[]'::json)`.as('tags'),
    )
    .where('project_id', '=', f.projectId);
  if (f.status) q = q.where('status', '=', f.status as PhotoRow['status']);
  if (f.capturedFrom) q = q.where('captured_at', '>=', f.capturedFrom);
  if (f.capturedTo) q = q.where('captured_at', '<', f.capturedTo);
  if (f.bbox) {
    q = q
      .where('latitude', '>=', f.bbox.minLat)
      .where('latitude', '<=', f.bbox.maxLat)
      .where('longitude', '>=', f.bbox.minLon)
      .where('longitude', '<=', f.bbox.maxLon);
  }
  if (f.tagId !== undefined) {
    const tagId = f.tagId;
    q = q.where(({ exists, selectFrom }) =>
      exists(
        selectFrom('photo_tags as pt')
          .select(sql`1`.as('one'))
          .whereRef('pt.photo_id', '=', 'photos.id')
          .where('pt.tag_id', '=', tagId),
      ),
    );
  }
  if (f.hasUnconfirmed !== undefined) {
    const pending = sql<boolean>`EXISTS (SELECT 1 FROM detections d WHERE d.photo_id = photos.id
      AND d.user_confirmed = false AND d.reviewed_at IS NULL)`;
    q = q.where(f.hasUnconfirmed ? pending : sql<boolean>`NOT ${pending}`);
  }
  if (f.detectionType !== undefined || f.minConfidence !== undefined) {
    const { detectionType, minConfidence } = f;
    q = q.where(({ exists, selectFrom }) => {
      let d = selectFrom('detections as d').select(sql`1`.as('one')).whereRef('d.photo_id', '=', 'photos.id');
      if (detectionType !== undefined)
        d = d.where('d.detection_type', '=', detectionType as 'damage' | 'material' | 'volume' | 'quality');
      if (minConfidence !== undefined) d = d.where('d.confidence', '>=', minConfidence);
      return exists(d);
    });
  }
  if (f.after) {
    const { value, id } = f.after;
    if (col === 'created_at') {
      q = q.where(sql<boolean>`(photos.created_at, photos.id) < (${value}, ${id})`);
    } else if (value === null) {
      q = q.where('captured_at', 'is', null).where('id', '<', id);
    } else {
      q = q.where(
        sql<boolean>`((photos.captured_at, photos.id) < (${value}, ${id}) OR photos.captured_at IS NULL)`,
      );
    }
  }
  const ordered =
    col === 'created_at'
      ? q.orderBy('created_at', 'desc').orderBy('id', 'desc')
      : q.orderBy(sql`captured_at DESC NULLS LAST`).orderBy('id', 'desc');
  return ordered.limit(f.limit);
}

export interface PhotoFacts {
  width: number;
  height: number;
  capturedAt: Date | null;
  latitude: number | null;
  longitude: number | null;
  altitude: number | null;
  exif: Record<string, unknown> | null;
  smallKey: string;
  largeKey: string;
}

export async function recordFacts(tx: Tx, id: number, f: PhotoFacts): Promise<void> {
  await tx
    .updateTable('photos')
    .set({
      width: f.width,
      height: f.height,
      captured_at: f.capturedAt,
      latitude: f.latitude,
      longitude: f.longitude,
      altitude: f.altitude,
      exif: f.exif === null ? null : JSON.stringify(f.exif),
      thumbnail_small_key: f.smallKey,
      thumbnail_large_key: f.largeKey,
      status: 'processed',
      error: null,
      updated_at: sql`now()`,
    })
    .where('id', '=', id)
    .execute();
}

export async function setStatus(tx: Tx, id: number, status: PhotoRow['status'], error: string | null) {
  await tx
    .updateTable('photos')
    .set({ status, error, updated_at: sql`now()` })
    .where('id', '=', id)
    .execute();
}

export async function updatePhoto(
  tx: Tx,
  id: number,
  values: Partial<{
    description: string | null;
    captured_at: Date | null;
    latitude: number | null;
    longitude: number | null;
    altitude: number | null;
  }>,
): Promise<PhotoRow> {
  return tx
    .updateTable('photos')
    .set({ ...values, updated_at: sql`now()` })
    .where('id', '=', id)
    .returningAll()
    .executeTakeFirstOrThrow();
}

export async function markPhotoDeleted(tx: Tx, id: number): Promise<void> {
  await tx
    .updateTable('photos')
    .set({ deleted_at: sql`now()`, updated_at: sql`now()` })
    .where('id', '=', id)
    .execute();
}
