// PostGIS where the server has it (migration 0016 puts it in its own schema), nothing on PGlite. One lookup per
// database; the answer never changes while the process runs.
import { sql } from 'kysely';
import type { Tx } from '../../db/scope.ts';
import { AppError } from '../../platform/errors.ts';
import type { Boundary } from './geometry.ts';

export interface PostgisMeasure {
  area_m2: number;
  centroid_lon: number;
  centroid_lat: number;
}

export function createSpatial() {
  let schema: Promise<string | null> | undefined;

  /** The schema PostGIS lives in, or null when the database has no PostGIS (PGlite, or not installed). */
  function postgisSchema(tx: Tx): Promise<string | null> {
    schema ??= sql<{ nspname: string }>`
      SELECT n.nspname FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace
      WHERE e.extname = 'postgis'`
      .execute(tx)
      .then((r) => r.rows[0]?.nspname ?? null);
    return schema;
  }

  /** PostGIS's validity check (GEOS's reason as a 422) and spheroid measures; null without PostGIS. */
  async function measure(tx: Tx, g: Boundary): Promise<PostgisMeasure | null> {
    const s = await postgisSchema(tx);
    // An unusual schema name is not spliced into SQL; such a server is measured in TypeScript only.
    if (!s || !/^[a-z_][a-z0-9_]*$/.test(s)) return null;
    const fn = (name: string) => sql.raw(`"${s}".${name}`);
    const { rows } = await sql<{ valid: boolean; reason: string; area: number; x: number; y: number }>`
      SELECT ${fn('ST_IsValid')}(g) AS valid, ${fn('ST_IsValidReason')}(g) AS reason,
        ${fn('ST_Area')}(${fn('geography')}(g)) AS area,
        ${fn('ST_X')}(${fn('ST_Centroid')}(g)) AS x, ${fn('ST_Y')}(${fn('ST_Centroid')}(g)) AS y
      FROM (SELECT ${fn('ST_SetSRID')}(${fn('ST_GeomFromGeoJSON')}(${JSON.stringify(g)}::text), 4326) AS g) s`.execute(
      tx,
    );
    const r = rows[0]!;
    if (!r.valid) {
      throw new AppError('unprocessable', `invalid geometry: ${r.reason}`, [
        { in: 'body', field: 'geometry', message: r.reason },
      ]);
    }
    return { area_m2: r.area, centroid_lon: r.x, centroid_lat: r.y };
  }

  return { postgisSchema, measure };
}

export type Spatial = ReturnType<typeof createSpatial>;
