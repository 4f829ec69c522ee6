// Vector layers (GeoJSON FeatureCollections stored as features with bbox columns) and short links.
import { createHash, randomBytes } from 'node:crypto';
import { sql } from 'kysely';
import { enterOrganization, inScope, type Tx } from '../../db/scope.ts';
import { authorize } from '../../platform/access/access.ts';
import { audit } from '../../platform/audit.ts';
import type { Actor } from '../../platform/auth/actor.ts';
import type { Deps } from '../../platform/deps.ts';
import { AppError } from '../../platform/errors.ts';
import type { PageRequest } from '../../platform/http/common.schemas.ts';
import { record, runner } from './geodata.service.ts';
import { type Bbox, parseFeatureGeometry } from './geometry.ts';
import type { Spatial } from './spatial.ts';

const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');
const INSERT_BATCH = 1000;

export const layerColumns = [
  'id',
  'project_id',
  'name',
  'source_format',
  'feature_count',
  'min_lon',
  'min_lat',
  'max_lon',
  'max_lat',
  'created_at',
] as const;

export type LayerRow = {
  id: number;
  project_id: number;
  name: string;
  source_format: string;
  feature_count: number;
  min_lon: number | null;
  min_lat: number | null;
  max_lon: number | null;
  max_lat: number | null;
  created_at: Date;
};

export const toLayer = (r: LayerRow) => ({
  id: r.id,
  project_id: r.project_id,
  name: r.name,
  source_format: r.source_format,
  feature_count: r.feature_count,
  bbox: r.min_lon === null ? null : [r.min_lon, r.min_lat!, r.max_lon!, r.max_lat!],
  created_at: r.created_at,
});

export function parseBbox(text: string): Bbox {
  const [a, b, c, d] = text.split(',').map(Number) as [number, number, number, number];
  const box = { min_lon: a, min_lat: b, max_lon: c, max_lat: d };
  if (
    ![a, b, c, d].every(Number.isFinite) ||
    Math.abs(a) > 180 ||
    Math.abs(c) > 180 ||
    Math.abs(b) > 90 ||
    Math.abs(d) > 90 ||
    a > c ||
    b > d
  ) {
    throw new AppError(
      'bad_request',
      'invalid request: bbox must be min_lon,min_lat,max_lon,max_lat within -180..180 / -90..90',
      [{ in: 'querystring', field: 'bbox', message: 'min_lon,min_lat,max_lon,max_lat' }],
    );
  }
  return box;
}

