// The read cache through HTTP: cached answers and principals are dropped by every change that could alter
// them, in this process before the change's answer returns and in another process when its NOTIFY arrives.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { createTestApp } from '../../../test/app.ts';
import { forEachDatabase } from '../../../test/harness.ts';
import { apiKeyFor, type Person, signUp } from '../../../test/http-factories.ts';
import { connectPostgres, type Database } from '../../db/database.ts';
import type { App } from '../http/app-types.ts';
import { createGenerations } from './generations.ts';
import { createReadCache } from './read-cache.ts';

async function projectOf(app: App, owner: Person): Promise<number> {
  const res = await app.inject({
    method: 'POST',
    url: '/api/projects',
    headers: owner.headers,
    payload: { title: 'Cached' },
  });
  assert.equal(res.statusCode, 201, res.body);
  return res.json().id;
}

forEachDatabase('read cache', (ctx) => {
  let app: App;
  before(async () => {
    app = await createTestApp(ctx.database);
    await app.ready();
  });
  after(() => app.close());
  const get = (url: string, headers: Record<string, string>) => app.inject({ method: 'GET', url, headers });

  test('a repeated read is served from the cache, and a change to the project is seen at once', async () => {
    const owner = await signUp(app);
    const key = await apiKeyFor(app, owner);
    const id = await projectOf(app, owner);
    const url = `/api/projects/${id}`;
    const first = await get(url, { 'x-api-key': key });
    assert.equal(first.statusCode, 200);
    assert.equal(first.headers['x-cache'], 'miss');
    const second = await get(url, { 'x-api-key': key });
    assert.equal(second.headers['x-cache'], 'hit');
    assert.equal(second.body, first.body);
    assert.equal(second.headers['content-type'], first.headers['content-type']);
    const patch = await app.inject({
      method: 'PATCH',
      url,
      headers: owner.headers,
      payload: { title: 'Renamed' },
    });
    assert.equal(patch.statusCode, 200);
    const third = await get(url, { 'x-api-key': key });
    assert.equal(third.json().title, 'Renamed');
    assert.equal(third.headers['x-cache'], 'miss');
  });

  test('a revoked key, a removed member and a deactivated account stop at once', async () => {
    const owner = await signUp(app);
    const member = await signUp(app);
    const id = await projectOf(app, owner);
    const url = `/api/projects/${id}`;
    // The member joins the owner's organization and the project.
    await ctx.database.db
      .insertInto('organization_members')
      .values({ organization_id: owner.orgId, user_id: member.id, role: 'member' })
      .execute();
    const add = await app.inject({
      method: 'POST',
      url: `/api/projects/${id}/members`,
      headers: owner.headers,
      payload: { user_id: member.id, role: 'viewer' },
    });
    assert.equal(add.statusCode, 201, add.body);
    const memberKey = await apiKeyFor(app, member);
    const asMember = { 'x-api-key': memberKey, 'x-organization-id': String(owner.orgId) };
    assert.equal((await get(url, asMember)).statusCode, 200);
    assert.equal((await get(url, asMember)).headers['x-cache'], 'hit');
    const removed = await app.inject({
      method: 'DELETE',
      url: `/api/projects/${id}/members/${member.id}`,
      headers: owner.headers,
    });
    assert.equal(removed.statusCode, 204, removed.body);
    assert.equal((await get(url, asMember)).statusCode, 404);

    const ownerKey = await apiKeyFor(app, owner);
    assert.equal((await get(url, { 'x-api-key': ownerKey })).statusCode, 200);
    assert.equal((await get(url, { 'x-api-key': ownerKey })).headers['x-cache'], 'hit');
    const keys = (await get('/api/api-keys', owner.headers)).json();
    const keyId = keys.find((k: { name: string }) => k.name === 'test key').id;
    const del = await app.inject({ method: 'DELETE', url: `/api/api-keys/${keyId}`, headers: owner.headers });
    assert.equal(del.statusCode, 204);
    assert.equal((await get(url, { 'x-api-key': ownerKey })).statusCode, 401);

    // An account switched off by an operator directly in the database (no API call) is refused too.
    const other = await signUp(app);
    const otherKey = await apiKeyFor(app, other);
    assert.equal((await get('/api/users/me', { 'x-api-key': otherKey })).statusCode, 200);
    await ctx.database.db.updateTable('users').set({ is_active: false }).where('id', '=', other.id).execute();
    assert.equal((await get('/api/users/me', { 'x-api-key': otherKey })).statusCode, 401);
  });

  test('answers are kept per person and organization', async () => {
    const a = await signUp(app);
    const b = await signUp(app);
    const id = await projectOf(app, a);
    const keyA = await apiKeyFor(app, a);
    const keyB = await apiKeyFor(app, b);
    assert.equal((await get(`/api/projects/${id}`, { 'x-api-key': keyA })).statusCode, 200);
    assert.equal((await get(`/api/projects/${id}`, { 'x-api-key': keyA })).headers['x-cache'], 'hit');
    const foreign = await get(`/api/projects/${id}`, { 'x-api-key': keyB });
    assert.equal(foreign.statusCode, 404);
    assert.equal(foreign.headers['x-cache'], undefined);
  });

  test('another process drops what it cached when the change is announced', async (t) => {
    if (ctx.kind !== 'postgres') return t.skip('one process owns an embedded database');
    const url = (ctx.database.pool.options as { connectionString: string }).connectionString;
    const second: Database = await connectPostgres(url, 2, 5000);
    const other = await createTestApp(second);
    try {
      const owner = await signUp(app);
      const key = await apiKeyFor(app, owner);
      const id = await projectOf(app, owner);
      const read = () =>
        other.inject({ method: 'GET', url: `/api/projects/${id}`, headers: { 'x-api-key': key } });
      assert.equal((await read()).statusCode, 200);
      assert.equal((await read()).headers['x-cache'], 'hit');
      const heard = new Promise<string>((resolve) => {
        const stop = second.changes.subscribe((payload) => {
          stop();
          resolve(payload);
        });
      });
      const patch = await app.inject({
        method: 'PATCH',
        url: `/api/projects/${id}`,
        headers: owner.headers,
        payload: { title: 'Changed elsewhere' },
      });
      assert.equal(patch.statusCode, 200);
      assert.equal(await heard, `org:${owner.orgId}`);
      const after = await read();
      assert.equal(after.json().title, 'Changed elsewhere');
    } finally {
      await other.close();
      await second.close();
    }
  });
});

