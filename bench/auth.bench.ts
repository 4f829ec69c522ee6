// Authenticated reads: requests/s of `GET /api/projects/{id}` with an API key (key lookup, organization
// membership, access check, project read under RLS) against a bare Fastify route returning constant JSON,
// both in a server process of their own, autocannon on loopback. Target: ratio >= 0.5.
import { randomBytes } from 'node:crypto';
import { requestsPerSecond, startServer } from './load.ts';
import { scratchPostgres } from './pg.ts';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 8);
const database = await scratchPostgres('auth');
const env = { DATABASE_URL: database.url, SECRET_KEY: randomBytes(32).toString('hex'), DB_POOL_MAX: '8' };
await database.close().catch(() => {}); // the server process owns the connections; the database stays
try {
  const app = await startServer('app', env);
  let project: string;
  let key: string;
  try {
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
    key = (await post('/api/api-keys', { name: 'bench' }, auth)).key as string;
    project = String(
      (await post('/api/projects', { title: 'Bench project', description: 'x'.repeat(200) }, auth)).id,
    );
    await requestsPerSecond(`${app.url}/api/projects/${project}`, { 'x-api-key': key }, 2); // warm-up
    const appRps = await requestsPerSecond(
      `${app.url}/api/projects/${project}`,
      { 'x-api-key': key },
      SECONDS,
    );
    await app.stop();
    const bare = await startServer('bare');
    await requestsPerSecond(`${bare.url}/api/constant/1`, {}, 2);
    const bareRps = await requestsPerSecond(`${bare.url}/api/constant/1`, {}, SECONDS);
    await bare.stop();
    console.log(`auth.bare_constant_route: ${bareRps.toFixed(0)} req/s (baseline)`);
    console.log(
      `auth.get_project_with_api_key: ${appRps.toFixed(0)} req/s (${(appRps / bareRps).toFixed(3)}x vs bare Fastify; target >= 0.5)`,
    );
  } catch (err) {
    await app.stop().catch(() => {});
    throw err;
  }
} finally {
  const { dropScratch } = await import('./pg.ts');
  await dropScratch('auth');
}
