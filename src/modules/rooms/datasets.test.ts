// Datasets beyond CSV: an Excel workbook and a shapefile become tables, a MetaImage volume gives slices, and
// uploads past the plan's storage limit are refused.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { deflateSync } from 'node:zlib';
import ExcelJS from 'exceljs';
import sharp from 'sharp';
import { createTestApp } from '../../../test/app.ts';
import { forEachDatabase } from '../../../test/harness.ts';
import { signUp } from '../../../test/http-factories.ts';
import type { App } from '../../platform/http/app-types.ts';
import { answerTo, roomWith, upload } from './rooms.test-kit.ts';

async function workbook(): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  const ws = wb.addWorksheet('Sales');
  ws.addRow(['region', 'amount', 'note']);
  ws.addRow(['north', 10, 'first, with a comma']);
  ws.addRow(['south', 20, { richText: [{ text: 'rich ' }, { text: 'text' }] }]);
  ws.addRow(['north', { formula: '2+3', result: 5 }, 'a "quote"']);
  wb.addWorksheet('Other').addRow(['ignored']);
  return Buffer.from(await wb.xlsx.writeBuffer());
}

/** A point shapefile (.shp) and its attribute table (.dbf), written by hand from the ESRI and dBase layouts. */
function shapefile(points: { x: number; y: number; name: string; pop: number }[]) {
  const shp = Buffer.alloc(100 + points.length * 28);
  shp.writeInt32BE(9994, 0);
  shp.writeInt32BE(shp.length / 2, 24);
  shp.writeInt32LE(1000, 28);
  shp.writeInt32LE(1, 32); // points
  const xs = points.map((p) => p.x);
  const ys = points.map((p) => p.y);
  [Math.min(...xs), Math.min(...ys), Math.max(...xs), Math.max(...ys)].forEach((v, i) => {
    shp.writeDoubleLE(v, 36 + i * 8);
  });
  points.forEach((p, i) => {
    const o = 100 + i * 28;
    shp.writeInt32BE(i + 1, o);
    shp.writeInt32BE(10, o + 4);
    shp.writeInt32LE(1, o + 8);
    shp.writeDoubleLE(p.x, o + 12);
    shp.writeDoubleLE(p.y, o + 20);
  });
  const fields = [
    { name: 'NAME', type: 'C', len: 12 },
    { name: 'POP', type: 'N', len: 8 },
  ];
  const recLen = 1 + fields.reduce((n, f) => n + f.len, 0);
  const headLen = 32 + fields.length * 32 + 1;
  const dbf = Buffer.alloc(headLen + points.length * recLen + 1, 0x20);
  dbf.fill(0, 0, headLen);
  dbf.writeUInt8(0x03, 0);
  dbf.writeUInt8(124, 1);
  dbf.writeUInt8(1, 2);
  dbf.writeUInt8(1, 3);
  dbf.writeUInt32LE(points.length, 4);
  dbf.writeUInt16LE(headLen, 8);
  dbf.writeUInt16LE(recLen, 10);
  fields.forEach((f, i) => {
    const o = 32 + i * 32;
    dbf.write(f.name, o, 'ascii');
    dbf.write(f.type, o + 11, 'ascii');
    dbf.writeUInt8(f.len, o + 16);
  });
  dbf.writeUInt8(0x0d, headLen - 1);
  points.forEach((p, i) => {
    const o = headLen + i * recLen;
    dbf.write(' ', o, 'ascii');
    dbf.write(p.name.padEnd(12), o + 1, 'ascii');
    dbf.write(String(p.pop).padStart(8), o + 13, 'ascii');
  });
  dbf.writeUInt8(0x1a, dbf.length - 1);
  return { shp, dbf };
}

/** A 4×3×2 volume of bytes whose value is the voxel's index, zlib-compressed. */
function volume() {
  const voxels = Buffer.from(Array.from({ length: 24 }, (_, i) => i));
  const mhd = [
    'ObjectType = Image',
    'NDims = 3',
    'DimSize = 4 3 2',
    'ElementSpacing = 1 1 2.5',
    'ElementType = MET_UCHAR',
    'CompressedData = True',
    'ElementDataFile = head.zraw',
  ].join('\n');
  return { mhd, zraw: deflateSync(voxels) };
}

async function pngOf(spec: Record<string, unknown>) {
  const url = (spec.data as { values: { image: string }[] }).values[0]!.image;
  assert.match(url, /^data:image\/png;base64,/);
  const buf = Buffer.from(url.split(',')[1]!, 'base64');
  const { data, info } = await sharp(buf).raw().toBuffer({ resolveWithObject: true });
  const pixels: number[] = [];
  for (let p = 0; p < info.width * info.height; p++) pixels.push(data[p * info.channels]!);
  return { width: info.width, height: info.height, pixels };
}

