import assert from 'node:assert/strict';
import { buffer } from 'node:stream/consumers';
import { describe, it } from 'node:test';
import { EXPORT_CONVERTERS } from './index.ts';
import { source, unzip } from './test-helpers.ts';
import type { ExportContext } from './types.ts';

const ctx: ExportContext = {
  categories: ['Car'],
  imageKey: 'image',
  textKey: 'text',
  controls: { label: 'rectanglelabels' },
};

describe('EXPORT_CONVERTERS', () => {
  it('answers a well-formed file of the announced type for a project without tasks', async () => {
    for (const [name, format] of Object.entries(EXPORT_CONVERTERS)) {
      const bytes = await buffer(format.convert(source([]), ctx));
      if (format.contentType === 'application/zip') {
        const names = unzip(bytes).map((e) => e.name);
        const expected = { COCO: ['result.json'], YOLO: ['classes.txt', 'notes.json'], VOC: [] }[name];
        assert.deepEqual(names, expected, name);
      } else if (format.extension === 'conll') {
        assert.equal(bytes.toString('utf8'), '-DOCSTART- -X- O\n', name);
      } else if (format.extension === 'json') {
        assert.deepEqual(JSON.parse(bytes.toString('utf8')), [], name);
      } else {
        assert.equal(bytes.toString('utf8').split('\r\n').length, 2, name);
      }
    }
  });
});
