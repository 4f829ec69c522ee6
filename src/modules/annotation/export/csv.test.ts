import assert from 'node:assert/strict';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { text } from 'node:stream/consumers';
import { after, before, describe, it } from 'node:test';
import { createDelimitedExport, exportCsv, exportTsv } from './csv.ts';
import { fixtureTasks, fixtureText, source } from './test-helpers.ts';
import type { ExportContext, ExportTask } from './types.ts';

const noConfig: ExportContext = { categories: [], imageKey: null, controls: {} };

describe('CSV/TSV export', () => {
  let tmpDir = '';
  before(async () => {
    tmpDir = await mkdtemp(path.join(tmpdir(), 'gt-csv-test-'));
  });
  after(async () => {
    await rm(tmpDir, { recursive: true, force: true });
  });

  it('is byte-for-byte csv_test2_result.csv for csv_test2.json (TSV, as the SDK test runs it)', async () => {
    const expected = fixtureText('test_export_csv/csv_test2_result.csv');
    // The SDK's converter (Python's csv module) ends rows with "\r\n"; its test reads both files in text mode,
    // which turns "\r\n" into "\n", and the fixture is stored with "\n". With "\n" rows the bytes are equal.
    const lf = createDelimitedExport({ separator: '\t', lineTerminator: '\n' });
    const tasks = fixtureTasks('test_export_csv/csv_test2.json');
    assert.equal(await text(lf(source(tasks), noConfig, { tmpDir })), expected);
    // The default is the real converter's bytes: the same rows with "\r\n".
    assert.equal(
      await text(exportTsv(source(tasks), noConfig, { tmpDir })),
      expected.replaceAll('\n', '\r\n'),
    );
    // Nothing is left behind in the spool directory.
    assert.deepEqual(await readdir(tmpDir), []);
  });

  it('lists columns that first appear in a later task, and fills earlier rows with ""', async () => {
    const tasks: ExportTask[] = [
      { id: 1, data: { a: 'x' }, annotations: [] },
      { id: 2, data: { a: 'y', late: { k: 'v/w' } }, annotations: [] },
    ];
    const out = await text(exportCsv(source(tasks), noConfig, { tmpDir }));
    assert.equal(
      out,
      [
        '"a","annotation_id","annotator","created_at","id","late","lead_time","updated_at"',
        '"x","","","",1,"","",""',
        // Objects are dumped like ujson, with "/" escaped.
        '"y","","","",2,"{""k"":""v\\/w""}","",""',
        '',
      ].join('\r\n'),
    );
  });

  it('renames a data key that a control also uses, in every row, even when the collision comes late', async () => {
    const tasks: ExportTask[] = [
      { id: 1, data: { text: 'Unannotated' }, annotations: [] },
      {
        id: 2,
        data: { text: 'Annotated' },
        annotations: [
          {
            id: 5,
            result: [
              { from_name: 'text', to_name: 'text', type: 'choices', value: { choices: ['positive'] } },
            ],
            completed_by: { id: 3, email: 'annotator@example.com' },
            created_at: '2024-01-01T00:00:00Z',
            updated_at: '2024-01-01T00:00:00Z',
            lead_time: 1,
          },
        ],
      },
    ];
    const ctx: ExportContext = { categories: [], imageKey: null, controls: { text: 'choices' } };
    const out = await text(exportCsv(source(tasks), ctx, { tmpDir }));
    const [header, row1, row2] = out.split('\r\n');
    assert.equal(
      header,
      '"_data_text","annotation_id","annotator","created_at","id","lead_time","text","updated_at"',
    );
    assert.equal(row1, '"Unannotated","","","",1,"","",""');
    assert.equal(
      row2,
      '"Annotated",5,"annotator@example.com","2024-01-01T00:00:00Z",2,1.0,"positive","2024-01-01T00:00:00Z"',
    );
  });

  it('writes numbers bare, booleans as Python does, and JSON-dumps non-string outputs', async () => {
    const tasks: ExportTask[] = [
      {
        id: 9,
        data: { n: 3, f: 0.5, ok: true, none: null, quote: 'say "hi"' },
        annotations: [
          {
            id: 1,
            result: [
              {
                from_name: 'box',
                to_name: 'img',
                type: 'rectanglelabels',
                value: { x: 1, rectanglelabels: ['Car'] },
                original_width: 10,
              },
            ],
            completed_by: 4,
            created_at: 'c',
            updated_at: 'u',
          },
        ],
      },
    ];
    const ctx: ExportContext = { categories: [], imageKey: null, controls: { box: 'rectanglelabels' } };
    const out = await text(exportCsv(source(tasks), ctx, { tmpDir }));
    const [header, row] = out.split('\r\n');
    assert.equal(
      header,
      '"annotation_id","annotator","box","created_at","f","id","lead_time","n","none","ok","quote","updated_at"',
    );
    // An int completed_by is written as a string (get_annotator without int_id); a missing lead_time is "".
    assert.equal(
      row,
      '1,"4","[{""x"":1,""rectanglelabels"":[""Car""],""original_width"":10}]","c",0.5,9,"",3,"",True,"say ""hi""","u"',
    );
  });

  it('answers just the header for no tasks', async () => {
    const out = await text(exportCsv(source([]), noConfig, { tmpDir }));
    assert.equal(out, '"annotation_id","annotator","created_at","lead_time","updated_at"\r\n');
  });
});
