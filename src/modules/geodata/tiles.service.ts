// Serving a data product's COG: map tiles in the reader's style and the file itself for range requests (QGIS,
// GDAL /vsicurl/, STAC clients), for members (geodata.read) and by share token for public products.
import { createHash } from 'node:crypto';
import { availableParallelism } from 'node:os';
import { Pool } from 'geotiff';
import type { Tx } from '../../db/scope.ts';
import type { Actor } from '../../platform/auth/actor.ts';
import { createReadCache } from '../../platform/cache/read-cache.ts';
import type { Deps } from '../../platform/deps.ts';
import { AppError } from '../../platform/errors.ts';
import { runner } from './geodata.service.ts';
import type { CogInfo } from './products.jobs.ts';
import type { ProductRow, ProductsService } from './products.service.ts';
import { COLORMAPS, type CogOpener, createCogCache, renderTile, type TileStyle } from './tiles.ts';

export interface StyleQuery {
  bands?: string | undefined;
  colormap?: string | undefined;
  min?: number | undefined;
  max?: number | undefined;
}

interface CogFile {
  storage_key: string;
  size_bytes: number;
  sha256: string;
  original_name: string;
  cog: CogInfo;
  stats: { band: number; min: number | null; max: number | null }[];
}

const bad = (field: string, message: string) =>
  new AppError('bad_request', `invalid request: ${field} ${message}`, [{ in: 'query', field, message }]);

async function cogOf(tx: Tx, row: ProductRow): Promise<CogFile> {
  const found = row.cog_file_id
    ? await tx
        .selectFrom('files')
        .select(['storage_key', 'size_bytes', 'sha256', 'original_name'])
        .where('id', '=', row.cog_file_id)
        .where('status', '=', 'ready')
        .executeTakeFirst()
    : undefined;
  if (!found) {
    throw new AppError('conflict', `data product ${row.id} has no COG yet (status ${row.status})`, {
      status: row.status,
    });
  }
  const meta = await tx
    .selectFrom('data_product_metadata')
    .select('properties')
    .where('data_product_id', '=', row.id)
    .where('category', '=', 'raster')
    .where('band', 'is', null)
    .executeTakeFirst();
  const cog = (meta?.properties as { cog?: CogInfo } | undefined)?.cog;
  if (!cog) throw new AppError('conflict', `data product ${row.id} has no COG metadata yet`);
  return {
    ...found,
    size_bytes: Number(found.size_bytes),
    cog,
    stats: row.stats as CogFile['stats'],
  };
}

/** The style a tile is drawn in: the query's, else the reader's saved style, else defaults from the data. */
export function effectiveStyle(
  file: CogFile,
  saved: {
    band_order: number[];
    colormap: string;
    min_value: number | null;
    max_value: number | null;
  } | null,
  q: StyleQuery,
): TileStyle {
  const dataBands = file.cog.bands.filter((b) => b.band !== file.cog.alpha_band);
  let bands: number[];
  if (q.bands !== undefined) {
    if (!/^\d+(,\d+){0,2}$/.test(q.bands))
      throw bad('bands', 'must be one or three band numbers, e.g. 1 or 3,2,1');
    bands = q.bands.split(',').map(Number);
  } else if (saved?.band_order.length) bands = saved.band_order.slice(0, 3);
  else bands = dataBands.length >= 3 ? [1, 2, 3] : [1];
  if (bands.length === 2) bands = [bands[0]!];
  for (const b of bands) {
    if (b < 1 || b > dataBands.length)
      throw bad('bands', `must be between 1 and ${dataBands.length}, the product's band count`);
  }
  const colormap = q.colormap ?? (saved ? saved.colormap : bands.length === 1 ? 'viridis' : 'gray');
  if (!(COLORMAPS as readonly string[]).includes(colormap))
    throw bad('colormap', `must be one of ${COLORMAPS.join(', ')}`);
  const range = (b: number, which: 'min' | 'max') => {
    const given = which === 'min' ? (q.min ?? saved?.min_value) : (q.max ?? saved?.max_value);
    if (given !== undefined && given !== null) return given;
    if (file.cog.bands[b - 1]?.type === 'Byte' && bands.length === 3) return which === 'min' ? 0 : 255;
    const s = file.stats.find((x) => x.band === b);
    return (which === 'min' ? s?.min : s?.max) ?? (which === 'min' ? 0 : 255);
  };
  const min = bands.map((b) => range(b, 'min'));
  const max = bands.map((b) => range(b, 'max'));
  if (min.some((m, i) => m > max[i]!)) throw bad('min', 'must not be greater than max');
  return { bands, colormap, min, max };
}

const checkTile = (z: number, x: number, y: number) => {
  if (z > 30) throw bad('z', 'must be at most 30');
  if (x >= 2 ** z) throw bad('x', `must be below 2^z (${2 ** z})`);
  if (y >= 2 ** z) throw bad('y', `must be below 2^z (${2 ** z})`);
};

