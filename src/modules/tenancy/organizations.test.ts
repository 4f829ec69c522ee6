// Organizations through HTTP: create, list, read, edit, delete; role rules, isolation, bad input, audit log.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { createTestApp } from '../../../test/app.ts';
import { forEachDatabase } from '../../../test/harness.ts';
import { type Person, signUp } from '../../../test/http-factories.ts';
import type { App } from '../../platform/http/app-types.ts';
import { addMember, expectError } from './org-fixtures.ts';

forEachDatabase('organizations', (ctx) => {
  let app: App;
  before(async () => {
    app = await createTestApp(ctx.database, { LOGIN_RATE_LIMIT: '10000' });
    await app.ready();
    await signUp(app); // the instance's first user is a superuser; tests use ordinary people
  });
  after(() => app.close());

  const call = (method: 'GET' | 'POST' | 'PATCH' | 'DELETE', url: string, who: Person, payload?: object) =>
    app.inject({ method, url, headers: who.headers, ...(payload ? { payload } : {}) });

  async function createOrg(who: Person, payload: { name: string; slug?: string }) {
    const res = await call('POST', '/api/organizations', who, payload);
    assert.equal(res.statusCode, 201, res.body);
    return res.json();
  }

  test('create: the creator is owner; the slug derives from the name and is made unique', async () => {
    const p = await signUp(app);
    const org = await createOrg(p, { name: 'Acme Survey Lab' });
    assert.equal(org.name, 'Acme Survey Lab');
    assert.equal(org.role, 'owner');
    assert.equal(org.is_personal, false);
    assert.equal(org.created_by, p.id);
    assert.deepEqual(org.contact_info, {});
    assert.match(org.slug, /^acme-survey-lab(-[0-9a-f]{6})?$/);
    const again = await createOrg(p, { name: 'Acme Survey Lab' });
    assert.notEqual(again.slug, org.slug);
    assert.ok(again.slug.startsWith('acme-survey-lab-'), again.slug);

    const members = await call('GET', `/api/organizations/${org.id}/memberships`, p);
    assert.deepEqual(
      members.json().results.map((m: { user: { id: number }; role: string }) => [m.user.id, m.role]),
      [[p.id, 'owner']],
    );
  });

  test('an explicit slug that is taken answers 409, also when another tenant holds it', async () => {
    const p = await signUp(app);
    const q = await signUp(app);
    const slug = `taken-${p.id}`;
    await createOrg(p, { name: 'First', slug });
    for (const who of [p, q]) {
      const res = await call('POST', '/api/organizations', who, { name: 'Second', slug });
      expectError(res, 409, 'conflict');
    }
    const mine = await createOrg(q, { name: 'Mine', slug: `mine-${q.id}` });
    expectError(await call('PATCH', `/api/organizations/${mine.id}`, q, { slug }), 409, 'conflict');
  });

  test('list: my organizations with my role, newest first, paged', async () => {
    const p = await signUp(app);
    const other = await signUp(app);
    const a = await createOrg(p, { name: 'Alpha' });
    const b = await createOrg(p, { name: 'Beta' });
    const theirs = await createOrg(other, { name: 'Theirs' });
    await addMember(ctx.database, theirs.id, p.id, 'member');
    const res = await call('GET', '/api/organizations', p);
    assert.equal(res.statusCode, 200);
    const body = res.json();
    assert.equal(body.count, 4);
    assert.deepEqual(
      body.results.map((o: { id: number; role: string }) => [o.id, o.role]),
      [
        [theirs.id, 'member'],
        [b.id, 'owner'],
        [a.id, 'owner'],
        [p.orgId, 'owner'],
      ],
    );
    assert.equal(body.results[3].is_personal, true);
    const page = (await call('GET', '/api/organizations?page=2&page_size=3', p)).json();
    assert.equal(page.count, 4);
    assert.deepEqual(
      page.results.map((o: { id: number }) => o.id),
      [p.orgId],
    );
    assert.equal(page.next, null);
    assert.match(page.previous, /page=1/);
    const theirList = (await call('GET', '/api/organizations', other)).json();
    assert.ok(!theirList.results.some((o: { id: number }) => o.id === a.id || o.id === b.id));
  });

  test('read, edit and delete', async () => {
    const p = await signUp(app);
    const org = await createOrg(p, { name: 'Old name' });
    const got = await call('GET', `/api/organizations/${org.id}`, p);
    assert.equal(got.statusCode, 200);
    assert.equal(got.json().name, 'Old name');
    const patched = await call('PATCH', `/api/organizations/${org.id}`, p, {
      name: 'New name',
      slug: `new-name-${p.id}`,
      contact_info: { email: 'office@example.test', phone: '+1 555' },
    });
    assert.equal(patched.statusCode, 200, patched.body);
    assert.equal(patched.json().name, 'New name');
    assert.equal(patched.json().slug, `new-name-${p.id}`);
    assert.deepEqual(patched.json().contact_info, { email: 'office@example.test', phone: '+1 555' });
    assert.equal((await call('GET', `/api/organizations/${org.id}`, p)).json().name, 'New name');

    const del = await call('DELETE', `/api/organizations/${org.id}`, p);
    assert.equal(del.statusCode, 204);
    expectError(await call('GET', `/api/organizations/${org.id}`, p), 404, 'not_found');
    const list = (await call('GET', '/api/organizations', p)).json();
    assert.deepEqual(
      list.results.map((o: { id: number }) => o.id),
      [p.orgId],
    );
    // The deletion is kept in the deleter's personal organization (the organization's own log went with it).
    const log = (
      await call('GET', `/api/organizations/${p.orgId}/audit-log?action=organization.delete`, p)
    ).json();
    assert.equal(log.count, 1);
    assert.equal(log.results[0].target_id, String(org.id));
  });

  test('deleting the active organization clears it on the user', async () => {
    const p = await signUp(app);
    assert.equal((await call('DELETE', `/api/organizations/${p.orgId}`, p)).statusCode, 204);
    const me = (await call('GET', '/api/users/me', p)).json();
    assert.equal(me.active_organization, null);
  });

  test('roles: members read but do not edit; admins edit but do not delete', async () => {
    const owner = await signUp(app);
    const admin = await signUp(app);
    const member = await signUp(app);
    const org = await createOrg(owner, { name: 'Roles Inc' });
    await addMember(ctx.database, org.id, admin.id, 'admin');
    await addMember(ctx.database, org.id, member.id, 'member');
    const read = await call('GET', `/api/organizations/${org.id}`, member);
    assert.equal(read.statusCode, 200);
    assert.equal(read.json().role, 'member');
    expectError(await call('PATCH', `/api/organizations/${org.id}`, member, { name: 'x' }), 403, 'forbidden');
    expectError(await call('DELETE', `/api/organizations/${org.id}`, member), 403, 'forbidden');
    const byAdmin = await call('PATCH', `/api/organizations/${org.id}`, admin, { name: 'Renamed by admin' });
    assert.equal(byAdmin.statusCode, 200);
    assert.equal(byAdmin.json().role, 'admin');
    expectError(await call('DELETE', `/api/organizations/${org.id}`, admin), 403, 'forbidden');
    assert.equal((await call('GET', `/api/organizations/${org.id}`, owner)).json().name, 'Renamed by admin');
  });

  test("cross-tenant: a non-member gets 404 on every route with this organization's id", async () => {
    const owner = await signUp(app);
    const outsider = await signUp(app);
    const org = await createOrg(owner, { name: 'Secret Org Zq7' });
    const calls: [Parameters<typeof call>[0], string, object?][] = [
      ['GET', `/api/organizations/${org.id}`],
      ['PATCH', `/api/organizations/${org.id}`, { name: 'hijacked' }],
      ['DELETE', `/api/organizations/${org.id}`],
      ['GET', `/api/organizations/${org.id}/memberships`],
      ['PATCH', `/api/organizations/${org.id}/memberships/${owner.id}`, { role: 'member' }],
      ['DELETE', `/api/organizations/${org.id}/memberships/${owner.id}`],
      ['GET', `/api/organizations/${org.id}/invitations`],
      ['POST', `/api/organizations/${org.id}/invitations`, { email: 'x@example.test', role: 'owner' }],
      ['DELETE', `/api/organizations/${org.id}/invitations/1`],
      ['GET', `/api/organizations/${org.id}/audit-log`],
    ];
    for (const [method, url, payload] of calls) {
      const res = await call(method, url, outsider, payload);
      expectError(res, 404, 'not_found');
      assert.ok(!res.body.includes('Zq7') && !res.body.includes(owner.email), `${method} ${url} leaked`);
    }
    const list = await call('GET', '/api/organizations', outsider);
    assert.ok(!list.body.includes('Zq7'));
    const still = await call('GET', `/api/organizations/${org.id}`, owner);
    assert.equal(still.json().name, 'Secret Org Zq7');
    assert.equal((await call('GET', `/api/organizations/${org.id}/memberships`, owner)).json().count, 1);
  });

  test('bad input answers 400 with the error shape', async () => {
    const p = await signUp(app);
    const bodies = [
      {},
      { name: '' },
      { name: 'x'.repeat(256) },
      { name: 'ok', slug: 'Bad Slug' },
      { name: 'ok', slug: '-edge-' },
      { name: 'ok', slug: 'double--hyphen' },
      { name: 'ok', unexpected: 1 },
      { name: 42 },
    ];
    for (const payload of bodies) {
      expectError(await call('POST', '/api/organizations', p, payload), 400, 'validation_failed');
    }
    for (const payload of [
      {},
      { slug: 'UPPER' },
      { contact_info: 'text' },
      { contact_info: [1] },
      { x: 1 },
    ]) {
      expectError(await call('PATCH', `/api/organizations/${p.orgId}`, p, payload), 400);
    }
    for (const id of ['1.5', 'abc', '0', '-3', '1e3', '99999999999999999999']) {
      expectError(await call('GET', `/api/organizations/${id}`, p), 400);
    }
    expectError(await call('GET', '/api/organizations?page=0', p), 400);
  });

  test('APPROVAL_REQUIRED: an unapproved account cannot create organizations', async () => {
    const strict = await createTestApp(ctx.database, { APPROVAL_REQUIRED: 'true' });
    try {
      await strict.ready();
      const p = await signUp(strict);
      const res = await strict.inject({
        method: 'POST',
        url: '/api/organizations',
        headers: p.headers,
        payload: { name: 'Not yet' },
      });
      expectError(res, 403, 'forbidden');
    } finally {
      await strict.close();
    }
  });

  test('audit log: owners and admins read it newest first, filter by action; members get 403', async () => {
    const owner = await signUp(app);
    const admin = await signUp(app);
    const member = await signUp(app);
    const org = await createOrg(owner, { name: 'Audited' });
    await addMember(ctx.database, org.id, admin.id, 'admin');
    await addMember(ctx.database, org.id, member.id, 'member');
    await call('PATCH', `/api/organizations/${org.id}`, owner, { name: 'Audited 2' });
    await call('PATCH', `/api/organizations/${org.id}/memberships/${member.id}`, owner, { role: 'admin' });
    const res = await call('GET', `/api/organizations/${org.id}/audit-log`, admin);
    assert.equal(res.statusCode, 200, res.body);
    const body = res.json();
    assert.deepEqual(
      body.results.map((e: { action: string }) => e.action),
      ['membership.role_change', 'organization.update', 'organization.create'],
    );
    const change = body.results[0];
    assert.equal(change.actor.id, owner.id);
    assert.equal(change.actor.username, owner.username);
    assert.equal(change.target_type, 'user');
    assert.equal(change.target_id, String(member.id));
    assert.deepEqual(change.details, { from: 'member', to: 'admin' });
    assert.equal(change.auth_method, 'jwt');
    const filtered = await call(
      'GET',
      `/api/organizations/${org.id}/audit-log?action=organization.update`,
      owner,
    );
    assert.deepEqual(
      filtered.json().results.map((e: { action: string }) => e.action),
      ['organization.update'],
    );
    const paged = (
      await call('GET', `/api/organizations/${org.id}/audit-log?page_size=1&page=3`, owner)
    ).json();
    assert.equal(paged.count, 3);
    assert.equal(paged.results[0].action, 'organization.create');
    // `member` was promoted above; a plain member may not read the log
    const plain = await signUp(app);
    await addMember(ctx.database, org.id, plain.id, 'member');
    expectError(await call('GET', `/api/organizations/${org.id}/audit-log`, plain), 403, 'forbidden');
    expectError(await call('GET', `/api/organizations/${org.id}/audit-log?action=DROP TABLE`, owner), 400);
  });
});
