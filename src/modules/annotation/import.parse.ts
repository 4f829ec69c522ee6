// Task sources for imports, each read as a stream: a JSON array (or one {url} object), JSON Lines, CSV, TSV
// and plain text (one task a line). Nothing holds a whole file: the JSON array is split into its elements
// by a small scanner (strings and nesting tracked byte by byte) and each element goes through the native
// JSON.parse, which is several times faster than a token-by-token streaming parser at a million tasks.
import { type Readable, Transform } from 'node:stream';
import { StringDecoder } from 'node:string_decoder';
import { parse as parseCsv } from 'csv-parse';
import { AppError } from '../../platform/errors.ts';

export type ImportFormat = 'json' | 'jsonl' | 'csv' | 'tsv' | 'txt';

/** Largest single task (one array element, one line). */
export const MAX_TASK_BYTES = 16 * 1024 * 1024;

export const FORMAT_EXTENSIONS: Record<string, ImportFormat> = {
  '.json': 'json',
  '.jsonl': 'jsonl',
  '.ndjson': 'jsonl',
  '.csv': 'csv',
  '.tsv': 'tsv',
  '.txt': 'txt',
};

/** The format of an uploaded file, from its name (Label Studio decides by extension too). */
export function formatOf(name: string): ImportFormat | null {
  const dot = name.lastIndexOf('.');
  return dot < 0 ? null : (FORMAT_EXTENSIONS[name.slice(dot).toLowerCase()] ?? null);
}

const bad = (message: string) =>
  new AppError('validation_failed', message, {
    detail: 'Validation error',
    validation_errors: { non_field_errors: [message] },
  });

const WS = new Set([0x20, 0x0a, 0x0d, 0x09]);

/**
 * Values read from a source, a chunk's worth at a time (one await per chunk, not per task). `texts[i]`, when
 * present, is the JSON text `values[i]` was parsed from, so a task can be written without serializing it again.
 */
export interface Batch {
  values: unknown[];
  texts?: string[];
}

/**
 * The values of a JSON document that is an array of objects (each yielded as soon as it is complete), or a
 * single object (yielded whole, as Label Studio takes one dict as one task or as {url}).
 */
export async function* jsonValues(
  source: AsyncIterable<Buffer | string>,
  shape: { single?: boolean } = {},
): AsyncGenerator<unknown> {
  for await (const batch of jsonBatches(source, shape)) yield* batch.values;
}

/** jsonValues, a chunk at a time, with each element's text. */
export async function* jsonBatches(
  source: AsyncIterable<Buffer | string>,
  shape: { single?: boolean } = {},
): AsyncGenerator<Batch> {
  const decoder = new StringDecoder('utf8');
  let buf = '';
  let pos = 0; // scan position in buf
  let start = -1; // start of the current element in buf
  let mode: 'begin' | 'array' | 'single' | 'done' = 'begin';
  let depth = 0; // nesting inside the current element
  let inString = false;
  let needComma = false;
  let count = 0;

  for await (const chunk of source) {
    buf += typeof chunk === 'string' ? chunk : decoder.write(chunk);
    const values: unknown[] = [];
    const texts: string[] = [];
    const finishElement = (end: number) => {
      const text = buf.slice(start, end);
      start = -1;
      try {
        values.push(JSON.parse(text));
      } catch (err) {
        throw new AppError('invalid_json', `task #${count + 1} is not valid JSON: ${(err as Error).message}`);
      }
      texts.push(text);
    };
    for (; pos < buf.length; pos++) {
      if (inString) {
        // The closing quote: the next '"' not escaped (an odd run of backslashes before it escapes it). The
        // element's text stays in buf, so the run can be counted back across a chunk boundary.
        let q = buf.indexOf('"', pos);
        for (;;) {
          if (q < 0) break;
          let k = q - 1;
          while (buf.charCodeAt(k) === 0x5c) k--;
          if ((q - 1 - k) % 2 === 0) break;
          q = buf.indexOf('"', q + 1);
        }
        if (q < 0) {
          pos = buf.length;
          break;
        }
        inString = false;
        pos = q;
        continue;
      }
      const c = buf.charCodeAt(pos);
      if (start >= 0) {
        if (c === 0x22) inString = true;
        else if (c === 0x7b || c === 0x5b) depth++;
        else if (c === 0x7d || c === 0x5d) {
          depth--;
          if (depth === 0) {
            finishElement(pos + 1);
            count++;
            needComma = true;
            if (mode === 'single') mode = 'done';
          }
        }
        continue;
      }
      if (WS.has(c)) continue;
      if (mode === 'begin') {
        if (c === 0x5b) mode = 'array';
        else if (c === 0x7b) {
          mode = 'single';
          shape.single = true;
          start = pos;
          depth = 1;
        } else throw bad('the body must be a JSON array of tasks (or an object with a "url")');
        continue;
      }
      if (mode === 'done')
        throw new AppError('invalid_json', 'unexpected data after the end of the JSON document');
      // mode === 'array', between elements
      if (c === 0x5d) {
        mode = 'done';
        continue;
      }
      if (c === 0x2c) {
        if (!needComma) throw new AppError('invalid_json', `unexpected "," before task #${count + 1}`);
        needComma = false;
        continue;
      }
      if (needComma) throw new AppError('invalid_json', `expected "," or "]" after task #${count}`);
      if (c !== 0x7b) throw bad(`task #${count + 1} is not a JSON object`);
      start = pos;
      depth = 1;
    }
    // Keep only the unfinished element.
    if (start >= 0) {
      if (pos - start > MAX_TASK_BYTES)
        throw new AppError('payload_too_large', `task #${count + 1} is larger than ${MAX_TASK_BYTES} bytes`);
      buf = buf.slice(start);
      pos -= start;
      start = 0;
    } else {
      buf = '';
      pos = 0;
    }
    if (values.length) yield { values, texts };
  }
  buf += decoder.end();
  if (mode === 'begin') throw bad('the body is empty: send a JSON array of tasks');
  if (mode !== 'done' || start >= 0)
    throw new AppError('invalid_json', 'the JSON document ends before its last task is complete');
}

