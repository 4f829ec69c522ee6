import assert from 'node:assert/strict';
import { text } from 'node:stream/consumers';
import { describe, it } from 'node:test';
import { exportCoco, exportCocoZip } from './coco.ts';
import { fixtureTasks, readZip, source } from './test-helpers.ts';
import type { ExportContext, ExportTask, Region } from './types.ts';

interface Coco {
  images: { id: number; file_name: string; width: number | null; height: number | null }[];
  categories: { id: number; name: string; keypoints?: string[] }[];
  annotations: {
    id: number;
    image_id: number;
    category_id: number;
    bbox: number[];
    area?: number;
    segmentation?: number[][];
    keypoints?: number[];
    num_keypoints?: number;
  }[];
  info: Record<string, unknown>;
}

const now = new Date(2025, 4, 2, 10, 11, 12, 345);
const close = (actual: number[], expected: number[], tolerance = 1e-9) => {
  assert.equal(actual.length, expected.length);
  for (const [i, a] of actual.entries())
    assert.ok(Math.abs(a - expected[i]!) <= tolerance, `${a} vs ${expected[i]} at ${i}`);
};

async function coco(tasks: ExportTask[], ctx: ExportContext): Promise<Coco> {
  return JSON.parse(await text(exportCoco(source(tasks), ctx, { now }))) as Coco;
}

const fixtureCtx: ExportContext = {
  // What the config parser gives for test_export_coco/label_config.xml: every label value, sorted.
  categories: ['keypoint_label1', 'keypoint_label2', 'polygon_label', 'rectangle_label'],
  imageKey: 'image',
  controls: {
    rectangle_label: 'rectanglelabels',
    polygon_label: 'polygonlabels',
    keypoint_label: 'keypointlabels',
  },
  keypoints: ['keypoint_label1', 'keypoint_label2'],
};

const rect = (value: Record<string, unknown>, w = 200, h = 100): Region => ({
  from_name: 'label',
  to_name: 'image',
  type: 'rectanglelabels',
  value,
  original_width: w,
  original_height: h,
});
const taskWith = (id: number, image: unknown, result: Region[] | null): ExportTask => ({
  id,
  data: { image },
  annotations:
    result === null
      ? []
      : [{ id: id * 10, result, completed_by: 1, created_at: '2024-01-01', updated_at: '2024-01-01' }],
});
const boxCtx: ExportContext = {
  categories: ['Car', 'Person'],
  imageKey: 'image',
  controls: { label: 'rectanglelabels', poly: 'polygonlabels' },
};

