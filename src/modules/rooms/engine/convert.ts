// Formats DuckDB cannot read here, converted once into one it can: Excel workbooks (DuckDB's excel extension
// is not bundled with @duckdb/node-api and cannot be downloaded) become CSV, shapefiles (.shp with its .dbf)
// become newline-delimited JSON of their attributes and geometry. Both stream: rows go from the reader to
// the output file one at a time. Outputs are named by the source's content hash, so they are made once.
import { once } from 'node:events';
import { createReadStream, createWriteStream } from 'node:fs';
import { rename, rm, stat } from 'node:fs/promises';
import type { Writable } from 'node:stream';
import ExcelJS from 'exceljs';
import * as shapefile from 'shapefile';

async function write(out: Writable, line: string): Promise<void> {
  if (!out.write(line)) await once(out, 'drain');
}

/** Makes `target` with `fill` once: a partial file never takes its name. */
async function produce(target: string, fill: (out: Writable) => Promise<void>): Promise<string> {
  if (await stat(target).catch(() => null)) return target;
  const tmp = `${target}.${process.pid}.${Date.now()}.part`;
  const out = createWriteStream(tmp);
  try {
    await fill(out);
    out.end();
    await once(out, 'finish');
    await rename(tmp, target);
    return target;
  } catch (err) {
    out.destroy();
    await rm(tmp, { force: true });
    throw err;
  }
}

function csvCell(v: unknown): string {
  if (v === null || v === undefined) return '';
  let s: string;
  if (v instanceof Date) s = Number.isNaN(v.getTime()) ? '' : v.toISOString().replace('T00:00:00.000Z', '');
  else if (typeof v === 'object') {
    const o = v as { result?: unknown; text?: unknown; richText?: { text: string }[]; error?: unknown };
    if ('result' in o) return csvCell(o.result);
    if (Array.isArray(o.richText)) s = o.richText.map((r) => r.text).join('');
    else if (typeof o.text === 'string') s = o.text;
    else if (o.error !== undefined) s = '';
    else s = JSON.stringify(o);
  } else s = String(v);
  return /[",\n\r]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
}

/** The first worksheet of an .xlsx as CSV (its first row is the header). */
export function xlsxToCsv(source: string, target: string): Promise<string> {
  return produce(target, async (out) => {
    const reader = new ExcelJS.stream.xlsx.WorkbookReader(source, {
      worksheets: 'emit',
      sharedStrings: 'cache',
      hyperlinks: 'ignore',
      styles: 'ignore',
      entries: 'ignore',
    });
    let width = 0;
    for await (const sheet of reader) {
      for await (const row of sheet) {
        const values = (row as ExcelJS.Row).values as unknown[];
        if (width === 0) width = Math.max(values.length - 1, 1);
        const cells: string[] = [];
        for (let i = 1; i <= width; i++) cells.push(csvCell(values[i]));
        await write(out, `${cells.join(',')}\n`);
      }
      break; // the first worksheet is the table
    }
    if (width === 0) throw new Error('the workbook has no rows in its first worksheet');
  });
}

/** A shapefile's features as JSON lines: the .dbf attributes, the geometry type and the GeoJSON geometry. */
export function shapefileToJson(shp: string, dbf: string | null, target: string): Promise<string> {
  return produce(target, async (out) => {
    const source = await shapefile.open(createReadStream(shp), dbf ? createReadStream(dbf) : null!, {
      encoding: 'utf-8',
    });
    let n = 0;
    for (;;) {
      const r = await source.read();
      if (r.done) break;
      const f = r.value;
      const row = {
        ...(f.properties ?? {}),
        geometry_type: f.geometry?.type ?? null,
        geometry: f.geometry ? JSON.stringify(f.geometry) : null,
      };
      await write(out, `${JSON.stringify(row)}\n`);
      n++;
    }
    if (n === 0) throw new Error('the shapefile has no features');
  });
}
