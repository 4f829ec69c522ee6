// GDAL's command-line tools (Debian gdal-bin) as child processes over files in a temporary directory: gdalinfo
// validates and describes a raster, gdal_translate writes the Cloud Optimized GeoTIFF, ogr2ogr reads vector
// formats. A failing tool's own message (its stderr) becomes the reason the caller reports.
import { spawn } from 'node:child_process';

export class GdalError extends Error {}

/** GDAL's messages without the noise: "ERROR 4: x.tif: not recognized…" -> "x.tif: not recognized…". */
function reasonOf(stderr: string, fallback: string): string {
  const lines = stderr
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l && !/^Warning 1: /.test(l));
  const errors = lines.filter((l) => /^ERROR \d+:/.test(l)).map((l) => l.replace(/^ERROR \d+:\s*/, ''));
  return (errors.length ? errors : lines).join('; ').slice(0, 1000) || fallback;
}

export async function runTool(
  command: string,
  args: string[],
  options: { cwd?: string; maxOutput?: number; signal?: AbortSignal } = {},
): Promise<string> {
  const max = options.maxOutput ?? 64 * 1024 ** 2;
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      cwd: options.cwd,
      ...(options.signal && { signal: options.signal }), // aborting kills the tool
      stdio: ['ignore', 'pipe', 'pipe'],
      // VRT files name other files to read (any file on the server, another organization's blobs): an upload
      // is never opened as one, whatever its bytes say.
      env: {
        ...process.env,
        GDAL_PAM_ENABLED: 'NO',
        CPL_LOG_ERRORS: 'ON',
        GDAL_SKIP: 'VRT OGR_VRT',
      },
    });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    let size = 0;
    child.stdout.on('data', (c: Buffer) => {
      size += c.length;
      if (size <= max) out.push(c);
    });
    child.stderr.on('data', (c: Buffer) => {
      if (err.length < 256) err.push(c);
    });
    child.on('error', (e: NodeJS.ErrnoException) =>
      reject(
        e.code === 'ENOENT'
          ? new GdalError(`${command} is not installed (Debian: apt-get install gdal-bin)`)
          : e,
      ),
    );
    child.on('close', (code) => {
      const stderr = Buffer.concat(err).toString('utf8');
      if (code !== 0) reject(new GdalError(reasonOf(stderr, `${command} exited with ${code}`)));
      else if (size > max) reject(new GdalError(`${command} wrote more than ${max} bytes`));
      else resolve(Buffer.concat(out).toString('utf8'));
    });
  });
}

export interface GdalBand {
  band: number;
  type: string;
  colorInterpretation?: string;
  noDataValue?: number | string;
  minimum?: number;
  maximum?: number;
  mean?: number;
  stdDev?: number;
  metadata?: Record<string, Record<string, string>>;
}

export interface GdalInfo {
  driverShortName: string;
  size: [number, number];
  geoTransform?: number[];
  coordinateSystem?: { wkt: string; dataAxisToSRSAxisMapping?: number[] };
  cornerCoordinates?: Record<string, [number, number]>;
  wgs84Extent?: { type: 'Polygon'; coordinates: number[][][] };
  bands: GdalBand[];
  metadata?: Record<string, Record<string, string>>;
  stac?: Record<string, unknown>;
}

/**
 * The only raster driver an upload is opened with: data products are GeoTIFFs (a COG is one). Other drivers
 * would widen what a crafted file can make GDAL do (formats that name other files, network paths).
 */
const RASTER_INPUT = ['-if', 'GTiff'];

/** `gdalinfo -json` of a file; GdalError with GDAL's reason when it is not a raster GDAL can read. */
export async function gdalInfo(
  file: string,
  options: { stats?: boolean; signal?: AbortSignal } = {},
): Promise<GdalInfo> {
  const args = ['-json', ...RASTER_INPUT, ...(options.stats ? ['-stats'] : []), file];
  const text = await runTool('gdalinfo', args, {
    ...(options.signal && { signal: options.signal }),
  });
  try {
    return JSON.parse(text) as GdalInfo;
  } catch {
    throw new GdalError('gdalinfo did not answer JSON');
  }
}

/** The EPSG code of a gdalinfo answer's coordinate system, from the STAC block or the WKT's last ID. */
export function epsgOf(info: GdalInfo): number | null {
  const stacEpsg = (info.stac as { 'proj:epsg'?: number } | undefined)?.['proj:epsg'];
  if (typeof stacEpsg === 'number') return stacEpsg;
  const wkt = info.coordinateSystem?.wkt ?? '';
  const ids = [...wkt.matchAll(/ID\["EPSG",(\d+)\]\]*\s*$/g)];
  const last = ids.at(-1) ?? /ID\["EPSG",(\d+)\]\]\s*$/.exec(wkt);
  return last ? Number(last[1]) : null;
}

export const COG_OPTIONS = [
  '-of',
  'COG',
  '-co',
  'COMPRESS=DEFLATE',
  '-co',
  'PREDICTOR=YES',
  '-co',
  'OVERVIEWS=AUTO',
  '-co',
  'BLOCKSIZE=256',
  // Web Mercator tiles (EPSG:3857, the GoogleMapsCompatible matrix): every map tile is one COG block or
  // overview block, read by range without reprojecting per request.
  '-co',
  'TILING_SCHEME=GoogleMapsCompatible',
  '-co',
  'NUM_THREADS=ALL_CPUS',
];

export async function toCog(source: string, target: string, signal?: AbortSignal): Promise<void> {
  await runTool(
    'gdal_translate',
    [...RASTER_INPUT, ...COG_OPTIONS, source, target],
    signal ? { signal } : {},
  );
}
