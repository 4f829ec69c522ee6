// Helpers for the photos tests (and the demo seed): real JPEGs made with sharp, with EXIF capture time and
// GPS written in, and an app whose jobs run.
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
  /** Pixels: detailed noise (sharp) or one flat colour (blurry to a Laplacian); `seed` varies the bytes. */
  texture?: 'noise' | 'flat';
  brightness?: number;
  seed?: number;
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
    const noise = randomBytes(raw.length);
    for (let i = 0; i < raw.length; i++) raw[i] = Math.max(0, Math.min(255, base - 96 + (noise[i]! % 192)));
  }
  if (spec.seed !== undefined) raw.writeUInt32LE(spec.seed >>> 0, 0);
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
