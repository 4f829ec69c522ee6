// Shared by the geodata raster benchmarks: a drone-orthomosaic-like GeoTIFF written by GDAL, and a project
// with a flight on a served instance (bench/serve.ts) to upload it into.
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { runTool } from '../src/modules/geodata/gdal.ts';
import { createProject } from './serve.ts';

/**
 * A `size`×`size` 3-band Byte GeoTIFF (DEFLATE, tiled, as a drone pipeline hands it over) in UTM 32N at 3 cm:
 * field plots of different crops in rows, plant rows across each plot, soil between, a little sensor noise.
 * The pixels are generated here as a raw BIP raster and georeferenced and compressed by gdal_translate.
 */
export async function orthoTiff(dir: string, size: number): Promise<string> {
  const raw = Buffer.alloc(size * size * 3);
  const crops = [
    [70, 120, 40],
    [95, 140, 55],
    [60, 100, 35],
    [120, 150, 70],
  ];
  let seed = 12345;
  for (let y = 0; y < size; y++) {
    const plotRow = Math.floor(y / 400);
    for (let x = 0; x < size; x++) {
      const plot = plotRow * 31 + Math.floor(x / 300);
      const inAlley = x % 300 < 12 || y % 400 < 16;
      const plant = Math.sin((x + plot * 7) * 0.35) > 0.2;
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      const noise = (seed >> 16) & 7;
      const i = (y * size + x) * 3;
      if (inAlley || !plant) {
        raw[i] = 140 + noise;
        raw[i + 1] = 110 + noise;
        raw[i + 2] = 80 + noise;
      } else {
        const c = crops[plot % crops.length]!;
        raw[i] = c[0]! + noise;
        raw[i + 1] = c[1]! + noise;
        raw[i + 2] = c[2]! + noise;
      }
    }
  }
  const bip = path.join(dir, 'ortho.bip');
  await writeFile(bip, raw);
  await writeFile(
    path.join(dir, 'ortho.hdr'),
    `NROWS ${size}\nNCOLS ${size}\nNBANDS 3\nNBITS 8\nBYTEORDER I\nLAYOUT BIP\n`,
  );
  const [minx, maxy, cell] = [500000, 5550000, 0.03];
  const out = path.join(dir, 'ortho.tif');
  await runTool('gdal_translate', [
    '-q',
    '-of',
    'GTiff',
    '-a_srs',
    'EPSG:32632',
    '-a_ullr',
    String(minx),
    String(maxy),
    String(minx + size * cell),
    String(maxy - size * cell),
    '-co',
    'COMPRESS=DEFLATE',
    '-co',
    'TILED=YES',
    '-co',
    'PHOTOMETRIC=RGB',
    bip,
    out,
  ]);
  return out;
}

export async function projectWithFlight(base: string, headers: Record<string, string>) {
  const me = (await (await fetch(`${base}/api/users/me`, { headers })).json()) as { id: number };
  const projectId = await createProject(base, headers, 'Field trial');
  const flight = await fetch(`${base}/api/projects/${projectId}/flights`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify({
      acquisition_date: '2026-06-01',
      altitude: 40,
      side_overlap: 70,
      forward_overlap: 80,
      sensor: 'RGB',
      platform: 'M300',
      pilot_id: me.id,
    }),
  });
  if (flight.status !== 201) throw new Error(`flight: ${flight.status} ${await flight.text()}`);
  return { projectId, flightId: ((await flight.json()) as { id: number }).id };
}

/** Uploads `file` (multipart POST /api/files), registers it as an ortho and waits for its job to finish. */
export async function uploadOrtho(
  base: string,
  headers: Record<string, string>,
  projectId: number,
  flightId: number,
  bytes: Buffer,
): Promise<{ id: number; jobId: number; phases: Record<string, number> }> {
  const t0 = Date.now();
  const form = new FormData();
  form.set('project_id', String(projectId));
  form.set('file', new Blob([bytes], { type: 'image/tiff' }), 'ortho.tif');
  const file = await fetch(`${base}/api/files`, { method: 'POST', headers, body: form });
  if (file.status !== 201) throw new Error(`upload: ${file.status} ${await file.text()}`);
  const fileId = ((await file.json()) as { id: number }).id;
  const uploaded = Date.now();
  const product = await fetch(`${base}/api/flights/${flightId}/data-products`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify({ file_id: fileId, data_type: 'ortho' }),
  });
  if (product.status !== 202) throw new Error(`data product: ${product.status} ${await product.text()}`);
  const { id, job_id: jobId } = (await product.json()) as { id: number; job_id: number };
  for (const deadline = Date.now() + 15 * 60_000; Date.now() < deadline; ) {
    const job = (await (await fetch(`${base}/api/jobs/${jobId}`, { headers })).json()) as {
      state: string;
      error?: string;
      created_at: string;
      started_at: string | null;
      finished_at: string | null;
    };
    if (job.state === 'succeeded') {
      // Where the time went, in seconds (the server's clock is this machine's).
      const at = (iso: string | null) => (iso ? Date.parse(iso) : Number.NaN);
      const phases = {
        upload: (uploaded - t0) / 1000,
        enqueue: (at(job.created_at) - uploaded) / 1000,
        pickup: (at(job.started_at) - at(job.created_at)) / 1000,
        job: (at(job.finished_at) - at(job.started_at)) / 1000,
        seen: (Date.now() - at(job.finished_at)) / 1000,
      };
      return { id, jobId, phases };
    }
    if (job.state === 'failed') throw new Error(`job ${jobId} failed: ${JSON.stringify(job)}`);
    // Backing off as a client would: every 2% of the time waited so far (50-500 ms). Polling every 50 ms, the ~460
    // authenticated requests of an 8000² job took CPU from the conversion beside it; a fixed 250 ms added up to a
    // quarter second of latency to a 5 s job.
    await new Promise((r) => setTimeout(r, Math.min(500, Math.max(50, (Date.now() - uploaded) * 0.02))));
  }
  throw new Error(`job ${jobId} did not finish in 15 minutes`);
}
