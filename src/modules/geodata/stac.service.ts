// STAC 1.0 for published projects: the project is a Collection, each ready data product an Item (projection
// and raster extensions) whose data asset is the product's COG behind its share token, so any STAC client can
// stream it without an account. Readable without login while the project is published; 404 otherwise.
import { createHash, randomBytes } from 'node:crypto';
import { sql } from 'kysely';
import { enterOrganization, inScope, type Tx } from '../../db/scope.ts';
import { audit } from '../../platform/audit.ts';
import { open, seal } from '../../platform/crypto.ts';
import type { Deps } from '../../platform/deps.ts';
import { AppError } from '../../platform/errors.ts';
import { publishedProjectHash } from './geodata.service.ts';
import type { CogInfo } from './products.jobs.ts';

export const STAC_VERSION = '1.0.0';
export const PROJECTION_EXT = 'https://stac-extensions.github.io/projection/v1.1.0/schema.json';
export const RASTER_EXT = 'https://stac-extensions.github.io/raster/v1.1.0/schema.json';
const COG_TYPE = 'image/tiff; application=geotiff; profile=cloud-optimized';

const rasterTypes: Record<string, string> = {
  Byte: 'uint8',
  Int8: 'int8',
  UInt16: 'uint16',
  Int16: 'int16',
  UInt32: 'uint32',
  Int32: 'int32',
  Float32: 'float32',
  Float64: 'float64',
};

interface Stat {
  band: number;
  type?: string;
  min: number | null;
  max: number | null;
  mean: number | null;
  std: number | null;
  nodata: number | null;
  valid_percent: number | null;
}

