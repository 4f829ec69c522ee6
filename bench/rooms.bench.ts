// A grouped aggregate over a CSV of millions of rows (BENCH_ROOMS_ROWS, default 5M), asked through the API
// (POST a message -> the bot's answer received on the WebSocket) against the same SQL run directly in DuckDB
// on the same file. Target from issue 10: <= 1.3x.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { DuckDBInstance } from '@duckdb/node-api';
import WebSocket from 'ws';
import { buildApp } from '../src/app.ts';
import { loadConfig } from '../src/config.ts';
import { inScope } from '../src/db/scope.ts';
import { dropScratch, median, scratchPostgres } from './pg.ts';

const ROWS = Number(process.env.BENCH_ROOMS_ROWS ?? 5_000_000);
const ROUNDS = Number(process.env.BENCH_ROOMS_ROUNDS ?? 5);
const dir = mkdtempSync(path.join(tmpdir(), 'gt-bench-rooms-'));
const csv = path.join(dir, 'events.csv');

const duck = await DuckDBInstance.create(':memory:', { threads: '2' });
const dc = await duck.connect();
const t0 = performance.now();
await dc.run(`COPY (SELECT 'region_' || (i % 50) AS region, (i % 1000) / 10.0 AS amount, DATE '2024-01-01' + (i % 365)::int AS day
  FROM range(${ROWS}) t(i)) TO '${csv}' (HEADER)`);
console.log(`rooms: generated ${ROWS} rows in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
const SQL = `SELECT "region", avg("amount") AS "avg_amount" FROM read_csv('${csv}') GROUP BY 1 ORDER BY "avg_amount" DESC NULLS LAST, 1 LIMIT 200`;

const step = (what: string) => process.stderr.write(`rooms: ${what}\n`);
const database = await scratchPostgres('rooms');
step('database migrated');
const config = loadConfig({
  LOG_LEVEL: 'silent',
  SECRET_KEY: 'b'.repeat(64),
  DATA_DIR: dir,
  ROOM_QUERY_TIMEOUT_MS: '120000',
  ROOM_QUERY_THREADS: '2',
});
const app = await buildApp({ config, database });
try {
  await app.jobs.start({ work: false });
  const address = await app.listen({ port: 0, host: '127.0.0.1' });
  const json = async (
    method: string,
    url: string,
    headers: Record<string, string>,
    body?: unknown,
    raw?: { payload: Buffer; type: string },
  ) => {
    const res = await fetch(`${address}${url}`, {
      method,
      headers: {
        ...headers,
        ...(raw ? { 'content-type': raw.type } : body ? { 'content-type': 'application/json' } : {}),
      },
      body: raw ? new Uint8Array(raw.payload) : body ? JSON.stringify(body) : undefined,
    });
    if (res.status >= 300) throw new Error(`${method} ${url}: ${res.status} ${await res.text()}`);
    // biome-ignore lint/suspicious/noExplicitAny: the benchmark reads a few fields of the answers
    return res.json() as Promise<any>;
  };
  const user = await json(
    'POST',
    '/api/auth/signup',
    {},
    { email: 'b@example.test', username: 'bench_rooms', password: 'Correct-Horse9' },
  );
  const h = { authorization: `Bearer ${user.access_token}` };
  const orgId = user.user.active_organization;
  const room = await json('POST', '/api/rooms', h, { name: 'bench' });
  const form = new FormData();
  form.append('file', new Blob([readFileSync(csv)], { type: 'text/csv' }), 'events.csv');
  const req = new Request('http://x/', { method: 'POST', body: form });
  // The file goes through the blob store like any upload (tus for files past the multipart limit; here the
  // row is inserted directly when the CSV is larger than that limit).
  let fileId: number;
  const bytes = Buffer.from(await req.arrayBuffer());
  if (bytes.length < 100 * 1024 ** 2) {
    fileId = (
      await json('POST', '/api/files', h, undefined, {
        payload: bytes,
        type: req.headers.get('content-type')!,
      })
    ).id;
  } else {
    const { createBlobStore } = await import('../src/platform/files/index.ts');
    const { createReadStream } = await import('node:fs');
    const blob = await createBlobStore(config).put(createReadStream(csv));
    fileId = await inScope(
      database.db,
      { organizationId: orgId, userId: user.user.id },
      async (tx) =>
        (
          await tx
            .insertInto('files')
            .values({
              organization_id: orgId,
              uploaded_by: user.user.id,
              storage_key: blob.key,
              original_name: 'events.csv',
              mime_type: 'text/csv',
              size_bytes: blob.size,
              sha256: blob.sha256,
              status: 'ready',
            })
            .returning('id')
            .executeTakeFirstOrThrow()
        ).id,
    );
  }
  await json('POST', `/api/rooms/${room.id}/files`, h, { file_id: fileId });
  step('file attached');
  const ws = new WebSocket(`${address.replace('http', 'ws')}/api/ws`);
  await new Promise((r) => ws.once('open', r));
  // Answers can arrive before the POST's response: keep both sides until they meet.
  const waiting = new Map<number, (m: { text: string }) => void>();
  const arrived = new Map<number, { text: string }>();
  ws.on('message', (d) => {
    const f = JSON.parse(String(d));
    if (f.type !== 'message' || f.message.kind !== 'bot') return;
    const w = waiting.get(f.message.reply_to);
    if (w) w(f.message);
    else arrived.set(f.message.reply_to, f.message);
  });
  ws.send(JSON.stringify({ type: 'auth', token: user.access_token, organization_id: orgId }));
  ws.send(JSON.stringify({ type: 'subscribe', room_id: room.id }));
  await new Promise((r) => setTimeout(r, 200));

  const direct: number[] = [];
  const api: number[] = [];
  for (let i = 0; i < ROUNDS; i++) {
    let s = performance.now();
    await dc.runAndReadAll(SQL);
    direct.push(performance.now() - s);
    s = performance.now();
    const question = `average amount by region`;
    const answered = new Promise<{ text: string }>((resolve) => {
      const sent = json('POST', `/api/rooms/${room.id}/messages`, h, { text: question });
      void sent.then((m) => {
        const early = arrived.get(m.id);
        if (early) resolve(early);
        else waiting.set(m.id, resolve);
      });
    });
    const m = await answered;
    api.push(performance.now() - s);
    if (i === 0) console.log(`rooms: answer "${m.text}"`);
  }
  ws.close();
  const d = median(direct);
  const a = median(api);
  console.log(`rooms direct duckdb (${ROWS} rows): ${(d / 1000).toFixed(2)} s`);
  console.log(
    `rooms question via API + WebSocket (${ROWS} rows): ${(a / 1000).toFixed(2)} s (${(a / d).toFixed(2)}x vs direct duckdb)`,
  );
} finally {
  await app.close();
  await database.close();
  await dropScratch('rooms');
  dc.closeSync();
  duck.closeSync();
  rmSync(dir, { recursive: true, force: true });
}
