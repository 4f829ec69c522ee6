// The signed-in user's account and user administration through HTTP.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { createTestApp } from '../../../test/app.ts';
import { forEachDatabase } from '../../../test/harness.ts';
import { apiKeyFor, PASSWORD, type Person, signUp } from '../../../test/http-factories.ts';
import type { App } from '../../platform/http/app-types.ts';

forEachDatabase('users', (ctx) => {
  let app: App;
  let admin: Person;
  before(async () => {
    app = await createTestApp(ctx.database);
    await app.ready();
    admin = await signUp(app); // first user: superuser
  });
  after(() => app.close());

  test('GET and PATCH /api/users/me', async () => {
    const p = await signUp(app);
    const res = await app.inject({
      method: 'PATCH',
      url: '/api/users/me',
      headers: p.headers,
      payload: {
        first_name: 'Ada',
        country: 'Italy',
        profession: 'surveyor',
        avatar: 'https://example.test/a.png',
      },
    });
    assert.equal(res.statusCode, 200);
    const me = (await app.inject({ method: 'GET', url: '/api/users/me', headers: p.headers })).json();
    assert.deepEqual(
      [me.first_name, me.country, me.profession, me.avatar],
      ['Ada', 'Italy', 'surveyor', 'https://example.test/a.png'],
    );
  });

  test("the active organization must be one of the user's (404 otherwise); bad input is 400", async () => {
    const p = await signUp(app);
    const other = await signUp(app);
    const foreign = await app.inject({
      method: 'PATCH',
      url: '/api/users/me',
      headers: p.headers,
      payload: { active_organization: other.orgId },
    });
    assert.equal(foreign.statusCode, 404);
    for (const payload of [
      {},
      { is_superuser: true },
      { avatar: 'not a url' },
      { first_name: 'x'.repeat(101) },
    ]) {
      const res = await app.inject({ method: 'PATCH', url: '/api/users/me', headers: p.headers, payload });
      assert.equal(res.statusCode, 400, JSON.stringify(payload));
    }
  });

  test('changing the password needs the current one and ends other sessions', async () => {
    const p = await signUp(app);
    const wrong = await app.inject({
      method: 'POST',
      url: '/api/users/me/password',
      headers: p.headers,
      payload: { current_password: 'Nope-nope1', new_password: 'Brand-New1pw' },
    });
    assert.equal(wrong.statusCode, 400);
    assert.match(wrong.json().error.message, /current_password/);
    const weak = await app.inject({
      method: 'POST',
      url: '/api/users/me/password',
      headers: p.headers,
      payload: { current_password: PASSWORD, new_password: 'weak' },
    });
    assert.match(weak.json().error.message, /new_password must be at least 8/);
    const ok = await app.inject({
      method: 'POST',
      url: '/api/users/me/password',
      headers: p.headers,
      payload: { current_password: PASSWORD, new_password: 'Brand-New1pw' },
    });
    assert.equal(ok.statusCode, 204);
    const refresh = await app.inject({
      method: 'POST',
      url: '/api/auth/refresh',
      payload: { refresh_token: p.refreshToken },
    });
    assert.equal(refresh.statusCode, 401);
    const login = await app.inject({
      method: 'POST',
      url: '/api/auth/login',
      payload: { login: p.email, password: 'Brand-New1pw' },
    });
    assert.equal(login.statusCode, 200);
  });

  test('administration: only superusers/staff list users; approve, deactivate, reactivate', async () => {
    const p = await signUp(app);
    const key = await apiKeyFor(app, p);
    const denied = await app.inject({ method: 'GET', url: '/api/admin/users', headers: p.headers });
    assert.equal(denied.statusCode, 403);
    const found = await app.inject({
      method: 'GET',
      url: `/api/admin/users?search=${p.username.slice(0, 6)}&page_size=5`,
      headers: admin.headers,
    });
    assert.equal(found.statusCode, 200);
    assert.ok(found.json().results.some((u: { id: number }) => u.id === p.id));
    assert.ok(found.json().count >= 1);

    const approve = await app.inject({
      method: 'POST',
      url: `/api/admin/users/${p.id}/approve`,
      headers: admin.headers,
    });
    assert.equal(approve.json().is_approved, true);
    const off = await app.inject({
      method: 'POST',
      url: `/api/admin/users/${p.id}/deactivate`,
      headers: admin.headers,
    });
    assert.equal(off.json().is_active, false);
    assert.equal(
      (await app.inject({ method: 'GET', url: '/api/users/me', headers: { 'x-api-key': key } })).statusCode,
      401,
    );
    const login = await app.inject({
      method: 'POST',
      url: '/api/auth/login',
      payload: { login: p.email, password: PASSWORD },
    });
    assert.equal(login.statusCode, 401);
    const on = await app.inject({
      method: 'POST',
      url: `/api/admin/users/${p.id}/reactivate`,
      headers: admin.headers,
    });
    assert.equal(on.json().is_active, true);
    assert.equal(
      (await app.inject({ method: 'GET', url: '/api/users/me', headers: { 'x-api-key': key } })).statusCode,
      200,
    );
    const missing = await app.inject({
      method: 'POST',
      url: '/api/admin/users/999999999/approve',
      headers: admin.headers,
    });
    assert.equal(missing.statusCode, 404);
    const self = await app.inject({
      method: 'POST',
      url: `/api/admin/users/${admin.id}/deactivate`,
      headers: admin.headers,
    });
    assert.equal(self.statusCode, 409);
  });
});
