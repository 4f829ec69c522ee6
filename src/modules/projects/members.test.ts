// Project members and the D2S role rules through HTTP: viewers read, managers edit and manage non-owners,
// owners delete and manage owners, the last owner stays, anyone may leave.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { createTestApp } from '../../../test/app.ts';
import { forEachDatabase } from '../../../test/harness.ts';
import { type Person, signUp } from '../../../test/http-factories.ts';
import { inScope } from '../../db/scope.ts';
import type { App } from '../../platform/http/app-types.ts';
import { assertError, caller, joinOrganization, type Method } from './projects.test-kit.ts';

forEachDatabase('project members and roles', (ctx) => {
  let app: App;
  let call: ReturnType<typeof caller>;

  before(async () => {
    app = await createTestApp(ctx.database, { LOGIN_RATE_LIMIT: '10000' });
    await app.ready();
    call = caller(app);
    await signUp(app); // the first person is a superuser; nobody below is
  });
  after(() => app.close());

  /** An organization (the owner's personal one) with a project and people holding the given project roles. */
  async function setup(roles: string[] = []) {
    const owner = await signUp(app);
    const orgId = owner.orgId;
    const created = await call(owner, 'POST', '/api/projects', { title: 'Team project' });
    assert.equal(created.statusCode, 201, created.body);
    const projectId: number = created.json().id;
    const people: Record<string, Person> = {};
    for (const role of roles) {
      const person = await signUp(app);
      await joinOrganization(ctx.database, owner, orgId, person);
      const res = await call(owner, 'POST', `/api/projects/${projectId}/members`, {
        user_id: person.id,
        role,
      });
      assert.equal(res.statusCode, 201, res.body);
      people[role] = person;
    }
    const as = (person: Person, method: Method, path = '', payload?: object) =>
      call(person, method, `/api/projects/${projectId}${path}`, payload, orgId);
    const roleOf = async (person: Person) => {
      const res = await as(owner, 'GET', '/members?page_size=1000');
      return res.json().results.find((m: { user: { id: number } }) => m.user.id === person.id)?.role ?? null;
    };
    return { owner, orgId, projectId, people, as, roleOf };
  }

  test('members list: direct members with user objects, paged', async () => {
    const { owner, people, as } = await setup(['viewer', 'annotator']);
    const res = await as(people.viewer!, 'GET', '/members?page_size=2');
    assert.equal(res.statusCode, 200, res.body);
    const body = res.json();
    assert.equal(body.count, 3);
    assert.equal(body.results.length, 2);
    assert.ok(body.next);
    assert.deepEqual(body.results[0], {
      user: {
        id: owner.id,
        email: owner.email,
        username: owner.username,
        first_name: 'Test',
        last_name: 'Person',
      },
      role: 'owner',
      created_at: body.results[0].created_at,
    });
    const rest = (await as(owner, 'GET', '/members?page=2&page_size=2')).json();
    assert.equal(rest.results.length, 1);
  });

  test('viewer reads but cannot edit, manage members or modules', async () => {
    const { people, as } = await setup(['viewer']);
    const viewer = people.viewer!;
    const got = await as(viewer, 'GET');
    assert.equal(got.statusCode, 200, got.body);
    assert.equal(got.json().role, 'viewer');
    assertError(await as(viewer, 'PATCH', '', { title: 'nope' }), 403, 'forbidden');
    assertError(await as(viewer, 'DELETE'), 403, 'forbidden');
    const other = await signUp(app);
    assertError(
      await as(viewer, 'POST', '/members', { user_id: other.id, role: 'viewer' }),
      403,
      'forbidden',
    );
    assertError(await as(viewer, 'PUT', '/modules', { enabled: ['photos'] }), 403, 'forbidden');
    assert.equal((await as(viewer, 'POST', '/like')).statusCode, 200);
  });

  test('manager edits and manages viewers, but neither deletes the project nor touches owners', async () => {
    const { owner, orgId, people, as, roleOf } = await setup(['manager']);
    const manager = people.manager!;
    const patched = await as(manager, 'PATCH', '', { title: 'Renamed by manager' });
    assert.equal(patched.statusCode, 200, patched.body);
    assert.equal(patched.json().title, 'Renamed by manager');
    assert.equal(patched.json().role, 'manager');

    const newcomer = await signUp(app);
    await joinOrganization(ctx.database, owner, orgId, newcomer);
    const added = await as(manager, 'POST', '/members', { user_id: newcomer.id, role: 'viewer' });
    assert.equal(added.statusCode, 201, added.body);
    assert.equal(added.json().user.id, newcomer.id);
    assert.equal(added.json().role, 'viewer');
    const changed = await as(manager, 'PATCH', `/members/${newcomer.id}`, { role: 'annotator' });
    assert.equal(changed.statusCode, 200, changed.body);
    assert.equal(changed.json().role, 'annotator');

    assertError(await as(manager, 'DELETE'), 403, 'forbidden');
    assertError(await as(manager, 'PATCH', `/members/${newcomer.id}`, { role: 'owner' }), 403, 'forbidden');
    assertError(await as(manager, 'PATCH', `/members/${owner.id}`, { role: 'viewer' }), 403, 'forbidden');
    assertError(await as(manager, 'DELETE', `/members/${owner.id}`), 403, 'forbidden');
    const third = await signUp(app);
    await joinOrganization(ctx.database, owner, orgId, third);
    assertError(
      await as(manager, 'POST', '/members', { user_id: third.id, role: 'owner' }),
      403,
      'forbidden',
    );
    assert.equal(await roleOf(third), null);
    assert.equal(await roleOf(owner), 'owner');

    const removed = await as(manager, 'DELETE', `/members/${newcomer.id}`);
    assert.equal(removed.statusCode, 204, removed.body);
    assert.equal(await roleOf(newcomer), null);
    assertError(await as(newcomer, 'GET'), 404, 'not_found'); // their access ended with the membership
  });

  test('owner grants owner, deletes the project; the last owner stays', async () => {
    const { owner, people, as, roleOf } = await setup(['manager']);
    const manager = people.manager!;
    assertError(await as(owner, 'PATCH', `/members/${owner.id}`, { role: 'manager' }), 409, 'last_owner');
    assertError(await as(owner, 'DELETE', `/members/${owner.id}`), 409, 'last_owner');
    const promoted = await as(owner, 'PATCH', `/members/${manager.id}`, { role: 'owner' });
    assert.equal(promoted.statusCode, 200, promoted.body);
    assert.equal(promoted.json().role, 'owner');
    // Two owners: one may step down, then the other is the last again.
    const demoted = await as(owner, 'PATCH', `/members/${owner.id}`, { role: 'viewer' });
    assert.equal(demoted.statusCode, 200, demoted.body);
    assert.equal(await roleOf(owner), 'viewer');
    assertError(await as(manager, 'DELETE', `/members/${manager.id}`), 409, 'last_owner');
    const gone = await as(manager, 'DELETE');
    assert.equal(gone.statusCode, 204, gone.body);
    assertError(await as(manager, 'GET'), 404, 'not_found');
  });

  test('two owners demoting each other at once: exactly one succeeds', async () => {
    const { owner, people, as, roleOf } = await setup(['owner']);
    const second = people.owner!;
    const results = await Promise.all([
      as(owner, 'PATCH', `/members/${second.id}`, { role: 'viewer' }),
      as(second, 'PATCH', `/members/${owner.id}`, { role: 'viewer' }),
    ]);
    const codes = results.map((r) => r.statusCode).sort();
    // The loser is either the last owner (409) or, demoted already, no longer allowed to demote owners (403).
    assert.equal(codes[0], 200, results.map((r) => r.body).join(' | '));
    assert.ok([403, 409].includes(codes[1]!), results.map((r) => r.body).join(' | '));
    const roles = [await roleOf(owner), await roleOf(second)];
    assert.equal(roles.filter((r) => r === 'owner').length, 1, String(roles));
  });

  test('anyone may leave; others need the right', async () => {
    const { people, as, roleOf } = await setup(['viewer', 'annotator']);
    assertError(await as(people.viewer!, 'DELETE', `/members/${people.annotator!.id}`), 403, 'forbidden');
    const left = await as(people.viewer!, 'DELETE', `/members/${people.viewer!.id}`);
    assert.equal(left.statusCode, 204, left.body);
    assert.equal(await roleOf(people.viewer!), null);
    assertError(await as(people.viewer!, 'GET'), 404, 'not_found');
  });

  test('adding: organization members only, once; changing a non-member is 404', async () => {
    const { owner, orgId, people, as } = await setup(['viewer']);
    const stranger = await signUp(app);
    const res = await as(owner, 'POST', '/members', { user_id: stranger.id, role: 'viewer' });
    assertError(res, 404, 'not_found');
    assertError(
      await as(owner, 'POST', '/members', { user_id: 987654321, role: 'viewer' }),
      404,
      'not_found',
    );
    assertError(
      await as(owner, 'POST', '/members', { user_id: people.viewer!.id, role: 'manager' }),
      409,
      'conflict',
    );
    const member = await signUp(app);
    await joinOrganization(ctx.database, owner, orgId, member);
    assertError(await as(owner, 'PATCH', `/members/${member.id}`, { role: 'viewer' }), 404, 'not_found');
    assertError(await as(owner, 'DELETE', `/members/${member.id}`), 404, 'not_found');
  });

  test('organization member without a project role gets 404; organization admins hold owner', async () => {
    const { owner, orgId, projectId, as } = await setup();
    const member = await signUp(app);
    await joinOrganization(ctx.database, owner, orgId, member);
    assertError(await as(member, 'GET'), 404, 'not_found');
    assertError(await as(member, 'PATCH', '', { title: 'x' }), 404, 'not_found');
    assertError(await as(member, 'GET', '/members'), 404, 'not_found');
    assertError(await as(member, 'POST', '/like'), 404, 'not_found');
    const list = await call(member, 'GET', '/api/projects', undefined, orgId);
    assert.equal(list.json().count, 0);
    // visibility=public does not open the project to the organization here (public paths are separate).
    await as(owner, 'PATCH', '', { visibility: 'public' });
    assertError(await as(member, 'GET'), 404, 'not_found');

    const admin = await signUp(app);
    await joinOrganization(ctx.database, owner, orgId, admin, 'admin');
    const seen = await as(admin, 'GET');
    assert.equal(seen.statusCode, 200, seen.body);
    assert.equal(seen.json().role, 'owner');
    const listed = (await call(admin, 'GET', '/api/projects', undefined, orgId)).json();
    assert.deepEqual(
      listed.results.map((p: { id: number; role: string }) => [p.id, p.role]),
      [[projectId, 'owner']],
    );
  });

  test('member changes are audited', async () => {
    const { owner, orgId, projectId, people, as } = await setup(['viewer']);
    const viewer = people.viewer!;
    await as(owner, 'PATCH', `/members/${viewer.id}`, { role: 'reviewer' });
    await as(owner, 'DELETE', `/members/${viewer.id}`);
    const rows = await inScope(ctx.database.db, { organizationId: orgId, userId: owner.id }, (tx) =>
      tx
        .selectFrom('audit_log')
        .select(['action', 'actor_user_id', 'target_id', 'details'])
        .where('target_type', '=', 'project')
        .where('target_id', '=', String(projectId))
        .orderBy('id')
        .execute(),
    );
    assert.deepEqual(
      rows.map((r) => [r.action, r.actor_user_id, r.details]),
      [
        ['project.create', owner.id, { title: 'Team project', slug: 'team-project' }],
        ['project.member.add', owner.id, { user_id: viewer.id, role: 'viewer' }],
        ['project.member.role_change', owner.id, { user_id: viewer.id, from: 'viewer', to: 'reviewer' }],
        ['project.member.remove', owner.id, { user_id: viewer.id, role: 'reviewer' }],
      ],
    );
  });
});
