// Background work after an upload: `photos.process` reads EXIF and makes the two thumbnails, then queues
// `photos.detect`, which runs the project's detectors. Both are idempotent: a retried job finds what an earlier
// attempt recorded and does not record it twice; thumbnails are content-addressed blobs, so re-made bytes land
// on the same keys. An image that cannot be read marks the photo failed with the reason and ends the job
// normally (no retry, the worker goes on).
import { Readable } from 'node:stream';
import { buffer } from 'node:stream/consumers';
import { inScope, type Tx } from '../../db/scope.ts';
import type { Deps } from '../../platform/deps.ts';
import type { JobContext } from '../../platform/jobs/runner.ts';
import { insertCompanions } from '../files/index.ts';
import {
  type DetectorRow,
  type Finding,
  IMAGE_QUALITY_MODEL,
  imageQuality,
  predictWithBackend,
} from './detectors.ts';
import { BadImageError, inspect, type PhotoType } from './image.ts';
import { findPhoto, lockPhoto, recordFacts, setStatus } from './photos.repo.ts';
import { PROCESS_JOB } from './photos.service.ts';

export const DETECT_JOB = 'photos.detect';

interface PhotoPayload {
  photoId: number;
}

type PhotoJobDeps = Pick<Deps, 'database' | 'config' | 'blobs' | 'jobs' | 'webhooks'>;
type Ctx = Pick<JobContext<PhotoPayload>, 'organizationId' | 'userId' | 'payload' | 'progress'>;

export function definePhotoJobs(deps: PhotoJobDeps): void {
  const handlers = photoJobHandlers(deps);
  deps.jobs.define<PhotoPayload>({
    kind: PROCESS_JOB,
    retryLimit: 3,
    concurrency: 2,
    handler: handlers.process,
  });
  deps.jobs.define<PhotoPayload>({
    kind: DETECT_JOB,
    retryLimit: 3,
    concurrency: 2,
    handler: handlers.detect,
  });
}

