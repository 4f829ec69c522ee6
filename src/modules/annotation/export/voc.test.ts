import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { fixtureTasks, readZip, source } from './test-helpers.ts';
import type { ExportContext, ExportTask } from './types.ts';
import { exportVoc } from './voc.ts';

const ctx: ExportContext = {
  categories: ['parasites', 'white'],
  imageKey: 'image',
  controls: { label: 'rectanglelabels' },
};

describe('VOC export', () => {
  it('writes one XML per annotated image with truncated pixel boxes (test_export_yolo data)', async () => {
    const tasks = fixtureTasks('test_export_yolo/data.json');
    const files = await readZip(exportVoc(source(tasks), ctx));
    assert.deepEqual([...files.keys()].sort(), ['Annotations/image1.xml', 'Annotations/image2.xml']);
    for (const [name, t] of [
      ['Annotations/image1.xml', tasks[0]!],
      ['Annotations/image2.xml', tasks[1]!],
    ] as const) {
      const xml = files.get(name)!;
      const oldest = [...t.annotations].sort((a, b) => a.created_at.localeCompare(b.created_at))[0]!;
      const expected = oldest.result.map((r) => {
        const v = r.value as {
          x: number;
          y: number;
          width: number;
          height: number;
          rectanglelabels: string[];
        };
        const W = r.original_width!;
        const H = r.original_height!;
        const x = Math.floor((v.x * W) / 100);
        const y = Math.floor((v.y * H) / 100);
        return [
          v.rectanglelabels[0],
          x,
          y,
          x + Math.floor((v.width * W) / 100),
          y + Math.floor((v.height * H) / 100),
        ];
      });
      const objects = [
        ...xml.matchAll(
          /<object>\n<name>(.*)<\/name>[\s\S]*?<xmin>(\d+)<\/xmin>\n<ymin>(\d+)<\/ymin>\n<xmax>(\d+)<\/xmax>\n<ymax>(\d+)<\/ymax>/g,
        ),
      ].map((m) => [m[1], Number(m[2]), Number(m[3]), Number(m[4]), Number(m[5])]);
      assert.deepEqual(objects, expected, name);
      assert.match(xml, /<size>\n<width>2800<\/width>\n<height>2800<\/height>\n<depth>3<\/depth>\n<\/size>/);
    }
  });

  it('lays the XML out as minidom writes it and truncates toward zero', async () => {
    const tasks: ExportTask[] = [
      {
        id: 1,
        data: { image: 's3://bucket/photos/a&b.jpeg' },
        annotations: [
          {
            id: 3,
            completed_by: { id: 2, email: 'ann@example.com' },
            created_at: '2024-01-01',
            updated_at: '2024-01-01',
            result: [
              {
                from_name: 'label',
                to_name: 'image',
                type: 'rectanglelabels',
                value: {
                  x: 12.345,
                  y: -0.5,
                  width: 50.5,
                  height: 10,
                  rotation: 30,
                  rectanglelabels: ['<car>'],
                },
                original_width: 333,
                original_height: 333,
              },
            ],
          },
        ],
      },
      { id: 2, data: { image: 'unannotated.jpg' }, annotations: [] },
    ];
    const files = await readZip(exportVoc(source(tasks), ctx));
    assert.deepEqual([...files.keys()], ['Annotations/a&b.xml']);
    // 12.345% of 333 = 41.1 -> 41; -0.5% = -1.665 -> -1; 50.5% = 168.2 -> 168; 10% = 33.3 -> 33.
    assert.equal(
      files.get('Annotations/a&b.xml'),
      [
        '<?xml version="1.0" encoding="utf-8"?>',
        '<annotation>',
        '<folder>images</folder>',
        '<filename>a&amp;b.jpeg</filename>',
        '<source>',
        '<database>MyDatabase</database>',
        '<annotation>COCO2017</annotation>',
        '<image>flickr</image>',
        '<flickrid>NULL</flickrid>',
        '<annotator>ann@example.com</annotator>',
        '</source>',
        '<owner>',
        '<flickrid>NULL</flickrid>',
        '<name>Label Studio</name>',
        '</owner>',
        '<size>',
        '<width>333</width>',
        '<height>333</height>',
        '<depth>3</depth>',
        '</size>',
        '<segmented>0</segmented>',
        '<object>',
        '<name>&lt;car&gt;</name>',
        '<pose>Unspecified</pose>',
        '<truncated>0</truncated>',
        '<difficult>0</difficult>',
        '<bndbox>',
        '<xmin>41</xmin>',
        '<ymin>-1</ymin>',
        '<xmax>209</xmax>',
        '<ymax>32</ymax>',
        '</bndbox>',
        '</object>',
        '</annotation>',
        '',
      ].join('\n'),
    );
  });
});