/** Splits a byte stream into lines (\n or \r\n), each at most MAX_TASK_BYTES. */
export async function* lines(source: AsyncIterable<Buffer | string>): AsyncGenerator<string> {
  for await (const chunk of lineBatches(source)) yield* chunk;
}

/** lines, a chunk's worth at a time. */
async function* lineBatches(source: AsyncIterable<Buffer | string>): AsyncGenerator<string[]> {
  const decoder = new StringDecoder('utf8');
  let rest = '';
  for await (const chunk of source) {
    rest += typeof chunk === 'string' ? chunk : decoder.write(chunk);
    let nl = rest.indexOf('\n');
    let from = 0;
    const out: string[] = [];
    while (nl >= 0) {
      out.push(rest.slice(from, nl).replace(/\r$/, ''));
      from = nl + 1;
      nl = rest.indexOf('\n', from);
    }
    rest = rest.slice(from);
    if (rest.length > MAX_TASK_BYTES)
      throw new AppError('payload_too_large', `a line is larger than ${MAX_TASK_BYTES} bytes`);
    if (out.length) yield out;
  }
  rest += decoder.end();
  if (rest) yield [rest.replace(/\r$/, '')];
}

async function* jsonLines(source: AsyncIterable<Buffer | string>): AsyncGenerator<Batch> {
  let n = 0;
  for await (const chunk of lineBatches(source)) {
    const values: unknown[] = [];
    const texts: string[] = [];
    for (const line of chunk) {
      n++;
      if (line.trim() === '') continue;
      try {
        values.push(JSON.parse(line));
      } catch (err) {
        throw new AppError('invalid_json', `line ${n} is not valid JSON: ${(err as Error).message}`);
      }
      texts.push(line);
    }
    if (values.length) yield { values, texts };
  }
}

const NUMBER = /^-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][-+]?[0-9]+)?$/;

/** CSV/TSV rows as objects keyed by the header; numbers become numbers, as pandas reads them for Label Studio. */
async function* delimited(source: Readable, delimiter: string): AsyncGenerator<unknown> {
  const parser = parseCsv({
    columns: (header: string[]) => header.map((h) => h.trim()),
    delimiter,
    bom: true,
    skip_empty_lines: true,
    relax_column_count: false,
    max_record_size: MAX_TASK_BYTES,
    cast: (value, context) => (context.header || !NUMBER.test(value) ? value : Number(value)),
  });
  source.on('error', (err) => parser.destroy(err));
  source.pipe(parser);
  try {
    for await (const row of parser) yield row as unknown;
  } catch (err) {
    if (err instanceof AppError) throw err;
    throw bad(`the ${delimiter === '\t' ? 'TSV' : 'CSV'} file cannot be read: ${(err as Error).message}`);
  }
}

async function* textLines(source: AsyncIterable<Buffer | string>, key: string): AsyncGenerator<unknown> {
  for await (const line of lines(source)) if (line !== '') yield { [key]: line };
}

async function* oneByOne(values: AsyncIterable<unknown>): AsyncGenerator<Batch> {
  for await (const value of values) yield { values: [value] };
}

/**
 * The raw task values of a source. `textKey` is the data key a TXT line goes to (the config's only data key,
 * as Label Studio renames its placeholder to it).
 */
export function readSource(source: Readable, format: ImportFormat, textKey: string): AsyncIterable<Batch> {
  switch (format) {
    case 'json':
      return jsonBatches(source);
    case 'jsonl':
      return jsonLines(source);
    case 'csv':
      return oneByOne(delimited(source, ','));
    case 'tsv':
      return oneByOne(delimited(source, '\t'));
    case 'txt':
      return oneByOne(textLines(source, textKey));
  }
}

/** Counts bytes passing through and stops the stream past `maxBytes`. */
export function byteLimit(maxBytes: number, onBytes?: (n: number) => void): Transform {
  let seen = 0;
  return new Transform({
    transform(chunk: Buffer, _enc, done) {
      seen += chunk.length;
      onBytes?.(seen);
      if (seen > maxBytes)
        return done(new AppError('payload_too_large', `the import is larger than ${maxBytes} bytes`));
      done(null, chunk);
    },
  });
}
