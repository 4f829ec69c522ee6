// Spreadsheets of indoor projects read as a stream: CSV and TSV with csv-parse, XLSX (the first worksheet) with
// exceljs's streaming reader. The first row is the header; every later row is a list of text cells (empty cells
// null) in header order. A column whose every filled cell is a number is typed "number" so it sorts as one.
import type { Readable } from 'node:stream';
import { parse as parseCsv } from 'csv-parse';
import ExcelJS from 'exceljs';

export type SheetFormat = 'csv' | 'tsv' | 'xlsx';
export type Cell = string | null;
export interface Column {
  name: string;
  type: 'number' | 'text';
}

export const MAX_COLUMNS = 1000;
export const MAX_ROWS = 1_000_000;
export const MAX_CELL_CHARS = 32_767; // Excel's own limit

/** A sheet the parser refuses, with the reason shown to the user. */
export class BadSheet extends Error {}

const XLSX_MIME = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

/** The sheet format of a detected MIME type, or null when it is not a spreadsheet we parse. */
export function sheetFormatOf(mime: string): SheetFormat | null {
  if (mime === 'text/csv') return 'csv';
  if (mime === 'text/tab-separated-values') return 'tsv';
  if (mime === XLSX_MIME) return 'xlsx';
  return null;
}

// The syntax PostgreSQL's numeric input accepts, so a "number" column always casts.
const NUMBER = /^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/;

function cellText(v: unknown): Cell {
  if (v === null || v === undefined) return null;
  let s: string;
  if (v instanceof Date) s = Number.isNaN(v.getTime()) ? '' : v.toISOString().replace('T00:00:00.000Z', '');
  else if (typeof v === 'object') {
    const o = v as { result?: unknown; text?: unknown; richText?: { text: string }[]; error?: unknown };
    if ('result' in o) return cellText(o.result);
    if (Array.isArray(o.richText)) s = o.richText.map((r) => r.text).join('');
    else if (typeof o.text === 'string') s = o.text;
    else if (o.error !== undefined) return null;
    else s = JSON.stringify(o);
  } else s = String(v);
  return s === '' ? null : s;
}

async function* delimitedRows(source: Readable, delimiter: string): AsyncGenerator<unknown[]> {
  const parser = parseCsv({
    delimiter,
    bom: true,
    skip_empty_lines: true,
    relax_column_count: true,
    max_record_size: MAX_CELL_CHARS * 4,
  });
  source.on('error', (err) => parser.destroy(err));
  source.pipe(parser);
  try {
    for await (const row of parser) yield row as unknown[];
  } catch (err) {
    if (err instanceof BadSheet) throw err;
    throw new BadSheet(`not a valid ${delimiter === '\t' ? 'TSV' : 'CSV'} file: ${(err as Error).message}`);
  }
}

async function* xlsxRows(source: Readable): AsyncGenerator<unknown[]> {
  const reader = new ExcelJS.stream.xlsx.WorkbookReader(source, {
    worksheets: 'emit',
    sharedStrings: 'cache',
    hyperlinks: 'ignore',
    styles: 'ignore',
    entries: 'ignore',
  });
  try {
    for await (const sheet of reader) {
      for await (const row of sheet) {
        const values = (row as ExcelJS.Row).values as unknown[];
        yield Array.isArray(values) ? values.slice(1) : [];
      }
      break; // the first worksheet is the table
    }
  } catch (err) {
    if (err instanceof BadSheet) throw err;
    throw new BadSheet(`not a readable XLSX workbook: ${(err as Error).message}`);
  }
}

function headerOf(raw: unknown[]): string[] {
  if (raw.length > MAX_COLUMNS)
    throw new BadSheet(`the sheet has ${raw.length} columns; at most ${MAX_COLUMNS}`);
  const seen = new Map<string, number>();
  return raw.map((v, i) => {
    let name = (cellText(v) ?? '').trim().slice(0, 255) || `column_${i + 1}`;
    const n = seen.get(name) ?? 0;
    seen.set(name, n + 1);
    if (n > 0) name = `${name}_${n + 1}`;
    return name;
  });
}

/**
 * Reads the sheet: `onRows` receives the data rows in batches (row order kept). Answers the columns and the
 * number of rows; BadSheet for a sheet that is empty, too wide or too long, or not of its format.
 */
export async function readSheet(
  source: Readable,
  format: SheetFormat,
  onRows: (rows: Cell[][]) => Promise<void>,
  batchSize = 5000,
): Promise<{ columns: Column[]; rowCount: number }> {
  const rows = format === 'xlsx' ? xlsxRows(source) : delimitedRows(source, format === 'tsv' ? '\t' : ',');
  let names: string[] | null = null;
  let numeric: boolean[] = [];
  let filled: boolean[] = [];
  let batch: Cell[][] = [];
  let count = 0;
  for await (const raw of rows) {
    if (names === null) {
      if (raw.every((v) => cellText(v) === null)) continue; // leading blank rows
      names = headerOf(raw);
      numeric = names.map(() => true);
      filled = names.map(() => false);
      continue;
    }
    const cells: Cell[] = names.map((_, i) => cellText(raw[i]));
    if (cells.every((c) => c === null)) continue;
    if (raw.length > names.length && raw.slice(names.length).some((v) => cellText(v) !== null))
      throw new BadSheet(
        `row ${count + 2} has ${raw.length} cells but the header has ${names.length} columns`,
      );
    for (let i = 0; i < cells.length; i++) {
      const c = cells[i];
      if (c === null || c === undefined) continue;
      if (c.length > MAX_CELL_CHARS)
        throw new BadSheet(
          `row ${count + 2}, column ${names[i]}: a cell holds at most ${MAX_CELL_CHARS} characters`,
        );
      filled[i] = true;
      if (numeric[i] && !NUMBER.test(c.trim())) numeric[i] = false;
    }
    count++;
    if (count > MAX_ROWS) throw new BadSheet(`the sheet has more than ${MAX_ROWS} rows`);
    batch.push(cells);
    if (batch.length >= batchSize) {
      await onRows(batch);
      batch = [];
    }
  }
  if (names === null) throw new BadSheet('the sheet is empty: its first row must name the columns');
  if (batch.length) await onRows(batch);
  const columns = names.map((name, i) => ({
    name,
    type: (numeric[i] && filled[i] ? 'number' : 'text') as Column['type'],
  }));
  return { columns, rowCount: count };
}
