import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import autocannon from 'autocannon';
import { startServer } from './load.ts';
import { dropScratch, scratchPostgres } from './pg.ts';

const database = await scratchPostgres('st');
const env = { DATABASE_URL: database.url, SECRET_KEY: randomBytes(32).toString('hex') };
await database.close();
const app = await startServer('app', env);
const post = async (path: string, body: object, headers: Record<string, string> = {}) => {
  const res = await fetch(`${app.url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  });
  return res.json() as Promise<Record<string, unknown>>;
};
const s = await post('/api/auth/signup', {
  email: 'b@example.test',
  username: 'bbb',
  password: 'Bench-Pass1',
});
const key = (await post('/api/api-keys', { name: 'k' }, { authorization: `Bearer ${s.access_token}` }))
  .key as string;
const p = (
  await post(
    '/api/projects',
    { title: 'P', description: 'x'.repeat(200) },
    { authorization: `Bearer ${s.access_token}` },
  )
).id;
const bare = await startServer('bare');
const pids = spawnSync('pgrep', ['-f', 'http-server.ts']).stdout.toString().trim().split('\n');
console.log('pids', pids);
const { spawn } = await import('node:child_process');
for (const [name, url, headers] of [
  ['bare', `${bare.url}/api/constant/1`, {}],
  ['app', `${app.url}/api/projects/${p}`, { 'x-api-key': key }],
] as const) {
  const pid = name === 'bare' ? pids[1] : pids[0];
  const st = spawn('strace', ['-c', '-f', '-p', pid!, '-o', `/tmp/strace-${name}.txt`]);
  await new Promise((r) => setTimeout(r, 500));
  const r = await autocannon({
    url,
    headers: headers as Record<string, string>,
    duration: 4,
    connections: 16,
  });
  st.kill('SIGINT');
  await new Promise((r) => setTimeout(r, 500));
  console.log(name, Math.round(r.requests.average), 'req/s', r.requests.total, 'total');
}
await app.stop();
await bare.stop();
await dropScratch('st');