export interface TileAnswer {
  etag: string;
  render: () => Promise<Buffer>;
}

export function createTilesService(
  deps: Pick<Deps, 'database' | 'blobs' | 'generations'>,
  products: ProductsService,
) {
  const run = runner(deps);
  const open: CogOpener = createCogCache(deps.blobs);
  // Block decompression (DEFLATE and the predictor: most of a tile's CPU time) runs in geotiff.js's worker
  // threads, one per core, so the event loop keeps answering requests and several tiles decode at once.
  // Started by the first tile; stopped with the app.
  let pool: Pool | null = null;
  const decoders = () => {
    pool ??= new Pool(availableParallelism());
    return pool;
  };
  // A ready COG file row and its COG metadata do not change (the blob is content-addressed, the metadata is
  // read from it), so tiles skip their two lookups after the first; the product row (access, status, stats)
  // is still read under RLS on every request. Keyed by file id, least recently used dropped first.
  const cogFiles = new Map<number, Omit<CogFile, 'stats'>>();
  const cogFileOf = async (tx: Tx, row: ProductRow): Promise<CogFile> => {
    const id = row.cog_file_id;
    const known = id ? cogFiles.get(id) : undefined;
    if (known && id) {
      cogFiles.delete(id);
      cogFiles.set(id, known);
      return { ...known, stats: row.stats as CogFile['stats'] };
    }
    const file = await cogOf(tx, row);
    if (id) {
      const { stats: _stats, ...rest } = file;
      cogFiles.set(id, rest);
      if (cogFiles.size > 256) cogFiles.delete(cogFiles.keys().next().value!);
    }
    return file;
  };

  // What a member's tiles of one product in one style are drawn from (the COG and the effective style), read
  // under RLS with the access check, then kept while no change touched the organization or the user (the
  // product, its files and metadata, grants, roles, the saved style and the key all bump one: generations.ts)
  // and at most 30 s: a map view asks for dozens of tiles at once, and each one then skips its transaction.
  // Only successes are kept; every tile is still rendered.
  const contexts = createReadCache<{ file: CogFile; style: TileStyle }>(deps.generations, 1024);
  const contextKey = (actor: Actor, id: number, q: StyleQuery) =>
    JSON.stringify([
      actor.userId,
      actor.organizationId,
      actor.apiKeyId,
      actor.isSuperuser,
      actor.isStaff,
      actor.isApproved,
      id,
      q.bands ?? null,
      q.colormap ?? null,
      q.min ?? null,
      q.max ?? null,
    ]);

  const answer = (file: CogFile, style: TileStyle, z: number, x: number, y: number): TileAnswer => {
    const etag = `"${createHash('sha256')
      .update(`${file.sha256}/${z}/${x}/${y}/${JSON.stringify(style)}`)
      .digest('base64url')
      .slice(0, 27)}"`;
    return {
      etag,
      render: async () =>
        renderTile(await open(file.storage_key, file.size_bytes), file.cog, style, z, x, y, decoders()),
    };
  };

  const savedStyle = (tx: Tx, userId: number, productId: number) =>
    tx
      .selectFrom('user_styles')
      .select(['band_order', 'colormap', 'min_value', 'max_value'])
      .where('user_id', '=', userId)
      .where('data_product_id', '=', productId)
      .executeTakeFirst();

  return {
    async tile(actor: Actor, id: number, z: number, x: number, y: number, q: StyleQuery) {
      checkTile(z, x, y);
      const key = contextKey(actor, id, q);
      const known = contexts.get(key);
      if (known) return answer(known.file, known.style, z, x, y);
      const stamp = deps.generations.stamp(actor.organizationId, actor.userId); // before the reads
      const context = await run(actor, async (tx) => {
        const row = await products.productIn(tx, actor, id, 'geodata.read');
        const file = await cogFileOf(tx, row);
        const saved = (await savedStyle(tx, actor.userId, id)) ?? null;
        return { file, style: effectiveStyle(file, saved, q) };
      });
      contexts.set(key, context, stamp);
      return answer(context.file, context.style, z, x, y);
    },

    async publicTile(token: string, z: number, x: number, y: number, q: StyleQuery) {
      checkTile(z, x, y);
      return products.withPublic(token, async (tx, row) => {
        const file = await cogFileOf(tx, row);
        return answer(file, effectiveStyle(file, null, q), z, x, y);
      });
    },

    async file(actor: Actor, id: number) {
      return run(actor, async (tx) => cogOf(tx, await products.productIn(tx, actor, id, 'geodata.read')));
    },

    async publicFile(token: string) {
      return products.withPublic(token, (tx, row) => cogOf(tx, row));
    },

    read(file: CogFile, range?: { start: number; end: number }) {
      return deps.blobs.get(file.storage_key, range);
    },

    async close() {
      const running = pool;
      pool = null;
      await Promise.all([running?.destroy(), open.close()]);
    },
  };
}

export type TilesService = ReturnType<typeof createTilesService>;
export type { CogFile };
