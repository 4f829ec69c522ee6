// Vector files through GDAL's ogr2ogr (Debian gdal-bin): GeoJSON, a zipped shapefile or a GeoPackage, written
// to a temporary file, reprojected to EPSG:4326 and read back as GeoJSONSeq (one Feature per line) from the
// child's stdout, line by line, so a large file never sits in memory as one document.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { GdalError } from './gdal.ts';

export type VectorFormat = 'geojson' | 'shapefile' | 'geopackage';

const SQLITE = Buffer.from('SQLite format 3\u0000', 'latin1');
const ZIP = Buffer.from([0x50, 0x4b, 0x03, 0x04]);

/** The format by the file's first bytes (a zip is taken as a zipped shapefile, `{` as GeoJSON), or null. */
export function detectVectorFormat(head: Buffer): VectorFormat | null {
  if (head.subarray(0, SQLITE.length).equals(SQLITE)) return 'geopackage';
  if (head.subarray(0, ZIP.length).equals(ZIP)) return 'shapefile';
  const text = head
    .toString('utf8')
    .replace(/^\uFEFF/, '')
    .trimStart();
  return text.startsWith('{') ? 'geojson' : null;
}

export const EXTENSION: Record<VectorFormat, string> = {
  geojson: '.geojson',
  shapefile: '.zip',
  geopackage: '.gpkg',
};

/** GDAL's reason without its list of drivers, and with the user's file name for our temporary one. */
export function ogrReason(stderr: string, tempPath: string, userName: string): string {
  const lines = stderr
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith('->') && l !== 'FAILURE:' && !/^Warning 1: /.test(l));
  const text = lines
    .map((l) => l.replace(/^ERROR \d+:\s*/, '').replace(/ with the following drivers\.$/, ''))
    .join('; ')
    .replaceAll(`/vsizip/${tempPath}`, userName)
    .replaceAll(tempPath, userName)
    .slice(0, 1000);
  return text || 'ogr2ogr could not read the file';
}

/**
 * The features of a vector file in EPSG:4326, one parsed GeoJSON Feature at a time. A file GDAL cannot read
 * throws GdalError with GDAL's reason (after the features it did read, which the caller discards).
 */
export async function* ogrFeatures(
  path: string,
  format: VectorFormat,
  userName: string,
): AsyncGenerator<unknown> {
  const source = format === 'shapefile' ? `/vsizip/${path}` : path;
  const child = spawn('ogr2ogr', ['-f', 'GeoJSONSeq', '-t_srs', 'EPSG:4326', '/vsistdout/', source], {
    stdio: ['ignore', 'pipe', 'pipe'],
    // VRT files name other files to read; an upload is never one (it could point at any file on the server).
    env: { ...process.env, GDAL_PAM_ENABLED: 'NO', GDAL_SKIP: 'VRT OGR_VRT' },
  });
  const err: Buffer[] = [];
  child.stderr.on('data', (c: Buffer) => {
    if (err.length < 256) err.push(c);
  });
  const closed = once(child, 'close').catch((e: NodeJS.ErrnoException) => {
    throw e.code === 'ENOENT'
      ? new GdalError('ogr2ogr is not installed (Debian: apt-get install gdal-bin)')
      : e;
  });
  let done = false;
  try {
    const lines = createInterface({ input: child.stdout, crlfDelay: Number.POSITIVE_INFINITY });
    for await (const raw of lines) {
      // GeoJSONSeq without RS=YES writes no record separators; a line is one Feature.
      const line = raw.trim();
      if (!line) continue;
      let feature: unknown;
      try {
        feature = JSON.parse(line);
      } catch {
        throw new GdalError('ogr2ogr wrote a line that is not JSON');
      }
      yield feature;
    }
    const [code] = (await closed) as [number | null];
    done = true;
    if (code !== 0) {
      throw new GdalError(ogrReason(Buffer.concat(err).toString('utf8'), path, userName));
    }
  } finally {
    if (!done) {
      child.kill();
      await closed.catch(() => undefined);
    }
  }
}
