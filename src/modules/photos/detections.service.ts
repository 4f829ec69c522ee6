// Detections and their review: a photo's detections, detections posted by an outside model, the review queue
// (unconfirmed, lowest confidence first), confirm / reject / correct with every step kept in detection_history,
// and the project's detectors. Confirming adds the detection's labels to the photo as ai tags.
import { type Selectable, sql } from 'kysely';
import { inScope, type Tx } from '../../db/scope.ts';
import type { Detections } from '../../db/types.ts';
import type { Action } from '../../platform/access/policy.ts';
import type { Actor } from '../../platform/auth/actor.ts';
import type { Deps } from '../../platform/deps.ts';
import { AppError } from '../../platform/errors.ts';
import { urlProblem } from '../../platform/webhooks/address.ts';
import { checkHealth, type Region } from './detectors.ts';
import { canOnProject, canOnThing, tenantScope } from './photos.access.ts';
import { visiblePhoto } from './photos.service.ts';
import { applyTags } from './tags.repo.ts';

type DetectionRow = Selectable<Detections>;

const notFound = (id: number) => new AppError('not_found', `detection ${id} not found`);

export const toDetection = (d: DetectionRow) => ({
  id: d.id,
  photo: d.photo_id,
  project: d.project_id,
  detector: d.detector_id,
  detection_type: d.detection_type as 'damage' | 'material' | 'volume' | 'quality',
  model_name: d.model_name,
  model_version: d.model_version,
  results: d.results as unknown as { regions: Region[] },
  confidence: d.confidence,
  processing_time_ms: d.processing_time_ms,
  user_confirmed: d.user_confirmed,
  user_feedback: d.user_feedback as Record<string, unknown> | null,
  reviewed_by: d.reviewed_by,
  reviewed_at: d.reviewed_at,
  status: (d.user_confirmed ? 'confirmed' : d.reviewed_at ? 'rejected' : 'pending') as
    | 'confirmed'
    | 'rejected'
    | 'pending',
  created_at: d.created_at,
});

export interface NewDetection {
  detection_type: 'damage' | 'material' | 'volume' | 'quality';
  results: { regions: Region[]; [k: string]: unknown };
  confidence?: number | null;
  processing_time_ms: number;
  model_name: string;
  model_version?: string | null;
}

export interface DetectorInput {
  name: string;
  kind: 'ml_backend' | 'image_quality';
  url?: string;
  detection_type?: 'damage' | 'material' | 'volume';
  label_config?: string;
  is_active?: boolean;
}

const decodeCursor = (c: string) => {
  try {
    const [conf, id] = JSON.parse(Buffer.from(c, 'base64url').toString('utf8')) as [number | null, number];
    if (!Number.isSafeInteger(id) || (conf !== null && typeof conf !== 'number')) throw new Error('bad');
    return { conf, id };
  } catch {
    throw new AppError('validation_failed', 'cursor is not a cursor of this queue', [
      { in: 'querystring', field: 'cursor', message: 'take next_cursor of the previous page' },
    ]);
  }
};

