import assert from 'node:assert/strict';
import { text } from 'node:stream/consumers';
import { describe, it } from 'node:test';
import { exportJson, exportJsonMin } from './json.ts';
import { fixtureTasks, source } from './test-helpers.ts';
import type { ExportAnnotation, ExportContext, ExportTask } from './types.ts';

const ann = (
  id: number,
  created_at: string,
  result: ExportAnnotation['result'],
  extra = {},
): ExportAnnotation => ({
  id,
  result,
  completed_by: 7,
  created_at,
  updated_at: created_at,
  lead_time: 2.5,
  ...extra,
});
const choice = (from_name: string, choices: string[]) => ({
  from_name,
  to_name: 'text',
  type: 'choices',
  value: { choices },
});

async function jsonMin(tasks: ExportTask[], ctx: ExportContext) {
  return JSON.parse(await text(exportJsonMin(source(tasks), ctx))) as Record<string, unknown>[];
}

describe('JSON export', () => {
  it('writes the tasks as given, as one JSON array', async () => {
    const tasks = fixtureTasks('test_export_coco/data.json');
    const out = await text(exportJson(source(tasks)));
    assert.deepEqual(JSON.parse(out), tasks);
    assert.equal(await text(exportJson(source([]))), '[]');
  });
});

describe('JSON_MIN export', () => {
  it('matches the SDK test on test_export_json_min/data.json: one record with the "label" output', async () => {
    const out = await jsonMin(fixtureTasks('test_export_json_min/data.json'), {
      categories: ['Airplane', 'Car'],
      imageKey: 'image',
      controls: { label: 'polygonlabels' },
    });
    assert.equal(out.length, 1);
    const task = fixtureTasks('test_export_json_min/data.json')[0]!;
    const region = task.annotations[0]!.result[0]!;
    assert.deepEqual(out[0], {
      image: '/data/upload/29/example.png',
      id: 87,
      label: [{ ...region.value, original_width: 128, original_height: 128 }],
      annotator: 1,
      annotation_id: 22,
      created_at: '2024-01-30T02:40:43.893565Z',
      updated_at: '2024-01-30T02:40:43.893578Z',
      lead_time: 8.65,
    });
  });

  it('matches Repeater controls by their {{idx}} pattern (data_repeater.json)', async () => {
    const out = await jsonMin(fixtureTasks('test_export_json_min/data_repeater.json'), {
      categories: [],
      imageKey: null,
      controls: { 'labels_{{idx}}': 'rectanglelabels', 'categories_{{idx}}': 'taxonomy' },
    });
    assert.equal(out.length, 1);
    assert.ok('labels_0' in out[0]!);
    assert.ok('categories_0' in out[0]!);
    assert.deepEqual((out[0]!.categories_0 as { taxonomy: unknown }[])[0]!.taxonomy, [['Archaea']]);
  });

  it('exports chat messages as their list (chat_data.json)', async () => {
    const out = await jsonMin(fixtureTasks('test_export_json_min/chat_data.json'), {
      categories: [],
      imageKey: null,
      controls: { chat: 'chatmessage' },
    });
    assert.equal(out.length, 1);
    const messages = out[0]!.chat as Record<string, unknown>[];
    assert.equal(messages.length, 4);
    assert.equal(messages[0]!.role, 'user');
    assert.ok(String(messages[1]!.content).startsWith('Hello! How can I assist you today?'));
    assert.ok('tool_calls' in messages[1]!);
    assert.equal(messages[1]!.tool_calls, null);
    assert.equal(out[0]!.annotator, 'test@example.com');
  });

  it('gives one item per non-cancelled annotation, newest first, and one for an unannotated task', async () => {
    const tasks: ExportTask[] = [
      {
        id: 1,
        data: { text: 'a' },
        agreement: 50,
        annotations: [
          ann(10, '2024-01-01T00:00:00Z', [choice('sentiment', ['pos'])]),
          ann(11, '2024-03-01T00:00:00Z', [choice('sentiment', ['neg'])]),
          ann(12, '2024-05-01T00:00:00Z', [choice('sentiment', ['neu'])], { was_cancelled: true }),
        ],
      },
      { id: 2, data: { text: 'b' }, agreement: 50, annotations: [] },
      {
        id: 3,
        data: { text: 'c' },
        annotations: [ann(13, '2024-01-01T00:00:00Z', [], { was_cancelled: true })],
      },
    ];
    const out = await jsonMin(tasks, { categories: [], imageKey: null, controls: { sentiment: 'choices' } });
    assert.deepEqual(
      out.map((r) => [r.id, r.annotation_id, r.sentiment ?? null]),
      [
        [1, 11, 'neg'],
        [1, 10, 'pos'],
        [2, null, null],
      ],
    );
    assert.equal(out[0]!.agreement, 50);
    // Label Studio's empty item carries no agreement and no annotator.
    assert.deepEqual(out[2], {
      text: 'b',
      id: 2,
      annotator: null,
      annotation_id: null,
      created_at: null,
      updated_at: null,
      lead_time: null,
    });
  });

  it('makes a Choices/TextArea output a bare string only for one region with one value (prettify_result)', async () => {
    const ctx: ExportContext = {
      categories: [],
      imageKey: null,
      controls: {
        one: 'choices',
        multi: 'choices',
        twice: 'choices',
        note: 'textarea',
        box: 'rectanglelabels',
      },
    };
    const result = [
      choice('one', ['pos']),
      choice('multi', ['a', 'b']),
      choice('twice', ['x']),
      choice('twice', ['y']),
      { from_name: 'note', to_name: 'text', type: 'textarea', value: { text: ['hello'] } },
      { from_name: 'unknown', to_name: 'text', type: 'choices', value: { choices: ['dropped'] } },
      {
        from_name: 'box',
        to_name: 'img',
        type: 'rectanglelabels',
        value: { x: 1, y: 2, width: 3, height: 4, rectanglelabels: ['Car'] },
        original_width: 10,
        original_height: 20,
      },
    ];
    const [record] = await jsonMin([{ id: 1, data: {}, annotations: [ann(1, '2024-01-01', result)] }], ctx);
    assert.equal(record!.one, 'pos');
    assert.deepEqual(record!.multi, { choices: ['a', 'b'] });
    // prettify_result unwraps each one-choice region but keeps the list when there are two.
    assert.deepEqual(record!.twice, ['x', 'y']);
    assert.equal(record!.note, 'hello');
    assert.ok(!('unknown' in record!));
    assert.deepEqual(record!.box, [
      { x: 1, y: 2, width: 3, height: 4, rectanglelabels: ['Car'], original_width: 10, original_height: 20 },
    ]);
    assert.equal(record!.annotator, 7);
  });
});
