// Rooms through HTTP and a real WebSocket client: members get the bot's answers live, others get nothing.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import WebSocket from 'ws';
import { createTestApp } from '../../../test/app.ts';
import { forEachDatabase } from '../../../test/harness.ts';
import { apiKeyFor, inOrg, type Person, signUp } from '../../../test/http-factories.ts';
import { inScope } from '../../db/scope.ts';
import type { App } from '../../platform/http/app-types.ts';
import { multipart } from '../files/files.test-kit.ts';

const CSV =
  'region,amount,day\nnorth,10,2024-01-01\nsouth,20,2024-01-02\nnorth,5,2024-01-02\neast,7,2024-01-03\n';

interface Client {
  ws: WebSocket;
  frames: Record<string, unknown>[];
  next(pred: (f: Record<string, unknown>) => boolean): Promise<Record<string, unknown>>;
}

async function connect(url: string, token: string, organizationId: number): Promise<Client> {
  const ws = new WebSocket(url);
  const frames: Record<string, unknown>[] = [];
  const waiters: {
    pred: (f: Record<string, unknown>) => boolean;
    resolve: (f: Record<string, unknown>) => void;
  }[] = [];
  ws.on('message', (data) => {
    const f = JSON.parse(String(data));
    frames.push(f);
    for (const w of [...waiters])
      if (w.pred(f)) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve(f);
      }
  });
  await new Promise((resolve, reject) => ws.once('open', resolve).once('error', reject));
  const client: Client = {
    ws,
    frames,
    next: (pred) => {
      const seen = frames.find(pred);
      if (seen) return Promise.resolve(seen);
      return new Promise((resolve, reject) => {
        // A missing frame fails the test with what did arrive, instead of hanging the suite.
        const timer = setTimeout(
          () => reject(new Error(`frame not received; got ${JSON.stringify(frames).slice(0, 500)}`)),
          30_000,
        );
        waiters.push({
          pred,
          resolve: (f) => {
            clearTimeout(timer);
            resolve(f);
          },
        });
      });
    },
  };
  ws.send(JSON.stringify({ type: 'auth', token, organization_id: organizationId }));
  await client.next((f) => f.type === 'ready' || f.type === 'error');
  return client;
}

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

  async function join(owner: Person, p: Person) {
    await inScope(ctx.database.db, { organizationId: owner.orgId, userId: owner.id }, (tx) =>
      tx
        .insertInto('organization_members')
        .values({ organization_id: owner.orgId, user_id: p.id, role: 'member' })
        .execute(),
    );
  }

  async function upload(owner: Person, parts: { name: string; bytes: string }[]) {
    const body = await multipart(parts);
    const res = await app.inject({
      method: 'POST',
      url: '/api/files',
      headers: { ...inOrg(owner, owner.orgId), ...body.headers },
      payload: body.payload,
    });
    assert.equal(res.statusCode, 201, res.body);
    return res.json() as { id: number; companions: { id: number }[] };
  }

  async function setup() {
    const owner = await signUp(app);
    const member = await signUp(app);
    const stranger = await signUp(app); // same organization, not in the room
    await join(owner, member);
    await join(owner, stranger);
    const h = inOrg(owner, owner.orgId);
    const room = await app.inject({
      method: 'POST',
      url: '/api/rooms',
      headers: h,
      payload: { name: 'Sales' },
    });
    assert.equal(room.statusCode, 201, room.body);
    const roomId = room.json().id as number;
    const add = await app.inject({
      method: 'POST',
      url: `/api/rooms/${roomId}/members`,
      headers: h,
      payload: { user_id: member.id },
    });
    assert.equal(add.statusCode, 201, add.body);
    const file = await upload(owner, [{ name: 'sales.csv', bytes: CSV }]);
    const att = await app.inject({
      method: 'POST',
      url: `/api/rooms/${roomId}/files`,
      headers: h,
      payload: { file_id: file.id },
    });
    assert.equal(att.statusCode, 201, att.body);
    assert.equal(att.json().table, 'sales');
    return { owner, member, stranger, roomId, token: room.json().token as string, h };
  }

  async function answerTo(owner: Person, roomId: number, text: string) {
    const h = inOrg(owner, owner.orgId);
    const posted = await app.inject({
      method: 'POST',
      url: `/api/rooms/${roomId}/messages`,
      headers: h,
      payload: { text },
    });
    assert.equal(posted.statusCode, 201, posted.body);
    const id = posted.json().id as number;
    for (let i = 0; i < 400; i++) {
      const list = await app.inject({
        method: 'GET',
        url: `/api/rooms/${roomId}/messages?after=${id}`,
        headers: h,
      });
      const reply = list.json().results.find((m: { reply_to: number }) => m.reply_to === id);
      if (reply) return reply;
      await new Promise((r) => setTimeout(r, 25));
    }
    throw new Error(`no answer to ${text}`);
  }

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
    const avg = await answerTo(owner, roomId, 'average amount by region');
    assert.deepEqual(avg.table.rows[0], ['south', 20]);
    assert.match(avg.text, /average of amount/);
    const time = await answerTo(owner, roomId, 'amount over time');
    assert.equal(time.chart.mark.type, 'line');
    const none = await answerTo(owner, roomId, 'what is the meaning of life');
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
      const a = await answerTo(owner, roomId, `\`\`\`sql\n${sql}\n\`\`\``);
      assert.equal(a.error, 'refused', `${sql}: ${a.text}`);
      assert.match(a.text, /did not run/);
      assert.equal(a.table, null);
    }
    const ok = await answerTo(
      owner,
      roomId,
      '```sql\nSELECT region, sum(amount) AS total FROM sales GROUP BY 1 ORDER BY 2 DESC\n```',
    );
    assert.equal(ok.error, null, ok.text);
    assert.deepEqual(ok.table.rows[0], ['south', 20]);
    const slow = await answerTo(
      owner,
      roomId,
      '```sql\nSELECT count(*) FROM range(100000000000) a, range(10) b WHERE a.range * b.range = -1\n```',
    );
    assert.equal(slow.error, 'timeout');
    assert.match(slow.text, /longer than the limit of 1.5 s/);
  });

  test('companion files attach as one dataset; a companion alone is refused', async () => {
    const { owner, roomId, h } = await setup();
    const shp = await upload(owner, [
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
    const bad = await upload(owner, [{ name: 'broken.csv', bytes: `a,b\n${rows}\nx,notanumber\n` }]);
    await app.inject({
      method: 'POST',
      url: `/api/rooms/${roomId}/files`,
      headers: h,
      payload: { file_id: bad.id },
    });
    const a = await answerTo(owner, roomId, 'sum of b in broken');
    assert.equal(a.error, 'query_failed', a.text);
    assert.match(a.text, /Line: 25002/);
    assert.ok(!a.text.includes(dataDir), 'the answer shows a server path');
    const empty = await app.inject({
      method: 'POST',
      url: '/api/rooms',
      headers: h,
      payload: { name: 'Empty' },
    });
    const none = await answerTo(owner, empty.json().id, 'count by region');
    assert.match(none.text, /no data yet/);
  });

  test('dashboards: pin an answer, move it, share it read-only by token', async () => {
    const { owner, roomId, token, h } = await setup();
    const answer = await answerTo(owner, roomId, 'count by region');
    const panel = await app.inject({
      method: 'POST',
      url: `/api/rooms/${roomId}/panels`,
      headers: h,
      payload: { name: 'By region', layout: { x: 0, y: 0, w: 6, h: 4 }, config: { message_id: answer.id } },
    });
    assert.equal(panel.statusCode, 201, panel.body);
    assert.match(panel.json().config.sql, /GROUP BY/);
    const moved = await app.inject({
      method: 'PATCH',
      url: `/api/rooms/${roomId}/panels/${panel.json().id}`,
      headers: h,
      payload: { layout: { x: 6, y: 0, w: 6, h: 5 } },
    });
    assert.equal(moved.statusCode, 200, moved.body);
    assert.deepEqual(moved.json().layout, { x: 6, y: 0, w: 6, h: 5 });
    const bad = await app.inject({
      method: 'POST',
      url: `/api/rooms/${roomId}/panels`,
      headers: h,
      payload: { name: 'x', layout: { x: 0, y: 0, w: 0, h: 4 } },
    });
    assert.equal(bad.statusCode, 400);
    const shared = await app.inject({ method: 'GET', url: `/api/shared/rooms/${token}` });
    assert.equal(shared.statusCode, 200, shared.body);
    assert.equal(shared.json().panels.length, 1);
    assert.equal(shared.json().room.id, roomId);
    const wrong = await app.inject({ method: 'GET', url: `/api/shared/rooms/${'x'.repeat(32)}` });
    assert.equal(wrong.statusCode, 404);
    const rotated = await app.inject({ method: 'POST', url: `/api/rooms/${roomId}/token`, headers: h });
    assert.equal(rotated.statusCode, 201);
    assert.equal((await app.inject({ method: 'GET', url: `/api/shared/rooms/${token}` })).statusCode, 404);
  });

  test('messages: edit your own, soft-delete, others cannot; bad input is 400', async () => {
    const { owner, member, roomId, h } = await setup();
    const m = await app.inject({
      method: 'POST',
      url: `/api/rooms/${roomId}/messages`,
      headers: h,
      payload: { text: 'columns' },
    });
    const id = m.json().id;
    const byOther = await app.inject({
      method: 'PATCH',
      url: `/api/rooms/${roomId}/messages/${id}`,
      headers: inOrg(member, owner.orgId),
      payload: { text: 'hijack' },
    });
    assert.equal(byOther.statusCode, 403);
    const edit = await app.inject({
      method: 'PATCH',
      url: `/api/rooms/${roomId}/messages/${id}`,
      headers: h,
      payload: { text: 'describe' },
    });
    assert.equal(edit.statusCode, 200);
    assert.ok(edit.json().edited_at);
    const del = await app.inject({
      method: 'DELETE',
      url: `/api/rooms/${roomId}/messages/${id}`,
      headers: h,
    });
    assert.equal(del.statusCode, 204);
    const list = await app.inject({
      method: 'GET',
      url: `/api/rooms/${roomId}/messages?after=${id - 1}`,
      headers: h,
    });
    const gone = list.json().results.find((x: { id: number }) => x.id === id);
    assert.equal(gone.deleted, true);
    assert.equal(gone.text, '');
    for (const payload of [{ text: '' }, { text: '   ' }, {}]) {
      const res = await app.inject({
        method: 'POST',
        url: `/api/rooms/${roomId}/messages`,
        headers: h,
        payload,
      });
      assert.equal(res.statusCode, 400, JSON.stringify(payload));
    }
    const badRoom = await app.inject({
      method: 'POST',
      url: '/api/rooms',
      headers: h,
      payload: { name: 'x', type: 'VIDEO' },
    });
    assert.equal(badRoom.statusCode, 400);
  });

  test('plan limits: seats and rooms answer 403 license_limit with which limit', async () => {
    const { owner, stranger, roomId, h } = await setup();
    const third = await signUp(app);
    await join(owner, third);
    // owner + member hold 2 of the free plan's 3 seats.
    const ok = await app.inject({
      method: 'POST',
      url: `/api/rooms/${roomId}/members`,
      headers: h,
      payload: { user_id: third.id },
    });
    assert.equal(ok.statusCode, 201, ok.body);
    const full = await app.inject({
      method: 'POST',
      url: `/api/rooms/${roomId}/members`,
      headers: h,
      payload: { user_id: stranger.id },
    });
    assert.equal(full.statusCode, 403);
    assert.equal(full.json().error.code, 'license_limit');
    assert.equal(full.json().error.details.limit, 'seats');
    for (let i = 0; i < 3; i++)
      assert.equal(
        (await app.inject({ method: 'POST', url: '/api/rooms', headers: h, payload: { name: `r${i}` } }))
          .statusCode,
        201,
      );
    const rooms = await app.inject({
      method: 'POST',
      url: '/api/rooms',
      headers: h,
      payload: { name: 'one too many' },
    });
    assert.equal(rooms.statusCode, 403);
    assert.equal(rooms.json().error.details.limit, 'rooms');
    // A license: the room members take its seats; a released seat frees a place.
    const lic = await app.inject({
      method: 'POST',
      url: '/api/licenses',
      headers: h,
      payload: { plan: 'team' },
    });
    assert.equal(lic.statusCode, 201, lic.body);
    assert.equal(lic.json().seats_used, 3);
    const seat = await app.inject({
      method: 'POST',
      url: `/api/licenses/${lic.json().id}/seats`,
      headers: h,
      payload: { user_id: stranger.id },
    });
    assert.equal(seat.statusCode, 201, seat.body);
    const rel = await app.inject({
      method: 'DELETE',
      url: `/api/licenses/${lic.json().id}/seats/${stranger.id}`,
      headers: h,
    });
    assert.equal(rel.statusCode, 204);
    const catalog = await app.inject({ method: 'GET', url: '/api/license-catalog', headers: h });
    assert.deepEqual(
      catalog.json().map((p: { code: string }) => p.code),
      ['free', 'team', 'enterprise'],
    );
  });
});