export function createDetectionsService(deps: Pick<Deps, 'database' | 'config' | 'webhooks'>) {
  const { database, config, webhooks } = deps;
  const access = { approvalRequired: config.APPROVAL_REQUIRED };

  async function detectionFor(tx: Tx, actor: Actor, id: number, action: Action, lock = false) {
    let q = tx.selectFrom('detections').selectAll().where('id', '=', id);
    if (lock) q = q.forUpdate();
    const row = await q.executeTakeFirst();
    if (!row) throw notFound(id);
    await canOnThing(tx, actor, action, row.project_id, notFound(id), access);
    return row;
  }

  const history = (tx: Tx, actor: Actor, d: DetectionRow, action: string, feedback: unknown) =>
    tx
      .insertInto('detection_history')
      .values({
        organization_id: d.organization_id,
        detection_id: d.id,
        action,
        previous_results: JSON.stringify(d.results),
        previous_confidence: d.confidence,
        feedback: feedback === undefined ? null : JSON.stringify(feedback),
        changed_by: actor.userId,
      })
      .execute();

  const reviewed = (tx: Tx, d: DetectionRow, decision: string) =>
    webhooks.emit(tx, {
      organizationId: d.organization_id,
      projectId: d.project_id,
      action: 'DETECTION_REVIEWED',
      payload: { detection: toDetection(d), decision },
    });

  return {
    async ofPhoto(actor: Actor, photoId: number) {
      return inScope(database.db, tenantScope(actor), async (tx) => {
        await visiblePhoto(tx, actor, photoId, 'photos.read', access);
        const rows = await tx
          .selectFrom('detections')
          .selectAll()
          .where('photo_id', '=', photoId)
          .orderBy('id')
          .limit(1000)
          .execute();
        return rows.map(toDetection);
      });
    },

    async create(actor: Actor, photoId: number, input: NewDetection) {
      return inScope(database.db, tenantScope(actor), async (tx) => {
        const photo = await visiblePhoto(tx, actor, photoId, 'detections.review', access);
        const row = await tx
          .insertInto('detections')
          .values({
            organization_id: photo.organization_id,
            project_id: photo.project_id,
            photo_id: photo.id,
            detection_type: input.detection_type,
            model_name: input.model_name,
            model_version: input.model_version ?? null,
            results: JSON.stringify(input.results),
            confidence: input.confidence ?? null,
            processing_time_ms: input.processing_time_ms,
          })
          .returningAll()
          .executeTakeFirstOrThrow();
        await webhooks.emit(tx, {
          organizationId: row.organization_id,
          projectId: row.project_id,
          action: 'DETECTION_CREATED',
          payload: { photo: row.photo_id, detections: [toDetection(row)] },
        });
        return toDetection(row);
      });
    },

    async get(actor: Actor, id: number) {
      return inScope(database.db, tenantScope(actor), async (tx) => {
        const row = await detectionFor(tx, actor, id, 'photos.read');
        const steps = await tx
          .selectFrom('detection_history')
          .select([
            'id',
            'action',
            'previous_results',
            'previous_confidence',
            'feedback',
            'changed_by',
            'created_at',
          ])
          .where('detection_id', '=', id)
          .orderBy('id')
          .execute();
        return { ...toDetection(row), history: steps };
      });
    },

    /** Unconfirmed, unreviewed detections, lowest confidence first (unknown confidence before all). */
    async queue(actor: Actor, projectId: number, q: { cursor?: string; limit?: number }) {
      const limit = q.limit ?? 50;
      const after = q.cursor ? decodeCursor(q.cursor) : null;
      return inScope(database.db, tenantScope(actor), async (tx) => {
        await canOnProject(tx, actor, 'detections.review', projectId, access);
        let query = tx
          .selectFrom('detections')
          .selectAll()
          .where('project_id', '=', projectId)
          .where('user_confirmed', '=', false)
          .where('reviewed_at', 'is', null);
        if (after) {
          query =
            after.conf === null
              ? query.where((eb) =>
                  eb.or([
                    eb.and([eb('confidence', 'is', null), eb('id', '>', after.id)]),
                    eb('confidence', 'is not', null),
                  ]),
                )
              : query.where(sql<boolean>`(confidence, id) > (${after.conf}, ${after.id})`);
        }
        const rows = await query
          .orderBy(sql`confidence ASC NULLS FIRST`)
          .orderBy('id')
          .limit(limit + 1)
          .execute();
        const page = rows.slice(0, limit);
        const last = page.at(-1);
        return {
          results: page.map(toDetection),
          next_cursor:
            rows.length > limit && last
              ? Buffer.from(JSON.stringify([last.confidence, last.id])).toString('base64url')
              : null,
        };
      });
    },

    async confirm(actor: Actor, id: number) {
      return inScope(database.db, tenantScope(actor), async (tx) => {
        const d = await detectionFor(tx, actor, id, 'detections.review', true);
        if (d.user_confirmed) return toDetection(d);
        await history(tx, actor, d, 'confirmed', undefined);
        const row = await tx
          .updateTable('detections')
          .set({
            user_confirmed: true,
            reviewed_by: actor.userId,
            reviewed_at: sql`now()`,
            updated_at: sql`now()`,
          })
          .where('id', '=', id)
          .returningAll()
          .executeTakeFirstOrThrow();
        const labels = [
          ...new Set(((row.results as { regions?: Region[] }).regions ?? []).map((r) => r.label)),
        ];
        await applyTags(tx, {
          organizationId: row.organization_id,
          projectId: row.project_id,
          photoIds: [row.photo_id],
          names: labels.filter((l) => typeof l === 'string' && l.length > 0 && l.length <= 100),
          source: 'ai',
          confidence: row.confidence,
          detectionId: row.id,
          userId: actor.userId,
        });
        await reviewed(tx, row, 'confirmed');
        return toDetection(row);
      });
    },

    async reject(actor: Actor, id: number, feedback: string) {
      return inScope(database.db, tenantScope(actor), async (tx) => {
        const d = await detectionFor(tx, actor, id, 'detections.review', true);
        await history(tx, actor, d, 'rejected', feedback);
        const row = await tx
          .updateTable('detections')
          .set({
            user_confirmed: false,
            reviewed_by: actor.userId,
            reviewed_at: sql`now()`,
            user_feedback: JSON.stringify({ rejected: true, feedback }),
            updated_at: sql`now()`,
          })
          .where('id', '=', id)
          .returningAll()
          .executeTakeFirstOrThrow();
        // Tags this detection added are no longer backed by it.
        await tx.deleteFrom('photo_tags').where('detection_id', '=', id).where('source', '=', 'ai').execute();
        await reviewed(tx, row, 'rejected');
        return toDetection(row);
      });
    },

    /** Corrects the regions (and optionally type and confidence); the previous ones stay in the history. */
    async correct(
      actor: Actor,
      id: number,
      patch: {
        results: { regions: Region[] };
        detection_type?: NewDetection['detection_type'];
        confidence?: number | null;
        feedback?: string;
      },
    ) {
      return inScope(database.db, tenantScope(actor), async (tx) => {
        const d = await detectionFor(tx, actor, id, 'detections.review', true);
        await history(tx, actor, d, 'corrected', patch.feedback);
        const row = await tx
          .updateTable('detections')
          .set({
            results: JSON.stringify({ ...(d.results as object), ...patch.results }),
            ...(patch.detection_type && { detection_type: patch.detection_type }),
            ...(patch.confidence !== undefined && { confidence: patch.confidence }),
            user_feedback: JSON.stringify({
              corrected: true,
              ...(patch.feedback && { feedback: patch.feedback }),
            }),
            updated_at: sql`now()`,
          })
          .where('id', '=', id)
          .returningAll()
          .executeTakeFirstOrThrow();
        return toDetection(row);
      });
    },

    async detectors(actor: Actor, projectId: number) {
      return inScope(database.db, tenantScope(actor), async (tx) => {
        await canOnProject(tx, actor, 'photos.read', projectId, access);
        const rows = await tx
          .selectFrom('photo_detectors')
          .selectAll()
          .where('project_id', '=', projectId)
          .orderBy('id')
          .limit(100)
          .execute();
        return rows.map(toDetector);
      });
    },

    /** Adds a detector; an ML backend must answer GET /health with {"status": "UP"} first. */
    async addDetector(actor: Actor, projectId: number, input: DetectorInput) {
      await inScope(database.db, tenantScope(actor), (tx) =>
        canOnProject(tx, actor, 'photos.manage', projectId, access),
      );
      if (input.kind === 'ml_backend') {
        const problem = input.url
          ? urlProblem(input.url, config.WEBHOOK_ALLOW_PRIVATE)
          : 'is required for an ML backend';
        if (problem)
          throw new AppError('validation_failed', `url ${problem}`, [
            { in: 'body', field: 'url', message: problem },
          ]);
        try {
          await checkHealth(input.url!, { timeoutMs: 10_000, allowPrivate: config.WEBHOOK_ALLOW_PRIVATE });
        } catch (err) {
          throw new AppError(
            'unprocessable',
            `the ML backend at ${input.url} is not healthy: ${(err as Error).message}`,
          );
        }
      }
      return inScope(database.db, tenantScope(actor), async (tx) => {
        await canOnProject(tx, actor, 'photos.manage', projectId, access);
        const row = await tx
          .insertInto('photo_detectors')
          .values({
            organization_id: actor.organizationId!,
            project_id: projectId,
            name: input.name,
            kind: input.kind,
            url: input.kind === 'ml_backend' ? input.url! : null,
            settings: JSON.stringify({
              ...(input.detection_type && { detection_type: input.detection_type }),
              ...(input.label_config && { label_config: input.label_config }),
            }),
            is_active: input.is_active ?? true,
            created_by: actor.userId,
          })
          .onConflict((oc) => oc.columns(['project_id', 'name']).doNothing())
          .returningAll()
          .executeTakeFirst();
        if (!row) throw new AppError('conflict', `the project already has a detector named ${input.name}`);
        return toDetector(row);
      });
    },

    async removeDetector(actor: Actor, projectId: number, detectorId: number) {
      await inScope(database.db, tenantScope(actor), async (tx) => {
        await canOnProject(tx, actor, 'photos.manage', projectId, access);
        const gone = await tx
          .deleteFrom('photo_detectors')
          .where('id', '=', detectorId)
          .where('project_id', '=', projectId)
          .executeTakeFirst();
        if (!gone.numDeletedRows) throw new AppError('not_found', `detector ${detectorId} not found`);
      });
    },
  };
}

const toDetector = (r: {
  id: number;
  project_id: number;
  name: string;
  kind: string;
  url: string | null;
  settings: unknown;
  is_active: boolean;
  created_at: Date;
}) => ({
  id: r.id,
  project: r.project_id,
  name: r.name,
  kind: r.kind as 'ml_backend' | 'image_quality',
  url: r.url,
  settings: r.settings as Record<string, unknown>,
  is_active: r.is_active,
  created_at: r.created_at,
});

export type DetectionsService = ReturnType<typeof createDetectionsService>;
