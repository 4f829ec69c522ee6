// Reading a raw image archive (a ZIP of a flight's photos) where it lies in the blob store: yauzl reads the
// central directory and each entry's first bytes through range reads, so nothing is unpacked to disk and memory
// stays flat however large the archive. Zip-bomb guards come first (entry count, declared unpacked size, and
// its ratio to the archive's size); a name that leaves the archive (../, an absolute path) refuses the whole
// archive, since whoever unpacks it next (an ODM runner) would write outside its folder.
import { PassThrough, type Readable } from 'node:stream';
import exifr from 'exifr';
import yauzl from 'yauzl';
import type { BlobStore } from '../../platform/files/blob-store.ts';

export const ARCHIVE_LIMITS = {
  /** More files than any flight's camera writes (a day of 1 s intervals is 28 800 with sidecars). */
  maxEntries: 50_000,
  /** Declared unpacked bytes, in all. */
  maxUnpackedBytes: 64 * 1024 ** 3,
  /** Declared unpacked bytes per archive byte: photos barely compress, a bomb compresses a thousandfold. */
  maxRatio: 20,
  /** The first bytes of an image that EXIF is read from (JPEG APP1 and TIFF IFDs sit at the start). */
  headBytes: 128 * 1024,
};

/** An archive refused or unreadable, with the reason the user sees. */
export class BadArchive extends Error {}

export interface ImagePoint {
  name: string;
  longitude: number;
  latitude: number;
  altitude: number | null;
  captured_at: string | null;
}

export interface ArchiveSummary {
  entries: number;
  imageCount: number;
  unpackedBytes: number;
  points: ImagePoint[];
  /** Images without EXIF GPS (counted, not placed). */
  withoutGps: number;
}

/** JPEG or TIFF by their magic bytes; the name decides nothing. */
export function imageKind(head: Buffer): 'jpeg' | 'tiff' | null {
  if (head.length >= 3 && head[0] === 0xff && head[1] === 0xd8 && head[2] === 0xff) return 'jpeg';
  if (head.length >= 4) {
    const sig = head.toString('latin1', 0, 4);
    if (sig === 'II*\0' || sig === 'MM\0*') return 'tiff';
  }
  return null;
}

/** yauzl's reader over a blob: each range it asks for is a ranged get from the store. */
class BlobReader extends yauzl.RandomAccessReader {
  private readonly blobs: BlobStore;
  private readonly key: string;
  constructor(blobs: BlobStore, key: string) {
    super();
    this.blobs = blobs;
    this.key = key;
  }
  override _readStreamForRange(start: number, end: number): Readable {
    const out = new PassThrough();
    if (end <= start) {
      out.end();
      return out;
    }
    this.blobs.get(this.key, { start, end: end - 1 }).then(
      (src) => {
        src.on('error', (err) => out.destroy(err));
        src.pipe(out);
      },
      (err: Error) => out.destroy(err),
    );
    return out;
  }
}

async function headOfEntry(stream: Readable, max: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let got = 0;
  try {
    for await (const c of stream) {
      chunks.push(c as Buffer);
      got += (c as Buffer).length;
      if (got >= max) break;
    }
  } finally {
    stream.destroy();
  }
  return Buffer.concat(chunks).subarray(0, max);
}

const finite = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) ? v : null);

async function pointOf(name: string, head: Buffer): Promise<ImagePoint | null> {
  let raw: Record<string, unknown> | undefined;
  try {
    raw = await exifr.parse(head, { tiff: true, exif: true, gps: true, ifd1: false, xmp: false });
  } catch {
    return null; // EXIF cut short or damaged: the image counts, it is not placed
  }
  const latitude = finite(raw?.latitude);
  const longitude = finite(raw?.longitude);
  if (latitude === null || longitude === null || Math.abs(latitude) > 90 || Math.abs(longitude) > 180)
    return null;
  const when = [raw?.DateTimeOriginal, raw?.CreateDate].find(
    (d): d is Date => d instanceof Date && !Number.isNaN(d.getTime()),
  );
  const alt = finite(raw?.GPSAltitude);
  const ref = raw?.GPSAltitudeRef;
  const below = ref === 1 || (ref instanceof Uint8Array && ref[0] === 1);
  return {
    name,
    longitude,
    latitude,
    altitude: alt === null ? null : below ? -alt : alt,
    captured_at: when ? when.toISOString() : null,
  };
}

