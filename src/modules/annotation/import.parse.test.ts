// The JSON list scanner splits a body into its tasks wherever the network cuts it: inside strings, between
// escapes, between a backslash and the quote it escapes.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { jsonBatches, jsonValues } from './import.parse.ts';

const tasks = [
  { data: { text: 'a "quoted" word, a \\ backslash, a \\" pair, an end \\\\' } },
  { text: 'braces }]{[ and commas , inside', n: -1.5e3, ok: true, none: null },
  { data: { nested: [{ a: [1, [2, [3]]] }, {}] }, meta: { k: 'v' } },
  { text: '\u00e9\u4e2d\ud83d\ude00 \n\t newline and tab escapes' },
];
const text = `[\n${tasks.map((t) => JSON.stringify(t, null, 2)).join(' ,\r\n')}\n]`;

async function* chunksOf(s: string, size: number) {
  const bytes = Buffer.from(s);
  for (let i = 0; i < bytes.length; i += size) yield bytes.subarray(i, i + size);
}

test('every chunk size gives the same tasks, each with its own text', async () => {
  for (const size of [1, 2, 3, 5, 7, 64, 1 << 20]) {
    const values: unknown[] = [];
    const texts: string[] = [];
    for await (const b of jsonBatches(chunksOf(text, size))) {
      values.push(...b.values);
      texts.push(...(b.texts ?? []));
    }
    assert.deepEqual(values, tasks, `chunks of ${size}`);
    assert.deepEqual(
      texts.map((t) => JSON.parse(t)),
      tasks,
      `texts in chunks of ${size}`,
    );
  }
  const flat: unknown[] = [];
  for await (const v of jsonValues(chunksOf(text, 3))) flat.push(v);
  assert.deepEqual(flat, tasks);
});

test('a string left open, a stray value or a missing comma is refused', async () => {
  const bad = ['[{"text": "open}]', '[{"a": 1} {"b": 2}]', '[{"a": "\\"}]', '[1]', '[{"a": 1}] x'];
  for (const body of bad) {
    await assert.rejects(
      (async () => {
        for await (const _ of jsonBatches(chunksOf(body, 2))) {
          // drain
        }
      })(),
      `refused: ${body}`,
    );
  }
});
