// Mapbox Vector Tiles of a vector layer: PostGIS's ST_AsMVTGeom/ST_AsMVT over the features whose boxes meet the
// tile (found through the box index of migration 0016, under RLS). PGlite has no PostGIS: the reduced mode
// answers 501 with the reason, and the layer's GeoJSON (GET /api/vector-layers/{id}/features?bbox=) instead.
import { createHash } from 'node:crypto';
import { sql } from 'kysely';
import { authorize } from '../../platform/access/access.ts';
import type { Actor } from '../../platform/auth/actor.ts';
import type { Deps } from '../../platform/deps.ts';
import { AppError } from '../../platform/errors.ts';
import { runner } from './geodata.service.ts';
import type { Spatial } from './spatial.ts';

export const MVT_LAYER = 'features';
export const MVT_EXTENT = 4096;
/** A tile carries at most this many features (the first by id); the rest needs a closer zoom. */
export const MVT_MAX_FEATURES = 20_000;

/** The lon/lat box of an XYZ tile (Web Mercator), widened by the clip buffer of ST_AsMVTGeom (64/4096). */
export function tileBox(z: number, x: number, y: number) {
  const n = 2 ** z;
  const pad = 64 / MVT_EXTENT;
  const lon = (t: number) => (t / n) * 360 - 180;
  const lat = (t: number) => (Math.atan(Math.sinh(Math.PI * (1 - (2 * t) / n))) * 180) / Math.PI;
  return {
    min_lon: Math.max(-180, lon(x - pad)),
    max_lon: Math.min(180, lon(x + 1 + pad)),
    min_lat: Math.max(-90, lat(Math.min(n, y + 1 + pad))),
    max_lat: Math.min(90, lat(Math.max(0, y - pad))),
  };
}

export function createVectorTiles(deps: Pick<Deps, 'database'>, spatial: Spatial) {
  const run = runner(deps);

  return {
    async tile(actor: Actor, id: number, z: number, x: number, y: number) {
      if (z > 24 || x >= 2 ** z || y >= 2 ** z) {
        throw new AppError(
          'bad_request',
          `invalid request: tile ${z}/${x}/${y} does not exist (0 <= x, y < 2^z, z <= 24)`,
          [{ in: 'params', field: 'z', message: 'x and y must be below 2^z; z at most 24' }],
        );
      }
      return run(actor, async (tx) => {
        const layer = await tx
          .selectFrom('vector_layers')
          .select(['id', 'project_id'])
          .where('id', '=', id)
          .executeTakeFirst();
        const missing = new AppError('not_found', `vector layer ${id} not found`);
        if (!layer) throw missing;
        try {
          await authorize(tx, actor, 'geodata.read', [layer.project_id]);
        } catch (err) {
          throw err instanceof AppError && err.code === 'not_found' ? missing : err;
        }
        const schema = await spatial.postgisSchema(tx);
        if (!schema || !/^[a-z_][a-z0-9_]*$/.test(schema)) {
          throw new AppError(
            'not_implemented',
            'vector tiles need PostGIS, which this database does not have (the embedded PGlite runs a reduced ' +
              'geodata mode); read the features as GeoJSON from /api/vector-layers/{id}/features?bbox=',
          );
        }
        const fn = (name: string) => sql.raw(`"${schema}".${name}`);
        const box = tileBox(z, x, y);
        const { rows } = await sql<{ mvt: Buffer | Uint8Array | null }>`
          WITH candidates AS (
            SELECT gt_layer_features_in_box(${id}::bigint,
              box(point(${box.min_lon}::float8, ${box.min_lat}::float8), point(${box.max_lon}::float8, ${box.max_lat}::float8)),
              0::bigint, ${MVT_MAX_FEATURES}::integer) AS id
          ), env AS (SELECT ${fn('ST_TileEnvelope')}(${z}::integer, ${x}::integer, ${y}::integer) AS e),
          shapes AS (
            SELECT f.id, f.properties,
              ${fn('ST_AsMVTGeom')}(
                ${fn('ST_Transform')}(${fn('ST_ClipByBox2D')}(
                  ${fn('ST_SetSRID')}(${fn('ST_GeomFromGeoJSON')}(f.geometry::text), 4326),
                  ${fn('ST_MakeEnvelope')}(-180, -85.0511, 180, 85.0511, 4326)), 3857),
                env.e, ${MVT_EXTENT}, 64, true) AS geom
            FROM vector_features f, env
            WHERE f.id IN (SELECT id FROM candidates) AND f.layer_id = ${id}
          )
          SELECT ${fn('ST_AsMVT')}(shapes, ${MVT_LAYER}, ${MVT_EXTENT}, 'geom', 'id') AS mvt
          FROM shapes WHERE geom IS NOT NULL`.execute(tx);
        const bytes = Buffer.from(rows[0]?.mvt ?? new Uint8Array());
        const etag = `"${createHash('sha256').update(bytes).digest('base64url').slice(0, 27)}"`;
        return { bytes, etag };
      });
    },
  };
}

export type VectorTiles = ReturnType<typeof createVectorTiles>;