export function createVectorsService(deps: Pick<Deps, 'database'>, spatial: Spatial) {
  const run = runner(deps);

  async function layerIn(tx: Tx, actor: Actor, id: number, action: 'geodata.read' | 'geodata.delete') {
    const row = await tx
      .selectFrom('vector_layers')
      .select(layerColumns)
      .where('id', '=', id)
      .executeTakeFirst();
    if (!row) throw new AppError('not_found', `vector layer ${id} not found`);
    try {
      await authorize(tx, actor, action, [row.project_id]);
    } catch (err) {
      if (err instanceof AppError && err.code === 'not_found')
        throw new AppError('not_found', `vector layer ${id} not found`);
      throw err;
    }
    return row;
  }

  return {
    /** Every feature is checked before anything is written; the layer and its features land in one transaction. */
    async createLayer(
      actor: Actor,
      projectId: number,
      body: { name: string; data: { features: unknown[] } },
    ) {
      // Access first (another organization's project answers 404 before any word about the body), then the
      // features are checked outside the writing transaction, which checks access again.
      await run(actor, (tx) => authorize(tx, actor, 'geodata.write', [projectId]));
      const features = body.data.features.map((f, i) => {
        const feature = f as { type?: unknown; geometry?: unknown; properties?: unknown };
        if (feature.type !== 'Feature') {
          throw new AppError('unprocessable', `invalid geometry: feature ${i} is not a GeoJSON Feature`, [
            { in: 'body', field: 'data.features', message: `feature ${i} is not a Feature` },
          ]);
        }
        const { geometry, bbox } = parseFeatureGeometry(feature.geometry, `feature ${i}`);
        const props = feature.properties;
        if (props !== undefined && props !== null && (typeof props !== 'object' || Array.isArray(props))) {
          throw new AppError('unprocessable', `invalid feature ${i}: properties must be an object or null`);
        }
        return { geometry, bbox, properties: props ?? {} };
      });
      if (features.length === 0) throw new AppError('unprocessable', 'the FeatureCollection has no features');
      const box = {
        min_lon: Math.min(...features.map((f) => f.bbox.min_lon)),
        min_lat: Math.min(...features.map((f) => f.bbox.min_lat)),
        max_lon: Math.max(...features.map((f) => f.bbox.max_lon)),
        max_lat: Math.max(...features.map((f) => f.bbox.max_lat)),
      };
      return run(actor, async (tx, org) => {
        await authorize(tx, actor, 'geodata.write', [projectId]);
        const layer = await tx
          .insertInto('vector_layers')
          .values({
            organization_id: org,
            project_id: projectId,
            name: body.name,
            source_format: 'geojson',
            feature_count: features.length,
            ...box,
            created_by: actor.userId,
          })
          .returning(layerColumns)
          .executeTakeFirstOrThrow();
        for (let i = 0; i < features.length; i += INSERT_BATCH) {
          await tx
            .insertInto('vector_features')
            .values(
              features.slice(i, i + INSERT_BATCH).map((f) => ({
                organization_id: org,
                layer_id: layer.id,
                geometry: JSON.stringify(f.geometry),
                properties: JSON.stringify(f.properties),
                ...f.bbox,
              })),
            )
            .execute();
        }
        await record(tx, actor, 'geodata.vector_layer_create', 'vector_layer', layer.id, {
          features: features.length,
        });
        return toLayer(layer);
      });
    },

    async listLayers(actor: Actor, projectId: number, page: PageRequest) {
      return run(actor, async (tx) => {
        await authorize(tx, actor, 'geodata.read', [projectId]);
        const q = tx.selectFrom('vector_layers').where('project_id', '=', projectId);
        const { count } = await q
          .select((eb) => eb.fn.countAll<number>().as('count'))
          .executeTakeFirstOrThrow();
        const rows = await q
          .select(layerColumns)
          .orderBy('id', 'desc')
          .limit(page.pageSize)
          .offset((page.page - 1) * page.pageSize)
          .execute();
        return { count: Number(count), results: rows.map(toLayer) };
      });
    },

    async getLayer(actor: Actor, id: number) {
      return run(actor, async (tx) => toLayer(await layerIn(tx, actor, id, 'geodata.read')));
    },

    async deleteLayer(actor: Actor, id: number) {
      await run(actor, async (tx) => {
        await layerIn(tx, actor, id, 'geodata.delete');
        await tx.deleteFrom('vector_layers').where('id', '=', id).execute();
        await record(tx, actor, 'geodata.vector_layer_delete', 'vector_layer', id);
      });
    },

    /**
     * Features as a FeatureCollection, keyset-paged by id. The bbox filter uses the GiST index of
     * vector_feature_boxes on both databases; with PostGIS the candidates are then refined by exact intersection.
     */
    async features(
      actor: Actor,
      id: number,
      q: { bbox?: string | undefined; limit?: number | undefined; after?: number | undefined },
    ) {
      const box = q.bbox === undefined ? null : parseBbox(q.bbox);
      const limit = q.limit ?? 1000;
      return run(actor, async (tx) => {
        await layerIn(tx, actor, id, 'geodata.read');
        const schema = box ? await spatial.postgisSchema(tx) : null;
        const exact =
          box && schema && /^[a-z_][a-z0-9_]*$/.test(schema)
            ? sql`AND "${sql.raw(schema)}".ST_Intersects("${sql.raw(schema)}".ST_SetSRID("${sql.raw(schema)}".ST_GeomFromGeoJSON(f.geometry::text), 4326),
                "${sql.raw(schema)}".ST_MakeEnvelope(${box.min_lon}, ${box.min_lat}, ${box.max_lon}, ${box.max_lat}, 4326))`
            : sql``;
        type Row = { id: number; geometry: Record<string, unknown>; properties: Record<string, unknown> };
        let rows: Row[];
        let nextAfter: number | null;
        if (box) {
          // Candidate ids from the box index (migration 0016: an index the planner can use under RLS), then
          // the features by id under RLS, refined by exact intersection where PostGIS is there.
          const { rows: candidates } = await sql<{ id: number }>`
            SELECT gt_layer_features_in_box(${id}::bigint,
              box(point(${box.min_lon}::float8, ${box.min_lat}::float8), point(${box.max_lon}::float8, ${box.max_lat}::float8)),
              ${q.after ?? 0}::bigint, ${limit + 1}::integer) AS id`.execute(tx);
          const ids = candidates.slice(0, limit).map((c) => c.id);
          nextAfter = candidates.length > limit ? ids[ids.length - 1]! : null;
          rows = ids.length
            ? (
                await sql<Row>`SELECT f.id, f.geometry, f.properties FROM vector_features f
                  WHERE f.id = ANY(${ids}::bigint[]) AND f.layer_id = ${id} ${exact} ORDER BY f.id`.execute(
                  tx,
                )
              ).rows
            : [];
        } else {
          const all = await sql<Row>`
            SELECT f.id, f.geometry, f.properties FROM vector_features f
            WHERE f.layer_id = ${id} AND f.id > ${q.after ?? 0} ORDER BY f.id LIMIT ${limit + 1}`.execute(tx);
          rows = all.rows.slice(0, limit);
          nextAfter = all.rows.length > limit ? rows[rows.length - 1]!.id : null;
        }
        return {
          type: 'FeatureCollection' as const,
          features: rows.map((r) => ({
            type: 'Feature' as const,
            id: r.id,
            geometry: r.geometry,
            properties: r.properties,
          })),
          next_after: nextAfter,
        };
      });
    },

    async createShortLink(actor: Actor, url: string) {
      return run(actor, async (tx, org) => {
        await authorize(tx, actor, 'short_links.create', []);
        const code = randomBytes(9).toString('base64url');
        const { id } = await tx
          .insertInto('short_links')
          .values({ organization_id: org, code, target_url: url, created_by: actor.userId })
          .returning('id')
          .executeTakeFirstOrThrow();
        await tx
          .insertInto('public_tokens')
          .values({ token_hash: sha256(code), kind: 'short_link', organization_id: org, target_id: id })
          .execute();
        await record(tx, actor, 'geodata.short_link_create', 'short_link', id, { url });
        return { code, short_url: `/sl/${code}`, url };
      });
    },

    /** Unauthenticated: the code finds its organization; the link is read and counted there under RLS. */
    async resolveShortLink(code: string, ip: string, userAgent: string | null): Promise<string> {
      return inScope(deps.database.db, { organizationId: null, userId: null }, async (tx) => {
        const hash = sha256(code);
        await sql`SELECT set_config('app.token_hash', ${hash}, true)`.execute(tx);
        const hit = await tx
          .selectFrom('public_tokens')
          .select(['organization_id', 'target_id'])
          .where('token_hash', '=', hash)
          .where('kind', '=', 'short_link')
          .executeTakeFirst();
        const missing = new AppError('not_found', 'short link not found');
        if (!hit) throw missing;
        await sql`SELECT set_config('app.token_hash', '', true)`.execute(tx);
        await enterOrganization(tx, hit.organization_id);
        const link = await tx
          .updateTable('short_links')
          .set((eb) => ({ hits: eb('hits', '+', 1) }))
          .where('id', '=', hit.target_id)
          .where('code', '=', code)
          .where((eb) => eb.or([eb('expires_at', 'is', null), eb('expires_at', '>', new Date())]))
          .returning(['id', 'target_url'])
          .executeTakeFirst();
        if (!link) throw missing;
        await audit(tx, {
          organizationId: hit.organization_id,
          actorUserId: null,
          authMethod: 'public',
          action: 'geodata.short_link_follow',
          targetType: 'short_link',
          targetId: link.id,
          ip,
          userAgent,
        });
        return link.target_url;
      });
    },
  };
}

export type VectorsService = ReturnType<typeof createVectorsService>;
