// A message fan-out to 50 WebSocket subscribers of a room (POST /api/rooms/{id}/messages -> the message frame
// received by all 50 sockets on /api/ws) against a bare ws server on the same machine that broadcasts a frame
// sent by one client to 50 others. Latency is until the last subscriber has the frame; medians of the rounds.
import { mkdtempSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import WebSocket, { WebSocketServer } from 'ws';
import { buildApp } from '../src/app.ts';
import { loadConfig } from '../src/config.ts';
import { dropScratch, median, scratchPostgres } from './pg.ts';

const SUBSCRIBERS = Number(process.env.BENCH_FANOUT_SUBSCRIBERS ?? 50);
const ROUNDS = Number(process.env.BENCH_FANOUT_ROUNDS ?? 40);
const dir = mkdtempSync(path.join(tmpdir(), 'gt-bench-fanout-'));

/** Resolves when every socket has had a frame for which `match` is true. */
function allReceive(
  sockets: WebSocket[],
  match: (f: { text?: string; message?: { text: string } }) => boolean,
) {
  return Promise.all(
    sockets.map(
      (s) =>
        new Promise<void>((resolve) => {
          const on = (d: WebSocket.RawData) => {
            if (!match(JSON.parse(String(d)))) return;
            s.off('message', on);
            resolve();
          };
          s.on('message', on);
        }),
    ),
  );
}

const open = (url: string) =>
  new Promise<WebSocket>((resolve, reject) => {
    const ws = new WebSocket(url);
    ws.once('open', () => resolve(ws)).once('error', reject);
  });

async function bare(): Promise<number[]> {
  const server = new WebSocketServer({ host: '127.0.0.1', port: 0 });
  await new Promise((r) => server.once('listening', r));
  server.on('connection', (ws) =>
    ws.on('message', (d) => {
      const text = String(d);
      for (const c of server.clients) if (c !== ws && c.readyState === c.OPEN) c.send(text);
    }),
  );
  const url = `ws://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const publisher = await open(url);
  const subs = await Promise.all(Array.from({ length: SUBSCRIBERS }, () => open(url)));
  const times: number[] = [];
  for (let i = 0; i < ROUNDS; i++) {
    const text = `round ${i}`;
    const s = performance.now();
    const got = allReceive(subs, (f) => f.text === text);
    publisher.send(JSON.stringify({ type: 'message', text }));
    await got;
    times.push(performance.now() - s);
  }
  for (const c of [publisher, ...subs]) c.close();
  await new Promise((r) => server.close(r));
  return times;
}

async function groundtruth(): Promise<number[]> {
  const database = await scratchPostgres('fanout');
  const config = loadConfig({ LOG_LEVEL: 'silent', SECRET_KEY: 'c'.repeat(64), DATA_DIR: dir });
  const app = await buildApp({ config, database });
  try {
    await app.jobs.start({ work: false });
    const address = await app.listen({ port: 0, host: '127.0.0.1' });
    const post = async (url: string, headers: Record<string, string>, body: unknown) => {
      const res = await fetch(`${address}${url}`, {
        method: 'POST',
        headers: { ...headers, 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
      if (res.status >= 300) throw new Error(`${url}: ${res.status} ${await res.text()}`);
      // biome-ignore lint/suspicious/noExplicitAny: a few fields of the answers
      return res.json() as Promise<any>;
    };
    const user = await post(
      '/api/auth/signup',
      {},
      { email: 'f@example.test', username: 'bench_fanout', password: 'Correct-Horse9' },
    );
    const h = { authorization: `Bearer ${user.access_token}` };
    const orgId = user.user.active_organization;
    const room = await post('/api/rooms', h, { name: 'fanout' });
    const wsUrl = `${address.replace('http', 'ws')}/api/ws`;
    const subs = await Promise.all(Array.from({ length: SUBSCRIBERS }, () => open(wsUrl)));
    await Promise.all(
      subs.map(async (s) => {
        const subscribed = new Promise<void>((resolve) =>
          s.on('message', (d) => JSON.parse(String(d)).type === 'subscribed' && resolve()),
        );
        s.send(JSON.stringify({ type: 'auth', token: user.access_token, organization_id: orgId }));
        s.send(JSON.stringify({ type: 'subscribe', room_id: room.id }));
        await subscribed;
      }),
    );
    const times: number[] = [];
    for (let i = 0; i < ROUNDS; i++) {
      const text = `round ${i}`;
      const s = performance.now();
      const got = allReceive(subs, (f) => f.message?.text === text);
      await post(`/api/rooms/${room.id}/messages`, h, { text });
      await got;
      times.push(performance.now() - s);
      // the bot's answer (this room has no files: a short text) goes out before the next round
      await new Promise((r) => setTimeout(r, 20));
    }
    for (const c of subs) c.close();
    return times;
  } finally {
    await app.close();
    await database.close();
    await dropScratch('fanout');
  }
}

try {
  const b = median(await bare());
  const g = median(await groundtruth());
  console.log(`rooms-fanout bare ws broadcast to ${SUBSCRIBERS}: ${b.toFixed(2)} ms`);
  console.log(
    `rooms-fanout message to ${SUBSCRIBERS} subscribers via API + /api/ws: ${g.toFixed(2)} ms (${(g / b).toFixed(2)}x vs bare ws)`,
  );
} finally {
  rmSync(dir, { recursive: true, force: true });
}
