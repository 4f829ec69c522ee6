// Real JPEGs made with sharp, with EXIF capture time and GPS written in, for the demo seed and the tests.
import { randomBytes } from 'node:crypto';
import sharp from 'sharp';

export interface JpegSpec {
  width?: number;
  height?: number;
  /** EXIF DateTimeOriginal, read back as UTC on a UTC machine. */
  capturedAt?: Date;
  latitude?: number;
  longitude?: number;
  altitude?: number;
  /** Pixels: detailed noise (sharp) or one flat colour (blurry to a Laplacian). */
  texture?: 'noise' | 'flat';
  brightness?: number;
  /** Makes the noise reproducible: the same seed gives the same bytes. */
  seed?: number;
}

/** mulberry32: a small seeded PRNG, so seeded images are reproducible. */
function prng(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) % 256;
  };
}

const dms = (v: number) => {
  const a = Math.abs(v);
  const d = Math.floor(a);
  const m = Math.floor((a - d) * 60);
  const s = Math.round(((a - d) * 60 - m) * 60 * 10000);
  return `${d}/1 ${m}/1 ${s}/10000`;
};
const exifDate = (d: Date) => d.toISOString().slice(0, 19).replace('T', ' ').replace(/-/g, ':');

/** A JPEG with EXIF, as a phone camera would write it. */
export async function jpeg(spec: JpegSpec = {}): Promise<Buffer> {
  const width = spec.width ?? 320;
  const height = spec.height ?? 240;
  const raw = Buffer.alloc(width * height * 3);
  const base = spec.brightness ?? 128;
  if (spec.texture === 'flat') raw.fill(base);
  else {
    const next = spec.seed === undefined ? null : prng(spec.seed);
    const noise = next ? null : randomBytes(raw.length);
    for (let i = 0; i < raw.length; i++)
      raw[i] = Math.max(0, Math.min(255, base - 96 + ((next ? next() : noise![i]!) % 192)));
  }
  const exif: Record<string, Record<string, string>> = {
    IFD0: { Make: 'Groundtruth', Model: 'Test camera' },
  };
  if (spec.capturedAt) exif.IFD2 = { DateTimeOriginal: exifDate(spec.capturedAt) };
  if (spec.latitude !== undefined && spec.longitude !== undefined) {
    exif.IFD3 = {
      GPSLatitudeRef: spec.latitude >= 0 ? 'N' : 'S',
      GPSLatitude: dms(spec.latitude),
      GPSLongitudeRef: spec.longitude >= 0 ? 'E' : 'W',
      GPSLongitude: dms(spec.longitude),
      ...(spec.altitude !== undefined && {
        GPSAltitudeRef: spec.altitude >= 0 ? '0' : '1',
        GPSAltitude: `${Math.round(Math.abs(spec.altitude) * 100)}/100`,
      }),
    };
  }
  return sharp(raw, { raw: { width, height, channels: 3 } })
    .jpeg({ quality: 90 })
    .withExif(exif)
    .toBuffer();
}

/** A multipart body with one part named "file". */
export async function photoForm(bytes: Buffer, name = 'site.jpg', type = 'image/jpeg') {
  const form = new FormData();
  form.append('file', new Blob([bytes], { type }), name);
  const req = new Request('http://localhost/', { method: 'POST', body: form });
  return {
    payload: Buffer.from(await req.arrayBuffer()),
    headers: { 'content-type': req.headers.get('content-type')! },
  };
}