forEachDatabase('rooms-datasets', (ctx) => {
  let app: App;
  let small: App;
  let dataDir: string;

  before(async () => {
    dataDir = mkdtempSync(path.join(tmpdir(), 'gt-rooms-data-'));
    app = await createTestApp(ctx.database, { DATA_DIR: dataDir });
    small = await createTestApp(ctx.database, { DATA_DIR: dataDir, FREE_PLAN_STORAGE_BYTES: '300' });
  });
  after(async () => {
    await app.close();
    await small.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  test('an Excel workbook: its first sheet is a table the analyst answers over', async () => {
    const { owner, roomId } = await roomWith(app, [{ name: 'Sales 2024.xlsx', bytes: await workbook() }]);
    const cols = await answerTo(app, owner, roomId, 'columns');
    assert.match(cols.text, /sales_2024 \(Sales 2024\.xlsx\): region VARCHAR, amount BIGINT, note VARCHAR/);
    const sum = await answerTo(app, owner, roomId, 'sum of amount by region');
    assert.deepEqual(sum.table!.rows, [
      ['south', 20],
      ['north', 15],
    ]);
    const notes = await answerTo(
      app,
      owner,
      roomId,
      '```sql\nSELECT note FROM sales_2024 ORDER BY amount\n```',
    );
    assert.deepEqual(notes.table!.rows, [['a "quote"'], ['first, with a comma'], ['rich text']]);
  });

  test('a broken workbook: the answer says it could not be read', async () => {
    const { owner, roomId } = await roomWith(app, [{ name: 'broken.xlsx', bytes: 'not a zip at all' }]);
    const a = await answerTo(app, owner, roomId, 'how many rows');
    assert.match(a.text, /broken\.xlsx: could not be read/);
  });

  test('a shapefile: the attributes and geometry of its features are queryable', async () => {
    const { shp, dbf } = shapefile([
      { x: 2.35, y: 48.85, name: 'Paris', pop: 2100000 },
      { x: 4.83, y: 45.76, name: 'Lyon', pop: 520000 },
      { x: 5.37, y: 43.3, name: 'Marseille', pop: 870000 },
    ]);
    const { owner, roomId } = await roomWith(app, [
      { name: 'cities.shp', bytes: shp },
      { name: 'cities.dbf', bytes: dbf },
    ]);
    const top = await answerTo(app, owner, roomId, 'top 2 pop');
    assert.equal(top.error, null, top.text);
    const names = top.table!.columns.map((c) => c.name);
    assert.deepEqual(names.slice(0, 2), ['NAME', 'POP']);
    assert.deepEqual(
      top.table!.rows.map((r) => r[0]),
      ['Paris', 'Marseille'],
    );
    const geo = await answerTo(
      app,
      owner,
      roomId,
      "```sql\nSELECT geometry_type, json_extract(geometry, '$.coordinates[0]')::DOUBLE AS x FROM cities WHERE NAME = 'Lyon'\n```",
    );
    assert.deepEqual(geo.table!.rows, [['Point', 4.83]]);
  });

  test('a volume: the three middle slices, one slice along an axis, and a slice out of range', async () => {
    const v = volume();
    const { owner, roomId } = await roomWith(app, [
      { name: 'head.mhd', bytes: v.mhd },
      { name: 'head.zraw', bytes: v.zraw },
    ]);
    const three = await answerTo(app, owner, roomId, 'show slices');
    assert.equal(three.error, null, three.text);
    assert.match(three.text, /head\.mhd \(4×3×2 MET_UCHAR voxels\)/);
    const specs = (three.chart as { hconcat: Record<string, unknown>[] }).hconcat;
    assert.equal(specs.length, 3);
    const sizes = await Promise.all(specs.map(pngOf));
    assert.deepEqual(
      sizes.map((s) => [s.width, s.height]),
      [
        [3, 2],
        [4, 2],
        [4, 3],
      ],
    );
    // z = 1 holds voxels 12..23: scaled to 0..255 row by row.
    const z = await answerTo(app, owner, roomId, 'show slice 1 along z');
    assert.match(z.text, /slice 1 of 2 along z \(4×3, values 12 to 23\)/);
    const img = await pngOf(z.chart!);
    assert.equal(img.pixels[0], 0);
    assert.equal(img.pixels[11], 255);
    assert.equal(img.pixels[1], Math.round((1 / 11) * 255));
    // x = 2 holds 2, 6, 10 (z = 0) and 14, 18, 22 (z = 1); z grows upwards.
    const x = await answerTo(app, owner, roomId, 'slice 2 along x');
    assert.match(x.text, /values 2 to 22/);
    const xi = await pngOf(x.chart!);
    assert.deepEqual(
      xi.pixels,
      [14, 18, 22, 2, 6, 10].map((n) => Math.round(((n - 2) / 20) * 255)),
    );
    const out = await answerTo(app, owner, roomId, 'show slice 9 along z');
    assert.match(out.text, /has 2 slices along z \(0 to 1\): slice 9 is not one of them/);
    const other = await answerTo(app, owner, roomId, 'how many rows');
    assert.match(other.text, /head\.mhd: a volume: ask "show slices"/);
  });

  test('a volume whose voxel file is short: a clear answer', async () => {
    const v = volume();
    const { owner, roomId } = await roomWith(app, [
      { name: 'head.mhd', bytes: v.mhd },
      { name: 'head.zraw', bytes: deflateSync(Buffer.alloc(5)) },
    ]);
    const a = await answerTo(app, owner, roomId, 'show slices');
    assert.equal(a.error, 'unreadable_file');
    assert.match(a.text, /voxel file ends early/);
  });

  test('uploads past the plan storage limit answer 403 license_limit storage_bytes', async () => {
    const owner = await signUp(small);
    const ok = await upload(small, owner, [{ name: 'a.csv', bytes: 'x'.repeat(200) }]);
    assert.equal(ok.statusCode, 201, ok.body);
    const over = await upload(small, owner, [{ name: 'b.csv', bytes: 'y'.repeat(200) }]);
    assert.equal(over.statusCode, 403, over.body);
    assert.equal(over.json().error.code, 'license_limit');
    assert.equal(over.json().error.details.limit, 'storage_bytes');
    assert.match(over.json().error.message, /stores 300 bytes; the organization holds 200/);
    // Another organization has its own storage.
    const other = await signUp(small);
    assert.equal((await upload(small, other, [{ name: 'c.csv', bytes: 'z'.repeat(200) }])).statusCode, 201);
  });
});
