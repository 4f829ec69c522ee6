// What the photo job reads from an image: its pixels' size, EXIF (exifr: capture time, GPS, the whole block as
// JSON) and two WebP thumbnails (sharp). HEIC, which sharp's prebuilt libvips cannot decode (no HEVC), goes
// through heic-decode (libheif compiled to wasm) into raw pixels first.
import exifr from 'exifr';
import decodeHeic from 'heic-decode';
import sharp, { type Sharp } from 'sharp';

export const PHOTO_TYPES = ['image/jpeg', 'image/png', 'image/webp', 'image/tiff', 'image/heic'] as const;
export type PhotoType = (typeof PHOTO_TYPES)[number];

/** file-type's answers that are one of ours. */
export function photoTypeOf(detected: string | undefined): PhotoType | null {
  if (!detected) return null;
  if (detected === 'image/heif' || detected === 'image/heic-sequence' || detected === 'image/heif-sequence')
    return 'image/heic';
  return (PHOTO_TYPES as readonly string[]).includes(detected) ? (detected as PhotoType) : null;
}

export const THUMBNAILS = { small: 256, large: 1280 } as const;
export type ThumbnailSize = keyof typeof THUMBNAILS;

export interface Thumbnail {
  bytes: Buffer;
  width: number;
  height: number;
}

export interface ImageFacts {
  width: number;
  height: number;
  capturedAt: Date | null;
  latitude: number | null;
  longitude: number | null;
  altitude: number | null;
  exif: Record<string, unknown> | null;
  thumbnails: Record<ThumbnailSize, Thumbnail>;
}

/** A reason the bytes cannot be used, shown to the user as the photo's error. */
export class BadImageError extends Error {}

// Corrupt and truncated images fail instead of giving half a picture.
const decodeOptions = { failOn: 'truncated', limitInputPixels: 268_402_689 } as const;

/** A sharp pipeline over the image, auto-rotated by its EXIF orientation. */
export async function open(bytes: Buffer, type: PhotoType): Promise<Sharp> {
  if (type !== 'image/heic') return sharp(bytes, decodeOptions).rotate();
  let decoded: { width: number; height: number; data: Uint8ClampedArray };
  try {
    decoded = await decodeHeic({ buffer: new Uint8Array(bytes) });
  } catch (err) {
    throw new BadImageError(`the HEIC image cannot be decoded: ${(err as Error).message ?? err}`);
  }
  return sharp(Buffer.from(decoded.data.buffer, decoded.data.byteOffset, decoded.data.byteLength), {
    raw: { width: decoded.width, height: decoded.height, channels: 4 },
  });
}

/** Both thumbnails: the large one from the original, the small one from the large (same result, less work). */
export async function makeThumbnails(image: Sharp): Promise<Record<ThumbnailSize, Thumbnail>> {
  const large = await image
    .resize(THUMBNAILS.large, THUMBNAILS.large, { fit: 'inside', withoutEnlargement: true })
    .webp({ quality: 80 })
    .toBuffer({ resolveWithObject: true });
  const small = await sharp(large.data)
    .resize(THUMBNAILS.small, THUMBNAILS.small, { fit: 'inside', withoutEnlargement: true })
    .webp({ quality: 75 })
    .toBuffer({ resolveWithObject: true });
  return {
    large: { bytes: large.data, width: large.info.width, height: large.info.height },
    small: { bytes: small.data, width: small.info.width, height: small.info.height },
  };
}

/** EXIF as JSON that jsonb accepts: dates as ISO strings, binary blobs and NUL characters dropped. */
export function exifJson(value: unknown, depth = 0): unknown {
  if (value === null || value === undefined || depth > 6) return null;
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? null : value.toISOString();
  if (typeof value === 'string') return value.replaceAll('\u0000', '').slice(0, 2000);
  if (typeof value === 'number') return Number.isFinite(value) ? value : null;
  if (typeof value === 'boolean') return value;
  if (ArrayBuffer.isView(value) || value instanceof ArrayBuffer) return undefined;
  if (Array.isArray(value)) return value.slice(0, 64).map((v) => exifJson(v, depth + 1) ?? null);
  if (typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) {
      const j = exifJson(v, depth + 1);
      if (j !== undefined) out[k.replaceAll('\u0000', '')] = j;
    }
    return out;
  }
  return undefined;
}

const finite = (n: unknown): number | null => (typeof n === 'number' && Number.isFinite(n) ? n : null);

/** Reads EXIF; a photo without (or with unreadable) EXIF simply has none. */
export async function readExif(
  bytes: Buffer,
): Promise<Pick<ImageFacts, 'capturedAt' | 'latitude' | 'longitude' | 'altitude' | 'exif'>> {
  let raw: Record<string, unknown> | undefined;
  try {
    raw = await exifr.parse(bytes, { tiff: true, exif: true, gps: true, ifd1: false, xmp: false });
  } catch {
    raw = undefined;
  }
  if (!raw) return { capturedAt: null, latitude: null, longitude: null, altitude: null, exif: null };
  const when = [raw.DateTimeOriginal, raw.CreateDate, raw.ModifyDate].find(
    (d): d is Date => d instanceof Date && !Number.isNaN(d.getTime()),
  );
  let latitude = finite(raw.latitude);
  let longitude = finite(raw.longitude);
  if (latitude === null || longitude === null || Math.abs(latitude) > 90 || Math.abs(longitude) > 180) {
    latitude = null;
    longitude = null;
  }
  const alt = finite(raw.GPSAltitude);
  const ref = raw.GPSAltitudeRef;
  const below = ref === 1 || (ref instanceof Uint8Array && ref[0] === 1);
  const altitude = alt === null ? null : below ? -alt : alt;
  return {
    capturedAt: when ?? null,
    latitude,
    longitude,
    altitude,
    exif: exifJson(raw) as Record<string, unknown>,
  };
}

/** Everything the photo job records, or BadImageError with the reason. */
export async function inspect(bytes: Buffer, type: PhotoType): Promise<ImageFacts> {
  try {
    const image = await open(bytes, type);
    const [meta, exif, thumbnails] = await Promise.all([
      image.clone().metadata(),
      readExif(bytes),
      makeThumbnails(image.clone()),
    ]);
    // Width and height as seen (after the EXIF orientation), as the thumbnails are.
    const turned = (meta.orientation ?? 1) >= 5;
    const width = (turned ? meta.height : meta.width) ?? thumbnails.large.width;
    const height = (turned ? meta.width : meta.height) ?? thumbnails.large.height;
    return { width, height, ...exif, thumbnails };
  } catch (err) {
    if (err instanceof BadImageError) throw err;
    throw new BadImageError(`the image cannot be read: ${(err as Error).message}`);
  }
}