describe('COCO export', () => {
  it('meets the SDK test expectations on test_export_coco (3 annotations, the exact bbox)', async () => {
    const tasks = fixtureTasks('test_export_coco/data.json');
    const out = await coco(tasks, fixtureCtx);
    const names = out.categories.map((c) => c.name);
    assert.ok(names.includes('rectangle_label') && names.includes('polygon_label'));
    assert.equal(out.annotations.length, 3);
    assert.equal(out.images.length, 1);
    assert.deepEqual(out.images[0], { width: 500, height: 320, id: 0, file_name: 'test_image1.jpg' });

    const rectAnn = out.annotations.find(
      (a) => Array.isArray(a.segmentation) && a.segmentation.length === 0,
    )!;
    close(
      rectAnn.bbox,
      [
        (31.941923774954628 / 100) * 500,
        (4.113475177304964 / 100) * 320,
        (6.352087114337568 / 100) * 500,
        (9.929078014184398 / 100) * 320,
      ],
      1e-6 * 160,
    );
    // Independently from the input: pixels = percent × original size / 100, area = w × h.
    const [region] = tasks[0]!.annotations[0]!.result;
    const v = region!.value as { x: number; y: number; width: number; height: number };
    const px = [(v.x * 500) / 100, (v.y * 320) / 100, (v.width * 500) / 100, (v.height * 320) / 100];
    close(rectAnn.bbox, px);
    close([rectAnn.area!], [px[2]! * px[3]!]);
    assert.equal(rectAnn.category_id, out.categories.find((c) => c.name === 'rectangle_label')!.id);

    const poly = out.annotations.find((a) => a.segmentation && a.segmentation.length > 0 && !a.keypoints)!;
    const points = (tasks[0]!.annotations[0]!.result[1]!.value as { points: number[][] }).points;
    const seg = points.flatMap(([x, y]) => [(x! * 500) / 100, (y! * 320) / 100]);
    close(poly.segmentation![0]!, seg);
    assert.equal(poly.segmentation![0]!.length, 6);
    const xs = seg.filter((_, i) => i % 2 === 0);
    const ys = seg.filter((_, i) => i % 2 === 1);
    close(poly.bbox, [
      Math.min(...xs),
      Math.min(...ys),
      Math.max(...xs) - Math.min(...xs),
      Math.max(...ys) - Math.min(...ys),
    ]);
    // Shoelace, written forwards (the converter sums with the previous point).
    let twice = 0;
    for (let i = 0; i < xs.length; i++) {
      const j = (i + 1) % xs.length;
      twice += xs[i]! * ys[j]! - xs[j]! * ys[i]!;
    }
    close([poly.area!], [Math.abs(twice) / 2]);
    assert.ok(poly.area! > 0);

    // Keypoints: one annotation, pixels rounded, visibility 2, in the merged "default" category.
    const kp = out.annotations.find((a) => a.keypoints)!;
    assert.deepEqual(kp.keypoints, [113, 102, 2, 89, 91, 2]);
    assert.equal(kp.num_keypoints, 2);
    assert.deepEqual(kp.bbox, [89, 91, 24, 11]);
    const merged = out.categories.find((c) => c.name === 'default')!;
    assert.deepEqual(merged.keypoints, ['keypoint_label1', 'keypoint_label2']);
    assert.equal(kp.category_id, merged.id);
    assert.deepEqual(
      out.categories.map((c) => [c.id, c.name]),
      [
        [2, 'polygon_label'],
        [3, 'rectangle_label'],
        [4, 'default'],
      ],
    );
    assert.deepEqual(out.info, {
      year: 2025,
      version: '1.0',
      description: '',
      contributor: 'Label Studio',
      url: '',
      date_created: '2025-05-02 10:11:12.345000',
    });
  });

  it('exports a rotated rectangle as the box around its rotated corners', async () => {
    const value = { x: 10, y: 20, width: 30, height: 40, rotation: 90, rectanglelabels: ['Car'] };
    const out = await coco([taskWith(1, 'a.jpg', [rect(value)])], boxCtx);
    // Rotating 90° clockwise around (10, 20): corners (10,20) (10,50) (-30,50) (-30,20), in percent.
    close(out.annotations[0]!.bbox, [
      (-30 * 200) / 100,
      (20 * 100) / 100,
      (40 * 200) / 100,
      (30 * 100) / 100,
    ]);

    // Any angle: Label Studio's own formulation (angle to the diagonal, centre, four corners).
    const r = { x: 40, y: 30, width: 20, height: 10, rotation: 30, rectanglelabels: ['Car'] };
    const alpha = Math.atan(r.height / r.width);
    const beta = (Math.PI * r.rotation) / 180;
    const radius = Math.sqrt((r.width / 2) ** 2 + (r.height / 2) ** 2);
    const x0 = r.x - radius * (Math.cos(Math.PI - alpha - beta) - Math.cos(Math.PI - alpha)) + r.width / 2;
    const y0 = r.y + radius * (Math.sin(Math.PI - alpha - beta) - Math.sin(Math.PI - alpha)) + r.height / 2;
    const thetas = [alpha + beta, Math.PI - alpha + beta, Math.PI + alpha + beta, 2 * Math.PI - alpha + beta];
    const cx = thetas.map((t) => x0 + radius * Math.cos(t));
    const cy = thetas.map((t) => y0 + radius * Math.sin(t));
    const pct = [
      Math.min(...cx),
      Math.min(...cy),
      Math.max(...cx) - Math.min(...cx),
      Math.max(...cy) - Math.min(...cy),
    ];
    const rotated = await coco([taskWith(1, 'a.jpg', [rect(r)])], boxCtx);
    close(rotated.annotations[0]!.bbox, [pct[0]! * 2, pct[1]!, pct[2]! * 2, pct[3]!]);
    close([rotated.annotations[0]!.area!], [pct[2]! * 2 * pct[3]!]);
  });

  it('numbers images per item, names them by basename, and keeps unannotated images', async () => {
    const tasks = [
      taskWith(1, 'https://cdn.example.com/a/b/photo-1.jpg?sig=x', [
        rect({ x: 50, y: 50, width: 10, height: 10, rectanglelabels: ['Person'] }),
        rect({ x: 0, y: 0, width: 100, height: 100, rectanglelabels: ['Truck'] }),
      ]),
      taskWith(2, '/data/upload/3/photo-2.png', null),
      { ...taskWith(3, 's3://bucket/x/photo-3.png', null), data: {} },
      taskWith(
        4,
        ['first.png', 'last.png'],
        [rect({ x: 1, y: 1, width: 1, height: 1, rectanglelabels: ['Car'] })],
      ),
    ];
    const out = await coco(tasks, boxCtx);
    assert.deepEqual(out.images, [
      { width: 200, height: 100, id: 0, file_name: 'photo-1.jpg?sig=x' },
      { width: null, height: null, id: 1, file_name: 'photo-2.png' },
      { width: 200, height: 100, id: 2, file_name: 'last.png' },
    ]);
    assert.deepEqual(
      out.annotations.map((a) => [a.id, a.image_id, a.category_id]),
      [
        [0, 0, 1],
        [1, 0, 2],
        [2, 2, 0],
      ],
    );
    // A label missing from the config gets the next id, as Label Studio adds it.
    assert.deepEqual(out.categories.at(-1), { id: 2, name: 'Truck' });
    close(out.annotations[1]!.bbox, [0, 0, 200, 100]);
  });

  it('keeps explicit category ids (the SDK test with category="10|2|7")', async () => {
    const region = (x: number, label: string) =>
      rect({ x, y: 10, width: 20, height: 20, rotation: 0, rectanglelabels: [label] }, 1000, 500);
    const out = await coco([taskWith(1, 'not-downloaded.jpg', [region(10, 'car'), region(30, 'truck')])], {
      // label-config's exportCategories order: explicit ids first, as the converter lists them.
      categories: [
        { id: 10, name: 'car' },
        { id: 2, name: 'person' },
        { id: 7, name: 'truck' },
      ],
      imageKey: 'image',
      controls: { label: 'rectanglelabels' },
    });
    assert.deepEqual(Object.fromEntries(out.categories.map((c) => [c.name, c.id])), {
      car: 10,
      person: 2,
      truck: 7,
    });
    assert.deepEqual(new Set(out.annotations.map((a) => a.category_id)), new Set([10, 7]));
  });

  it('writes a valid document for no tasks, and refuses a config without an image key', async () => {
    const out = await coco([], boxCtx);
    assert.deepEqual(out.images, []);
    assert.deepEqual(out.annotations, []);
    assert.deepEqual(
      out.categories.map((c) => c.name),
      ['Car', 'Person'],
    );
    assert.throws(() => exportCoco(source([]), { ...boxCtx, imageKey: null }), /imageKey/);
  });

  it('comes as a zip with result.json for the download, as Label Studio answers it', async () => {
    const tasks = fixtureTasks('test_export_coco/data.json');
    const files = await readZip(exportCocoZip(source(tasks), fixtureCtx, { now }));
    assert.deepEqual([...files.keys()], ['result.json']);
    const inZip = JSON.parse(files.get('result.json')!) as Coco;
    assert.deepEqual(inZip, await coco(tasks, fixtureCtx));
  });
});
