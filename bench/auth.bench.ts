// Authenticated reads: requests/s of `GET /api/projects/{id}` and `GET /api/tasks/{id}` with an API key (key
// lookup, organization membership, access check, the read under RLS, all through the read cache) against a
// bare Fastify route returning constant JSON, each server in a process of its own, autocannon on loopback.
// Paired rounds (bare, then each read, BENCH_ROUNDS times) and the median of the per-round ratios, so that
// load from elsewhere on the machine hits both sides alike. Targets: ratio >= 0.5 (issue 4 and issue 5).
import { randomBytes } from 'node:crypto';
import { requestsPerSecond, startServer } from './load.ts';
import { dropScratch, scratchPostgres } from './pg.ts';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 4);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
};

const database = await scratchPostgres('auth');
const env = { DATABASE_URL: database.url, SECRET_KEY: randomBytes(32).toString('hex'), DB_POOL_MAX: '8' };
await database.close().catch(() => {}); // the server process owns the connections; the database stays
const servers: Array<{ stop(): Promise<void> }> = [];
try {
  const app = await startServer('app', env);
  servers.push(app);
  const bare = await startServer('bare');
  servers.push(bare);
  const post = async (path: string, body: object, headers: Record<string, string> = {}) => {
    const res = await fetch(`${app.url}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: JSON.stringify(body),
    });
    if (!res.ok) throw new Error(`${path}: ${res.status} ${await res.text()}`);
    return res.json() as Promise<Record<string, unknown>>;
  };
  const session = await post('/api/auth/signup', {
    email: 'bench@example.test',
    username: 'bench',
    password: 'Bench-Pass1',
  });
  const auth = { authorization: `Bearer ${session.access_token}` };
  const key = (await post('/api/api-keys', { name: 'bench' }, auth)).key as string;
  const project = (
    await post('/api/projects', { title: 'Bench project', description: 'x'.repeat(200) }, auth)
  ).id as number;
  const task = (
    await post(
      '/api/tasks',
      { project, data: { image: 'https://example.test/photos/0001.jpg', site: 'north', camera: 'dji' } },
      auth,
    )
  ).id as number;
  const targets = {
    get_project_with_api_key: `${app.url}/api/projects/${project}`,
    get_task_with_token: `${app.url}/api/tasks/${task}`,
  };
  const headers = {
    get_project_with_api_key: { 'x-api-key': key },
    get_task_with_token: { authorization: `Token ${key}` },
  };
  const bareUrl = `${bare.url}/api/constant/1`;
  await requestsPerSecond(bareUrl, {}, 2);
  for (const [name, url] of Object.entries(targets))
    await requestsPerSecond(url, headers[name as keyof typeof headers], 2);

  const bareRuns: number[] = [];
  const runs: Record<string, number[]> = { get_project_with_api_key: [], get_task_with_token: [] };
  const ratios: Record<string, number[]> = { get_project_with_api_key: [], get_task_with_token: [] };
  for (let round = 0; round < ROUNDS; round++) {
    const baseline = await requestsPerSecond(bareUrl, {}, SECONDS);
    bareRuns.push(baseline);
    for (const [name, url] of Object.entries(targets)) {
      const rps = await requestsPerSecond(url, headers[name as keyof typeof headers], SECONDS);
      runs[name]!.push(rps);
      ratios[name]!.push(rps / baseline);
    }
  }
  console.log(
    `auth.bare_constant_route: ${median(bareRuns).toFixed(0)} req/s (baseline, median of ${ROUNDS})`,
  );
  for (const name of Object.keys(targets)) {
    const r = ratios[name]!;
    console.log(
      `auth.${name}: ${median(runs[name]!).toFixed(0)} req/s (${median(r).toFixed(3)}x vs bare Fastify, rounds ${Math.min(...r).toFixed(3)}-${Math.max(...r).toFixed(3)}; target >= 0.5)`,
    );
  }
} finally {
  for (const server of servers) await server.stop().catch(() => {});
  await dropScratch('auth');
}
