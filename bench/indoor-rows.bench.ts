// Indoor sheets on PostgreSQL, in process (app.inject): a BENCH_ROWS-row CSV (5 columns) uploaded and parsed by
// the job (rows spooled, then inserted set-based in one transaction), then GET /api/indoor-data/{id}/rows with an
// equals filter, a contains filter and a numeric sort, each against the unfiltered first page (the baseline,
// served by the primary key). Sizes: BENCH_ROWS (default 100000), BENCH_N requests each (default 30).
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { buildApp } from '../src/app.ts';
import { loadConfig } from '../src/config.ts';
import { dropScratch, median, scratchPostgres } from './pg.ts';

const ROWS = Number(process.env.BENCH_ROWS ?? 100_000);
const N = Number(process.env.BENCH_N ?? 30);

const dataDir = mkdtempSync(path.join(os.tmpdir(), 'gt-bench-indoor-'));
const database = await scratchPostgres('indoor_rows');
try {
  const config = loadConfig({ LOG_LEVEL: 'silent', DATA_DIR: dataDir, DATABASE_URL: database.url });
  const app = await buildApp({ config, database });
  await app.ready();
  await app.jobs.start({ work: true });
  const signup = await app.inject({
    method: 'POST',
    url: '/api/auth/signup',
    payload: { email: 'bench@example.test', username: 'bench', password: 'Bench-Pass1' },
  });
  const s = signup.json();
  const auth = { authorization: `Bearer ${s.access_token}` };
  const json = async (method: 'GET' | 'POST' | 'PUT', url: string, payload?: object) => {
    const res = await app.inject({ method, url, headers: auth, ...(payload ? { payload } : {}) });
    if (res.statusCode >= 300) throw new Error(`${url}: ${res.statusCode} ${res.body}`);
    return res.json();
  };
  const ext = (await json('GET', '/api/extensions')).find((e: { name: string }) => e.name === 'indoor').id;
  await json('PUT', `/api/extensions/${ext}/users/${s.user.id}`, {});
  const project = await json('POST', '/api/indoor-projects', { title: 'Bench' });
  const lines = ['plant,genotype,height,leaf_area,note'];
  for (let i = 1; i <= ROWS; i++)
    lines.push(`p${i},${['WT', 'mut1', 'mut2', 'mut3'][i % 4]},${(i * 37) % 1000}.5,${i % 97},note ${i}`);
  const csv = Buffer.from(`${lines.join('\n')}\n`);
  const f = new FormData();
  f.append('file', new Blob([csv], { type: 'text/csv' }), 'plants.csv');
  const req = new Request('http://localhost/', { method: 'POST', body: f });
  const t0 = performance.now();
  const up = await app.inject({
    method: 'POST',
    url: `/api/indoor-projects/${project.id}/data`,
    headers: { ...auth, 'content-type': req.headers.get('content-type')! },
    payload: Buffer.from(await req.arrayBuffer()),
  });
  if (up.statusCode !== 201) throw new Error(up.body);
  let status = 'processing';
  while (status === 'processing') {
    await new Promise((r) => setTimeout(r, 100));
    status = (await json('GET', `/api/indoor-data/${up.json().id}`)).status;
  }
  const parse = (performance.now() - t0) / 1000;
  if (status !== 'ready') throw new Error(`parse ${status}`);
  const time = async (q: string) => {
    const ms: number[] = [];
    for (let i = 0; i < N; i++) {
      const t = performance.now();
      await json('GET', `/api/indoor-data/${up.json().id}/rows${q}`);
      ms.push(performance.now() - t);
    }
    return median(ms);
  };
  const base = await time('?page_size=50');
  console.log(
    `indoor.parse_csv: ${(ROWS / parse).toFixed(0)} rows/s (${ROWS} rows, ${(csv.length / 1e6).toFixed(1)} MB in ${parse.toFixed(1)} s)`,
  );
  console.log(`indoor.rows.first_page: ${base.toFixed(1)} ms (baseline)`);
  for (const [name, q] of [
    ['filter_equals', '?filter[genotype]=mut2&page_size=50'],
    ['contains', '?contains[note]=999&page_size=50'],
    ['sort_numeric_desc', '?sort=-height&page_size=50'],
    ['filter_sort_page_20', '?filter[genotype]=WT&sort=height&page=20&page_size=50'],
  ] as const) {
    const m = await time(q);
    console.log(`indoor.rows.${name}: ${m.toFixed(1)} ms (${(m / base).toFixed(1)}x vs first page)`);
  }
  await app.close();
} finally {
  await database.close();
  await dropScratch('indoor_rows');
  rmSync(dataDir, { recursive: true, force: true });
}
