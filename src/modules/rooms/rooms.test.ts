// Rooms through HTTP and a real WebSocket client: members get the bot's answers live, others get nothing;
// what the analyst answers and refuses. Dashboards, messages and plan limits are in rooms.manage.test.ts.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { createTestApp } from '../../../test/app.ts';
import { forEachDatabase } from '../../../test/harness.ts';
import { apiKeyFor, inOrg, signUp } from '../../../test/http-factories.ts';
import type { App } from '../../platform/http/app-types.ts';
import { answerTo, type Client, connect, roomWithMembers, uploaded } from './rooms.test-kit.ts';

forEachDatabase('rooms', (ctx) => {
  let app: App;
  let wsUrl: string;
  let dataDir: string;
  const clients: Client[] = [];

  before(async () => {
    dataDir = mkdtempSync(path.join(tmpdir(), 'gt-rooms-'));
    app = await createTestApp(ctx.database, {
      DATA_DIR: dataDir,
      ROOM_QUERY_TIMEOUT_MS: '1500',
      FREE_PLAN_SEATS: '3',
      FREE_PLAN_ROOMS: '4',
    });
    const address = await app.listen({ port: 0, host: '127.0.0.1' });
    wsUrl = `${address.replace('http', 'ws')}/api/ws`;
    await signUp(app);
  });
  after(async () => {
    for (const c of clients) c.ws.close();
    await app.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  const setup = () => roomWithMembers(app, ctx.database);

  test('every connected member receives the bot answer with a table and a chart; others get nothing', async () => {
    const { owner, member, stranger, roomId, h } = await setup();
    const [a, b, c] = await Promise.all(
      [owner, member, stranger].map((p) => connect(wsUrl, p.accessToken, owner.orgId)),
    );
    clients.push(a!, b!, c!);
    for (const cl of [a!, b!]) {
      cl.ws.send(JSON.stringify({ type: 'subscribe', room_id: roomId }));
      await cl.next((f) => f.type === 'subscribed');
    }
    c!.ws.send(JSON.stringify({ type: 'subscribe', room_id: roomId }));
    const refused = await c!.next((f) => f.type === 'error');
    assert.equal(refused.code, 'not_found');

    const posted = await app.inject({
      method: 'POST',
      url: `/api/rooms/${roomId}/messages`,
      headers: inOrg(member, owner.orgId),
      payload: { text: 'count by region' },
    });
    assert.equal(posted.statusCode, 201, posted.body);
    assert.equal(posted.json().kind, 'user');
    const isAnswer = (f: Record<string, unknown>) =>
      f.type === 'message' && (f.message as { reply_to: number }).reply_to === posted.json().id;
    const [fa, fb] = await Promise.all([a!.next(isAnswer), b!.next(isAnswer)]);
    for (const f of [fa, fb]) {
      const m = f.message as {
        kind: string;
        table: { rows: unknown[][] };
        chart: { mark: string };
        sql: string;
      };
      assert.equal(m.kind, 'bot');
      assert.deepEqual(m.table.rows, [
        ['north', 2],
        ['east', 1],
        ['south', 1],
      ]);
      assert.equal(m.chart.mark, 'bar');
      assert.match(m.sql, /GROUP BY/);
    }
    assert.ok(!c!.frames.some((f) => f.type === 'message'), 'the non-member saw a message');

    // Reconnect: asking for messages after an id returns what was missed.
    const d = await connect(wsUrl, member.accessToken, owner.orgId);
    clients.push(d);
    d.ws.send(JSON.stringify({ type: 'subscribe', room_id: roomId, after: 0 }));
    await d.next(isAnswer);

    for (const url of [
      `/api/rooms/${roomId}`,
      `/api/rooms/${roomId}/messages`,
      `/api/rooms/${roomId}/files`,
    ]) {
      const res = await app.inject({ method: 'GET', url, headers: inOrg(stranger, owner.orgId) });
      assert.equal(res.statusCode, 404, `${url}: ${res.body}`);
    }
    const other = await signUp(app);
    const foreign = await app.inject({ method: 'GET', url: `/api/rooms/${roomId}`, headers: other.headers });
    assert.equal(foreign.statusCode, 404);
    const post = await app.inject({
      method: 'POST',
      url: `/api/rooms/${roomId}/messages`,
      headers: other.headers,
      payload: { text: 'count by region' },
    });
    assert.equal(post.statusCode, 404);
    assert.ok(h);
  });

  test('on PostgreSQL, a member connected to another server process gets the answer too', async (t) => {
    if (ctx.kind !== 'postgres') return t.skip('one process on PGlite');
    const { owner, member, roomId } = await setup();
    const other = await createTestApp(ctx.database, { DATA_DIR: dataDir });
    try {
      const address = await other.listen({ port: 0, host: '127.0.0.1' });
      const key = await apiKeyFor(app, member); // the other process has its own JWT secret
      const c = await connect(`${address.replace('http', 'ws')}/api/ws`, key, owner.orgId);
      clients.push(c);
      c.ws.send(JSON.stringify({ type: 'subscribe', room_id: roomId }));
      await c.next((f) => f.type === 'subscribed');
      const posted = await app.inject({
        method: 'POST',
        url: `/api/rooms/${roomId}/messages`,
        headers: inOrg(owner, owner.orgId),
        payload: { text: 'count by region' },
      });
      const id = posted.json().id;
      const f = await c.next(
        (x) => x.type === 'message' && (x.message as { reply_to: number | null }).reply_to === id,
      );
      assert.equal((f.message as { table: { rows: unknown[] } }).table.rows.length, 3);
      c.ws.close();
    } finally {
      await other.close();
    }
  });

  test('the analyst answers averages, time series and says what it ran', async () => {
    const { owner, roomId } = await setup();
    const avg = await answerTo(app, owner, roomId, 'average amount by region');
    assert.deepEqual(avg.table?.rows[0], ['south', 20]);
    assert.match(avg.text, /average of amount/);
    const time = await answerTo(app, owner, roomId, 'amount over time');
    assert.equal((time.chart?.mark as { type?: string } | undefined)?.type, 'line');
    const none = await answerTo(app, owner, roomId, 'what is the meaning of life');
    assert.match(none.text, /did not understand/);
    assert.equal(none.table, null);
  });

  test('SQL that copies, attaches or reads paths is refused; a slow query is stopped', async () => {
    const { owner, roomId } = await setup();
    for (const sql of [
      "COPY sales TO '/tmp/out.csv'",
      "ATTACH '/tmp/x.db' AS x",
      "SELECT * FROM read_csv('/etc/passwd')",
      "SELECT * FROM '/etc/passwd'",
      'SELECT 1; SELECT 2',
    ]) {
      const a = await answerTo(app, owner, roomId, `\`\`\`sql\n${sql}\n\`\`\``);
      assert.equal(a.error, 'refused', `${sql}: ${a.text}`);
      assert.match(a.text, /did not run/);
      assert.equal(a.table, null);
    }
    const ok = await answerTo(
      app,
      owner,
      roomId,
      '```sql\nSELECT region, sum(amount) AS total FROM sales GROUP BY 1 ORDER BY 2 DESC\n```',
    );
    assert.equal(ok.error, null, ok.text);
    assert.deepEqual(ok.table?.rows[0], ['south', 20]);
    const slow = await answerTo(
      app,
      owner,
      roomId,
      '```sql\nSELECT count(*) FROM range(100000000000) a, range(10) b WHERE a.range * b.range = -1\n```',
    );
    assert.equal(slow.error, 'timeout');
    assert.match(slow.text, /longer than the limit of 1.5 s/);
  });

  test('companion files attach as one dataset; a companion alone is refused', async () => {
    const { owner, roomId, h } = await setup();
    const shp = await uploaded(app, owner, [
      { name: 'parcels.shp', bytes: 'shp-bytes' },
      { name: 'parcels.dbf', bytes: 'dbf-bytes' },
    ]);
    const res = await app.inject({
      method: 'POST',
      url: `/api/rooms/${roomId}/files`,
      headers: h,
      payload: { file_id: shp.id },
    });
    assert.equal(res.statusCode, 201, res.body);
    assert.equal(res.json().companions.length, 1);
    assert.equal(res.json().companions[0].name, 'parcels.dbf');
    const alone = await app.inject({
      method: 'POST',
      url: `/api/rooms/${roomId}/files`,
      headers: h,
      payload: { file_id: shp.companions[0]!.id },
    });
    assert.equal(alone.statusCode, 400);
    assert.match(alone.json().error.message, /companion file/);
    const list = await app.inject({ method: 'GET', url: `/api/rooms/${roomId}/files`, headers: h });
    assert.equal(list.json().length, 2);
  });

  test('an unparseable CSV: the answer names the line; a room without files says so', async () => {
    const { owner, roomId, h } = await setup();
    const rows = Array.from({ length: 25000 }, (_, i) => `${i},${i * 2}`).join('\n');
    const bad = await uploaded(app, owner, [{ name: 'broken.csv', bytes: `a,b\n${rows}\nx,notanumber\n` }]);
    await app.inject({
      method: 'POST',
      url: `/api/rooms/${roomId}/files`,
      headers: h,
      payload: { file_id: bad.id },
    });
    const a = await answerTo(app, owner, roomId, 'sum of b in broken');
    assert.equal(a.error, 'query_failed', a.text);
    assert.match(a.text, /Line: 25002/);
    assert.ok(!a.text.includes(dataDir), 'the answer shows a server path');
    const empty = await app.inject({
      method: 'POST',
      url: '/api/rooms',
      headers: h,
      payload: { name: 'Empty' },
    });
    const none = await answerTo(app, owner, empty.json().id, 'count by region');
    assert.match(none.text, /no data yet/);
  });
});
