// Web Mercator map tiles rendered from a data product's COG by range reads: geotiff.js reads only the blocks a
// tile covers (through the blob store's byte ranges, with a block cache per open COG) from the overview that
// matches the zoom, the chosen bands are stretched between min and max (a colormap for one band), and sharp
// encodes the PNG. The COG is on the GoogleMapsCompatible matrix (gdal.ts), so no reprojection happens here.
import colormap from 'colormap';
import {
  BaseClient,
  BaseResponse,
  fromCustomClient,
  fromFile,
  type GeoTIFF,
  type GeoTIFFImage,
  type Pool,
} from 'geotiff';
import sharp from 'sharp';
import type { BlobStore } from '../../platform/files/index.ts';
import type { CogInfo } from './products.jobs.ts';

export const TILE = 256;
const HALF = 20037508.342789244;

export interface TileStyle {
  bands: number[];
  colormap: string;
  min: number[];
  max: number[];
}

/** Colormaps by the lower-case names the styles use; "gray" is a plain black-to-white ramp. */
const colormapNames = [
  'jet',
  'hsv',
  'hot',
  'spring',
  'summer',
  'autumn',
  'winter',
  'bone',
  'copper',
  'greys',
  'yignbu',
  'greens',
  'yiorrd',
  'bluered',
  'rdbu',
  'picnic',
  'rainbow',
  'portland',
  'blackbody',
  'earth',
  'electric',
  'viridis',
  'inferno',
  'magma',
  'plasma',
  'warm',
  'cool',
  'bathymetry',
  'cubehelix',
];
export const COLORMAPS = ['gray', ...colormapNames] as const;
const lookupTables = new Map<string, Uint8Array>();

function lut(name: string): Uint8Array {
  let table = lookupTables.get(name);
  if (table) return table;
  table = new Uint8Array(256 * 3);
  if (name === 'gray' || !colormapNames.includes(name)) {
    for (let i = 0; i < 256; i++) table.set([i, i, i], i * 3);
  } else {
    const colors = colormap({ colormap: name, nshades: 256, format: 'rgba', alpha: 1 }) as number[][];
    for (const [i, c] of colors.entries()) table.set([c[0]!, c[1]!, c[2]!], i * 3);
  }
  lookupTables.set(name, table);
  return table;
}

/** A geotiff.js client over the blob store: each Range request is one ranged read of the blob. */
class BlobClient extends BaseClient {
  private readonly blobs: BlobStore;
  private readonly key: string;
  private readonly size: number;
  constructor(blobs: BlobStore, key: string, size: number) {
    super(`blob:${key}`);
    this.blobs = blobs;
    this.key = key;
    this.size = size;
  }
  override async request(options: RequestInit = {}): Promise<BaseResponse> {
    const range = /bytes=(\d+)-(\d+)/.exec(String((options.headers as Record<string, string>)?.Range ?? ''));
    const start = range ? Number(range[1]) : 0;
    const end = Math.min(range ? Number(range[2]) : this.size - 1, this.size - 1);
    const chunks: Buffer[] = [];
    for await (const chunk of await this.blobs.get(this.key, { start, end })) chunks.push(chunk as Buffer);
    const all = Buffer.concat(chunks);
    const data = all.buffer.slice(all.byteOffset, all.byteOffset + all.byteLength) as ArrayBuffer;
    const size = this.size;
    return new (class extends BaseResponse {
      override get ok() {
        return true;
      }
      override get status() {
        return 206;
      }
      override getHeader(name: string) {
        return name.toLowerCase() === 'content-range' ? `bytes ${start}-${end}/${size}` : undefined;
      }
      override async getData() {
        return data;
      }
    })();
  }
}

/**
 * Open COGs by blob key (their parsed header, and for remote blobs a block cache), least recently used dropped
 * first. On the disk blob store geotiff.js reads the file itself (positional reads, no copies through streams
 * and no block cache to miss); elsewhere each block is one ranged read of the blob.
 */
export function createCogCache(blobs: BlobStore, max = 64) {
  const open = new Map<string, Promise<GeoTIFF>>();
  // A dropped COG's file is closed a while later: a tile that is still being drawn from it keeps reading.
  const release = (tiff: Promise<GeoTIFF>) =>
    setTimeout(() => tiff.then(async (t) => void (await t.close())).catch(() => undefined), 60_000).unref();
  const cache = async (key: string, size: number): Promise<GeoTIFF> => {
    let tiff = open.get(key);
    if (tiff) {
      open.delete(key);
    } else if (blobs.localPath) {
      tiff = fromFile(blobs.localPath(key));
      tiff.catch(() => open.delete(key));
    } else {
      // Block options reach geotiff.js's BlockedSource (its fromCustomClient type lists only the remote ones).
      const options = { blockSize: 64 * 1024, cacheSize: 256 } as Parameters<typeof fromCustomClient>[1];
      tiff = fromCustomClient(new BlobClient(blobs, key, size), options);
      tiff.catch(() => open.delete(key));
    }
    open.set(key, tiff);
    if (open.size > max) {
      const oldest = open.keys().next().value!;
      release(open.get(oldest)!);
      open.delete(oldest);
    }
    return tiff;
  };
  /** Closes every open COG (the app is stopping). */
  cache.close = async () => {
    const all = [...open.values()];
    open.clear();
    await Promise.all(all.map((t) => t.then(async (x) => void (await x.close())).catch(() => undefined)));
  };
  return cache;
}