/** Reads the archive's directory and its images' EXIF; BadArchive with the reason when it is refused. */
export async function readArchive(
  blobs: BlobStore,
  key: string,
  size: number,
  progress: (done: number, total: number) => Promise<void>,
  limits = ARCHIVE_LIMITS,
): Promise<ArchiveSummary> {
  let zip: yauzl.ZipFile;
  try {
    zip = await yauzl.fromRandomAccessReaderPromise(new BlobReader(blobs, key), size, {
      lazyEntries: true,
      strictFileNames: true,
    });
  } catch (err) {
    throw new BadArchive(`not a readable ZIP archive: ${(err as Error).message}`);
  }
  if (zip.entryCount > limits.maxEntries) {
    zip.close();
    throw new BadArchive(
      `the archive has ${zip.entryCount} entries; at most ${limits.maxEntries} are accepted`,
    );
  }
  const summary: ArchiveSummary = { entries: 0, imageCount: 0, unpackedBytes: 0, points: [], withoutGps: 0 };
  const maxUnpacked = Math.min(limits.maxUnpackedBytes, Math.max(size, 1) * limits.maxRatio);
  try {
    for await (const entry of zip.eachEntry()) {
      summary.entries++;
      summary.unpackedBytes += entry.uncompressedSize;
      if (summary.unpackedBytes > maxUnpacked) {
        throw new BadArchive(
          `the archive unpacks to more than ${maxUnpacked} bytes (${limits.maxRatio} times its size at most, ` +
            `${limits.maxUnpackedBytes} in all): refused as a possible zip bomb`,
        );
      }
      if (entry.fileName.endsWith('/') || entry.uncompressedSize === 0) continue;
      if (entry.isEncrypted())
        throw new BadArchive(`${entry.fileName} is encrypted: send an unencrypted ZIP`);
      if (!entry.canDecodeFileData())
        throw new BadArchive(`${entry.fileName} uses a compression method other than store or deflate`);
      const head = await headOfEntry(
        await zip.openReadStreamPromise(entry, { validateEntrySizes: false } as never),
        limits.headBytes,
      );
      if (imageKind(head)) {
        summary.imageCount++;
        const point = await pointOf(entry.fileName, head);
        if (point) summary.points.push(point);
        else summary.withoutGps++;
      }
      if (summary.entries % 50 === 0) await progress(summary.entries, zip.entryCount);
    }
  } catch (err) {
    if (err instanceof BadArchive) throw err;
    const message = (err as Error).message;
    if (/invalid relative path|absolute path|invalid characters in fileName/.test(message))
      throw new BadArchive(`refused: an entry name would leave the archive's folder (${message})`);
    throw new BadArchive(`the archive is damaged: ${message}`);
  } finally {
    zip.close();
  }
  return summary;
}

/** The image points as a GeoJSON FeatureCollection with their bbox (null without points). */
export function footprintsOf(s: ArchiveSummary) {
  const box = [180, 90, -180, -90];
  for (const p of s.points) {
    box[0] = Math.min(box[0]!, p.longitude);
    box[1] = Math.min(box[1]!, p.latitude);
    box[2] = Math.max(box[2]!, p.longitude);
    box[3] = Math.max(box[3]!, p.latitude);
  }
  return {
    type: 'FeatureCollection' as const,
    bbox: s.points.length ? box : null,
    features: s.points.map((p) => ({
      type: 'Feature' as const,
      geometry: {
        type: 'Point' as const,
        coordinates: p.altitude === null ? [p.longitude, p.latitude] : [p.longitude, p.latitude, p.altitude],
      },
      properties: { name: p.name, captured_at: p.captured_at },
    })),
    images_without_gps: s.withoutGps,
  };
}