export function createStacService(deps: Pick<Deps, 'database' | 'secrets'>) {
  const key = deps.secrets.dataKey;

  /** Runs `fn` in the published project's organization; 404 when it is not published (or not there). */
  function inPublished<T>(projectId: number, fn: (tx: Tx, org: number) => Promise<T>): Promise<T> {
    return inScope(deps.database.db, { organizationId: null, userId: null }, async (tx) => {
      const hash = publishedProjectHash(projectId);
      await sql`SELECT set_config('app.token_hash', ${hash}, true)`.execute(tx);
      const hit = await tx
        .selectFrom('public_tokens')
        .select('organization_id')
        .where('token_hash', '=', hash)
        .where('kind', '=', 'published_project')
        .executeTakeFirst();
      await sql`SELECT set_config('app.token_hash', '', true)`.execute(tx);
      const missing = new AppError(
        'not_found',
        `collection ${projectId} not found (not a published project)`,
      );
      if (!hit) throw missing;
      await enterOrganization(tx, hit.organization_id);
      const published = await tx
        .selectFrom('geodata_projects')
        .select('is_published')
        .where('project_id', '=', projectId)
        .executeTakeFirst();
      if (!published?.is_published) throw missing;
      return fn(tx, hit.organization_id);
    });
  }

  /** The share token of each product, created for those that have none (a published project's are public). */
  async function tokensOf(tx: Tx, org: number, productIds: number[]): Promise<Map<number, string>> {
    const out = new Map<number, string>();
    if (productIds.length === 0) return out;
    const rows = await tx
      .selectFrom('file_permissions')
      .select(['data_product_id', 'token_sealed'])
      .where('data_product_id', 'in', productIds)
      .execute();
    for (const r of rows) if (r.token_sealed) out.set(r.data_product_id, open(key, r.token_sealed));
    for (const id of productIds.filter((p) => !out.has(p))) {
      const token = randomBytes(24).toString('base64url');
      const hash = createHash('sha256').update(token).digest('hex');
      const values = { token_hash: hash, token_sealed: seal(key, token), updated_at: new Date() };
      await tx
        .insertInto('file_permissions')
        .values({ organization_id: org, data_product_id: id, is_public: false, ...values })
        .onConflict((oc) => oc.column('data_product_id').doUpdateSet(values))
        .execute();
      await tx
        .insertInto('public_tokens')
        .values({ token_hash: hash, kind: 'data_product', organization_id: org, target_id: id })
        .onConflict((oc) =>
          oc.columns(['organization_id', 'kind', 'target_id']).doUpdateSet({ token_hash: hash }),
        )
        .execute();
      out.set(id, token);
    }
    return out;
  }

  const collectionOf = async (tx: Tx, projectId: number, base: string) => {
    const project = await tx
      .selectFrom('projects as p')
      .leftJoin('locations as l', 'l.project_id', 'p.id')
      .select(['p.title', 'p.description', 'l.min_lon', 'l.min_lat', 'l.max_lon', 'l.max_lat'])
      .where('p.id', '=', projectId)
      .executeTakeFirstOrThrow();
    const span = await tx
      .selectFrom('flights')
      .select([
        sql<string | null>`to_char(min(acquisition_date), 'YYYY-MM-DD')`.as('first'),
        sql<string | null>`to_char(max(acquisition_date), 'YYYY-MM-DD')`.as('last'),
      ])
      .where('project_id', '=', projectId)
      .executeTakeFirstOrThrow();
    const boxes = await tx
      .selectFrom('data_products')
      .select('bounds_4326')
      .where('project_id', '=', projectId)
      .where('status', '=', 'ready')
      .where('bounds_4326', 'is not', null)
      .execute();
    const all = boxes.map((b) => b.bounds_4326 as number[]);
    if (project.min_lon !== null)
      all.push([project.min_lon, project.min_lat!, project.max_lon!, project.max_lat!]);
    const bbox = all.length
      ? [
          Math.min(...all.map((b) => b[0]!)),
          Math.min(...all.map((b) => b[1]!)),
          Math.max(...all.map((b) => b[2]!)),
          Math.max(...all.map((b) => b[3]!)),
        ]
      : [-180, -90, 180, 90];
    const self = `${base}/api/stac/collections/${projectId}`;
    return {
      type: 'Collection' as const,
      stac_version: STAC_VERSION,
      stac_extensions: [] as string[],
      id: String(projectId),
      title: project.title,
      description: project.description || project.title,
      license: 'proprietary',
      extent: {
        spatial: { bbox: [bbox] },
        temporal: {
          interval: [
            [span.first ? `${span.first}T00:00:00Z` : null, span.last ? `${span.last}T00:00:00Z` : null],
          ],
        },
      },
      links: [
        { rel: 'self', href: self, type: 'application/json' },
        { rel: 'root', href: self, type: 'application/json' },
        { rel: 'items', href: `${self}/items`, type: 'application/geo+json' },
      ],
    };
  };

  const itemsOf = async (tx: Tx, org: number, projectId: number, base: string) => {
    const rows = await tx
      .selectFrom('data_products as d')
      .innerJoin('flights as f', 'f.id', 'd.flight_id')
      .leftJoin('data_product_metadata as m', (j) =>
        j.onRef('m.data_product_id', '=', 'd.id').on('m.category', '=', 'raster').on('m.band', 'is', null),
      )
      .select([
        'd.id',
        'd.data_type',
        'd.original_name',
        'd.epsg',
        'd.bounds',
        'd.bounds_4326',
        'd.width',
        'd.height',
        'd.updated_at',
        'f.id as flight_id',
        'f.sensor',
        'f.platform',
        sql<string>`to_char(f.acquisition_date, 'YYYY-MM-DD')`.as('date'),
        'm.properties as raster',
        sql<Stat[]>`coalesce((SELECT jsonb_agg(s.properties ORDER BY s.band) FROM data_product_metadata s
          WHERE s.data_product_id = d.id AND s.category = 'stats'), '[]'::jsonb)`.as('stats'),
      ])
      .where('d.project_id', '=', projectId)
      .where('d.status', '=', 'ready')
      .where('d.cog_file_id', 'is not', null)
      .where('d.bounds_4326', 'is not', null)
      .orderBy('d.id')
      .execute();
    const tokens = await tokensOf(
      tx,
      org,
      rows.map((r) => r.id),
    );
    const collection = `${base}/api/stac/collections/${projectId}`;
    return rows.map((r) => {
      const [w, s, e, n] = r.bounds_4326 as [number, number, number, number];
      const raster = (r.raster ?? {}) as { stac?: Record<string, unknown>; cog?: CogInfo };
      const token = tokens.get(r.id)!;
      const transform = raster.stac?.['proj:transform'] as number[] | undefined;
      return {
        type: 'Feature' as const,
        stac_version: STAC_VERSION,
        stac_extensions: [PROJECTION_EXT, RASTER_EXT],
        id: String(r.id),
        collection: String(projectId),
        bbox: [w, s, e, n],
        geometry: {
          type: 'Polygon',
          coordinates: [
            [
              [w, s],
              [e, s],
              [e, n],
              [w, n],
              [w, s],
            ],
          ],
        },
        properties: {
          datetime: `${r.date}T00:00:00Z`,
          title: r.original_name,
          created: new Date(r.updated_at).toISOString(),
          'proj:epsg': r.epsg,
          ...(r.height && r.width && { 'proj:shape': [r.height, r.width] }),
          ...(transform && { 'proj:transform': transform }),
          ...(r.bounds ? { 'proj:bbox': r.bounds } : {}),
          'groundtruth:data_type': r.data_type,
          'groundtruth:flight_id': r.flight_id,
          'groundtruth:sensor': r.sensor,
          platform: r.platform,
        },
        links: [
          { rel: 'self', href: `${collection}/items/${r.id}`, type: 'application/geo+json' },
          { rel: 'collection', href: collection, type: 'application/json' },
          { rel: 'parent', href: collection, type: 'application/json' },
          { rel: 'root', href: collection, type: 'application/json' },
          {
            rel: 'xyz',
            href: `${base}/api/public/data-products/${token}/tiles/{z}/{x}/{y}.png`,
            type: 'image/png',
            title: 'map tiles',
          },
        ],
        assets: {
          data: {
            href: `${base}/api/public/data-products/${token}/file`,
            type: COG_TYPE,
            title: 'Cloud Optimized GeoTIFF',
            roles: ['data'],
            'raster:bands': (r.stats as Stat[]).map((b) => ({
              ...(b.type && rasterTypes[b.type] && { data_type: rasterTypes[b.type] }),
              ...(b.nodata !== null && { nodata: b.nodata }),
              statistics: {
                ...(b.min !== null && { minimum: b.min }),
                ...(b.max !== null && { maximum: b.max }),
                ...(b.mean !== null && { mean: b.mean }),
                ...(b.std !== null && { stddev: b.std }),
                ...(b.valid_percent !== null &&
                  b.valid_percent !== undefined && { valid_percent: b.valid_percent }),
              },
            })),
          },
        },
      };
    });
  };

  const audited = (tx: Tx, org: number, projectId: number, ip: string) =>
    audit(tx, {
      organizationId: org,
      actorUserId: null,
      authMethod: 'public',
      action: 'geodata.stac_read',
      targetType: 'project',
      targetId: projectId,
      ip,
      userAgent: null,
    });

  return {
    collection(projectId: number, base: string, ip: string) {
      return inPublished(projectId, async (tx, org) => {
        await audited(tx, org, projectId, ip);
        return collectionOf(tx, projectId, base);
      });
    },

    items(projectId: number, base: string, ip: string) {
      return inPublished(projectId, async (tx, org) => {
        await audited(tx, org, projectId, ip);
        const features = await itemsOf(tx, org, projectId, base);
        const self = `${base}/api/stac/collections/${projectId}`;
        return {
          type: 'FeatureCollection' as const,
          features,
          numberReturned: features.length,
          links: [
            { rel: 'self', href: `${self}/items`, type: 'application/geo+json' },
            { rel: 'collection', href: self, type: 'application/json' },
            { rel: 'root', href: self, type: 'application/json' },
          ],
        };
      });
    },

    item(projectId: number, itemId: number, base: string, ip: string) {
      return inPublished(projectId, async (tx, org) => {
        await audited(tx, org, projectId, ip);
        const found = (await itemsOf(tx, org, projectId, base)).find((i) => i.id === String(itemId));
        if (!found) throw new AppError('not_found', `item ${itemId} not found in collection ${projectId}`);
        return found;
      });
    },
  };
}

export type StacService = ReturnType<typeof createStacService>;
