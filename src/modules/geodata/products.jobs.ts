// Processing of an uploaded raster data product with GDAL, in a temporary directory: `gdalinfo -json` validates
// the upload and reads its CRS, bounds, resolution and bands, while `gdalinfo -json -stats` (exact per-band
// statistics) and `gdal_translate -of COG` run beside it. The latter writes the Cloud Optimized GeoTIFF
// (DEFLATE, overviews, 256-pixel blocks on the Web Mercator tile matrix), which goes into the blob store as a
// companion file of the upload and is what the tile and download routes read. Idempotent: a second run
// rewrites the same rows and finds the same blob.
import { createWriteStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { inScope, type Tx } from '../../db/scope.ts';
import type { Deps } from '../../platform/deps.ts';
import type { JobContext } from '../../platform/jobs/runner.ts';
import { epsgOf, GdalError, type GdalInfo, gdalInfo, toCog } from './gdal.ts';

export const RASTER_JOB = 'geodata.raster_metadata';

export interface RasterPayload {
  dataProductId: number;
}

export class InvalidRaster extends Error {}

/** What the tile renderer needs to know about a COG, kept in data_product_metadata (category 'raster', key cog). */
export interface CogInfo {
  width: number;
  height: number;
  /** EPSG:3857 geotransform of the full-resolution image. */
  geo_transform: number[];
  /** Zoom level of the full-resolution image on the GoogleMapsCompatible matrix. */
  max_zoom: number;
  bands: { band: number; type: string; color: string | null }[];
  /** 1-based index of the alpha band that GDAL adds when it reprojects, if any. */
  alpha_band: number | null;
  nodata: number | null;
  size_bytes: number;
  sha256: string;
}

const num = (v: unknown): number | null => {
  const n = typeof v === 'string' ? Number(v) : v;
  return typeof n === 'number' && Number.isFinite(n) ? n : null;
};

/** The upload as GDAL sees it; InvalidRaster with GDAL's reason when it is not a georeferenced raster. */
export function describeSource(info: GdalInfo) {
  if (!info.coordinateSystem?.wkt || !info.geoTransform)
    throw new InvalidRaster('not a valid raster: it has no coordinate system or georeferencing');
  const epsg = epsgOf(info);
  const corners = Object.values(info.cornerCoordinates ?? {});
  const xs = corners.map((c) => c[0]);
  const ys = corners.map((c) => c[1]);
  const bounds = [Math.min(...xs), Math.min(...ys), Math.max(...xs), Math.max(...ys)];
  const ring = info.wgs84Extent?.coordinates[0] ?? [];
  const bounds4326 = ring.length
    ? [
        Math.min(...ring.map((p) => p[0]!)),
        Math.min(...ring.map((p) => p[1]!)),
        Math.max(...ring.map((p) => p[0]!)),
        Math.max(...ring.map((p) => p[1]!)),
      ]
    : null;
  const gt = info.geoTransform;
  const stats = info.bands.map((b) => ({
    band: b.band,
    type: b.type,
    color: b.colorInterpretation ?? null,
    min: num(b.minimum),
    max: num(b.maximum),
    mean: num(b.mean),
    std: num(b.stdDev),
    nodata: num(b.noDataValue),
    valid_percent: num(b.metadata?.['']?.STATISTICS_VALID_PERCENT),
  }));
  const stac = { ...(info.stac ?? {}) };
  delete stac['proj:projjson'];
  return {
    driver: info.driverShortName,
    width: info.size[0],
    height: info.size[1],
    epsg,
    crs: epsg ? `EPSG:${epsg}` : 'custom',
    bounds,
    bounds4326,
    resolution: [Math.abs(gt[1]!), Math.abs(gt[5]!)] as [number, number],
    bandCount: info.bands.length,
    stats,
    stac,
  };
}

export function describeCog(info: GdalInfo, blob: { size: number; sha256: string }): CogInfo {
  const alpha = info.bands.find((b) => b.colorInterpretation === 'Alpha');
  return {
    width: info.size[0],
    height: info.size[1],
    geo_transform: info.geoTransform ?? [],
    max_zoom: Number(info.metadata?.TILING_SCHEME?.ZOOM_LEVEL ?? 0),
    bands: info.bands.map((b) => ({ band: b.band, type: b.type, color: b.colorInterpretation ?? null })),
    alpha_band: alpha ? alpha.band : null,
    nodata: num(info.bands[0]?.noDataValue),
    size_bytes: blob.size,
    sha256: blob.sha256,
  };
}

/** GDAL names the temporary file in its messages; the user knows the file by its own name. */
const reasonFor = (err: Error, source: string, dir: string, name: string) =>
  err.message.replaceAll(source, name).replaceAll(`${dir}${path.sep}`, '').replaceAll('source.tif', name);

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
          .select([
            'd.id',
            'f.id as file_id',
            'f.storage_key',
            'f.project_id',
            'f.uploaded_by',
            'd.original_name',
          ])
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
      const dir = await mkdtemp(path.join(tmpdir(), 'gt-raster-'));
      try {
        // GDAL reads the upload where the disk blob store keeps it (read-only); from S3 it is fetched first.
        let source = blobs.localPath?.(found.storage_key);
        if (!source) {
          source = path.join(dir, 'source.tif');
          await ctx.progress(5, 'fetching the upload');
          await pipeline(await blobs.get(found.storage_key), createWriteStream(source));
        }
        const cog = path.join(dir, 'cog.tif');
        await ctx.progress(15, 'validating, computing statistics and writing the Cloud Optimized GeoTIFF');
        let src: ReturnType<typeof describeSource>;
        // The header check (fast), the exact statistics (every pixel, a fraction of a second of one core) and the
        // conversion run side by side at the same priority (at nice 19 the statistics waited for the
        // conversion's cores and finished seconds after it); a file the header check refuses stops the other two
        // at once, so a bad upload costs no real work (bench/geodata-cog.bench.ts).
        const controller = new AbortController();
        const { signal } = controller;
        const work = Promise.all([gdalInfo(source, { stats: true, signal }), toCog(source, cog, signal)]);
        work.catch(() => undefined); // awaited below, or abandoned when the header check fails
        try {
          try {
            describeSource(await gdalInfo(source));
          } catch (err) {
            controller.abort();
            await work.catch(() => undefined);
            throw err;
          }
          src = describeSource((await work)[0]);
        } catch (err) {
          if (!(err instanceof InvalidRaster || err instanceof GdalError)) throw err;
          const reason =
            err instanceof GdalError
              ? `not a valid raster: ${reasonFor(err, source, dir, found.original_name)}`
              : err.message;
          await inScope(database.db, scope, (tx) => set(tx, { status: 'failed', error: reason }));
          throw new InvalidRaster(reason);
        }
        await ctx.progress(80, 'storing the COG');
        // The COG is described and hashed at once, then linked (disk) or uploaded (S3) into the store.
        const [cogGdal, blob] = await Promise.all([gdalInfo(cog), blobs.putFile(cog)]);
        const cogInfo = describeCog(cogGdal, blob);
        await inScope(database.db, scope, async (tx) => {
          const cogName = `${found.original_name.replace(/\.[^.]*$/, '')}.cog.tif`;
          const existing = await tx
            .selectFrom('files')
            .select('id')
            .where('parent_file_id', '=', found.file_id)
            .where('storage_key', '=', blob.key)
            .where('status', '=', 'ready')
            .executeTakeFirst();
          const cogFileId =
            existing?.id ??
            (
              await tx
                .insertInto('files')
                .values({
                  organization_id: ctx.organizationId,
                  project_id: found.project_id,
                  uploaded_by: found.uploaded_by,
                  parent_file_id: found.file_id,
                  storage_key: blob.key,
                  original_name: cogName,
                  mime_type: 'image/tiff',
                  size_bytes: blob.size,
                  sha256: blob.sha256,
                  status: 'ready',
                  metadata: JSON.stringify({ role: 'cog', data_product_id: id }),
                })
                .returning('id')
                .executeTakeFirstOrThrow()
            ).id;
          await set(tx, {
            status: 'ready',
            crs: src.crs,
            epsg: src.epsg,
            bounds: JSON.stringify(src.bounds),
            bounds_4326: src.bounds4326 ? JSON.stringify(src.bounds4326) : null,
            band_count: src.bandCount,
            resolution_x: src.resolution[0],
            resolution_y: src.resolution[1],
            width: src.width,
            height: src.height,
            cog_file_id: cogFileId,
          });
          await tx.deleteFrom('data_product_metadata').where('data_product_id', '=', id).execute();
          const meta = (category: string, band: number | null, properties: unknown) => ({
            organization_id: ctx.organizationId,
            data_product_id: id,
            category,
            band,
            properties: JSON.stringify(properties),
          });
          await tx
            .insertInto('data_product_metadata')
            .values([
              meta('raster', null, {
                width: src.width,
                height: src.height,
                driver: src.driver,
                nodata: src.stats[0]?.nodata ?? null,
                stac: src.stac,
                cog: cogInfo,
              }),
              ...src.stats.map((s) => meta('stats', s.band, s)),
            ])
            .execute();
        });
        return { epsg: src.epsg, bands: src.bandCount, cog_bytes: blob.size };
      } finally {
        await rm(dir, { recursive: true, force: true });
      }
    },
  });
}
