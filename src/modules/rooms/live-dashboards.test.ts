// A member removed from a room stops receiving its messages at once; a pinned panel's query runs again on
// open, cached while the room's files stay the same and fresh once one changes.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { createTestApp } from '../../../test/app.ts';
import { forEachDatabase } from '../../../test/harness.ts';
import { inOrg, signUp } from '../../../test/http-factories.ts';
import { inScope } from '../../db/scope.ts';
import type { App } from '../../platform/http/app-types.ts';
import { answerTo, attach, type Client, connect, roomWith, upload } from './rooms.test-kit.ts';

forEachDatabase('rooms-live-dashboards', (ctx) => {
  let app: App;
  let wsUrl: string;
  let dataDir: string;
  const clients: Client[] = [];

  before(async () => {
    dataDir = mkdtempSync(path.join(tmpdir(), 'gt-rooms-live-'));
    app = await createTestApp(ctx.database, { DATA_DIR: dataDir });
    const address = await app.listen({ port: 0, host: '127.0.0.1' });
    wsUrl = `${address.replace('http', 'ws')}/api/ws`;
  });
  after(async () => {
    for (const c of clients) c.ws.close();
    await app.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  test('a removed member stops receiving the room at once; the others keep it', async () => {
    const { owner, h, roomId } = await roomWith(app);
    const member = await signUp(app);
    await inScope(ctx.database.db, { organizationId: owner.orgId, userId: owner.id }, (tx) =>
      tx
        .insertInto('organization_members')
        .values({ organization_id: owner.orgId, user_id: member.id, role: 'member' })
        .execute(),
    );
    const add = await app.inject({
      method: 'POST',
      url: `/api/rooms/${roomId}/members`,
      headers: h,
      payload: { user_id: member.id },
    });
    assert.equal(add.statusCode, 201, add.body);
    const [o, m] = await Promise.all([
      connect(wsUrl, owner.accessToken, owner.orgId),
      connect(wsUrl, member.accessToken, owner.orgId),
    ]);
    clients.push(o!, m!);
    for (const c of [o!, m!]) {
      c.ws.send(JSON.stringify({ type: 'subscribe', room_id: roomId }));
      await c.next((f) => f.type === 'subscribed');
    }
    const first = await app.inject({
      method: 'POST',
      url: `/api/rooms/${roomId}/messages`,
      headers: h,
      payload: { text: 'columns' },
    });
    await m!.next((f) => f.type === 'message' && (f.message as { id: number }).id === first.json().id);

    const removed = await app.inject({
      method: 'DELETE',
      url: `/api/rooms/${roomId}/members/${member.id}`,
      headers: h,
    });
    assert.equal(removed.statusCode, 204, removed.body);
    const gone = await m!.next((f) => f.type === 'unsubscribed');
    assert.equal(gone.room_id, roomId);
    assert.equal(gone.code, 'not_found');
    const seenBefore = m!.frames.filter((f) => f.type === 'message').length;

    const posted = await app.inject({
      method: 'POST',
      url: `/api/rooms/${roomId}/messages`,
      headers: h,
      payload: { text: 'count by region' },
    });
    const id = posted.json().id as number;
    await o!.next((f) => f.type === 'message' && (f.message as { reply_to: number | null }).reply_to === id);
    assert.equal(
      m!.frames.filter((f) => f.type === 'message').length,
      seenBefore,
      'the removed member got a message',
    );
    // Subscribing again is refused; the room answers 404 to them over HTTP too.
    m!.ws.send(JSON.stringify({ type: 'subscribe', room_id: roomId }));
    const refused = await m!.next((f) => f.type === 'error' && f.room_id === roomId);
    assert.equal(refused.code, 'not_found');
    const http = await app.inject({
      method: 'GET',
      url: `/api/rooms/${roomId}/messages`,
      headers: inOrg(member, owner.orgId),
    });
    assert.equal(http.statusCode, 404);
  });

  test('a panel re-runs its query on open: cached for the same files, fresh after a file changes', async () => {
    const { owner, h, roomId, fileId, token } = await roomWith(app);
    const answer = await answerTo(app, owner, roomId, 'count by region');
    const created = await app.inject({
      method: 'POST',
      url: `/api/rooms/${roomId}/panels`,
      headers: h,
      payload: { name: 'By region', layout: { x: 0, y: 0, w: 6, h: 4 }, config: { message_id: answer.id } },
    });
    assert.equal(created.statusCode, 201, created.body);
    const panelUrl = `/api/rooms/${roomId}/panels/${created.json().id}`;
    const open1 = (await app.inject({ method: 'GET', url: panelUrl, headers: h })).json();
    assert.equal(open1.result.cached, false);
    assert.deepEqual(open1.result.table.rows, [
      ['north', 2],
      ['east', 1],
      ['south', 1],
    ]);
    const open2 = (await app.inject({ method: 'GET', url: panelUrl, headers: h })).json();
    assert.equal(open2.result.cached, true);
    assert.equal(open2.result.files_version, open1.result.files_version);

    // A new version of the file: the old one detached, the new one attached under the same table name.
    const up = await upload(app, owner, [
      { name: 'sales.csv', bytes: 'region,amount,day\nwest,1,2024-02-01\nwest,2,2024-02-02\n' },
    ]);
    assert.equal(up.statusCode, 201, up.body);
    const detach = await app.inject({
      method: 'DELETE',
      url: `/api/rooms/${roomId}/files/${fileId}`,
      headers: h,
    });
    assert.equal(detach.statusCode, 204, detach.body);
    await attach(app, owner, roomId, up.json().id);
    const open3 = (await app.inject({ method: 'GET', url: panelUrl, headers: h })).json();
    assert.equal(open3.result.cached, false);
    assert.notEqual(open3.result.files_version, open1.result.files_version);
    assert.deepEqual(open3.result.table.rows, [['west', 2]]);
    // The panel's chart keeps its spec with the fresh rows (one bar, not the pinned three).
    const values = open3.result.chart.data.values as { region: string; count: number }[];
    assert.deepEqual(values, [{ region: 'west', count: 2 }]);
    assert.equal(open3.result.chart.mark, 'bar');

    const list = (await app.inject({ method: 'GET', url: `/api/rooms/${roomId}/panels`, headers: h })).json();
    assert.equal(list.results[0].result.cached, true);
    const shared = (await app.inject({ method: 'GET', url: `/api/shared/rooms/${token}` })).json();
    assert.deepEqual(shared.panels[0].result.table.rows, [['west', 2]]);
  });
});