test('generations: a stamp taken before a change never stores; switching off drops everything', () => {
  const generations = createGenerations();
  const cache = createReadCache<string>(generations, 2);
  const early = generations.stamp(7, 1);
  generations.bump('org:7');
  cache.set('a', 'old', early);
  assert.equal(cache.get('a'), undefined, 'stamped before the change');
  cache.set('a', 'new', generations.stamp(7, 1));
  assert.equal(cache.get('a'), 'new');
  generations.bump('org:8');
  assert.equal(cache.get('a'), 'new', 'another organization changed');
  generations.bump('*');
  assert.equal(cache.get('a'), undefined);
  cache.set('b', '1', generations.stamp(null, null));
  cache.set('c', '2', generations.stamp(null, null));
  cache.set('d', '3', generations.stamp(null, null));
  assert.equal(cache.size, 2, 'bounded');
  assert.equal(cache.get('b'), undefined, 'oldest went first');
  generations.setEnabled(false);
  assert.equal(generations.stamp(null, null), null);
  assert.equal(cache.get('d'), undefined);
  generations.setEnabled(true);
  const aged = createReadCache<string>(generations, 10, 0);
  aged.set('x', 'y', generations.stamp(null, null));
  const until = performance.now() + 2;
  while (performance.now() < until) {}
  assert.equal(aged.get('x'), undefined, 'older than its age limit');
});
