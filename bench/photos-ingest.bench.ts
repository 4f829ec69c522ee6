// Photo ingest: N real-size (about 12 MP, 4000x3000) JPEGs uploaded through the API (multipart, blob store,
// duplicate check, rows, job) and processed by the photo job (EXIF, both WebP thumbnails, stored as blobs and
// companion files rows), timed from the first upload to the last processed photo; against sharp making the
// same two thumbnails from the same bytes alone, in the same run. Throughput ratio (sharp time / ours).
// Target >= 0.6. BENCH_PHOTOS_N shrinks the run (default 200).
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { sql } from 'kysely';
import sharp from 'sharp';
import { buildApp } from '../src/app.ts';
import { loadConfig } from '../src/config.ts';
import { inScope } from '../src/db/scope.ts';
import { makeThumbnails, open } from '../src/modules/photos/image.ts';
import { dropScratch, scratchPostgres } from './pg.ts';

const N = Number(process.env.BENCH_PHOTOS_N ?? 200);
const BASES = Math.min(8, N);

/** A photo-like 12 MP JPEG: gradients with sensor grain, a few MB as a phone camera writes them. */
async function base(i: number): Promise<Buffer> {
  const width = 4000;
  const height = 3000;
  const raw = Buffer.alloc(width * height * 3);
  const grain = randomBytes(raw.length);
  for (let y = 0; y < height; y++)
    for (let x = 0; x < width; x++) {
      const o = (y * width + x) * 3;
      const g = (grain[o]! % 48) - 24;
      raw[o] = Math.max(0, Math.min(255, (x * 255) / width + g));
      raw[o + 1] = Math.max(0, Math.min(255, (y * 255) / height + g));
      raw[o + 2] = Math.max(0, Math.min(255, (((x + y + i * 500) >> 5) % 256) + g));
    }
  return sharp(raw, { raw: { width, height, channels: 3 } })
    .jpeg({ quality: 85 })
    .withExif({
      IFD0: { Make: 'Bench', Model: 'Cam' },
      IFD2: { DateTimeOriginal: `2024:06:0${1 + (i % 9)} 10:00:00` },
    })
    .toBuffer();
}

/** Distinct bytes (a JPEG comment segment after SOI) with the same pixels: no duplicates, same decode work. */
function variant(bytes: Buffer, n: number): Buffer {
  const text = Buffer.from(`bench photo ${n}`);
  const len = Buffer.alloc(2);
  len.writeUInt16BE(text.length + 2);
  return Buffer.concat([bytes.subarray(0, 2), Buffer.from([0xff, 0xfe]), len, text, bytes.subarray(2)]);
}

async function form(bytes: Buffer, name: string) {
  const f = new FormData();
  f.append('file', new Blob([bytes], { type: 'image/jpeg' }), name);
  const req = new Request('http://localhost/', { method: 'POST', body: f });
  return { payload: Buffer.from(await req.arrayBuffer()), type: req.headers.get('content-type')! };
}

const dataDir = mkdtempSync(path.join(os.tmpdir(), 'gt-bench-photos-'));
const database = await scratchPostgres('photos_ingest');
try {
  const bases = await Promise.all(Array.from({ length: BASES }, (_, i) => base(i)));
  const avg = bases.reduce((s, b) => s + b.length, 0) / bases.length;
  console.log(`setup: ${BASES} base JPEGs of 4000x3000, ${(avg / 1e6).toFixed(1)} MB average`);

  // Baseline: sharp alone, the same two thumbnails from the same bytes.
  const t0 = performance.now();
  for (let n = 0; n < N; n++) await makeThumbnails(await open(variant(bases[n % BASES]!, n), 'image/jpeg'));
  const baseline = (performance.now() - t0) / 1000;

  const config = loadConfig({ LOG_LEVEL: 'silent', DATA_DIR: dataDir, DATABASE_URL: database.url });
  const app = await buildApp({ config, database });
  await app.ready();
  await app.jobs.start({ work: true });
  const signup = await app.inject({
    method: 'POST',
    url: '/api/auth/signup',
    payload: { email: 'bench@example.test', username: 'bench', password: 'Bench-Pass1' },
  });
  const user = signup.json();
  const headers = { authorization: `Bearer ${user.access_token}` };
  const project = (
    await app.inject({ method: 'POST', url: '/api/projects', headers, payload: { title: 'ingest' } })
  ).json();
  // Only ingest is measured: a switched-off detector means no detector runs after the thumbnails.
  await app.inject({
    method: 'POST',
    url: `/api/projects/${project.id}/detectors`,
    headers,
    payload: { name: 'off', kind: 'image_quality', is_active: false },
  });

  const t1 = performance.now();
  for (let n = 0; n < N; n++) {
    const body = await form(variant(bases[n % BASES]!, n), `p${n}.jpg`);
    const res = await app.inject({
      method: 'POST',
      url: `/api/projects/${project.id}/photos`,
      headers: { ...headers, 'content-type': body.type },
      payload: body.payload,
    });
    if (res.statusCode !== 201) throw new Error(`upload ${n}: ${res.statusCode} ${res.body}`);
  }
  const orgId = user.user.active_organization as number;
  for (;;) {
    const { rows } = await inScope(database.db, { organizationId: orgId, userId: null }, (tx) =>
      sql<{ done: number; failed: number }>`
        SELECT count(*) FILTER (WHERE status = 'processed')::int AS done, count(*) FILTER (WHERE status = 'failed')::int AS failed
        FROM photos WHERE project_id = ${project.id}`.execute(tx),
    );
    if (rows[0]!.failed) throw new Error(`${rows[0]!.failed} photos failed`);
    if (rows[0]!.done === N) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  const ours = (performance.now() - t1) / 1000;
  await app.close();
  console.log(
    `photos.ingest.sharp_thumbnails_alone: ${(N / baseline).toFixed(2)} photos/s (baseline, ${N} photos in ${baseline.toFixed(1)} s)`,
  );
  console.log(
    `photos.ingest.upload_exif_thumbnails: ${(N / ours).toFixed(2)} photos/s (${(baseline / ours).toFixed(3)}x vs sharp alone; target >= 0.6; ${ours.toFixed(1)} s)`,
  );
} finally {
  await database.close();
  await dropScratch('photos_ingest');
  rmSync(dataDir, { recursive: true, force: true });
}
