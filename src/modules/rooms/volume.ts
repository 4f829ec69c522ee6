// Volumes: a MetaImage header (.mhd) with its voxels in a .raw companion (or zlib-compressed .zraw). The
// voxels are streamed (inflated on the way for .zraw) and only the voxels of the wanted slice are kept, so a
// volume larger than memory still gives its slices. A slice becomes an 8-bit grayscale PNG (sharp), scaled
// from the slice's own minimum and maximum; the bot shows it as a Vega-Lite image mark.
import { createReadStream } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { createInflate } from 'node:zlib';
import sharp from 'sharp';
import type { RoomDataset } from './room-data.ts';

export type Axis = 'x' | 'y' | 'z';

const types: Record<string, { bytes: number; read: (b: Buffer, o: number, le: boolean) => number }> = {
  MET_UCHAR: { bytes: 1, read: (b, o) => b.readUInt8(o) },
  MET_CHAR: { bytes: 1, read: (b, o) => b.readInt8(o) },
  MET_USHORT: { bytes: 2, read: (b, o, le) => (le ? b.readUInt16LE(o) : b.readUInt16BE(o)) },
  MET_SHORT: { bytes: 2, read: (b, o, le) => (le ? b.readInt16LE(o) : b.readInt16BE(o)) },
  MET_UINT: { bytes: 4, read: (b, o, le) => (le ? b.readUInt32LE(o) : b.readUInt32BE(o)) },
  MET_INT: { bytes: 4, read: (b, o, le) => (le ? b.readInt32LE(o) : b.readInt32BE(o)) },
  MET_FLOAT: { bytes: 4, read: (b, o, le) => (le ? b.readFloatLE(o) : b.readFloatBE(o)) },
  MET_DOUBLE: { bytes: 8, read: (b, o, le) => (le ? b.readDoubleLE(o) : b.readDoubleBE(o)) },
};

export interface MetaHeader {
  dims: [number, number, number];
  elementType: string;
  littleEndian: boolean;
  compressed: boolean;
  dataFile: string;
  spacing: number[] | null;
}

const MAX_DIM = 1 << 15;

/** The header's fields, or why it is not a 3-D MetaImage this reads. */
export function parseMhd(text: string): MetaHeader | string {
  const f = new Map<string, string>();
  for (const line of text.split(/\r?\n/)) {
    const m = /^\s*(\w+)\s*=\s*(.*?)\s*$/.exec(line);
    if (m) f.set(m[1]!.toLowerCase(), m[2]!);
  }
  const ndims = Number(f.get('ndims'));
  if (ndims !== 3) return `NDims is ${f.get('ndims') ?? 'missing'}: only 3-D volumes are sliced`;
  const dims = (f.get('dimsize') ?? '').split(/\s+/).map(Number);
  if (dims.length !== 3 || dims.some((d) => !Number.isInteger(d) || d < 1 || d > MAX_DIM))
    return `DimSize "${f.get('dimsize') ?? ''}" is not three positive integers`;
  const elementType = (f.get('elementtype') ?? '').toUpperCase();
  if (!types[elementType])
    return `ElementType ${elementType || 'missing'} is not one of ${Object.keys(types).join(', ')}`;
  if (Number(f.get('elementnumberofchannels') ?? 1) !== 1) return 'only one channel per voxel is sliced';
  const dataFile = f.get('elementdatafile') ?? '';
  if (!dataFile || dataFile.toUpperCase() === 'LOCAL' || dataFile.toUpperCase() === 'LIST')
    return 'ElementDataFile must name the .raw/.zraw file sent with the header';
  const msb = (f.get('binarydatabyteordermsb') ?? f.get('elementbyteordermsb') ?? 'False').toLowerCase();
  const spacing = (f.get('elementspacing') ?? '').split(/\s+/).map(Number);
  return {
    dims: dims as [number, number, number],
    elementType,
    littleEndian: msb !== 'true',
    compressed: (f.get('compresseddata') ?? 'False').toLowerCase() === 'true',
    dataFile,
    spacing: spacing.length === 3 && spacing.every(Number.isFinite) ? spacing : null,
  };
}

