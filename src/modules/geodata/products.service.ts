// Data products (a flight's processed outputs), their public/private permission, the public read by token, and
// each person's map style per product. A published project makes its products public and refuses deletes.
import { createHash, randomBytes } from 'node:crypto';
import { sql } from 'kysely';
import { enterOrganization, inScope, type Tx } from '../../db/scope.ts';
import { authorize } from '../../platform/access/access.ts';
import { audit } from '../../platform/audit.ts';
import type { Actor } from '../../platform/auth/actor.ts';
import { open, seal } from '../../platform/crypto.ts';
import type { Deps } from '../../platform/deps.ts';
import { AppError } from '../../platform/errors.ts';
import type { PageRequest } from '../../platform/http/common.schemas.ts';
import { headOf, readCopcCrs, readCopcHeader } from './copc.ts';
import type { GeodataService } from './geodata.service.ts';
import { record, runner } from './geodata.service.ts';
import { RASTER_JOB } from './products.jobs.ts';

const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');

const productRow = (tx: Tx) =>
  tx
    .selectFrom('data_products as d')
    .leftJoin('file_permissions as fp', 'fp.data_product_id', 'd.id')
    .leftJoin('geodata_projects as gp', 'gp.project_id', 'd.project_id')
    .selectAll('d')
    .select([
      sql<boolean>`coalesce(fp.is_public, false)`.as('own_public'),
      sql<boolean>`coalesce(gp.is_published, false)`.as('published'),
      'fp.token_sealed',
      sql<
        unknown[]
      >`coalesce((SELECT jsonb_agg(m.properties || jsonb_build_object('band', m.band) ORDER BY m.band)
        FROM data_product_metadata m WHERE m.data_product_id = d.id AND m.category = 'stats'), '[]'::jsonb)`.as(
        'stats',
      ),
    ]);

export type ProductRow = NonNullable<Awaited<ReturnType<ReturnType<typeof productRow>['executeTakeFirst']>>>;

function toProduct(r: ProductRow) {
  return {
    id: r.id,
    project_id: r.project_id,
    flight_id: r.flight_id,
    data_type: r.data_type as 'ortho',
    original_name: r.original_name,
    file_id: r.file_id,
    status: r.status as 'pending',
    job_id: r.job_id,
    error: r.error,
    crs: r.crs,
    epsg: r.epsg,
    bounds: r.bounds as number[] | null,
    bounds_4326: r.bounds_4326 as number[] | null,
    band_count: r.band_count,
    resolution: r.resolution_x !== null && r.resolution_y !== null ? [r.resolution_x, r.resolution_y] : null,
    point_count: r.point_count === null ? null : Number(r.point_count),
    cog_file_id: r.cog_file_id,
    tiles_url: r.cog_file_id ? `/api/data-products/${r.id}/tiles/{z}/{x}/{y}.png` : null,
    is_public: r.own_public || r.published,
    stats: r.stats as Record<string, unknown>[],
    created_at: r.created_at,
    updated_at: r.updated_at,
  };
}