/** The two handlers, callable on their own (a test runs them twice to show a retry changes nothing). */
export function photoJobHandlers(deps: PhotoJobDeps) {
  const { database, config, blobs, jobs, webhooks } = deps;
  const asJob = (organizationId: number) => ({ organizationId, userId: null });

  /** The project's active detectors; the built-in image-quality one when the project configured none. */
  async function detectorsOf(tx: Tx, projectId: number): Promise<DetectorRow[]> {
    const rows = await tx
      .selectFrom('photo_detectors')
      .select(['id', 'kind', 'name', 'url', 'settings'])
      .where('project_id', '=', projectId)
      .where('is_active', '=', true)
      .orderBy('id')
      .execute();
    if (rows.length) return rows as DetectorRow[];
    const any = await tx
      .selectFrom('photo_detectors')
      .select('id')
      .where('project_id', '=', projectId)
      .executeTakeFirst();
    return any
      ? []
      : [{ id: null, kind: 'image_quality', name: IMAGE_QUALITY_MODEL, url: null, settings: {} }];
  }

  return {
    process: async (ctx: Ctx) => {
      const { photoId } = ctx.payload;
      const scope = asJob(ctx.organizationId);
      // One statement claims the photo: a processed, failed or deleted one is left as it is.
      const photo = await inScope(database.db, scope, (tx) =>
        tx
          .updateTable('photos')
          .set({ status: 'processing', error: null })
          .where('id', '=', photoId)
          .where('deleted_at', 'is', null)
          .where('status', 'in', ['uploaded', 'processing'])
          .returningAll()
          .executeTakeFirst(),
      );
      if (!photo) return { skipped: 'the photo is processed, failed or deleted' };
      const bytes = await buffer(await blobs.get(photo.storage_key));
      let facts: Awaited<ReturnType<typeof inspect>>;
      try {
        facts = await inspect(bytes, photo.mime_type as PhotoType);
      } catch (err) {
        if (!(err instanceof BadImageError)) throw err;
        await inScope(database.db, scope, (tx) =>
          setStatus(tx, photoId, 'failed', err.message.slice(0, 2000)),
        );
        return { status: 'failed', error: err.message };
      }
      const [small, large] = await Promise.all([
        blobs.put(Readable.from([facts.thumbnails.small.bytes])),
        blobs.put(Readable.from([facts.thumbnails.large.bytes])),
      ]);
      return inScope(database.db, scope, async (tx) => {
        const row = await lockPhoto(tx, photoId);
        if (!row || row.deleted_at !== null) return { skipped: 'the photo was deleted' };
        if (row.status === 'processed') return { status: 'processed' };
        // Thumbnails are companion files rows of the original: counted as blob references, deleted with it.
        await insertCompanions(
          tx,
          { id: row.file_id } as never,
          (['small', 'large'] as const).map((size) => ({
            organizationId: row.organization_id,
            projectId: row.project_id,
            uploadedBy: row.uploaded_by ?? 0,
            parentFileId: row.file_id,
            storageKey: size === 'small' ? small.key : large.key,
            name: `${row.original_name}.${size}.webp`,
            mimeType: 'image/webp',
            size: size === 'small' ? small.size : large.size,
            sha256: size === 'small' ? small.sha256 : large.sha256,
            metadata: { thumbnail: size, photo_id: row.id },
          })),
        );
        await recordFacts(tx, photoId, {
          width: facts.width,
          height: facts.height,
          capturedAt: facts.capturedAt,
          latitude: facts.latitude,
          longitude: facts.longitude,
          altitude: facts.altitude,
          exif: facts.exif,
          smallKey: small.key,
          largeKey: large.key,
        });
        await jobs.enqueue(tx, DETECT_JOB, {
          organizationId: row.organization_id,
          userId: ctx.userId,
          projectId: row.project_id,
          payload: { photoId },
          message: `detections for ${row.original_name}`,
        });
        return { status: 'processed', width: facts.width, height: facts.height };
      });
    },
    detect: async (ctx: Ctx) => {
      const { photoId } = ctx.payload;
      const scope = asJob(ctx.organizationId);
      const { photo, detectors, done } = await inScope(database.db, scope, async (tx) => {
        const photo = await findPhoto(tx, photoId);
        if (!photo) return { photo, detectors: [], done: new Set<string>() };
        const detectors = await detectorsOf(tx, photo.project_id);
        const ran = await tx
          .selectFrom('detections')
          .select(['detector_id', 'model_name'])
          .where('photo_id', '=', photoId)
          .execute();
        return { photo, detectors, done: new Set(ran.map((r) => `${r.detector_id ?? ''}:${r.model_name}`)) };
      });
      if (!photo?.thumbnail_large_key) return { skipped: 'no processed photo' };
      if (detectors.length === 0) return { created: 0 };
      const large = await buffer(await blobs.get(photo.thumbnail_large_key));
      let created = 0;
      const failures: string[] = [];
      for (const detector of detectors) {
        const key = `${detector.id ?? ''}:${detector.kind === 'image_quality' && detector.id === null ? IMAGE_QUALITY_MODEL : detector.name}`;
        if (done.has(key)) continue;
        const started = performance.now();
        let findings: Finding[];
        try {
          findings =
            detector.kind === 'image_quality'
              ? [await imageQuality(large)].filter((f): f is Finding => f !== null)
              : await predictWithBackend(
                  detector,
                  {
                    id: photo.id,
                    projectId: photo.project_id,
                    image: `data:image/webp;base64,${large.toString('base64')}`,
                  },
                  { timeoutMs: 60_000, allowPrivate: config.WEBHOOK_ALLOW_PRIVATE },
                );
        } catch (err) {
          failures.push(`${detector.name}: ${(err as Error).message}`);
          continue;
        }
        const elapsed = Math.max(1, Math.ceil(performance.now() - started));
        created += await inScope(database.db, scope, async (tx) => {
          const row = await lockPhoto(tx, photoId);
          if (!row || row.deleted_at !== null) return 0;
          const again = await tx
            .selectFrom('detections')
            .select('id')
            .where('photo_id', '=', photoId)
            .where('model_name', '=', detector.id === null ? IMAGE_QUALITY_MODEL : detector.name)
            .where('detector_id', detector.id === null ? 'is' : '=', detector.id as never)
            .executeTakeFirst();
          if (again || findings.length === 0) return 0;
          const inserted = await tx
            .insertInto('detections')
            .values(
              findings.map((f) => ({
                organization_id: row.organization_id,
                project_id: row.project_id,
                photo_id: row.id,
                detector_id: detector.id,
                detection_type: f.type,
                model_name: detector.id === null ? IMAGE_QUALITY_MODEL : detector.name,
                model_version: f.modelVersion,
                results: JSON.stringify(f.results),
                confidence: f.confidence,
                processing_time_ms: elapsed,
              })),
            )
            .returning(['id', 'detection_type', 'confidence'])
            .execute();
          await webhooks.emit(tx, {
            organizationId: row.organization_id,
            projectId: row.project_id,
            action: 'DETECTION_CREATED',
            payload: { photo: row.id, detections: inserted },
          });
          return inserted.length;
        });
      }
      // A model server that failed is retried (the detectors that succeeded are not run again).
      if (failures.length) throw new Error(`detectors failed: ${failures.join('; ')}`.slice(0, 1900));
      return { created };
    },
  };
}