export interface Slice {
  axis: Axis;
  index: number;
  width: number;
  height: number;
  min: number;
  max: number;
  png: Buffer;
}

/** Voxel index ranges [start, end) of one slice, in file order. */
function ranges(dims: [number, number, number], axis: Axis, k: number): [number, number][] {
  const [nx, ny, nz] = dims;
  const out: [number, number][] = [];
  if (axis === 'z') out.push([k * nx * ny, (k + 1) * nx * ny]);
  else if (axis === 'y')
    for (let z = 0; z < nz; z++) out.push([z * nx * ny + k * nx, z * nx * ny + (k + 1) * nx]);
  else
    for (let z = 0; z < nz; z++)
      for (let y = 0; y < ny; y++) out.push([z * nx * ny + y * nx + k, z * nx * ny + y * nx + k + 1]);
  return out;
}

const PREVIEW = 256;

async function slice(h: MetaHeader, voxels: string, axis: Axis, k: number): Promise<Slice> {
  const [nx, ny, nz] = h.dims;
  const [width, height] = axis === 'z' ? [nx, ny] : axis === 'y' ? [nx, nz] : [ny, nz];
  const t = types[h.elementType]!;
  const want = ranges(h.dims, axis, k);
  const values = new Float64Array(width * height);
  let filled = 0; // slice values found so far
  let r = 0; // the range being filled
  let pos = 0; // voxel index of the first whole voxel in `buf`
  let carry: Buffer = Buffer.alloc(0); // a voxel split across chunks
  const source = createReadStream(voxels);
  const stream = h.compressed ? source.pipe(createInflate()) : source;
  try {
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      const buf = carry.length ? Buffer.concat([carry, chunk]) : chunk;
      const whole = Math.floor(buf.length / t.bytes);
      while (r < want.length) {
        const [s, e] = want[r]!;
        const lo = Math.max(s, pos);
        const hi = Math.min(e, pos + whole);
        if (lo >= hi) break;
        for (let v = lo; v < hi; v++) values[filled++] = t.read(buf, (v - pos) * t.bytes, h.littleEndian);
        if (hi < e) break; // the range goes on in the next chunk
        r++;
      }
      carry = buf.subarray(whole * t.bytes);
      pos += whole;
      if (r >= want.length) break;
    }
  } finally {
    source.destroy();
  }
  if (filled < values.length)
    throw new Error(`the voxel file ends early: ${nx}×${ny}×${nz} ${h.elementType} voxels were expected`);
  let min = Number.POSITIVE_INFINITY;
  let max = Number.NEGATIVE_INFINITY;
  for (const v of values) {
    if (v < min) min = v;
    if (v > max) max = v;
  }
  const gray = Buffer.alloc(values.length);
  const span = max - min || 1;
  // Rows run from the top: for x and y slices, z grows upwards as in a viewer.
  for (let row = 0; row < height; row++) {
    const src = axis === 'z' ? row : height - 1 - row;
    for (let col = 0; col < width; col++)
      gray[row * width + col] = Math.round(((values[src * width + col]! - min) / span) * 255);
  }
  let img = sharp(gray, { raw: { width, height, channels: 1 } });
  if (Math.max(width, height) > PREVIEW) img = img.resize(PREVIEW, PREVIEW, { fit: 'inside' });
  return { axis, index: k, width, height, min, max, png: await img.png().toBuffer() };
}

export interface VolumeAnswer {
  text: string;
  chart: Record<string, unknown> | null;
  error: string | null;
}

const SCHEMA = 'https://vega.github.io/schema/vega-lite/v5.json';

