// Breedbase connections through HTTP on both databases: CRUD under a project, the secret sealed at rest and
// never answered, the SSRF guard on the URL, project roles, cross-tenant 404 and bad input 400.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { createTestApp } from '../../../test/app.ts';
import { forEachDatabase } from '../../../test/harness.ts';
import { inOrg, type Person, signUp } from '../../../test/http-factories.ts';
import { inScope } from '../../db/scope.ts';
import type { App } from '../../platform/http/app-types.ts';

forEachDatabase('breedbase connections', (ctx) => {
  let app: App;
  let owner: Person;
  let viewer: Person;
  let other: Person;
  let org: number;
  let projectId: number;
  let breedbaseId: number;

  const call = (who: Person, method: string, url: string, payload?: unknown, orgId = org) =>
    app.inject({
      method: method as 'GET',
      url,
      headers: inOrg(who, orgId),
      ...(payload === undefined ? {} : { payload: payload as object }),
    });

  before(async () => {
    app = await createTestApp(ctx.database, { LOGIN_RATE_LIMIT: '10000' });
    await app.ready();
    owner = await signUp(app);
    viewer = await signUp(app);
    other = await signUp(app);
    org = owner.orgId;
    await inScope(ctx.database.db, { organizationId: org, userId: owner.id }, (tx) =>
      tx
        .insertInto('organization_members')
        .values({ organization_id: org, user_id: viewer.id, role: 'member' })
        .execute(),
    );
    projectId = (await call(owner, 'POST', '/api/projects', { title: 'Wheat trial' })).json().id;
    const add = await call(owner, 'POST', `/api/projects/${projectId}/members`, {
      user_id: viewer.id,
      role: 'viewer',
    });
    assert.equal(add.statusCode, 201, add.body);
    breedbaseId = (await call(owner, 'GET', '/api/extensions'))
      .json()
      .find((e: { name: string }) => e.name === 'breedbase').id;
    for (const who of [owner, viewer]) {
      const g = await call(owner, 'PUT', `/api/extensions/${breedbaseId}/users/${who.id}`, {});
      assert.equal(g.statusCode, 200, g.body);
    }
  });
  after(() => app.close());

  test('create, read, change and delete; the secret is sealed and never answered', async () => {
    const secret = 'bb-token-very-secret-42';
    const made = await call(owner, 'POST', `/api/projects/${projectId}/breedbase-connections`, {
      base_url: 'https://breedbase.example.org',
      trial_ids: ['T1', 'T2'],
      username: 'field',
      secret,
    });
    assert.equal(made.statusCode, 201, made.body);
    const c = made.json();
    assert.equal(c.has_secret, true);
    assert.deepEqual(c.trial_ids, ['T1', 'T2']);
    assert.ok(!made.body.includes(secret));
    const stored = await inScope(ctx.database.db, { organizationId: org, userId: owner.id }, (tx) =>
      tx
        .selectFrom('breedbase_connections')
        .select('secret_sealed')
        .where('id', '=', c.id)
        .executeTakeFirstOrThrow(),
    );
    assert.ok(stored.secret_sealed && !stored.secret_sealed.includes(secret), 'sealed at rest');

    const read = await call(viewer, 'GET', `/api/breedbase-connections/${c.id}`);
    assert.equal(read.statusCode, 200, read.body);
    assert.ok(!read.body.includes(secret));
    const list = await call(viewer, 'GET', `/api/projects/${projectId}/breedbase-connections`);
    assert.deepEqual(
      (list.json() as { id: number }[]).map((x) => x.id),
      [c.id],
    );
    assert.equal(
      (await call(viewer, 'PATCH', `/api/breedbase-connections/${c.id}`, { trial_ids: [] })).statusCode,
      403,
    );
    const changed = await call(owner, 'PATCH', `/api/breedbase-connections/${c.id}`, {
      trial_ids: ['T3'],
      secret: null,
    });
    assert.equal(changed.statusCode, 200, changed.body);
    assert.deepEqual([changed.json().trial_ids, changed.json().has_secret], [['T3'], false]);
    assert.equal((await call(viewer, 'DELETE', `/api/breedbase-connections/${c.id}`)).statusCode, 403);
    assert.equal((await call(owner, 'DELETE', `/api/breedbase-connections/${c.id}`)).statusCode, 204);
    assert.equal((await call(owner, 'GET', `/api/breedbase-connections/${c.id}`)).statusCode, 404);
  });

  test("another organization's connection or project answers 404", async () => {
    const c = (
      await call(owner, 'POST', `/api/projects/${projectId}/breedbase-connections`, {
        base_url: 'https://bb.example.org',
      })
    ).json();
    for (const [method, url, body] of [
      ['GET', `/api/breedbase-connections/${c.id}`],
      ['PATCH', `/api/breedbase-connections/${c.id}`, { trial_ids: ['x'] }],
      ['DELETE', `/api/breedbase-connections/${c.id}`],
      ['GET', `/api/projects/${projectId}/breedbase-connections`],
      ['POST', `/api/projects/${projectId}/breedbase-connections`, { base_url: 'https://bb.example.org' }],
    ] as [string, string, object?][]) {
      const res = await call(other, method, url, body, other.orgId);
      assert.equal(res.statusCode, 404, `${method} ${url}: ${res.body}`);
    }
    assert.equal(
      (await call(owner, 'GET', `/api/breedbase-connections/${c.id}`)).json().base_url,
      'https://bb.example.org',
    );
  });

  test('bad input answers 400 with the reason; internal addresses are refused', async () => {
    const url = `/api/projects/${projectId}/breedbase-connections`;
    const internal = await call(owner, 'POST', url, { base_url: 'http://127.0.0.1:8080' });
    assert.equal(internal.statusCode, 400, internal.body);
    assert.match(internal.body, /base_url/);
    const ftp = await call(owner, 'POST', url, { base_url: 'ftp://bb.example.org' });
    assert.equal(ftp.statusCode, 400, ftp.body);
    const noUrl = await call(owner, 'POST', url, { trial_ids: ['a'] });
    assert.equal(noUrl.statusCode, 400, noUrl.body);
    assert.match(noUrl.body, /base_url/);
    const dup = await call(owner, 'POST', url, { base_url: 'https://bb.example.org', trial_ids: ['a', 'a'] });
    assert.equal(dup.statusCode, 400, dup.body);
    const empty = await call(owner, 'PATCH', '/api/breedbase-connections/1', {});
    assert.equal(empty.statusCode, 400, empty.body);
  });

  test('every route needs the breedbase extension: 403 extension_disabled without it', async () => {
    const c = (
      await call(owner, 'POST', `/api/projects/${projectId}/breedbase-connections`, {
        base_url: 'https://bb.example.org',
      })
    ).json();
    const off = await call(owner, 'PUT', `/api/extensions/${breedbaseId}/users/${viewer.id}`, {
      is_active: false,
    });
    assert.equal(off.statusCode, 200, off.body);
    try {
      for (const [method, url] of [
        ['GET', `/api/breedbase-connections/${c.id}`],
        ['GET', `/api/projects/${projectId}/breedbase-connections`],
      ]) {
        const res = await call(viewer, method!, url!);
        assert.equal(res.statusCode, 403, `${method} ${url}: ${res.body}`);
        assert.equal(res.json().error.code, 'extension_disabled');
        assert.match(res.json().error.message, /breedbase extension/);
      }
      // A project the person cannot see stays 404: access is checked before the extension.
      const res = await call(other, 'GET', `/api/breedbase-connections/${c.id}`, undefined, other.orgId);
      assert.equal(res.statusCode, 404, res.body);
    } finally {
      await call(owner, 'PUT', `/api/extensions/${breedbaseId}/users/${viewer.id}`, { is_active: true });
    }
    assert.equal((await call(viewer, 'GET', `/api/breedbase-connections/${c.id}`)).statusCode, 200);
  });
});
