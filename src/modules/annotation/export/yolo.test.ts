import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { fixtureTasks, readZip, source } from './test-helpers.ts';
import type { ExportContext, ExportTask, Region } from './types.ts';
import { exportYolo } from './yolo.ts';

const ctx: ExportContext = {
  categories: ['parasites', 'white'],
  imageKey: 'image',
  controls: { label: 'rectanglelabels' },
};
const now = new Date(2025, 0, 1);

const region = (type: string, value: Record<string, unknown>): Region => ({
  from_name: type === 'polygonlabels' ? 'poly' : type === 'choices' ? 'sentiment' : 'label',
  to_name: 'image',
  type,
  value,
  original_width: 640,
  original_height: 480,
});
const task = (id: number, image: string, results: Region[][]): ExportTask => ({
  id,
  data: { image },
  annotations: results.map((result, i) => ({
    id: id * 10 + i,
    result,
    completed_by: 1,
    created_at: `2024-01-0${i + 1}T00:00:00Z`,
    updated_at: '2024-01-01T00:00:00Z',
  })),
});

describe('YOLO export', () => {
  it('gives the files the SDK test expects for test_export_yolo, with the boxes normalized', async () => {
    const tasks = fixtureTasks('test_export_yolo/data.json');
    const files = await readZip(exportYolo(source(tasks), ctx, { now }));
    // The SDK test splits by labeler (labels/1/image1.txt, labels/2/image1.txt, labels/1/image2.txt, 2 lines
    // each); without the split (as Label Studio's API exports) there is one file per image. No images/ folder.
    assert.deepEqual(
      [...files.keys()].sort(),
      ['classes.txt', 'labels/image1.txt', 'labels/image2.txt', 'notes.json'].sort(),
    );
    for (const name of ['labels/image1.txt', 'labels/image2.txt']) {
      assert.equal(files.get(name)!.split('\n').filter(Boolean).length, 2, name);
    }
    assert.equal(files.get('classes.txt'), 'parasites\nwhite\n');
    assert.deepEqual(JSON.parse(files.get('notes.json')!), {
      categories: [
        { id: 0, name: 'parasites' },
        { id: 1, name: 'white' },
      ],
      info: { year: 2025, version: '1.0', contributor: 'Label Studio' },
    });

    // Independently from the input: the last item written wins, i.e. the oldest annotation.
    for (const [name, t] of [
      ['labels/image1.txt', tasks[0]!],
      ['labels/image2.txt', tasks[1]!],
    ] as const) {
      const oldest = [...t.annotations].sort((a, b) => a.created_at.localeCompare(b.created_at))[0]!;
      const expected = oldest.result.map((r) => {
        const v = r.value as {
          x: number;
          y: number;
          width: number;
          height: number;
          rectanglelabels: string[];
        };
        const cls = ['parasites', 'white'].indexOf(v.rectanglelabels[0]!);
        return [cls, (v.x + v.width / 2) / 100, (v.y + v.height / 2) / 100, v.width / 100, v.height / 100];
      });
      const lines = files
        .get(name)!
        .trimEnd()
        .split('\n')
        .map((l) => l.split(' ').map(Number));
      assert.deepEqual(lines, expected, name);
    }
    // The bytes, as Python 3 prints these floats (computed with the SDK's formula in python3).
    assert.equal(
      files.get('labels/image1.txt'),
      '0 0.39253187613843354 0.7304189435336975 0.04189435336976321 0.04735883424408015\n' +
        '1 0.5969531379367445 0.6519291273389635 0.03808577579069383 0.04636529226693169\n',
    );
    assert.equal(
      files.get('labels/image2.txt'),
      '1 0.21311475409836067 0.51183970856102 0.03278688524590164 0.029143897996357013\n' +
        '1 0.6302367941712204 0.39344262295081966 0.025500910746812388 0.043715846994535526\n',
    );
  });

  it('writes polygons as normalized points, floats as Python does, and an empty file for no boxes', async () => {
    const polyCtx: ExportContext = {
      categories: ['Car', 'Road'],
      imageKey: 'image',
      controls: { label: 'rectanglelabels', poly: 'polygonlabels' },
    };
    const tasks = [
      task(1, '/data/upload/1/street.v2.jpg', [
        [
          region('rectanglelabels', {
            x: 0,
            y: 25,
            width: 100,
            height: 50,
            rotation: 45,
            rectanglelabels: ['Car'],
          }),
          region('polygonlabels', {
            points: [
              [10, 20],
              [30, 40.5],
              [50, 20],
            ],
            polygonlabels: ['Road'],
          }),
        ],
      ]),
      task(2, 'https://example.com/img/empty.png', []),
      task(3, 'https://example.com/img/only-choices.png', [[region('choices', { choices: ['x'] })]]),
      task(4, 'https://example.com/img/new-label.png', [
        [region('rectanglelabels', { x: 10, y: 10, width: 10, height: 10, rectanglelabels: ['Bus'] })],
      ]),
      { ...task(5, 'x', []), data: {} },
    ];
    const files = await readZip(exportYolo(source(tasks), { ...polyCtx, controls: { ...polyCtx.controls } }));
    // Rotation is ignored; whole-number results still print as floats ("0.5", "1.0").
    assert.equal(files.get('labels/street.v2.txt'), '0 0.5 0.5 1.0 0.5\n1 0.1 0.2 0.3 0.405 0.5 0.2\n');
    assert.equal(files.get('labels/empty.txt'), '');
    // Regions of controls that are not in ctx.controls are dropped, so this image has no boxes.
    assert.equal(files.get('labels/only-choices.txt'), '');
    assert.equal(files.get('labels/new-label.txt'), '2 0.15 0.15 0.1 0.1\n');
    assert.equal(files.get('classes.txt'), 'Car\nRoad\nBus\n');
    assert.equal(files.size, 6);
  });

  it('keeps zip entry names inside their folder', async () => {
    const files = await readZip(exportYolo(source([task(1, 'dir/..\\..\\evil.jpg', [])]), ctx));
    assert.ok(files.has('labels/.._.._evil.txt'), [...files.keys()].join());
  });
});
