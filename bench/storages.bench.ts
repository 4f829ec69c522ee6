// Storage sync throughput: BENCH_STORAGE_OBJECTS (default 100k) small objects in Redis on 127.0.0.1 (the
// fastest of the local servers the tests use; s3rver writes a file per object and takes minutes to fill),
// synced through the real job (pages of 1000 keys: unlinked keys -> tasks + links, one transaction each) on
// PostgreSQL, against listing the same keys alone with the same client (SCAN pages). Ratio: sync objects/s
// over list objects/s (1.0 would mean the sync costs nothing on top of the listing).
import { randomBytes, randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { Redis } from 'ioredis';
import { buildApp } from '../src/app.ts';
import { loadConfig } from '../src/config.ts';
import { openClient } from '../src/modules/storages/providers/index.ts';
import { dropScratch, scratchPostgres } from './pg.ts';

const OBJECTS = Number(process.env.BENCH_STORAGE_OBJECTS ?? 100_000);
const prefix = `gt-bench-${randomBytes(4).toString('hex')}:`;
const redis = new Redis({ host: '127.0.0.1', port: 6379 });
const database = await scratchPostgres('storages');
const app = await buildApp({
  config: loadConfig({
    LOG_LEVEL: 'silent',
    SECRET_KEY: randomBytes(32).toString('hex'),
    WEBHOOK_ALLOW_PRIVATE: 'true',
  }),
  database,
});
try {
  for (let i = 0; i < OBJECTS; i += 10_000) {
    const batch = redis.pipeline();
    for (let j = i; j < Math.min(OBJECTS, i + 10_000); j++) batch.set(`${prefix}img-${j}.jpg`, 'x');
    await batch.exec();
  }
  await app.ready();
  await app.jobs.start({ work: true });
  const signup = await app.inject({
    method: 'POST',
    url: '/api/auth/signup',
    payload: { email: `${randomUUID()}@bench.test`, password: 'Correct-Horse9', username: `b${Date.now()}` },
  });
  if (signup.statusCode >= 300) throw new Error(`signup: ${signup.body}`);
  const token = signup.json().access_token;
  const headers = { authorization: `Bearer ${token}` };
  const project = (
    await app.inject({ method: 'POST', url: '/api/projects', headers, payload: { title: 'storage bench' } })
  ).json().id;
  const options = {
    type: 'redis' as const,
    bucket: '',
    prefix,
    recursiveScan: true,
    settings: { host: '127.0.0.1', port: 6379 },
    credentials: {},
  };

  // Baseline: the listing alone, same client, same page size.
  const client = await openClient(options, { allowPrivate: true, localRoot: null });
  const l0 = performance.now();
  let listed = 0;
  for await (const page of client.pages(1000)) listed += page.length;
  const listSeconds = (performance.now() - l0) / 1000;
  await client.close();
  if (listed < OBJECTS) throw new Error(`listed ${listed} of ${OBJECTS}`);

  const storage = await app.inject({
    method: 'POST',
    url: '/api/storages/redis',
    headers,
    payload: { project, path: prefix, host: '127.0.0.1', use_blob_urls: true },
  });
  if (storage.statusCode !== 201) throw new Error(`storage: ${storage.body}`);
  const id = storage.json().id;
  const s0 = performance.now();
  await app.inject({ method: 'POST', url: `/api/storages/redis/${id}/sync`, headers });
  for (;;) {
    const s = (await app.inject({ method: 'GET', url: `/api/storages/redis/${id}`, headers })).json();
    if (s.status === 'failed') throw new Error(`sync failed: ${s.traceback}`);
    if (s.status === 'completed') break;
    await new Promise((r) => setTimeout(r, 100));
  }
  const syncSeconds = (performance.now() - s0) / 1000;
  const { rows } = await database.pool.query('SELECT count(*)::int AS n FROM tasks WHERE project_id = $1', [
    project,
  ]);
  if (rows[0].n !== OBJECTS) throw new Error(`synced ${rows[0].n} tasks of ${OBJECTS}`);
  // A second sync of the same objects: all linked already, nothing to insert.
  const r0 = performance.now();
  await app.inject({ method: 'POST', url: `/api/storages/redis/${id}/sync`, headers });
  for (;;) {
    const s = (await app.inject({ method: 'GET', url: `/api/storages/redis/${id}`, headers })).json();
    if (s.status === 'completed' && s.last_sync_count === 0) break;
    if (s.status === 'failed') throw new Error(`resync failed: ${s.traceback}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  const resyncSeconds = (performance.now() - r0) / 1000;

  const rate = (s: number) => Math.round(OBJECTS / s);
  console.log(`storages.list_redis: ${rate(listSeconds)} objects/s (${listSeconds.toFixed(2)} s, baseline)`);
  console.log(
    `storages.sync_redis_${OBJECTS}: ${rate(syncSeconds)} objects/s (${syncSeconds.toFixed(2)} s, ` +
      `${(listSeconds / syncSeconds).toFixed(2)}x vs listing alone)`,
  );
  console.log(
    `storages.resync_redis_${OBJECTS}: ${rate(resyncSeconds)} objects/s (${resyncSeconds.toFixed(2)} s, ` +
      `${(listSeconds / resyncSeconds).toFixed(2)}x vs listing alone; nothing new)`,
  );
} finally {
  const keys: string[] = [];
  let cursor = '0';
  do {
    const [next, batch] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 10_000);
    cursor = next;
    keys.push(...batch);
    if (keys.length >= 10_000) await redis.del(...keys.splice(0));
  } while (cursor !== '0');
  if (keys.length) await redis.del(...keys);
  redis.disconnect();
  await app.close();
  await database.close();
  await dropScratch('storages');
}
