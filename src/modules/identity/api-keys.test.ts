// API keys and Label Studio's token endpoints through HTTP.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { createTestApp } from '../../../test/app.ts';
import { forEachDatabase } from '../../../test/harness.ts';
import { apiKeyFor, signUp } from '../../../test/http-factories.ts';
import type { App } from '../../platform/http/app-types.ts';

forEachDatabase('api keys', (ctx) => {
  let app: App;
  before(async () => {
    app = await createTestApp(ctx.database);
    await app.ready();
    await signUp(app);
  });
  after(() => app.close());
  const me = (headers: Record<string, string>) =>
    app.inject({ method: 'GET', url: '/api/users/me', headers });

  test('a key is shown once, listed without its secret, and works in all three headers', async () => {
    const p = await signUp(app);
    const res = await app.inject({
      method: 'POST',
      url: '/api/api-keys',
      headers: p.headers,
      payload: { name: 'ci' },
    });
    assert.equal(res.statusCode, 201);
    const created = res.json();
    assert.match(created.key, /^gt_[0-9a-f]{40}$/);
    assert.equal(created.prefix, created.key.slice(0, 8));
    const list = await app.inject({ method: 'GET', url: '/api/api-keys', headers: p.headers });
    assert.deepEqual(
      list.json().map((k: { id: number; name: string }) => [k.id, k.name]),
      [[created.id, 'ci']],
    );
    assert.ok(!list.body.includes(created.key.slice(8)), 'no secret in the listing');
    const variants: Record<string, string>[] = [
      { authorization: `Token ${created.key}` },
      { authorization: `Bearer ${created.key}` },
      { 'x-api-key': created.key },
    ];
    for (const headers of variants) {
      const who = await me(headers);
      assert.equal(who.statusCode, 200, JSON.stringify(headers));
      assert.equal(who.json().id, p.id);
    }
    const stored = await ctx.database.db
      .selectFrom('api_keys')
      .select('key_hash')
      .where('id', '=', created.id)
      .executeTakeFirstOrThrow();
    assert.notEqual(stored.key_hash, created.key);
    assert.match(stored.key_hash, /^[0-9a-f]{64}$/);
  });

  test('a revoked key is refused at once; another user cannot revoke it (404)', async () => {
    const p = await signUp(app);
    const other = await signUp(app);
    const key = await apiKeyFor(app, p);
    const id = (await app.inject({ method: 'GET', url: '/api/api-keys', headers: p.headers })).json()[0].id;
    const foreign = await app.inject({
      method: 'DELETE',
      url: `/api/api-keys/${id}`,
      headers: other.headers,
    });
    assert.equal(foreign.statusCode, 404);
    assert.equal((await me({ 'x-api-key': key })).statusCode, 200);
    const del = await app.inject({ method: 'DELETE', url: `/api/api-keys/${id}`, headers: p.headers });
    assert.equal(del.statusCode, 204);
    const after = await me({ 'x-api-key': key });
    assert.equal(after.statusCode, 401);
    assert.match(after.json().error.message, /invalid API key/);
  });

  test('expiry: a past expires_at is refused, an expired key stops working', async () => {
    const p = await signUp(app);
    const past = await app.inject({
      method: 'POST',
      url: '/api/api-keys',
      headers: p.headers,
      payload: { name: 'old', expires_at: '2001-01-01T00:00:00Z' },
    });
    assert.equal(past.statusCode, 400);
    const soon = await app.inject({
      method: 'POST',
      url: '/api/api-keys',
      headers: p.headers,
      payload: { name: 'soon', expires_at: new Date(Date.now() + 60_000).toISOString() },
    });
    const { id, key } = soon.json();
    await ctx.database.db
      .updateTable('api_keys')
      .set({ expires_at: new Date(Date.now() - 1000) })
      .where('id', '=', id)
      .execute();
    const res = await me({ authorization: `Token ${key}` });
    assert.equal(res.statusCode, 401);
    assert.match(res.json().error.message, /expired/);
  });

  test('bad input: empty name, unknown field, non-integer id', async () => {
    const p = await signUp(app);
    for (const payload of [{ name: '' }, { name: 'x', admin: true }, {}]) {
      const res = await app.inject({ method: 'POST', url: '/api/api-keys', headers: p.headers, payload });
      assert.equal(res.statusCode, 400, JSON.stringify(payload));
      assert.equal(res.json().error.code, 'validation_failed');
    }
    const res = await app.inject({ method: 'DELETE', url: '/api/api-keys/abc', headers: p.headers });
    assert.equal(res.statusCode, 400);
  });

  test('Label Studio: token is stable until reset; reset refuses the old one; whoami', async () => {
    const p = await signUp(app);
    const first = await app.inject({ method: 'GET', url: '/api/current-user/token', headers: p.headers });
    const again = await app.inject({ method: 'GET', url: '/api/current-user/token', headers: p.headers });
    const token = first.json().token;
    assert.match(token, /^[0-9a-f]{40}$/);
    assert.equal(again.json().token, token);
    const who = await app.inject({
      method: 'GET',
      url: '/api/current-user/whoami',
      headers: { authorization: `Token ${token}` },
    });
    assert.equal(who.statusCode, 200);
    assert.equal(who.json().username, p.username);
    assert.equal(who.json().initials, 'TP');
    const reset = await app.inject({
      method: 'POST',
      url: '/api/current-user/reset-token',
      headers: p.headers,
    });
    const fresh = reset.json().token;
    assert.notEqual(fresh, token);
    assert.equal((await me({ authorization: `Token ${token}` })).statusCode, 401);
    assert.equal((await me({ authorization: `Token ${fresh}` })).statusCode, 200);
    const listed = await app.inject({ method: 'GET', url: '/api/api-keys', headers: p.headers });
    assert.deepEqual(listed.json(), [], 'the legacy token is not one of the personal keys');
  });
});