export type CogOpener = ReturnType<typeof createCogCache>;

/** Full-resolution image and overviews (not masks), widest first. */
async function levels(tiff: GeoTIFF): Promise<GeoTIFFImage[]> {
  const out: GeoTIFFImage[] = [];
  const count = await tiff.getImageCount();
  for (let i = 0; i < count; i++) {
    const image = await tiff.getImage(i);
    const kind = Number(image.fileDirectory.getValue('NewSubfileType') ?? 0);
    if (i === 0 || (kind & 1 && !(kind & 4))) out.push(image);
  }
  return out.sort((a, b) => b.getWidth() - a.getWidth());
}

export const tileBounds = (z: number, x: number, y: number) => {
  const size = (2 * HALF) / 2 ** z;
  return { minx: -HALF + x * size, maxy: HALF - y * size, size };
};

const EMPTY = sharp({
  create: { width: TILE, height: TILE, channels: 4, background: { r: 0, g: 0, b: 0, alpha: 0 } },
})
  .png()
  .toBuffer();

/**
 * The PNG of tile z/x/y; fully transparent where the COG has no data. With a `pool`, geotiff.js decompresses the
 * blocks in its worker threads (the same decoders, so the same pixels); without one, on the calling thread.
 */
export async function renderTile(
  tiff: GeoTIFF,
  cog: CogInfo,
  style: TileStyle,
  z: number,
  x: number,
  y: number,
  pool?: Pool,
): Promise<Buffer> {
  const gt = cog.geo_transform;
  const [originX, res0, , originY] = [gt[0]!, gt[1]!, gt[2]!, gt[3]!];
  const tile = tileBounds(z, x, y);
  const pixel = tile.size / TILE;
  // The part of the tile the image covers, in output pixels.
  const imgMaxX = originX + cog.width * res0;
  const imgMinY = originY - cog.height * res0;
  const ox0 = Math.max(0, Math.round((originX - tile.minx) / pixel));
  const ox1 = Math.min(TILE, Math.round((imgMaxX - tile.minx) / pixel));
  const oy0 = Math.max(0, Math.round((tile.maxy - originY) / pixel));
  const oy1 = Math.min(TILE, Math.round((tile.maxy - imgMinY) / pixel));
  if (ox1 <= ox0 || oy1 <= oy0) return EMPTY;
  // The overview whose resolution is the finest not finer than the tile's (zoom max_zoom - k is overview k).
  const all = await levels(tiff);
  const k = Math.max(0, Math.min(all.length - 1, cog.max_zoom - z));
  const image = all[k]!;
  const res = (res0 * cog.width) / image.getWidth();
  const wx0 = (tile.minx + ox0 * pixel - originX) / res;
  const wx1 = (tile.minx + ox1 * pixel - originX) / res;
  const wy0 = (originY - (tile.maxy - oy0 * pixel)) / res;
  const wy1 = (originY - (tile.maxy - oy1 * pixel)) / res;
  const window = [
    Math.max(0, Math.floor(wx0)),
    Math.max(0, Math.floor(wy0)),
    Math.min(image.getWidth(), Math.max(Math.floor(wx0) + 1, Math.round(wx1))),
    Math.min(image.getHeight(), Math.max(Math.floor(wy0) + 1, Math.round(wy1))),
  ];
  const width = ox1 - ox0;
  const height = oy1 - oy0;
  const samples = style.bands.map((b) => b - 1);
  if (cog.alpha_band) samples.push(cog.alpha_band - 1);
  const rasters = (await image.readRasters({
    window,
    width,
    height,
    samples,
    interleave: false,
    resampleMethod: 'nearest',
    ...(pool && { pool }),
  })) as unknown as ArrayLike<number>[];
  const rgba = Buffer.alloc(TILE * TILE * 4);
  const single = style.bands.length === 1;
  const table = lut(style.colormap);
  const alpha = cog.alpha_band ? rasters[style.bands.length]! : null;
  const nodata = cog.nodata;
  const scale = style.bands.map((_, i) => {
    const span = style.max[i]! - style.min[i]!;
    return span > 0 ? 255 / span : 0;
  });
  for (let row = 0; row < height; row++) {
    for (let col = 0; col < width; col++) {
      const src = row * width + col;
      const dst = ((oy0 + row) * TILE + ox0 + col) * 4;
      const first = rasters[0]![src]!;
      if (Number.isNaN(first) || (nodata !== null && first === nodata) || (alpha && alpha[src] === 0))
        continue;
      if (single) {
        const v = Math.max(0, Math.min(255, Math.round((first - style.min[0]!) * scale[0]!)));
        rgba[dst] = table[v * 3]!;
        rgba[dst + 1] = table[v * 3 + 1]!;
        rgba[dst + 2] = table[v * 3 + 2]!;
      } else {
        for (let c = 0; c < 3; c++) {
          const value = rasters[Math.min(c, style.bands.length - 1)]![src]!;
          rgba[dst + c] = Math.max(0, Math.min(255, Math.round((value - style.min[c]!) * scale[c]!)));
        }
      }
      rgba[dst + 3] = alpha ? alpha[src]! : 255;
    }
  }
  return sharp(rgba, { raw: { width: TILE, height: TILE, channels: 4 } })
    .png({ compressionLevel: 6 })
    .toBuffer();
}
