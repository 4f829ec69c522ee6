// Vector layers from uploaded files: the multipart part is spooled to a temporary directory, ogr2ogr converts it
// to EPSG:4326 GeoJSONSeq, and the features are checked and inserted a batch at a time (multi-row INSERTs) in
// one transaction: a file that fails part way leaves no layer behind.
import { createWriteStream } from 'node:fs';
import { mkdtemp, open, rename, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { authorize } from '../../platform/access/access.ts';
import type { Actor } from '../../platform/auth/actor.ts';
import type { Deps } from '../../platform/deps.ts';
import { AppError } from '../../platform/errors.ts';
import { GdalError } from './gdal.ts';
import { record, runner } from './geodata.service.ts';
import { type Bbox, parseFeatureGeometry } from './geometry.ts';
import { detectVectorFormat, EXTENSION, ogrFeatures } from './ogr.ts';
import { layerColumns, toLayer } from './vectors.service.ts';

const INSERT_BATCH = 500;
export const MAX_UPLOAD_FEATURES = 500_000;

export interface SpooledFile {
  dir: string;
  file: string;
  userName: string;
}

export function createVectorImport(deps: Pick<Deps, 'database'>) {
  const run = runner(deps);

  return {
    /** Access before any byte is stored: another organization's project answers 404. */
    async checkWrite(actor: Actor, projectId: number) {
      await run(actor, (tx) => authorize(tx, actor, 'geodata.write', [projectId]));
    },

    async spool(stream: Readable, userName: string): Promise<SpooledFile> {
      const dir = await mkdtemp(path.join(tmpdir(), 'gt-vector-'));
      const file = path.join(dir, 'upload');
      try {
        await pipeline(stream, createWriteStream(file));
      } catch (err) {
        await rm(dir, { recursive: true, force: true });
        throw err;
      }
      return { dir, file, userName };
    },

    discard: (spooled: SpooledFile) => rm(spooled.dir, { recursive: true, force: true }),

    /** The spooled file as a new layer of the project; the temporary directory is removed either way. */
    async importFile(actor: Actor, projectId: number, spooled: SpooledFile, name: string) {
      try {
        const handle = await open(spooled.file);
        const head = Buffer.alloc(64);
        const { bytesRead } = await handle.read(head, 0, 64, 0).finally(() => handle.close());
        const format = detectVectorFormat(head.subarray(0, bytesRead));
        if (!format) {
          throw new AppError(
            'unsupported_media_type',
            `${spooled.userName} is not GeoJSON, a zipped shapefile (.zip) or a GeoPackage (.gpkg)`,
          );
        }
        const source = spooled.file + EXTENSION[format];
        await rename(spooled.file, source);
        return await run(actor, async (tx, org) => {
          await authorize(tx, actor, 'geodata.write', [projectId]);
          const layer = await tx
            .insertInto('vector_layers')
            .values({
              organization_id: org,
              project_id: projectId,
              name,
              source_format: format,
              feature_count: 0,
              created_by: actor.userId,
            })
            .returning('id')
            .executeTakeFirstOrThrow();
          const box: Bbox = { min_lon: 180, min_lat: 90, max_lon: -180, max_lat: -90 };
          let count = 0;
          let batch: { geometry: string; properties: string; bbox: Bbox }[] = [];
          const flush = async () => {
            if (!batch.length) return;
            await tx
              .insertInto('vector_features')
              .values(
                batch.map((f) => ({
                  organization_id: org,
                  layer_id: layer.id,
                  geometry: f.geometry,
                  properties: f.properties,
                  ...f.bbox,
                })),
              )
              .execute();
            batch = [];
          };
          try {
            for await (const raw of ogrFeatures(source, format, spooled.userName)) {
              const where = `feature ${count}`;
              const f = raw as { geometry?: unknown; properties?: unknown };
              const { geometry, bbox } = parseFeatureGeometry(f.geometry, where);
              const props = f.properties;
              if (
                props !== undefined &&
                props !== null &&
                (typeof props !== 'object' || Array.isArray(props))
              )
                throw new AppError('unprocessable', `invalid ${where}: properties must be an object or null`);
              if (++count > MAX_UPLOAD_FEATURES)
                throw new AppError('unprocessable', `the file has more than ${MAX_UPLOAD_FEATURES} features`);
              box.min_lon = Math.min(box.min_lon, bbox.min_lon);
              box.min_lat = Math.min(box.min_lat, bbox.min_lat);
              box.max_lon = Math.max(box.max_lon, bbox.max_lon);
              box.max_lat = Math.max(box.max_lat, bbox.max_lat);
              batch.push({
                geometry: JSON.stringify(geometry),
                properties: JSON.stringify(props ?? {}),
                bbox,
              });
              if (batch.length >= INSERT_BATCH) await flush();
            }
          } catch (err) {
            if (err instanceof GdalError)
              throw new AppError('unprocessable', `GDAL cannot read ${spooled.userName}: ${err.message}`, [
                { in: 'body', field: 'file', message: err.message },
              ]);
            throw err;
          }
          await flush();
          if (count === 0) throw new AppError('unprocessable', `${spooled.userName} has no features`);
          const row = await tx
            .updateTable('vector_layers')
            .set({ feature_count: count, ...box })
            .where('id', '=', layer.id)
            .returning(layerColumns)
            .executeTakeFirstOrThrow();
          await record(tx, actor, 'geodata.vector_layer_create', 'vector_layer', layer.id, {
            features: count,
            format,
            file: spooled.userName,
          });
          return toLayer(row);
        });
      } finally {
        await rm(spooled.dir, { recursive: true, force: true });
      }
    },
  };
}

export type VectorImport = ReturnType<typeof createVectorImport>;
