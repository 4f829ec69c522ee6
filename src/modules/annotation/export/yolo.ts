// YOLO (Converter.convert_to_yolo and exports/yolo.py), as a zip: labels/<image stem>.txt with one line per
// box `class cx cy w h` (normalized: cx = (x + w/2) / 100, w = w / 100; rotation ignored, as Label Studio
// does) or per polygon `class x1 y1 x2 y2 ...`, an empty file for an image without annotations, then
// classes.txt (the class names in the categories' order, which is id order unless
// labels carry explicit ids) and notes.json ({categories, info}). No images/ folder: we do
// not download the images. Keypoint configs (Label Studio's YOLO pose layout) are not supported; keypoint
// regions are left out.
//
// Label Studio writes a task's label file once per item and the last write wins: with several annotations
// (newest first) the file ends up holding the oldest annotation that has regions. We keep that rule within a
// task. Two tasks whose images share a basename give two entries with the same name (Label Studio would keep
// the later one; telling them apart would mean remembering every name).
import type { Readable } from 'node:stream';
import { boxOf, categoryList, imagePathOf, nextCategoryId, pointsOf, requireImageKey } from './geometry.ts';
import { createItemReader } from './items.ts';
import { basename, pyFloat, splitext } from './pyformat.ts';
import type { ExportContext, ExportOptions, ExportTask } from './types.ts';
import { zipExport } from './zip.ts';

const NAME_KEYS = ['rectanglelabels', 'polygonlabels', 'labels'] as const;

/** The label file of an image: its basename without extension, cut to 251 characters (255 with ".txt"). */
export function yoloLabelName(imagePath: string): string {
  const [stem] = splitext(basename(imagePath));
  return `labels/${[...stem].slice(0, 251).join('')}.txt`;
}

export function yoloLines(labels: Record<string, unknown>[], classId: (name: string) => number): string {
  let out = '';
  for (const label of labels) {
    const names: string[] = [];
    for (const key of NAME_KEYS) {
      const list = label[key];
      if (Array.isArray(list)) names.push(...list.map(String));
    }
    for (const name of names) {
      const cls = classId(name);
      let values: number[];
      if ('rectanglelabels' in label || 'rectangle' in label || 'labels' in label) {
        const box = boxOf(label);
        if (box === null) continue;
        const [x, y, w, h] = box;
        values = [(x + w / 2) / 100, (y + h / 2) / 100, w / 100, h / 100];
      } else {
        const points = pointsOf(label);
        if (points === null) continue;
        values = points.flatMap(([px, py]) => [px / 100, py / 100]);
      }
      // Python writes these as floats ("0.5", "1.0"), the class as an int.
      out += `${cls} ${values.map(pyFloat).join(' ')}\n`;
    }
  }
  return out;
}

export function exportYolo(
  tasks: AsyncIterable<ExportTask>,
  ctx: ExportContext,
  options: ExportOptions = {},
): Readable {
  const imageKey = requireImageKey(ctx, 'YOLO');
  const itemsOf = createItemReader(ctx);
  const now = options.now ?? new Date();
  const categories = categoryList(ctx.categories);
  const ids = new Map(categories.map((c) => [c.name, c.id]));
  const classId = (name: string) => {
    let id = ids.get(name);
    if (id === undefined) {
      id = nextCategoryId(categories);
      ids.set(name, id);
      categories.push({ id, name });
    }
    return id;
  };

  return zipExport(
    async (zip) => {
      for await (const task of tasks) {
        if (zip.stream.destroyed) return;
        const path = imagePathOf(task.data ?? {}, imageKey);
        if (path === null) continue;
        let content: string | null = null;
        for (const item of itemsOf(task)) {
          const labels = [...item.outputs.values()].flatMap((g) => g.values);
          if (labels.length === 0) content ??= '';
          else content = yoloLines(labels, classId);
        }
        if (content !== null) await zip.add(yoloLabelName(path), content);
      }
      await zip.add('classes.txt', categories.map((c) => `${c.name}\n`).join(''));
      const info = { year: now.getFullYear(), version: '1.0', contributor: 'Label Studio' };
      await zip.add('notes.json', JSON.stringify({ categories, info }, null, 2));
    },
    { date: now },
  );
}