export function createProductsService(
  deps: Pick<Deps, 'database' | 'secrets' | 'jobs' | 'blobs'>,
  geodata: GeodataService,
) {
  const run = runner(deps);
  const key = deps.secrets.dataKey;

  async function productIn(
    tx: Tx,
    actor: Actor,
    id: number,
    action: 'geodata.read' | 'geodata.write' | 'geodata.delete',
  ) {
    const row = await productRow(tx).where('d.id', '=', id).executeTakeFirst();
    if (!row) throw new AppError('not_found', `data product ${id} not found`);
    try {
      await authorize(tx, actor, action, [row.project_id]);
    } catch (err) {
      if (err instanceof AppError && err.code === 'not_found')
        throw new AppError('not_found', `data product ${id} not found`);
      throw err;
    }
    return row;
  }

  const permissionOf = (r: ProductRow) => {
    const token = r.token_sealed ? open(key, r.token_sealed) : null;
    const shown = (r.own_public || r.published) && token;
    return {
      data_product_id: r.id,
      public: r.own_public || r.published,
      project_published: r.published,
      token: shown ? token : null,
      public_url: shown ? `/api/public/data-products/${token}` : null,
    };
  };

  /** A read by share token: no credentials, the token finds its organization, `fn` runs there under RLS. */
  async function withPublic<T>(token: string, fn: (tx: Tx, row: ProductRow) => Promise<T>): Promise<T> {
    return inScope(deps.database.db, { organizationId: null, userId: null }, async (tx) => {
      const hash = sha256(token);
      await sql`SELECT set_config('app.token_hash', ${hash}, true)`.execute(tx);
      const hit = await tx
        .selectFrom('public_tokens')
        .select(['organization_id', 'target_id'])
        .where('token_hash', '=', hash)
        .where('kind', '=', 'data_product')
        .executeTakeFirst();
      const missing = new AppError('not_found', 'data product not found');
      if (!hit) throw missing;
      await sql`SELECT set_config('app.token_hash', '', true)`.execute(tx);
      await enterOrganization(tx, hit.organization_id);
      const row = await productRow(tx).where('d.id', '=', hit.target_id).executeTakeFirst();
      if (!row || !(row.own_public || row.published)) throw missing;
      return fn(tx, row);
    });
  }

  return {
    productIn,
    withPublic,

    async create(actor: Actor, flightId: number, body: { file_id: number; data_type: string }) {
      return run(actor, async (tx, org) => {
        const flight = await geodata.flightIn(tx, actor, flightId, 'geodata.write');
        if (flight.read_only)
          throw new AppError('bad_request', `flight ${flightId} is read-only: no new data products`);
        const file = await tx
          .selectFrom('files')
          .select(['id', 'original_name', 'project_id', 'uploaded_by', 'storage_key'])
          .where('id', '=', body.file_id)
          .where('status', '=', 'ready')
          .where('parent_file_id', 'is', null)
          .executeTakeFirst();
        if (!file || (file.uploaded_by !== actor.userId && file.project_id !== flight.project_id)) {
          throw new AppError(
            'bad_request',
            `invalid request: file_id ${body.file_id} is not a file of yours or of this project`,
            [{ in: 'body', field: 'file_id', message: 'not a file of yours or of this project' }],
          );
        }
        // A point cloud must be COPC already: its header is read now (415 for LAS/LAZ, see copc.ts).
        const head = body.data_type === 'point_cloud' ? await headOf(deps.blobs, file.storage_key) : null;
        const copc = head ? readCopcHeader(head, file.original_name) : null;
        const crs = head ? await readCopcCrs(deps.blobs, file.storage_key, head) : null;
        const { id } = await tx
          .insertInto('data_products')
          .values({
            organization_id: org,
            project_id: flight.project_id,
            flight_id: flightId,
            data_type: body.data_type,
            original_name: file.original_name,
            file_id: file.id,
            created_by: actor.userId,
            ...(copc
              ? { status: 'ready', point_count: copc.pointCount, bounds: JSON.stringify(copc.bounds3d) }
              : {}),
            // The column holds 4096 characters: a longer WKT without an EPSG code is kept in the metadata.
            ...(crs ? { crs: crs.crs.length <= 4096 ? crs.crs : 'custom', epsg: crs.epsg } : {}),
          })
          .returning('id')
          .executeTakeFirstOrThrow();
        if (copc) {
          await tx
            .insertInto('data_product_metadata')
            .values({
              organization_id: org,
              data_product_id: id,
              category: 'point_cloud',
              properties: JSON.stringify({ las_version: copc.version, wkt: crs?.wkt ?? null }),
            })
            .execute();
        }
        // Rasters are read by a job (header, statistics); a COPC point cloud is ready as uploaded.
        if (body.data_type !== 'point_cloud') {
          const job = await deps.jobs.enqueue(tx, RASTER_JOB, {
            organizationId: org,
            userId: actor.userId,
            projectId: flight.project_id,
            payload: { dataProductId: id },
            message: `read ${file.original_name}`,
          });
          await tx.updateTable('data_products').set({ job_id: job.id }).where('id', '=', id).execute();
        }
        await record(tx, actor, 'geodata.data_product_create', 'data_product', id, {
          data_type: body.data_type,
        });
        return toProduct((await productRow(tx).where('d.id', '=', id).executeTakeFirst())!);
      });
    },

    async list(
      actor: Actor,
      flightId: number,
      f: { data_type?: string | undefined; status?: string | undefined },
      page: PageRequest,
    ) {
      return run(actor, async (tx) => {
        await geodata.flightIn(tx, actor, flightId, 'geodata.read');
        let q = tx.selectFrom('data_products').where('flight_id', '=', flightId);
        if (f.data_type) q = q.where('data_type', '=', f.data_type);
        if (f.status) q = q.where('status', '=', f.status);
        const { count } = await q
          .select((eb) => eb.fn.countAll<number>().as('count'))
          .executeTakeFirstOrThrow();
        const ids = (
          await q
            .select('id')
            .orderBy('id', 'desc')
            .limit(page.pageSize)
            .offset((page.page - 1) * page.pageSize)
            .execute()
        ).map((r) => r.id);
        const rows = ids.length
          ? await productRow(tx).where('d.id', 'in', ids).orderBy('d.id', 'desc').execute()
          : [];
        return { count: Number(count), results: rows.map(toProduct) };
      });
    },

    async get(actor: Actor, id: number) {
      return run(actor, async (tx) => toProduct(await productIn(tx, actor, id, 'geodata.read')));
    },

    async remove(actor: Actor, id: number) {
      await run(actor, async (tx) => {
        const row = await productIn(tx, actor, id, 'geodata.delete');
        if (row.published) {
          throw new AppError(
            'forbidden',
            `project ${row.project_id} is published: its data products cannot be deleted`,
          );
        }
        await tx.deleteFrom('data_products').where('id', '=', id).execute();
        await tx
          .deleteFrom('public_tokens')
          .where('kind', '=', 'data_product')
          .where('target_id', '=', id)
          .execute();
        await record(tx, actor, 'geodata.data_product_delete', 'data_product', id);
      });
    },

    async getPermission(actor: Actor, id: number) {
      return run(actor, async (tx) => permissionOf(await productIn(tx, actor, id, 'geodata.read')));
    },

    async setPermission(actor: Actor, id: number, isPublic: boolean) {
      return run(actor, async (tx, org) => {
        const row = await productIn(tx, actor, id, 'geodata.write');
        if (!isPublic && row.published) {
          throw new AppError(
            'forbidden',
            `project ${row.project_id} is published: its data products stay public`,
          );
        }
        // A fresh token each time a product is made public after a revoke (which drops the token), so an old
        // link stops working; a token the published project's STAC already hands out is kept.
        const token = isPublic
          ? row.token_sealed
            ? open(key, row.token_sealed)
            : randomBytes(24).toString('base64url')
          : null;
        const hash = token ? sha256(token) : null;
        const values = {
          is_public: isPublic,
          token_hash: hash,
          token_sealed: token ? seal(key, token) : null,
          updated_by: actor.userId,
          updated_at: new Date(),
        };
        await tx
          .insertInto('file_permissions')
          .values({ organization_id: org, data_product_id: id, ...values })
          .onConflict((oc) => oc.column('data_product_id').doUpdateSet(values))
          .execute();
        await tx
          .deleteFrom('public_tokens')
          .where('kind', '=', 'data_product')
          .where('target_id', '=', id)
          .execute();
        if (hash) {
          await tx
            .insertInto('public_tokens')
            .values({ token_hash: hash, kind: 'data_product', organization_id: org, target_id: id })
            .execute();
        }
        await record(tx, actor, 'geodata.permission_set', 'data_product', id, { public: isPublic });
        return permissionOf((await productRow(tx).where('d.id', '=', id).executeTakeFirst())!);
      });
    },

    /** The public read of a product's record, audited. */
    async getPublic(token: string, ip: string, userAgent: string | null) {
      return withPublic(token, async (tx, row) => {
        await audit(tx, {
          organizationId: row.organization_id,
          actorUserId: null,
          authMethod: 'public',
          action: 'geodata.public_read',
          targetType: 'data_product',
          targetId: row.id,
          ip,
          userAgent,
        });
        return toProduct(row);
      });
    },

    async listStyles(actor: Actor, page: PageRequest) {
      return run(actor, async (tx) => {
        const q = tx.selectFrom('user_styles').where('user_id', '=', actor.userId);
        const { count } = await q
          .select((eb) => eb.fn.countAll<number>().as('count'))
          .executeTakeFirstOrThrow();
        const rows = await q
          .select([
            'data_product_id',
            'colormap',
            'min_value',
            'max_value',
            'band_order',
            'opacity',
            'settings',
            'updated_at',
          ])
          .orderBy('data_product_id')
          .limit(page.pageSize)
          .offset((page.page - 1) * page.pageSize)
          .execute();
        return {
          count: Number(count),
          results: rows.map((r) => ({ ...r, settings: r.settings as Record<string, unknown> })),
        };
      });
    },

    async setStyle(
      actor: Actor,
      productId: number,
      body: {
        colormap?: string;
        min_value?: number | null;
        max_value?: number | null;
        band_order?: number[];
        opacity?: number;
        settings?: object;
      },
    ) {
      return run(actor, async (tx, org) => {
        await productIn(tx, actor, productId, 'geodata.read');
        if (body.min_value != null && body.max_value != null && body.min_value > body.max_value) {
          throw new AppError('bad_request', 'invalid request: min_value must not be greater than max_value', [
            { in: 'body', field: 'min_value', message: 'must not be greater than max_value' },
          ]);
        }
        const values = {
          ...(body.colormap !== undefined && { colormap: body.colormap }),
          ...(body.min_value !== undefined && { min_value: body.min_value }),
          ...(body.max_value !== undefined && { max_value: body.max_value }),
          ...(body.band_order !== undefined && { band_order: body.band_order }),
          ...(body.opacity !== undefined && { opacity: body.opacity }),
          ...(body.settings !== undefined && { settings: JSON.stringify(body.settings) }),
        };
        const row = await tx
          .insertInto('user_styles')
          .values({ organization_id: org, user_id: actor.userId, data_product_id: productId, ...values })
          .onConflict((oc) =>
            oc.columns(['user_id', 'data_product_id']).doUpdateSet({ ...values, updated_at: new Date() }),
          )
          .returning([
            'data_product_id',
            'colormap',
            'min_value',
            'max_value',
            'band_order',
            'opacity',
            'settings',
            'updated_at',
          ])
          .executeTakeFirstOrThrow();
        if (row.min_value !== null && row.max_value !== null && row.min_value > row.max_value) {
          throw new AppError('bad_request', 'invalid request: min_value must not be greater than max_value');
        }
        return { ...row, settings: row.settings as Record<string, unknown> };
      });
    },

    async deleteStyle(actor: Actor, productId: number) {
      await run(actor, async (tx) => {
        await productIn(tx, actor, productId, 'geodata.read');
        const r = await tx
          .deleteFrom('user_styles')
          .where('user_id', '=', actor.userId)
          .where('data_product_id', '=', productId)
          .executeTakeFirst();
        if (!r.numDeletedRows)
          throw new AppError('not_found', `you have no style for data product ${productId}`);
      });
    },
  };
}

export type ProductsService = ReturnType<typeof createProductsService>;
