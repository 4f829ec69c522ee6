// What the export does with the task lines PostgreSQL writes (export.repo.ts): the JSON format passes the
// bytes through into a JSON list, only taking out the spaces jsonb puts after `:` and `,` (so the file is
// what JSON.stringify writes, at a fraction of the cost of parsing); the other formats parse one line per
// task for their converter.
import { StringDecoder } from 'node:string_decoder';
import type { ExportTask } from './export/index.ts';

const SPACE = 0x20;
const NEWLINE = 0x0a;
const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COMMA = 0x2c;

/**
 * Label Studio's JSON export from the task lines: `[`, each task on its own line after `,\n` (the first after
 * `\n`), then `\n]` (`[]` when there are none), with the spaces outside strings removed. A byte scan: UTF-8
 * continuation bytes never equal the ASCII bytes it looks for, so it is safe across chunk boundaries.
 * `onRow` gets the running count of tasks at the end of each chunk.
 */
export async function* jsonArrayOf(
  lines: AsyncIterable<Buffer>,
  onRow?: (n: number) => void,
): AsyncGenerator<Buffer> {
  let rows = 0;
  let atStart = true;
  let inString = false;
  let escaped = false;
  yield Buffer.from('[');
  for await (const chunk of lines) {
    // At most one byte out per byte in, plus ",\n" where a row starts (grown in the rare chunk that needs it).
    let out = Buffer.allocUnsafe(chunk.length + 64);
    let o = 0;
    for (let i = 0; i < chunk.length; i++) {
      const x = chunk[i]!;
      if (inString) {
        out[o++] = x;
        if (escaped) escaped = false;
        else if (x === BACKSLASH) escaped = true;
        else if (x === QUOTE) inString = false;
        continue;
      }
      if (x === SPACE) continue;
      if (x === NEWLINE) {
        atStart = true;
        continue;
      }
      if (atStart) {
        if (out.length - o < chunk.length - i + 2) {
          const grown = Buffer.allocUnsafe(out.length * 2 + 2);
          out.copy(grown, 0, 0, o);
          out = grown;
        }
        if (rows > 0) out[o++] = COMMA;
        out[o++] = NEWLINE;
        rows++;
        atStart = false;
      }
      if (x === QUOTE) inString = true;
      out[o++] = x;
    }
    onRow?.(rows);
    if (o > 0) yield out.subarray(0, o);
  }
  yield Buffer.from(rows > 0 ? '\n]' : ']');
}

/** The tasks, parsed one line at a time, for the converters. */
export async function* parsedTasks(lines: AsyncIterable<Buffer>): AsyncGenerator<ExportTask> {
  const decoder = new StringDecoder('utf8');
  let rest = '';
  for await (const chunk of lines) {
    const text = rest + decoder.write(chunk);
    let start = 0;
    for (let end = text.indexOf('\n'); end !== -1; end = text.indexOf('\n', start)) {
      yield JSON.parse(text.slice(start, end)) as ExportTask;
      start = end + 1;
    }
    rest = text.slice(start);
  }
  rest += decoder.end();
  if (rest.trim()) throw new Error('the export ended inside a task');
}
