// Raster tile rendering: PNG tiles per second from a real server process (bench/serve.ts, scratch PostgreSQL)
// over every z/x/y tile of a ready orthomosaic at its three finest zoom levels (autocannon cycling the URLs,
// with an API key, no If-None-Match, so every answer is a render), against reading and encoding the same
// tiles in this process with the same code and libraries (renderTile: geotiff.js over the COG file, sharp),
// with the same concurrency. BENCH_TILES_SIZE² pixels (default 4000). Paired rounds; the ratio is the median of
// per-round ratios (higher is better; the target is >= 0.7).
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import autocannon from 'autocannon';
import { fromFile, Pool } from 'geotiff';
import { gdalInfo } from '../src/modules/geodata/gdal.ts';
import { describeCog } from '../src/modules/geodata/products.jobs.ts';
import { renderTile, type TileStyle } from '../src/modules/geodata/tiles.ts';
import { orthoTiff, projectWithFlight, uploadOrtho } from './geodata-raster.ts';
import { dropScratch, median, scratchPostgres } from './pg.ts';
import { serve, signUpOn } from './serve.ts';

const SIZE = Number(process.env.BENCH_TILES_SIZE ?? 4000);
const ROUNDS = Number(process.env.BENCH_TILES_ROUNDS ?? 3);
const SECONDS = Number(process.env.BENCH_TILES_SECONDS ?? 8);
const CONNECTIONS = 8;

/** Web Mercator tile x/y of a longitude/latitude at zoom z. */
function tileOf(lon: number, lat: number, z: number): [number, number] {
  const n = 2 ** z;
  const rad = (lat * Math.PI) / 180;
  const x = Math.floor(((lon + 180) / 360) * n);
  const y = Math.floor(((1 - Math.log(Math.tan(rad) + 1 / Math.cos(rad)) / Math.PI) / 2) * n);
  return [x, y];
}

const dir = await mkdtemp(path.join(os.tmpdir(), 'gt-bench-tiles-'));
const database = await scratchPostgres('geotiles');
await database.close();
const server = await serve(database.url);
try {
  const t0 = performance.now();
  const source = await orthoTiff(dir, SIZE);
  const headers = await signUpOn(server.url);
  const { projectId, flightId } = await projectWithFlight(server.url, headers);
  const { id } = await uploadOrtho(server.url, headers, projectId, flightId, await readFile(source));
  const product = (await (await fetch(`${server.url}/api/data-products/${id}`, { headers })).json()) as {
    bounds_4326: [number, number, number, number];
  };
  // The same COG the server reads, downloaded through its range-request route.
  const cogPath = path.join(dir, 'product.cog.tif');
  const cogRes = await fetch(`${server.url}/api/data-products/${id}/file`, { headers });
  if (cogRes.status !== 200) throw new Error(`cog download: ${cogRes.status}`);
  await writeFile(cogPath, Buffer.from(await cogRes.arrayBuffer()));
  const cog = describeCog(await gdalInfo(cogPath), { size: (await stat(cogPath)).size, sha256: '' });
  const [west, south, east, north] = product.bounds_4326;
  const tiles: [number, number, number][] = [];
  for (let z = cog.max_zoom - 2; z <= cog.max_zoom; z++) {
    const [x0, y0] = tileOf(west, north, z);
    const [x1, y1] = tileOf(east, south, z);
    for (let x = x0; x <= x1; x++) for (let y = y0; y <= y1; y++) tiles.push([z, x, y]);
  }
  console.log(
    `setup: ${SIZE}x${SIZE} ortho, COG ${(cog.size_bytes / 1024 ** 2).toFixed(1)} MB, ${tiles.length} tiles at z${cog.max_zoom - 2}-${cog.max_zoom}, in ${((performance.now() - t0) / 1000).toFixed(1)} s`,
  );
  // What the server draws for an RGB Byte product with no saved style (tiles.service.ts effectiveStyle).
  const style: TileStyle = { bands: [1, 2, 3], colormap: 'gray', min: [0, 0, 0], max: [255, 255, 255] };
  const tiff = await fromFile(cogPath);

  // The server's answers are the same bytes as the direct renders: the two sides do the same work.
  for (const [z, x, y] of tiles.filter((_, i) => i % Math.ceil(tiles.length / 24) === 0)) {
    const res = await fetch(`${server.url}/api/data-products/${id}/tiles/${z}/${x}/${y}.png`, { headers });
    const served = Buffer.from(await res.arrayBuffer());
    if (!served.equals(await renderTile(tiff, cog, style, z, x, y)))
      throw new Error(`tile ${z}/${x}/${y}: the server's PNG differs from the direct render`);
  }

  // The server decodes in geotiff.js's worker Pool (one thread per core); the baseline decodes on its own
  // thread, as the library does by default. The same render with the same Pool is printed beside it (not the
  // target's baseline) so the reader sees what the threads alone are worth.
  const pool = new Pool(os.availableParallelism());
  async function direct(seconds: number, withPool?: Pool): Promise<number> {
    let done = 0;
    let next = 0;
    const until = performance.now() + seconds * 1000;
    const start = performance.now();
    await Promise.all(
      Array.from({ length: CONNECTIONS }, async () => {
        while (performance.now() < until) {
          const [z, x, y] = tiles[next++ % tiles.length]!;
          await renderTile(tiff, cog, style, z, x, y, withPool);
          done += 1;
        }
      }),
    );
    return done / ((performance.now() - start) / 1000);
  }
  async function viaServer(seconds: number): Promise<number> {
    const result = await autocannon({
      url: server.url,
      headers,
      connections: CONNECTIONS,
      duration: seconds,
      requests: tiles.map(([z, x, y]) => ({
        method: 'GET' as const,
        path: `/api/data-products/${id}/tiles/${z}/${x}/${y}.png`,
      })),
    });
    const bad = result.non2xx + result.errors + result.timeouts;
    if (bad > 0) throw new Error(`${bad} failed tile requests of ${result.requests.total}`);
    return result.requests.total / (result.duration || seconds);
  }
  // Warm both: the server's open-COG cache and the page cache of the file.
  await viaServer(2);
  await direct(2);
  await direct(1, pool);
  const served: number[] = [];
  const alone: number[] = [];
  const pooled: number[] = [];
  for (let i = 0; i < ROUNDS; i++) {
    if (i % 2) {
      alone.push(await direct(SECONDS));
      served.push(await viaServer(SECONDS));
    } else {
      served.push(await viaServer(SECONDS));
      alone.push(await direct(SECONDS));
    }
    pooled.push(await direct(SECONDS, pool));
    console.log(
      `round ${i + 1}: server ${served[i]!.toFixed(0)} tiles/s, direct ${alone[i]!.toFixed(0)} tiles/s, direct with the pool ${pooled[i]!.toFixed(0)} tiles/s`,
    );
  }
  console.log(`geodata.tiles.direct_render: ${median(alone).toFixed(0)} tiles/s (baseline)`);
  console.log(
    `geodata.tiles.direct_render_pool: ${median(pooled).toFixed(0)} tiles/s (${median(pooled.map((s, i) => s / alone[i]!)).toFixed(3)}x vs direct; for reference)`,
  );
  console.log(
    `geodata.tiles.server: ${median(served).toFixed(0)} tiles/s (${median(served.map((s, i) => s / alone[i]!)).toFixed(3)}x vs direct)`,
  );
  await pool.destroy();
} finally {
  await server.stop();
  await dropScratch('geotiles');
  await rm(dir, { recursive: true, force: true });
}