function imageSpec(s: Slice): Record<string, unknown> {
  const scale = Math.min(1, PREVIEW / Math.max(s.width, s.height));
  const w = Math.max(1, Math.round(s.width * scale));
  const hgt = Math.max(1, Math.round(s.height * scale));
  return {
    title: `${s.axis} = ${s.index}`,
    width: w,
    height: hgt,
    data: { values: [{ x: 0.5, y: 0.5, image: `data:image/png;base64,${s.png.toString('base64')}` }] },
    mark: { type: 'image', width: w, height: hgt },
    encoding: {
      x: { field: 'x', type: 'quantitative', scale: { domain: [0, 1] }, axis: null },
      y: { field: 'y', type: 'quantitative', scale: { domain: [0, 1] }, axis: null },
      url: { field: 'image', type: 'nominal' },
    },
  };
}

/** "show slice N along z", "slice 10 on the x axis", "show slices" (the three middle ones). */
export function sliceRequest(question: string): { axis: Axis; index: number | null }[] | null {
  const q = question.toLowerCase();
  if (!/\bslices?\b/.test(q)) return null;
  const one =
    /slice\s+(\d{1,6})\s+(?:along|on|of|in)?\s*(?:the\s+)?([xyz])\b/.exec(q) ??
    /([xyz])[\s-]*slice\s+(\d{1,6})/.exec(q);
  if (one) {
    const [n, a] = /^\d/.test(one[1]!) ? [one[1]!, one[2]!] : [one[2]!, one[1]!];
    return [{ axis: a as Axis, index: Number(n) }];
  }
  const axisOnly = /(?:along|on)\s+(?:the\s+)?([xyz])\b/.exec(q);
  if (axisOnly) return [{ axis: axisOnly[1] as Axis, index: null }];
  return [
    { axis: 'x', index: null },
    { axis: 'y', index: null },
    { axis: 'z', index: null },
  ];
}

/** The answer to a slice question over the room's first volume. */
export async function answerSlices(
  dataset: RoomDataset,
  wanted: { axis: Axis; index: number | null }[],
): Promise<VolumeAnswer> {
  const fail = (text: string): VolumeAnswer => ({ text, chart: null, error: 'unreadable_file' });
  const header = parseMhd((await readFile(dataset.path)).subarray(0, 64 * 1024).toString('latin1'));
  if (typeof header === 'string') return fail(`I could not read ${dataset.name}: ${header}.`);
  const want = path.basename(header.dataFile).toLowerCase();
  const voxels =
    dataset.companions.find((c) => c.name.toLowerCase() === want) ??
    dataset.companions.find((c) => /\.(raw|zraw)$/i.test(c.name));
  if (!voxels)
    return fail(
      `${dataset.name} names ${header.dataFile}, which was not sent with it: upload them together.`,
    );
  const sizes = { x: header.dims[0], y: header.dims[1], z: header.dims[2] };
  const slices: Slice[] = [];
  for (const w of wanted) {
    const n = sizes[w.axis];
    const k = w.index ?? Math.floor(n / 2);
    if (k < 0 || k >= n)
      return {
        text: `${dataset.name} has ${n} slices along ${w.axis} (0 to ${n - 1}): slice ${k} is not one of them.`,
        chart: null,
        error: null,
      };
    try {
      slices.push(await slice(header, voxels.path, w.axis, k));
    } catch (err) {
      return fail(`I could not read the voxels of ${dataset.name}: ${(err as Error).message}.`);
    }
  }
  const dims = `${header.dims.join('×')} ${header.elementType} voxels`;
  const text = slices
    .map(
      (s) =>
        `slice ${s.index} of ${sizes[s.axis]} along ${s.axis} (${s.width}×${s.height}, values ${s.min} to ${s.max})`,
    )
    .join('; ');
  const specs = slices.map(imageSpec);
  const chart = specs.length === 1 ? { $schema: SCHEMA, ...specs[0] } : { $schema: SCHEMA, hconcat: specs };
  return { text: `${dataset.name} (${dims}): ${text}.`, chart, error: null };
}
