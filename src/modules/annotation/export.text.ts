// What the export does with the task lines PostgreSQL writes (export.repo.ts): the JSON format passes the
// bytes through into a JSON list, only taking out the spaces jsonb puts after `:` and `,` (so the file is
// what JSON.stringify writes, at a fraction of the cost of parsing); the other formats parse one line per
// task for their converter.
import type { ExportTask } from './export/index.ts';

const SPACE = 0x20;
const NEWLINE = 0x0a;
const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COMMA = 0x2c;

const FIRST = Buffer.from('\n');
const NEXT = Buffer.from(',\n');

/**
 * The scan's state across chunks. `compact` rewrites a chunk in place (the output never runs ahead of the
 * input: a row gives back at least its newline and usually dozens of spaces, and where it would not, the
 * separator goes out as a piece of its own), so no buffer is allocated per chunk.
 */
class Compactor {
  rows = 0;
  private atStart = true;
  private inString = false;
  private escaped = false;

  /**
   * Compacts `chunk` in place and appends the pieces to send (subarrays of it and separators) to `out`.
   * Inside a string the bytes are copied by a loop of their own up to the closing quote (30-40% faster than
   * one loop testing the state at every byte, measured on the benchmark's lines; indexOf per string is
   * slower, the strings being short).
   */
  compact(chunk: Buffer, out: Buffer[]): void {
    let { atStart, inString, escaped, rows } = this;
    let o = 0;
    let piece = 0;
    let i = 0;
    const n = chunk.length;
    if (escaped && n > 0) {
      // The previous chunk ended on a backslash inside a string: this byte is the escaped one.
      chunk[o++] = chunk[i++]!;
      escaped = false;
    }
    while (i < n) {
      if (inString) {
        while (i < n) {
          const x = chunk[i++]!;
          chunk[o++] = x;
          if (x === QUOTE) {
            inString = false;
            break;
          }
          if (x === BACKSLASH) {
            if (i === n) {
              escaped = true;
              break;
            }
            chunk[o++] = chunk[i++]!;
          }
        }
        continue;
      }
      const x = chunk[i]!;
      if (x === SPACE) {
        i++;
        continue;
      }
      if (x === NEWLINE) {
        atStart = true;
        i++;
        continue;
      }
      if (atStart) {
        atStart = false;
        if (i - o >= 2) {
          if (rows > 0) chunk[o++] = COMMA;
          chunk[o++] = NEWLINE;
        } else {
          // No room before this byte (a chunk that starts with a row, or rows without spaces).
          if (o > piece) out.push(chunk.subarray(piece, o));
          out.push(rows > 0 ? NEXT : FIRST);
          piece = o = i;
        }
        rows++;
      }
      if (x === QUOTE) inString = true;
      chunk[o++] = x;
      i++;
    }
    if (o > piece) out.push(chunk.subarray(piece, o));
    this.atStart = atStart;
    this.inString = inString;
    this.escaped = escaped;
    this.rows = rows;
  }
}

/**
 * Label Studio's JSON export from the task lines: `[`, each task on its own line after `,\n` (the first after
 * `\n`), then `\n]` (`[]` when there are none), with the spaces outside strings removed. A byte scan: UTF-8
 * continuation bytes never equal the ASCII bytes it looks for, so it is safe across chunk boundaries. It
 * takes the chunks over (they are rewritten in place: COPY's and the cursor's buffers are this reader's own).
 * `onRow` gets the running count of tasks at the end of each chunk.
 */
export async function* jsonArrayOf(
  lines: AsyncIterable<Buffer>,
  onRow?: (n: number) => void,
): AsyncGenerator<Buffer> {
  const scan = new Compactor();
  const pieces: Buffer[] = [];
  yield Buffer.from('[');
  for await (const chunk of lines) {
    if (process.env.NOCOMPACT) pieces.push(chunk);
    else scan.compact(chunk, pieces);
    onRow?.(scan.rows);
    for (const piece of pieces) yield piece;
    pieces.length = 0;
  }
  yield Buffer.from(scan.rows > 0 ? '\n]' : ']');
}

/**
 * The tasks, parsed one line at a time, for the converters. Each line is decoded on its own (a few hundred
 * bytes): decoding a whole chunk made a string of a megabyte, twice (the decode, then the join with the
 * previous chunk's rest), which V8 puts in its large-object space; those outlived the next scavenge and went
 * to the old generation, which then grew with the length of the export until a full collection. A line cut
 * by a chunk boundary is copied out (so the chunk is not kept) and joined with the next chunk's start.
 */
export async function* parsedTasks(lines: AsyncIterable<Buffer>): AsyncGenerator<ExportTask> {
  let rest: Buffer | null = null;
  for await (const chunk of lines) {
    let start = 0;
    let end = chunk.indexOf(NEWLINE);
    if (rest !== null) {
      if (end === -1) {
        rest = Buffer.concat([rest, chunk]);
        continue;
      }
      const line = Buffer.concat([rest, chunk.subarray(0, end)]);
      rest = null;
      yield JSON.parse(line.toString('utf8')) as ExportTask;
      start = end + 1;
      end = chunk.indexOf(NEWLINE, start);
    }
    for (; end !== -1; end = chunk.indexOf(NEWLINE, start)) {
      yield JSON.parse(chunk.toString('utf8', start, end)) as ExportTask;
      start = end + 1;
    }
    if (start < chunk.length) rest = Buffer.from(chunk.subarray(start));
  }
  if (rest?.toString('utf8').trim()) throw new Error('the export ended inside a task');
}
