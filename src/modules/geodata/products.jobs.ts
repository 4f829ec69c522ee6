// Processing of an uploaded raster data product: the GeoTIFF header (CRS, bounds, resolution, bands) and
// per-band statistics, read with geotiff.js, into data_products and data_product_metadata. Idempotent: a
// second run rewrites the same rows. COG conversion (gdal_translate -of COG) and tiles are not built yet.
import type { Readable } from 'node:stream';
import { fromArrayBuffer } from 'geotiff';
import { inScope, type Tx } from '../../db/scope.ts';
import type { Deps } from '../../platform/deps.ts';
import type { JobContext } from '../../platform/jobs/runner.ts';

export const RASTER_JOB = 'geodata.raster_metadata';
/** Statistics are computed in process from the whole raster; larger files wait for the GDAL pipeline. */
const MAX_IN_PROCESS_BYTES = 512 * 1024 ** 2;

export interface RasterPayload {
  dataProductId: number;
}

export class InvalidRaster extends Error {}

async function readAll(stream: Readable, max: number): Promise<ArrayBuffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of stream) {
    size += (chunk as Buffer).length;
    if (size > max) {
      stream.destroy();
      throw new InvalidRaster(`the file is larger than ${max} bytes, the limit of in-process statistics`);
    }
    chunks.push(chunk as Buffer);
  }
  const all = Buffer.concat(chunks);
  return all.buffer.slice(all.byteOffset, all.byteOffset + all.byteLength) as ArrayBuffer;
}

export interface BandStats {
  band: number;
  min: number | null;
  max: number | null;
  mean: number | null;
  std: number | null;
  valid_count: number;
  nodata: number | null;
}

export function bandStats(values: ArrayLike<number>, band: number, nodata: number | null): BandStats {
  let n = 0;
  let sum = 0;
  let sumSq = 0;
  let min = Number.POSITIVE_INFINITY;
  let max = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (Number.isNaN(v) || (nodata !== null && v === nodata)) continue;
    n += 1;
    sum += v;
    sumSq += v * v;
    if (v < min) min = v;
    if (v > max) max = v;
  }
  if (n === 0) return { band, min: null, max: null, mean: null, std: null, valid_count: 0, nodata };
  const mean = sum / n;
  return {
    band,
    min,
    max,
    mean,
    std: Math.sqrt(Math.max(0, sumSq / n - mean * mean)),
    valid_count: n,
    nodata,
  };
}

/** What the header and the pixels say about a GeoTIFF; InvalidRaster with the reason when it is not one. */
export async function describeGeoTiff(bytes: ArrayBuffer) {
  let image: Awaited<ReturnType<Awaited<ReturnType<typeof fromArrayBuffer>>['getImage']>>;
  try {
    image = await (await fromArrayBuffer(bytes)).getImage();
  } catch (err) {
    throw new InvalidRaster(`not a valid GeoTIFF: ${(err as Error).message}`);
  }
  const keys = (image.getGeoKeys() ?? {}) as Record<string, unknown>;
  const epsg = Number(keys.ProjectedCSTypeGeoKey ?? keys.GeographicTypeGeoKey) || null;
  if (!epsg || epsg === 32767)
    throw new InvalidRaster('not a valid GeoTIFF: it has no EPSG coordinate system');
  let bounds: number[];
  let resolution: number[];
  try {
    bounds = image.getBoundingBox();
    resolution = image.getResolution();
  } catch (err) {
    throw new InvalidRaster(`not a valid GeoTIFF: it has no georeferencing (${(err as Error).message})`);
  }
  const nodata = image.getGDALNoData();
  const rasters = (await image.readRasters()) as unknown as ArrayLike<number>[];
  const stats = rasters.map((values, i) => bandStats(values, i + 1, nodata));
  return {
    width: image.getWidth(),
    height: image.getHeight(),
    bandCount: image.getSamplesPerPixel(),
    epsg,
    bounds,
    resolution: [Math.abs(resolution[0]!), Math.abs(resolution[1]!)] as [number, number],
    nodata,
    stats,
  };
}

export function defineRasterJob({ jobs, blobs, database }: Pick<Deps, 'jobs' | 'blobs' | 'database'>) {
  jobs.define<RasterPayload>({
    kind: RASTER_JOB,
    retryLimit: 1,
    handler: async (ctx: JobContext<RasterPayload>) => {
      const scope = { organizationId: ctx.organizationId, userId: ctx.userId };
      const id = ctx.payload.dataProductId;
      const found = await inScope(database.db, scope, (tx) =>
        tx
          .selectFrom('data_products as d')
          .innerJoin('files as f', 'f.id', 'd.file_id')
          .select(['d.id', 'f.storage_key'])
          .where('d.id', '=', id)
          .executeTakeFirst(),
      );
      if (!found) return { skipped: 'the data product or its file is gone' };
      const set = (tx: Tx, values: Record<string, unknown>) =>
        tx
          .updateTable('data_products')
          .set({ ...values, updated_at: new Date() })
          .where('id', '=', id)
          .execute();
      await inScope(database.db, scope, (tx) => set(tx, { status: 'processing', error: null }));
      await ctx.progress(10, 'reading the GeoTIFF');
      let info: Awaited<ReturnType<typeof describeGeoTiff>>;
      try {
        info = await describeGeoTiff(await readAll(await blobs.get(found.storage_key), MAX_IN_PROCESS_BYTES));
      } catch (err) {
        if (err instanceof InvalidRaster) {
          await inScope(database.db, scope, (tx) => set(tx, { status: 'failed', error: err.message }));
        }
        throw err;
      }
      await ctx.progress(80, 'recording metadata');
      await inScope(database.db, scope, async (tx) => {
        await set(tx, {
          status: 'ready',
          crs: `EPSG:${info.epsg}`,
          epsg: info.epsg,
          bounds: JSON.stringify(info.bounds),
          bounds_4326: info.epsg === 4326 ? JSON.stringify(info.bounds) : null,
          band_count: info.bandCount,
          resolution_x: info.resolution[0],
          resolution_y: info.resolution[1],
          width: info.width,
          height: info.height,
        });
        await tx.deleteFrom('data_product_metadata').where('data_product_id', '=', id).execute();
        await tx
          .insertInto('data_product_metadata')
          .values([
            {
              organization_id: ctx.organizationId,
              data_product_id: id,
              category: 'raster',
              band: null,
              properties: JSON.stringify({ width: info.width, height: info.height, nodata: info.nodata }),
            },
            ...info.stats.map((s) => ({
              organization_id: ctx.organizationId,
              data_product_id: id,
              category: 'stats',
              band: s.band,
              properties: JSON.stringify(s),
            })),
          ])
          .execute();
      });
      return { epsg: info.epsg, bands: info.bandCount };
    },
  });
}
