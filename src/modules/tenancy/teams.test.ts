// Teams over HTTP: CRUD, members and their roles (D2S), the last-owner rule, derived project access, audit,
// and isolation between organizations.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { forEachDatabase } from '../../../test/harness.ts';
import { inOrg, type Person, signUp } from '../../../test/http-factories.ts';
import { inScope } from '../../db/scope.ts';
import { effectiveRoles } from '../../platform/access/access.ts';
import type { Actor } from '../../platform/auth/actor.ts';
import type { App } from '../../platform/http/app-types.ts';
import { auditActions, buildTestApp, racingOnLockedMembers, tenancyKit } from './tenancy-test-app.ts';

forEachDatabase('teams', (ctx) => {
  let app: App;
  before(async () => {
    app = await buildTestApp(ctx.database);
    await signUp(app); // the first user of an instance is a superuser; nobody below is
  });
  after(() => app.close());

  const { organization, call } = tenancyKit(
    () => app,
    () => ctx.database,
  );

  async function createTeam(headers: Record<string, string>, name: string, description?: string) {
    const res = await call('POST', '/api/teams', headers, { name, ...(description && { description }) });
    assert.equal(res.statusCode, 201, res.body);
    return res.json();
  }

  async function addMember(headers: Record<string, string>, teamId: number, userId: number, role: string) {
    const res = await call('POST', `/api/teams/${teamId}/members`, headers, { user_id: userId, role });
    assert.equal(res.statusCode, 201, res.body);
    return res.json();
  }

  test('create, read, list with search, update and delete a team', async () => {
    const { owner, orgId, as } = await organization();
    const team = await createTeam(as(owner), 'Field Crew', 'drone pilots');
    assert.equal(team.name, 'Field Crew');
    assert.equal(team.description, 'drone pilots');
    assert.equal(team.organization, orgId);
    assert.equal(team.created_by, owner.id);
    assert.equal(team.member_count, 1);
    assert.equal(team.role, 'owner');
    assert.ok(Date.parse(team.created_at));
    const other = await createTeam(owner.headers, 'Lab 100%', undefined);

    const got = await call('GET', `/api/teams/${team.id}`, owner.headers);
    assert.equal(got.statusCode, 200);
    assert.deepEqual(got.json(), team);

    const list = (await call('GET', '/api/teams', owner.headers)).json();
    assert.equal(list.count, 2);
    assert.deepEqual(
      list.results.map((t: { id: number }) => t.id),
      [team.id, other.id],
    );
    const found = (await call('GET', '/api/teams?search=field%20CREW', owner.headers)).json();
    assert.deepEqual(
      found.results.map((t: { name: string }) => t.name),
      ['Field Crew'],
    );
    const percent = (await call('GET', '/api/teams?search=%25', owner.headers)).json();
    assert.deepEqual(
      percent.results.map((t: { name: string }) => t.name),
      ['Lab 100%'],
      'a % in the search matches itself, not everything',
    );
    const paged = (await call('GET', '/api/teams?page=2&page_size=1', owner.headers)).json();
    assert.equal(paged.count, 2);
    assert.equal(paged.results[0].id, other.id);
    assert.equal(paged.next, null);
    assert.ok(paged.previous);

    const patched = await call('PATCH', `/api/teams/${team.id}`, owner.headers, {
      name: '  Survey Crew ',
      description: null,
    });
    assert.equal(patched.statusCode, 200, patched.body);
    assert.equal(patched.json().name, 'Survey Crew');
    assert.equal(patched.json().description, null);
    assert.ok(Date.parse(patched.json().updated_at) >= Date.parse(team.updated_at));

    // A project of the team outlives the team, without it.
    const project = await inScope(ctx.database.db, { organizationId: orgId, userId: owner.id }, (tx) =>
      tx
        .insertInto('projects')
        .values({ organization_id: orgId, title: 'p', slug: `p-${team.id}`, team_id: team.id })
        .returning('id')
        .executeTakeFirstOrThrow(),
    );
    const del = await call('DELETE', `/api/teams/${team.id}`, owner.headers);
    assert.equal(del.statusCode, 204);
    assert.equal((await call('GET', `/api/teams/${team.id}`, owner.headers)).statusCode, 404);
    const kept = await inScope(ctx.database.db, { organizationId: orgId, userId: owner.id }, (tx) =>
      tx.selectFrom('projects').select('team_id').where('id', '=', project.id).executeTakeFirst(),
    );
    assert.deepEqual(kept, { team_id: null });
    assert.deepEqual(await auditActions(ctx.database, orgId, 'team', team.id), [
      'team.create',
      'team.delete',
    ]);
  });

  test('members: add, list, change role, remove; only members of the organization can join', async () => {
    const { owner, people, orgId, as } = await organization(['member', 'member']);
    const [ann, bob] = people as [Person, Person];
    const team = await createTeam(as(owner), 'Annotators');
    const added = await addMember(as(owner), team.id, ann.id, 'viewer');
    assert.deepEqual(added.user, {
      id: ann.id,
      email: ann.email,
      username: ann.username,
      first_name: 'Test',
      last_name: 'Person',
    });
    assert.equal(added.role, 'viewer');
    const defaulted = await call('POST', `/api/teams/${team.id}/members`, owner.headers, { user_id: bob.id });
    assert.equal(defaulted.json().role, 'viewer');

    const again = await call('POST', `/api/teams/${team.id}/members`, owner.headers, { user_id: ann.id });
    assert.equal(again.statusCode, 409);
    assert.equal(again.json().error.code, 'conflict');
    const outsider = await signUp(app);
    const notInOrg = await call('POST', `/api/teams/${team.id}/members`, owner.headers, {
      user_id: outsider.id,
      role: 'viewer',
    });
    assert.equal(notInOrg.statusCode, 404);
    assert.equal(notInOrg.json().error.message, `user ${outsider.id} not found`);

    const members = (await call('GET', `/api/teams/${team.id}/members`, as(ann))).json();
    assert.equal(members.count, 3);
    assert.deepEqual(
      members.results.map((m: { user: { id: number }; role: string }) => [m.user.id, m.role]),
      [
        [owner.id, 'owner'],
        [ann.id, 'viewer'],
        [bob.id, 'viewer'],
      ].sort((a, b) => (a[0] as number) - (b[0] as number)),
    );
    assert.equal((await call('GET', `/api/teams/${team.id}`, owner.headers)).json().member_count, 3);

    const changed = await call('PATCH', `/api/teams/${team.id}/members/${ann.id}`, owner.headers, {
      role: 'manager',
    });
    assert.equal(changed.statusCode, 200, changed.body);
    assert.equal(changed.json().role, 'manager');
    assert.equal((await call('GET', `/api/teams/${team.id}`, as(ann))).json().role, 'manager');

    const removed = await call('DELETE', `/api/teams/${team.id}/members/${bob.id}`, owner.headers);
    assert.equal(removed.statusCode, 204);
    assert.equal((await call('GET', `/api/teams/${team.id}`, as(bob))).statusCode, 404);
    const gone = await call('DELETE', `/api/teams/${team.id}/members/${bob.id}`, owner.headers);
    assert.equal(gone.statusCode, 404);
    assert.deepEqual(await auditActions(ctx.database, orgId, 'team', team.id), [
      'team.create',
      'team.member.add',
      'team.member.add',
      'team.member.role_change',
      'team.member.remove',
    ]);
  });

  test("a team's role carries onto its projects, and leaves with the member at once", async () => {
    const { owner, people, orgId, as } = await organization(['member']);
    const [ann] = people as [Person];
    const team = await createTeam(as(owner), 'Reviewers');
    await addMember(as(owner), team.id, ann.id, 'manager');
    const project = await inScope(ctx.database.db, { organizationId: orgId, userId: owner.id }, (tx) =>
      tx
        .insertInto('projects')
        .values({ organization_id: orgId, title: 'p', slug: `q-${team.id}`, team_id: team.id })
        .returning('id')
        .executeTakeFirstOrThrow(),
    );
    const actor: Actor = {
      userId: ann.id,
      organizationId: orgId,
      isSuperuser: false,
      isStaff: false,
      isApproved: true,
      authMethod: 'jwt',
      apiKeyId: null,
      ip: '127.0.0.1',
      userAgent: null,
    };
    const roleOnProject = () =>
      inScope(ctx.database.db, { organizationId: orgId, userId: ann.id }, async (tx) =>
        (await effectiveRoles(tx, actor, 'project', [project.id])).get(project.id),
      );
    assert.equal(await roleOnProject(), 'manager');
    await call('PATCH', `/api/teams/${team.id}/members/${ann.id}`, owner.headers, { role: 'viewer' });
    assert.equal(await roleOnProject(), 'viewer');
    await call('DELETE', `/api/teams/${team.id}/members/${ann.id}`, owner.headers);
    assert.equal(await roleOnProject(), undefined);
  });

  test('roles: viewers read, managers manage non-owners, owners manage owners, admins manage all', async () => {
    const { owner, people, as } = await organization(['member', 'member', 'member', 'admin']);
    const [viewer, manager, loner, admin] = people as [Person, Person, Person, Person];
    const team = await createTeam(as(owner), 'Crew');
    await addMember(as(owner), team.id, viewer.id, 'viewer');
    await addMember(as(owner), team.id, manager.id, 'manager');
    const url = `/api/teams/${team.id}`;

    // A viewer reads but changes nothing.
    assert.equal((await call('GET', url, as(viewer))).statusCode, 200);
    assert.equal((await call('GET', `${url}/members`, as(viewer))).statusCode, 200);
    for (const [method, path, body] of [
      ['PATCH', url, { name: 'x' }],
      ['DELETE', url, undefined],
      ['POST', `${url}/members`, { user_id: loner.id, role: 'viewer' }],
      ['PATCH', `${url}/members/${manager.id}`, { role: 'viewer' }],
      ['DELETE', `${url}/members/${manager.id}`, undefined],
    ] as const) {
      const res = await call(method, path, as(viewer), body);
      assert.equal(res.statusCode, 403, `${method} ${path}: ${res.body}`);
      assert.equal(res.json().error.code, 'forbidden');
    }

    // A manager edits the team and its non-owner members, but neither owners nor the team itself.
    assert.equal((await call('PATCH', url, as(manager), { name: 'Crew 2' })).statusCode, 200);
    assert.equal((await call('DELETE', url, as(manager))).statusCode, 403);
    for (const [method, path, body] of [
      ['POST', `${url}/members`, { user_id: loner.id, role: 'owner' }],
      ['PATCH', `${url}/members/${viewer.id}`, { role: 'owner' }],
      ['PATCH', `${url}/members/${owner.id}`, { role: 'viewer' }],
      ['DELETE', `${url}/members/${owner.id}`, undefined],
    ] as const) {
      const res = await call(method, path, as(manager), body);
      assert.equal(res.statusCode, 403, `manager ${method} ${path}: ${res.body}`);
    }
    assert.equal(
      (await call('PATCH', `${url}/members/${viewer.id}`, as(manager), { role: 'manager' })).statusCode,
      200,
    );
    assert.equal(
      (await call('PATCH', `${url}/members/${viewer.id}`, as(manager), { role: 'viewer' })).statusCode,
      200,
    );

    // A member of the organization outside the team does not see it.
    assert.equal((await call('GET', url, as(loner))).statusCode, 404);
    assert.equal((await call('PATCH', url, as(loner), { name: 'x' })).statusCode, 404);
    const lonerList = (await call('GET', '/api/teams', as(loner))).json();
    assert.deepEqual(lonerList.results, []);
    assert.equal(lonerList.count, 0);

    // An organization admin holds owner on every team without being listed.
    const adminView = (await call('GET', url, as(admin))).json();
    assert.equal(adminView.role, 'owner');
    assert.ok(
      (await call('GET', '/api/teams', as(admin)))
        .json()
        .results.some((t: { id: number }) => t.id === team.id),
    );
    const promoted = await call('POST', `${url}/members`, as(admin), { user_id: loner.id, role: 'owner' });
    assert.equal(promoted.statusCode, 201, promoted.body);
    assert.equal((await call('DELETE', `${url}/members/${owner.id}`, as(admin))).statusCode, 204);
    assert.equal((await call('DELETE', url, as(admin))).statusCode, 204);
  });

  test('the last owner can neither leave nor be demoted; anyone else may leave', async () => {
    const { owner, people, as } = await organization(['member', 'member']);
    const [second, viewer] = people as [Person, Person];
    const team = await createTeam(as(owner), 'Solo');
    const url = `/api/teams/${team.id}`;
    for (const [method, path, body] of [
      ['DELETE', `${url}/members/${owner.id}`, undefined],
      ['PATCH', `${url}/members/${owner.id}`, { role: 'manager' }],
    ] as const) {
      const res = await call(method, path, as(owner), body);
      assert.equal(res.statusCode, 409, res.body);
      assert.equal(res.json().error.code, 'last_owner');
    }
    await addMember(as(owner), team.id, viewer.id, 'viewer');
    assert.equal((await call('DELETE', `${url}/members/${viewer.id}`, as(viewer))).statusCode, 204);

    await addMember(as(owner), team.id, second.id, 'owner');
    assert.equal((await call('DELETE', `${url}/members/${owner.id}`, as(owner))).statusCode, 204);
    const last = await call('PATCH', `${url}/members/${second.id}`, as(second), { role: 'viewer' });
    assert.equal(last.json().error.code, 'last_owner');
    const members = (await call('GET', `${url}/members`, as(second))).json();
    assert.deepEqual(
      members.results.map((m: { user: { id: number }; role: string }) => [m.user.id, m.role]),
      [[second.id, 'owner']],
    );
  });

  test('two owners demoting each other at once leave exactly one owner', async () => {
    const { owner, people, as } = await organization(['member']);
    const [other] = people as [Person];
    const team = await createTeam(as(owner), 'Pair');
    await addMember(as(owner), team.id, other.id, 'owner');
    const url = `/api/teams/${team.id}/members`;
    const results = await Promise.all([
      call('PATCH', `${url}/${other.id}`, as(owner), { role: 'viewer' }),
      call('PATCH', `${url}/${owner.id}`, as(other), { role: 'viewer' }),
    ]);
    const statuses = results.map((r) => r.statusCode).sort();
    assert.equal(statuses[0], 200, results.map((r) => r.body).join('\n'));
    assert.ok([403, 409].includes(statuses[1]!), results.map((r) => r.body).join('\n'));
    const list = (await call('GET', url, as(owner))).json().results as { role: string }[];
    assert.equal(list.filter((m) => m.role === 'owner').length, 1);
  });

  test('two owners leaving at once: one goes, the other is the last owner', async () => {
    const { owner, people, orgId, as } = await organization(['member']);
    const [other] = people as [Person];
    const team = await createTeam(as(owner), 'Both leave');
    await addMember(as(owner), team.id, other.id, 'owner');
    const url = `/api/teams/${team.id}/members`;
    const results = await racingOnLockedMembers(ctx.database, orgId, 'team_members', team.id, () =>
      Promise.all([
        call('DELETE', `${url}/${owner.id}`, as(owner)),
        call('DELETE', `${url}/${other.id}`, as(other)),
      ]),
    );
    const bodies = results.map((r) => r.body).join('\n');
    assert.deepEqual(results.map((r) => r.statusCode).sort(), [204, 409], bodies);
    const remaining = await inScope(ctx.database.db, { organizationId: orgId, userId: owner.id }, (tx) =>
      tx.selectFrom('team_members').select('role').where('team_id', '=', team.id).execute(),
    );
    assert.deepEqual(remaining, [{ role: 'owner' }]);
  });

  test("another organization's person gets 404 on every route and never sees the team", async () => {
    const { owner, people, as } = await organization(['member']);
    const [ann] = people as [Person];
    const marker = `secret${owner.id}`;
    const team = await createTeam(as(owner), `${marker} team`, `${marker} description`);
    await addMember(as(owner), team.id, ann.id, 'viewer');
    const stranger = await signUp(app);
    const url = `/api/teams/${team.id}`;
    const routes: [string, string, object | undefined][] = [
      ['GET', url, undefined],
      ['PATCH', url, { name: 'mine now' }],
      ['DELETE', url, undefined],
      ['GET', `${url}/members`, undefined],
      ['POST', `${url}/members`, { user_id: stranger.id, role: 'owner' }],
      ['PATCH', `${url}/members/${ann.id}`, { role: 'owner' }],
      ['DELETE', `${url}/members/${ann.id}`, undefined],
      ['DELETE', `${url}/members/${owner.id}`, undefined],
    ];
    for (const headers of [stranger.headers, inOrg(stranger, owner.orgId)]) {
      for (const [method, path, body] of routes) {
        const res = await call(method, path, headers, body);
        assert.equal(res.statusCode, 404, `${method} ${path}: ${res.body}`);
        assert.ok(!res.body.includes(marker));
      }
      const list = await call('GET', `/api/teams?search=${marker}`, headers);
      assert.ok(!list.body.includes(marker), list.body);
      const all = await call('GET', '/api/teams', headers);
      assert.ok(!all.body.includes(marker), all.body);
    }
    // The stranger's own organization is untouched by the attempt and the team still is intact.
    const intact = (await call('GET', url, owner.headers)).json();
    assert.equal(intact.name, `${marker} team`);
    assert.equal(intact.member_count, 2);
  });

  test('bad input is a 400 with the error shape', async () => {
    const { owner, people, as } = await organization(['member']);
    const [ann] = people as [Person];
    const team = await createTeam(as(owner), 'Inputs');
    const url = `/api/teams/${team.id}`;
    for (const [method, path, body] of [
      ['POST', '/api/teams', { name: 'x', colour: 'red' }],
      ['POST', '/api/teams', { name: '' }],
      ['POST', '/api/teams', { name: '   ' }],
      ['POST', '/api/teams', { name: 'nul\u0000byte' }],
      ['POST', '/api/teams', { name: 'x'.repeat(256) }],
      ['POST', '/api/teams', { name: 'x', description: 'd'.repeat(10001) }],
      ['POST', '/api/teams', {}],
      ['PATCH', url, { name: '' }],
      ['PATCH', url, { owner: 1 }],
      ['POST', `${url}/members`, { user_id: ann.id, role: 'boss' }],
      ['POST', `${url}/members`, { user_id: 'one', role: 'viewer' }],
      ['PATCH', `${url}/members/${ann.id}`, { role: 'admin' }],
      ['GET', '/api/teams/abc', undefined],
      ['GET', '/api/teams/1.5', undefined],
      ['GET', '/api/teams/0', undefined],
      ['DELETE', `${url}/members/x`, undefined],
      ['GET', '/api/teams?page=0', undefined],
      ['GET', `/api/teams?search=${'s'.repeat(256)}`, undefined],
    ] as const) {
      const res = await call(method, path, owner.headers, body);
      assert.equal(res.statusCode, 400, `${method} ${path} ${JSON.stringify(body)}: ${res.body}`);
      const { error } = res.json();
      assert.equal(typeof error.code, 'string');
      assert.equal(typeof error.message, 'string');
      assert.ok('details' in error);
    }
    assert.equal((await call('GET', url, owner.headers)).json().name, 'Inputs');
  });

  test('with APPROVAL_REQUIRED an unapproved account cannot create a team', async () => {
    const strict = await buildTestApp(ctx.database, { APPROVAL_REQUIRED: 'true' });
    try {
      const person = await signUp(strict);
      const res = await strict.inject({
        method: 'POST',
        url: '/api/teams',
        headers: person.headers,
        payload: { name: 'not yet' },
      });
      assert.equal(res.statusCode, 403, res.body);
      assert.match(res.json().error.message, /approval/);
    } finally {
      await strict.close();
    }
  });
});
