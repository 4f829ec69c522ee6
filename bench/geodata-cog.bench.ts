// COG conversion of a drone orthomosaic through the API: a real server process (bench/serve.ts) on a scratch
// PostgreSQL database with its job runner on; timed from the upload request (multipart POST /api/files, then
// POST /api/flights/{id}/data-products) to the data product's job finished (polled every 50 ms), against
// `gdal_translate` with the same COG options (src/modules/geodata/gdal.ts) on the same file in this process.
// The file is BENCH_COG_SIZE² pixels (default 8000), 3 bands, Byte, DEFLATE. Paired rounds, alternating which
// goes first; the ratio is the median of per-round ratios (lower is better; the target is <= 1.1).
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { COG_OPTIONS, runTool } from '../src/modules/geodata/gdal.ts';
import { orthoTiff, projectWithFlight, uploadOrtho } from './geodata-raster.ts';
import { dropScratch, median, scratchPostgres } from './pg.ts';
import { serve, signUpOn } from './serve.ts';

const SIZE = Number(process.env.BENCH_COG_SIZE ?? 8000);
const ROUNDS = Number(process.env.BENCH_COG_ROUNDS ?? 3);

const dir = await mkdtemp(path.join(os.tmpdir(), 'gt-bench-cog-'));
const database = await scratchPostgres('geocog');
await database.close();
const server = await serve(database.url);
try {
  const t0 = performance.now();
  const source = await orthoTiff(dir, SIZE);
  const bytes = await readFile(source);
  await rm(path.join(dir, 'ortho.bip'));
  console.log(
    `setup: ${SIZE}x${SIZE} 3-band ortho, ${(bytes.length / 1024 ** 2).toFixed(1)} MB DEFLATE GeoTIFF in ${((performance.now() - t0) / 1000).toFixed(1)} s`,
  );
  const headers = await signUpOn(server.url);
  const { projectId, flightId } = await projectWithFlight(server.url, headers);

  async function direct(): Promise<number> {
    const target = path.join(dir, 'direct.cog.tif');
    const start = performance.now();
    await runTool('gdal_translate', [...COG_OPTIONS, source, target]);
    const ms = performance.now() - start;
    await rm(target);
    return ms;
  }
  async function viaApi(): Promise<number> {
    const start = performance.now();
    const { phases } = await uploadOrtho(server.url, headers, projectId, flightId, bytes);
    const ms = performance.now() - start;
    console.log(
      `  api phases (s): ${Object.entries(phases)
        .map(([k, v]) => `${k} ${v.toFixed(2)}`)
        .join(', ')}`,
    );
    return ms;
  }
  const api: number[] = [];
  const alone: number[] = [];
  for (let i = 0; i < ROUNDS; i++) {
    if (i % 2) {
      alone.push(await direct());
      api.push(await viaApi());
    } else {
      api.push(await viaApi());
      alone.push(await direct());
    }
    console.log(
      `round ${i + 1}: api ${(api[i]! / 1000).toFixed(2)} s, gdal_translate ${(alone[i]! / 1000).toFixed(2)} s`,
    );
  }
  console.log(`geodata.cog.gdal_translate: ${(median(alone) / 1000).toFixed(2)} s (baseline)`);
  console.log(
    `geodata.cog.api_upload_to_job_done: ${(median(api) / 1000).toFixed(2)} s (${median(api.map((t, i) => t / alone[i]!)).toFixed(3)}x vs gdal_translate)`,
  );
} finally {
  await server.stop();
  await dropScratch('geocog');
  await rm(dir, { recursive: true, force: true });
}
