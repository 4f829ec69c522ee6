// Pascal VOC (Converter.convert_to_voc), as a zip of Annotations/<image stem>.xml, laid out byte for byte as
// Python's minidom writes it (no indentation, one element per line). Coordinates are truncated to integers,
// `int(pct / 100 * size)`, from the unrotated box (Label Studio ignores rotation here); the size comes from
// the first region's original_width/height, depth is always 3 (no image is read). Tasks without annotations
// get no file. Within a task the last item with regions wins, as in Label Studio (see yolo.ts).
import type { Readable } from 'node:stream';
import { boxOf, imagePathOf, requireImageKey } from './geometry.ts';
import { annotatorOf, createItemReader, type Item } from './items.ts';
import { basename, pyNumber, splitext, xmlText } from './pyformat.ts';
import type { ExportContext, ExportOptions, ExportTask } from './types.ts';
import { zipExport } from './zip.ts';

const el = (tag: string, text: string) => `<${tag}>${xmlText(text)}</${tag}>\n`;
const str = (v: unknown) => (typeof v === 'number' ? pyNumber(v) : String(v));
/** Python's int(): truncates toward zero (and never prints "-0"). */
const int = (v: number) => Math.trunc(v) || 0;

export function vocXml(item: Item, imageName: string): string | null {
  const boxes = [...item.outputs.values()].flatMap((g) => g.values);
  const first = boxes[0];
  if (!first || !('original_width' in first) || !('original_height' in first)) return null;
  const width = first.original_width;
  const height = first.original_height;
  let xml =
    '<?xml version="1.0" encoding="utf-8"?>\n<annotation>\n' +
    el('folder', 'images') +
    el('filename', imageName) +
    '<source>\n' +
    el('database', 'MyDatabase') +
    el('annotation', 'COCO2017') +
    el('image', 'flickr') +
    el('flickrid', 'NULL') +
    el('annotator', String(annotatorOf(item, false, ''))) +
    '</source>\n<owner>\n' +
    el('flickrid', 'NULL') +
    el('name', 'Label Studio') +
    '</owner>\n<size>\n' +
    el('width', str(width)) +
    el('height', str(height)) +
    el('depth', '3') +
    '</size>\n' +
    el('segmented', '0');
  for (const bbox of boxes) {
    const key = 'rectanglelabels' in bbox ? 'rectanglelabels' : 'labels' in bbox ? 'labels' : null;
    const names = key === null ? null : bbox[key];
    if (!Array.isArray(names) || names.length === 0) continue;
    const box = boxOf(bbox);
    if (box === null) continue;
    const x = int((box[0] / 100) * Number(width));
    const y = int((box[1] / 100) * Number(height));
    const w = int((box[2] / 100) * Number(width));
    const h = int((box[3] / 100) * Number(height));
    xml +=
      '<object>\n' +
      el('name', String(names[0])) +
      el('pose', 'Unspecified') +
      el('truncated', '0') +
      el('difficult', '0') +
      '<bndbox>\n' +
      el('xmin', String(x)) +
      el('ymin', String(y)) +
      el('xmax', String(x + w)) +
      el('ymax', String(y + h)) +
      '</bndbox>\n</object>\n';
  }
  return `${xml}</annotation>\n`;
}

export function exportVoc(
  tasks: AsyncIterable<ExportTask>,
  ctx: ExportContext,
  options: ExportOptions = {},
): Readable {
  const imageKey = requireImageKey(ctx, 'VOC');
  const itemsOf = createItemReader(ctx);
  return zipExport(
    async (zip) => {
      for await (const task of tasks) {
        if (zip.stream.destroyed) return;
        const path = imagePathOf(task.data ?? {}, imageKey);
        if (path === null) continue;
        const imageName = basename(path);
        let xml: string | null = null;
        for (const item of itemsOf(task)) {
          if (item.outputs.size === 0) continue;
          xml = vocXml(item, imageName) ?? xml;
        }
        if (xml !== null) await zip.add(`Annotations/${splitext(imageName)[0]}.xml`, xml);
      }
    },
    { date: options.now },
  );
}
