// Rooms through HTTP: dashboards (pin, move, share read-only), editing and deleting messages, plan limits.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { createTestApp } from '../../../test/app.ts';
import { forEachDatabase } from '../../../test/harness.ts';
import { inOrg, signUp } from '../../../test/http-factories.ts';
import type { App } from '../../platform/http/app-types.ts';
import { answerTo, type Client, join, roomWithMembers } from './rooms.test-kit.ts';

forEachDatabase('rooms: dashboards, messages, limits', (ctx) => {
  let app: App;
  let _wsUrl: string;
  let dataDir: string;
  const clients: Client[] = [];

  before(async () => {
    dataDir = mkdtempSync(path.join(tmpdir(), 'gt-rooms-manage-'));
    app = await createTestApp(ctx.database, {
      DATA_DIR: dataDir,
      ROOM_QUERY_TIMEOUT_MS: '1500',
      FREE_PLAN_SEATS: '3',
      FREE_PLAN_ROOMS: '4',
    });
    const address = await app.listen({ port: 0, host: '127.0.0.1' });
    _wsUrl = `${address.replace('http', 'ws')}/api/ws`;
    await signUp(app);
  });
  after(async () => {
    for (const c of clients) c.ws.close();
    await app.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  const setup = () => roomWithMembers(app, ctx.database);

  test('dashboards: pin an answer, move it, share it read-only by token', async () => {
    const { owner, roomId, token, h } = await setup();
    const answer = await answerTo(app, owner, roomId, 'count by region');
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
    await join(ctx.database, owner, third);
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
