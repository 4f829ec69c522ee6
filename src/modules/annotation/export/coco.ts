// COCO (Converter.convert_to_coco): {images, categories, annotations, info}, one image per item, boxes in
// pixels (percent × original size / 100), rotated rectangles as their axis-aligned box, polygons in
// `segmentation`, keypoints merged into one "default" category when ctx.keypoints gives their order.
//
// Streaming layout: the two big arrays grow together (an item adds one image and its annotations), but a
// JSON object can only be written one array at a time, and an async iterable cannot be read twice. So the
// images go straight to the output while the annotations are appended to a temporary file; once the tasks
// are done, the categories (which can grow when a label is missing from the config) are written, then the
// spooled annotations are copied through, then `info`. Memory is O(1) in tasks (one item's regions at a
// time); disk holds the annotations array once. We spool the annotations rather than the images so the keys
// keep Label Studio's order (images, categories, annotations, info) and the reader gets bytes from the first
// task on.
import type { Readable } from 'node:stream';
import {
  axisAlignedBox,
  boxOf,
  categoryList,
  extent,
  firstLabel,
  imagePathOf,
  nextCategoryId,
  pointsOf,
  polygonArea,
  requireImageKey,
} from './geometry.ts';
import { createItemReader } from './items.ts';
import { basename, pyDatetime, roundHalfEven } from './pyformat.ts';
import { Spool, textStream } from './stream.ts';
import type { ExportContext, ExportOptions, ExportTask } from './types.ts';
import { createZipWriter } from './zip.ts';

interface Category {
  id: number;
  name: string;
  supercategory?: string;
  keypoints?: string[];
  skeleton?: unknown[];
}

const CATEGORY_KEYS = ['rectanglelabels', 'polygonlabels', 'keypointlabels', 'labels'] as const;

/** Categories from the config; keypoint labels share one "default" category (update_categories_for_keypoints). */
function initialCategories(ctx: ExportContext): { list: Category[]; ids: Map<string, number> } {
  const keypoints = [...new Set(ctx.keypoints ?? [])];
  const list: Category[] = categoryList(ctx.categories).filter((c) => !keypoints.includes(c.name));
  const ids = new Map(list.map((c) => [c.name, c.id]));
  if (keypoints.length > 0) {
    const merged = list.length > 0 ? Math.max(...list.map((c) => c.id)) + 1 : 0;
    list.push({ id: merged, name: 'default', supercategory: 'default', keypoints, skeleton: [] });
    for (const name of keypoints) ids.set(name, merged);
  }
  return { list, ids };
}

/** One COCO keypoints annotation from an item's keypoint regions (process_keypoints_for_coco). */
function keypointAnnotation(
  regions: Record<string, unknown>[],
  order: string[],
  id: number,
  imageId: number,
) {
  const keypoints = new Array<number>(order.length * 3).fill(0);
  for (const kp of regions) {
    const w = Number(kp.original_width);
    const h = Number(kp.original_height);
    const x = (Number(kp.x) / 100) * w;
    const y = (Number(kp.y) / 100) * h;
    const labels = Array.isArray(kp.keypointlabels) ? kp.keypointlabels.map(String) : [];
    for (const label of labels) {
      const i = order.indexOf(label);
      if (i < 0) continue;
      keypoints[3 * i] = roundHalfEven(x);
      keypoints[3 * i + 1] = roundHalfEven(y);
      keypoints[3 * i + 2] = 2;
    }
  }
  const visible = order.map((_, i) => i).filter((i) => keypoints[3 * i + 2]! > 0);
  const xs = visible.map((i) => keypoints[3 * i]!);
  const ys = visible.map((i) => keypoints[3 * i + 1]!);
  const [minX, maxX] = extent(xs);
  const [minY, maxY] = extent(ys);
  const bbox = xs.length > 0 ? [minX, minY, maxX - minX, maxY - minY] : [0, 0, 0, 0];
  return {
    id,
    image_id: imageId,
    category_id: -1,
    keypoints,
    num_keypoints: visible.length,
    bbox,
    iscrowd: 0,
  };
}

