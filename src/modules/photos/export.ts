// A project's photos with their detections and tags, as CSV (one row per detection region, or one per photo
// without any) or COCO JSON (images, categories, annotations with pixel boxes). Streamed in keyset batches, so
// memory stays flat however many photos there are.
import { Readable } from 'node:stream';
import { inScope } from '../../db/scope.ts';
import type { Actor } from '../../platform/auth/actor.ts';
import type { Deps } from '../../platform/deps.ts';
import type { Region } from './detectors.ts';
import { canOnProject, tenantScope } from './photos.access.ts';
import { type PhotoRow, tagsOf } from './photos.repo.ts';

const BATCH = 500;

interface Batch {
  photos: PhotoRow[];
  tags: Map<number, { name: string }[]>;
  detections: Map<
    number,
    {
      id: number;
      detection_type: string;
      confidence: number | null;
      user_confirmed: boolean;
      reviewed_at: Date | null;
      model_name: string;
      results: unknown;
    }[]
  >;
}

const csvCell = (v: unknown) => {
  if (v === null || v === undefined) return '';
  const s = v instanceof Date ? v.toISOString() : String(v);
  // Cells a spreadsheet would run as a formula are quoted with a leading apostrophe.
  const safe = /^[=+\-@\t\r]/.test(s) ? `'${s}` : s;
  return /[",\n\r]/.test(safe) ? `"${safe.replaceAll('"', '""')}"` : safe;
};

export function createExporter(deps: Pick<Deps, 'database' | 'config'>) {
  const { database, config } = deps;
  const access = { approvalRequired: config.APPROVAL_REQUIRED };

  async function* batches(actor: Actor, projectId: number): AsyncGenerator<Batch> {
    let after = 0;
    for (;;) {
      const batch = await inScope(database.db, tenantScope(actor), async (tx) => {
        await canOnProject(tx, actor, 'photos.read', projectId, access);
        const photos = await tx
          .selectFrom('photos')
          .selectAll()
          .where('project_id', '=', projectId)
          .where('deleted_at', 'is', null)
          .where('id', '>', after)
          .orderBy('id')
          .limit(BATCH)
          .execute();
        const ids = photos.map((p) => p.id);
        const tags = await tagsOf(tx, ids);
        const detections = new Map<number, Batch['detections'] extends Map<number, infer D> ? D : never>();
        if (ids.length) {
          const rows = await tx
            .selectFrom('detections')
            .select([
              'id',
              'photo_id',
              'detection_type',
              'confidence',
              'user_confirmed',
              'reviewed_at',
              'model_name',
              'results',
            ])
            .where('photo_id', 'in', ids)
            .orderBy('id')
            .execute();
          for (const r of rows) {
            const list = detections.get(r.photo_id) ?? [];
            list.push(r);
            detections.set(r.photo_id, list);
          }
        }
        return { photos, tags, detections };
      });
      if (batch.photos.length === 0) return;
      yield batch;
      after = batch.photos.at(-1)!.id;
      if (batch.photos.length < BATCH) return;
    }
  }

  /** Checks access before the first byte, so a refusal is an error answer and not a cut stream. */
  async function check(actor: Actor, projectId: number) {
    await inScope(database.db, tenantScope(actor), (tx) =>
      canOnProject(tx, actor, 'photos.read', projectId, access),
    );
  }

  return {
    async csv(actor: Actor, projectId: number): Promise<Readable> {
      await check(actor, projectId);
      const header = [
        'photo_id',
        'name',
        'captured_at',
        'latitude',
        'longitude',
        'altitude',
        'width',
        'height',
        'status',
        'tags',
        'detection_id',
        'detection_type',
        'model_name',
        'confidence',
        'review',
        'label',
        'region_confidence',
        'x',
        'y',
        'box_width',
        'box_height',
      ];
      async function* rows() {
        yield `${header.join(',')}\n`;
        for await (const b of batches(actor, projectId)) {
          const lines: string[] = [];
          for (const p of b.photos) {
            const photo = [
              p.id,
              p.original_name,
              p.captured_at,
              p.latitude,
              p.longitude,
              p.altitude,
              p.width,
              p.height,
              p.status,
              (b.tags.get(p.id) ?? []).map((t) => t.name).join(';'),
            ];
            const ds = b.detections.get(p.id) ?? [];
            if (ds.length === 0) lines.push(photo.map(csvCell).concat(Array(11).fill('')).join(','));
            for (const d of ds) {
              const review = d.user_confirmed ? 'confirmed' : d.reviewed_at ? 'rejected' : 'pending';
              const regions = ((d.results as { regions?: Region[] }).regions ?? []) as Region[];
              const det = [d.id, d.detection_type, d.model_name, d.confidence, review];
              if (regions.length === 0)
                lines.push([...photo, ...det, '', '', '', '', '', ''].map(csvCell).join(','));
              for (const r of regions)
                lines.push(
                  [...photo, ...det, r.label, r.confidence, r.box?.x, r.box?.y, r.box?.width, r.box?.height]
                    .map(csvCell)
                    .join(','),
                );
            }
          }
          yield `${lines.join('\n')}\n`;
        }
      }
      return Readable.from(rows());
    },

    /**
     * COCO: boxes in pixels of the original; polygons as segmentation; only regions with geometry. Two passes
     * (images, then annotations), so nothing accumulates but the category list.
     */
    async coco(actor: Actor, projectId: number): Promise<Readable> {
      await check(actor, projectId);
      const categories = new Map<string, number>();
      async function* parts() {
        yield `{"info":{"description":"Groundtruth project ${projectId} photos","date_created":${JSON.stringify(new Date().toISOString())}},"images":[`;
        let first = true;
        for await (const b of batches(actor, projectId)) {
          const images = b.photos.map((p) =>
            JSON.stringify({
              id: p.id,
              file_name: p.original_name,
              width: p.width,
              height: p.height,
              date_captured: p.captured_at,
              latitude: p.latitude,
              longitude: p.longitude,
              tags: (b.tags.get(p.id) ?? []).map((t) => t.name),
            }),
          );
          yield `${first ? '' : ','}${images.join(',')}`;
          first = false;
        }
        yield '],"annotations":[';
        let annId = 0;
        first = true;
        for await (const b of batches(actor, projectId)) {
          const annotations: string[] = [];
          for (const p of b.photos) {
            const w = p.width ?? 0;
            const h = p.height ?? 0;
            for (const d of b.detections.get(p.id) ?? []) {
              for (const r of ((d.results as { regions?: Region[] }).regions ?? []) as Region[]) {
                if (!r.box && !r.polygon) continue;
                let cat = categories.get(r.label);
                if (cat === undefined) {
                  cat = categories.size + 1;
                  categories.set(r.label, cat);
                }
                const box = r.box ?? bboxOf(r.polygon!);
                const bbox = [box.x * w, box.y * h, box.width * w, box.height * h].map(
                  (v) => Math.round(v * 100) / 100,
                );
                annotations.push(
                  JSON.stringify({
                    id: ++annId,
                    image_id: p.id,
                    category_id: cat,
                    bbox,
                    area: Math.round(bbox[2]! * bbox[3]! * 100) / 100,
                    iscrowd: 0,
                    segmentation: r.polygon ? [r.polygon.flatMap(([x, y]) => [x * w, y * h])] : [],
                    score: r.confidence ?? d.confidence,
                    detection_id: d.id,
                    detection_type: d.detection_type,
                    review: d.user_confirmed ? 'confirmed' : d.reviewed_at ? 'rejected' : 'pending',
                  }),
                );
              }
            }
          }
          if (annotations.length) {
            yield `${first ? '' : ','}${annotations.join(',')}`;
            first = false;
          }
        }
        yield `],"categories":${JSON.stringify([...categories].map(([name, id]) => ({ id, name, supercategory: 'detection' })))}}`;
      }
      return Readable.from(parts());
    },
  };
}

function bboxOf(points: [number, number][]) {
  const xs = points.map((p) => p[0]);
  const ys = points.map((p) => p[1]);
  const x = Math.min(...xs);
  const y = Math.min(...ys);
  return { x, y, width: Math.max(...xs) - x, height: Math.max(...ys) - y };
}

export type Exporter = ReturnType<typeof createExporter>;
