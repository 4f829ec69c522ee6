// CSV and TSV (label_studio_sdk/converter/exports/csv2.py): the JSON_MIN columns, header sorted, cells quoted
// like Python's csv.QUOTE_NONNUMERIC, objects and lists JSON-dumped (ujson, "/" escaped), and a data key that
// is also a control name renamed `_data_<key>`.
//
// The header must list every column before the first row, and the columns are known only at the end: a data
// key or a control may first appear in the last task, and a collision renames that data key in every row.
// Label Studio reads the input three times. We read the task stream once and spool each row's rendered cells
// to a temporary file (one JSON line per item), collecting only the column names (O(columns) memory); at the
// end we write the header and turn the spooled lines into rows. Memory stays flat and the columns are exactly
// Label Studio's; the cost is disk (about the size of the output) and that the first byte comes after the
// last task has been read. Taking the columns from the first task instead would drop or misplace any key
// that appears later, which is silent data loss, so we do not.
import type { Readable } from 'node:stream';
import { annotatorOf, chatTranscript, createItemReader, type Item, prettify } from './items.ts';
import { csvCell, ujsonDumps } from './pyformat.ts';
import { Spool, textStream } from './stream.ts';
import type { ExportContext, ExportOptions, ExportTask } from './types.ts';

type Cells = [string, string][];
/** One spooled item: the task id cell, the output cells, the data cells (names not yet renamed), the rest. */
type SpooledRow = [string | null, Cells, Cells, Cells];

const ALWAYS = ['annotator', 'annotation_id', 'created_at', 'updated_at', 'lead_time'];

function dataCell(v: unknown): string {
  return v !== null && typeof v === 'object' ? csvCell(ujsonDumps(v)) : csvCell(v);
}

function spooledRow(item: Item): SpooledRow {
  const { task, annotation } = item;
  const outputs: Cells = [];
  for (const [name, group] of item.outputs) {
    const pretty = prettify(group);
    outputs.push([name, csvCell(typeof pretty === 'string' ? pretty : ujsonDumps(pretty))]);
    const transcript = chatTranscript(group, pretty);
    if (transcript !== null) outputs.push([`${name}_transcript`, csvCell(transcript)]);
  }
  const data: Cells = Object.entries(task.data ?? {}).map(([key, v]) => [key, dataCell(v)]);
  const rest: Cells = [
    ['annotator', csvCell(annotatorOf(item, false))],
    ['annotation_id', csvCell(annotation?.id ?? null)],
    ['created_at', csvCell(annotation?.created_at ?? null)],
    ['updated_at', csvCell(annotation?.updated_at ?? null)],
    ['lead_time', csvCell(annotation?.lead_time ?? null, true)],
  ];
  if (annotation && task.agreement !== undefined) rest.push(['agreement', csvCell(task.agreement, true)]);
  if (Array.isArray(annotation?.history) && annotation.history.length > 0)
    rest.push(['history', csvCell(ujsonDumps(annotation.history))]);
  const id = task.id === null || task.id === undefined ? null : csvCell(task.id);
  return [id, outputs, data, rest];
}

/** Python sorts str by code point; JavaScript's default order is by UTF-16 unit. */
function byCodePoint(a: string, b: string): number {
  const ia = a[Symbol.iterator]();
  const ib = b[Symbol.iterator]();
  for (;;) {
    const ca = ia.next();
    const cb = ib.next();
    if (ca.done || cb.done) return ca.done && cb.done ? 0 : ca.done ? -1 : 1;
    const d = (ca.value.codePointAt(0) ?? 0) - (cb.value.codePointAt(0) ?? 0);
    if (d !== 0) return d;
  }
}

export interface DelimitedOptions {
  separator: string;
  /** Python's csv module ends rows with "\r\n" (its default dialect), so we do too. */
  lineTerminator?: string;
}

export function createDelimitedExport({ separator, lineTerminator = '\r\n' }: DelimitedOptions) {
  return (tasks: AsyncIterable<ExportTask>, ctx: ExportContext, options: ExportOptions = {}): Readable => {
    const itemsOf = createItemReader(ctx);
    const rows = async function* (): AsyncGenerator<string> {
      const spool = await Spool.create(options.tmpDir);
      try {
        const dataKeys = new Set<string>();
        const outputKeys = new Set<string>();
        const columns = new Set<string>(ALWAYS);
        for await (const task of tasks) {
          // Nothing is yielded during this pass, so a reader that left is noticed here, not at the next yield.
          if (stream.destroyed) return;
          for (const item of itemsOf(task)) {
            const row = spooledRow(item);
            if (row[0] !== null) columns.add('id');
            for (const [name] of row[1]) columns.add(name);
            for (const name of item.outputs.keys()) outputKeys.add(name);
            for (const [key] of row[2]) dataKeys.add(key);
            for (const [name] of row[3]) columns.add(name);
            await spool.write(`${JSON.stringify(row)}\n`);
          }
        }
        await spool.close();
        const rename = (key: string) => (outputKeys.has(key) ? `_data_${key}` : key);
        for (const key of dataKeys) columns.add(rename(key));
        const header = [...columns].sort(byCodePoint);
        yield header.map((h) => csvCell(h)).join(separator) + lineTerminator;
        for await (const line of spool.lines()) {
          const [id, outputs, data, rest] = JSON.parse(line) as SpooledRow;
          // Same assignment order as csv2.prepare_annotation, so a later key overwrites an earlier one alike.
          const cells = new Map<string, string>();
          if (id !== null) cells.set('id', id);
          for (const [name, cell] of outputs) cells.set(name, cell);
          for (const [key, cell] of data) cells.set(rename(key), cell);
          for (const [name, cell] of rest) cells.set(name, cell);
          yield header.map((h) => cells.get(h) ?? '""').join(separator) + lineTerminator;
        }
      } finally {
        await spool.remove();
      }
    };
    const stream = textStream(rows());
    return stream;
  };
}

export const exportCsv = createDelimitedExport({ separator: ',' });
export const exportTsv = createDelimitedExport({ separator: '\t' });