export function exportCoco(
  tasks: AsyncIterable<ExportTask>,
  ctx: ExportContext,
  options: ExportOptions = {},
): Readable {
  const imageKey = requireImageKey(ctx, 'COCO');
  const itemsOf = createItemReader(ctx);
  const now = options.now ?? new Date();
  const kpOrder = ctx.keypoints ?? [];

  return textStream(
    (async function* () {
      const spool = await Spool.create(options.tmpDir);
      try {
        const categories = initialCategories(ctx);
        const categoryId = (name: string): number => {
          let id = categories.ids.get(name);
          if (id === undefined) {
            // Label Studio takes len(categories), which can collide with explicit ids; the next free id cannot.
            id = nextCategoryId(categories.list);
            categories.ids.set(name, id);
            categories.list.push({ id, name });
          }
          return id;
        };
        let images = 0;
        let annotations = 0;
        const image = (width: unknown, height: unknown, id: number, fileName: string) => {
          images++;
          const entry = JSON.stringify({
            width: width ?? null,
            height: height ?? null,
            id,
            file_name: fileName,
          });
          return id === 0 ? `\n${entry}` : `,\n${entry}`;
        };
        const annotation = (entry: Record<string, unknown>) => {
          const text = JSON.stringify(entry);
          return spool.write(annotations++ === 0 ? `\n${text}` : `,\n${text}`);
        };

        yield '{"images":[';
        for await (const task of tasks) {
          const path = imagePathOf(task.data ?? {}, imageKey);
          if (path === null) continue;
          const fileName = basename(path);
          for (const item of itemsOf(task)) {
            const imageId = images;
            if (item.outputs.size === 0) {
              yield image(null, null, imageId, fileName);
              continue;
            }
            let width: unknown = null;
            let height: unknown = null;
            const keypointRegions: Record<string, unknown>[] = [];
            let out = '';
            for (const label of [...item.outputs.values()].flatMap((g) => g.values)) {
              const name = firstLabel(label, CATEGORY_KEYS);
              if (name === null) continue;
              const isBox = 'rectanglelabels' in label || 'labels' in label;
              const isPolygon = !isBox && 'polygonlabels' in label;
              // Label Studio fails on keypoints without their order; we leave them out.
              if (!isBox && !isPolygon && kpOrder.length === 0) continue;
              if (!width || !height) {
                // Without the image file, its size comes from the first region that carries it.
                if (!('original_width' in label) || !('original_height' in label)) continue;
                width = label.original_width;
                height = label.original_height;
                out += image(width, height, imageId, fileName);
              }
              const category_id = categoryId(name);
              if (isBox) {
                const box = boxOf(label);
                if (box === null) continue;
                const [x, y, w, h] = axisAlignedBox(box, label.rotation);
                const ow = Number(label.original_width ?? width);
                const oh = Number(label.original_height ?? height);
                const bbox = [(x * ow) / 100, (y * oh) / 100, (w * ow) / 100, (h * oh) / 100];
                await annotation({
                  id: annotations,
                  image_id: imageId,
                  category_id,
                  segmentation: [],
                  bbox,
                  ignore: 0,
                  iscrowd: 0,
                  area: bbox[2]! * bbox[3]!,
                });
              } else if (isPolygon) {
                const points = pointsOf(label);
                if (points === null) continue;
                const xs = points.map(([px]) => (px / 100) * Number(width));
                const ys = points.map(([, py]) => (py / 100) * Number(height));
                const [minX, maxX] = extent(xs);
                const [minY, maxY] = extent(ys);
                await annotation({
                  id: annotations,
                  image_id: imageId,
                  category_id,
                  segmentation: [xs.flatMap((px, i) => [px, ys[i]!])],
                  bbox: [minX, minY, maxX - minX, maxY - minY],
                  ignore: 0,
                  iscrowd: 0,
                  area: polygonArea(xs, ys),
                });
              } else if ('keypointlabels' in label) {
                keypointRegions.push(label);
              }
            }
            if (keypointRegions.length > 0 && kpOrder.length > 0) {
              const kp = keypointAnnotation(keypointRegions, kpOrder, annotations, imageId);
              kp.category_id = categories.ids.get(kpOrder[0]!) ?? 0;
              await annotation(kp);
            }
            if (out) yield out;
          }
        }
        await spool.close();
        const cats = categories.list.map((c) => JSON.stringify(c)).join(',\n');
        yield `${images > 0 ? '\n' : ''}],"categories":[${cats ? `\n${cats}\n` : ''}],"annotations":[`;
        yield* spool.bytes();
        const info = {
          year: now.getFullYear(),
          version: '1.0',
          description: '',
          contributor: 'Label Studio',
          url: '',
          date_created: pyDatetime(now),
        };
        yield `${annotations > 0 ? '\n' : ''}],"info":${JSON.stringify(info)}}\n`;
      } finally {
        await spool.remove();
      }
    })(),
  );
}

/** Label Studio's API answers COCO as a zip holding result.json (its empty images/ folder is left out). */
export function exportCocoZip(
  tasks: AsyncIterable<ExportTask>,
  ctx: ExportContext,
  options: ExportOptions = {},
): Readable {
  const json = exportCoco(tasks, ctx, options);
  const zip = createZipWriter({ date: options.now });
  json.on('error', (err) => zip.fail(err));
  zip.stream.on('close', () => json.destroy());
  zip.addStream('result.json', json).then(
    () => zip.finish(),
    (err) => zip.fail(err),
  );
  return zip.stream;
}
