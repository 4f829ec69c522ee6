// Workspaces over HTTP: CRUD with project counts, public visibility inside the organization, members and the
// last-manager rule, audit, and isolation between organizations.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { forEachDatabase } from '../../../test/harness.ts';
import { inOrg, type Person, signUp } from '../../../test/http-factories.ts';
import { inScope } from '../../db/scope.ts';
import type { App } from '../../platform/http/app-types.ts';
import { auditActions, buildTestApp, racingOnLockedMembers, tenancyKit } from './tenancy-test-app.ts';

forEachDatabase('workspaces', (ctx) => {
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

  async function createWorkspace(headers: Record<string, string>, body: object) {
    const res = await call('POST', '/api/workspaces', headers, body);
    assert.equal(res.statusCode, 201, res.body);
    return res.json();
  }

  async function addMember(headers: Record<string, string>, id: number, userId: number, role: string) {
    const res = await call('POST', `/api/workspaces/${id}/members`, headers, { user_id: userId, role });
    assert.equal(res.statusCode, 201, res.body);
    return res.json();
  }

  async function addProjects(orgId: number, userId: number, workspaceId: number, n: number) {
    await inScope(ctx.database.db, { organizationId: orgId, userId }, (tx) =>
      tx
        .insertInto('projects')
        .values(
          Array.from({ length: n }, (_, i) => ({
            organization_id: orgId,
            title: `p${i}`,
            slug: `w${workspaceId}-p${i}`,
            workspace_id: workspaceId,
          })),
        )
        .execute(),
    );
  }

  test('create, read, list with project counts, update and delete a workspace', async () => {
    const { owner, orgId } = await organization();
    const ws = await createWorkspace(owner.headers, {
      title: 'Street scenes',
      description: 'city photos',
      color: '#1A2b3C',
    });
    assert.equal(ws.title, 'Street scenes');
    assert.equal(ws.description, 'city photos');
    assert.equal(ws.color, '#1A2b3C');
    assert.equal(ws.is_public, false);
    assert.equal(ws.is_personal, false);
    assert.equal(ws.organization, orgId);
    assert.equal(ws.created_by, owner.id);
    assert.equal(ws.project_count, 0);
    assert.equal(ws.role, 'manager');
    const other = await createWorkspace(owner.headers, { title: 'Fields', is_public: true });
    assert.equal(other.color, null);
    await addProjects(orgId, owner.id, ws.id, 3);
    await addProjects(orgId, owner.id, other.id, 1);

    const got = await call('GET', `/api/workspaces/${ws.id}`, owner.headers);
    assert.equal(got.statusCode, 200);
    assert.deepEqual(got.json(), { ...ws, project_count: 3 });
    const list = (await call('GET', '/api/workspaces', owner.headers)).json();
    assert.equal(list.count, 2);
    assert.deepEqual(
      list.results.map((w: { id: number; project_count: number }) => [w.id, w.project_count]),
      [
        [ws.id, 3],
        [other.id, 1],
      ],
    );
    const paged = (await call('GET', '/api/workspaces?page_size=1', owner.headers)).json();
    assert.equal(paged.results.length, 1);
    assert.ok(paged.next?.includes('page=2'));

    const patched = await call('PATCH', `/api/workspaces/${ws.id}`, owner.headers, {
      title: 'Streets',
      color: null,
      is_public: true,
    });
    assert.equal(patched.statusCode, 200, patched.body);
    assert.equal(patched.json().title, 'Streets');
    assert.equal(patched.json().color, null);
    assert.equal(patched.json().is_public, true);
    assert.equal(patched.json().description, 'city photos');
    assert.equal(patched.json().project_count, 3);

    assert.equal((await call('DELETE', `/api/workspaces/${ws.id}`, owner.headers)).statusCode, 204);
    assert.equal((await call('GET', `/api/workspaces/${ws.id}`, owner.headers)).statusCode, 404);
    const orphans = await inScope(ctx.database.db, { organizationId: orgId, userId: owner.id }, (tx) =>
      tx.selectFrom('projects').select('workspace_id').where('slug', 'like', `w${ws.id}-%`).execute(),
    );
    assert.deepEqual(orphans, [{ workspace_id: null }, { workspace_id: null }, { workspace_id: null }]);
    assert.deepEqual(await auditActions(ctx.database, orgId, 'workspace', ws.id), [
      'workspace.create',
      'workspace.delete',
    ]);
  });

  test('visibility: members, public workspaces for the whole organization, admins see all', async () => {
    const { owner, people, as } = await organization(['member', 'member', 'admin']);
    const [ann, bob, admin] = people as [Person, Person, Person];
    const hidden = await createWorkspace(as(owner), { title: 'Hidden' });
    const open = await createWorkspace(as(owner), { title: 'Open', is_public: true });
    const anns = await createWorkspace(as(ann), { title: "Ann's" });
    const ids = async (p: Person) =>
      (await call('GET', '/api/workspaces', as(p))).json().results.map((w: { id: number }) => w.id);

    assert.deepEqual(await ids(owner), [hidden.id, open.id, anns.id], 'the organization owner sees all');
    assert.deepEqual(await ids(admin), [hidden.id, open.id, anns.id], 'an admin sees all');
    assert.deepEqual(await ids(ann), [open.id, anns.id]);
    assert.deepEqual(await ids(bob), [open.id]);

    const publicView = await call('GET', `/api/workspaces/${open.id}`, as(bob));
    assert.equal(publicView.statusCode, 200);
    assert.equal(publicView.json().role, null);
    assert.equal((await call('GET', `/api/workspaces/${open.id}/members`, as(bob))).json().count, 1);
    assert.equal((await call('GET', `/api/workspaces/${hidden.id}`, as(bob))).statusCode, 404);
    assert.equal((await call('GET', `/api/workspaces/${hidden.id}/members`, as(bob))).statusCode, 404);
    // Seeing a public workspace is not managing it.
    for (const [method, path, body] of [
      ['PATCH', `/api/workspaces/${open.id}`, { title: 'mine' }],
      ['DELETE', `/api/workspaces/${open.id}`, undefined],
      ['POST', `/api/workspaces/${open.id}/members`, { user_id: bob.id, role: 'manager' }],
    ] as const) {
      const res = await call(method, path, as(bob), body);
      assert.equal(res.statusCode, 403, `${method} ${path}: ${res.body}`);
    }
    assert.equal(
      (await call('PATCH', `/api/workspaces/${hidden.id}`, as(bob), { title: 'x' })).statusCode,
      404,
    );
    const adminView = (await call('GET', `/api/workspaces/${anns.id}`, as(admin))).json();
    assert.equal(adminView.role, 'manager');
    assert.equal(
      (await call('PATCH', `/api/workspaces/${anns.id}`, as(admin), { color: '#000000' })).statusCode,
      200,
    );
  });

  test('members: add, list, change role, remove, leave; the last manager stays', async () => {
    const { owner, people, orgId, as } = await organization(['member', 'member']);
    const [ann, bob] = people as [Person, Person];
    const ws = await createWorkspace(as(owner), { title: 'Team space' });
    const url = `/api/workspaces/${ws.id}`;
    const added = await addMember(as(owner), ws.id, ann.id, 'member');
    assert.equal(added.user.id, ann.id);
    assert.equal(added.user.email, ann.email);
    assert.equal(added.role, 'member');
    const defaulted = await call('POST', `${url}/members`, as(owner), { user_id: bob.id });
    assert.equal(defaulted.json().role, 'member');
    assert.equal((await call('POST', `${url}/members`, as(owner), { user_id: bob.id })).statusCode, 409);
    const outsider = await signUp(app);
    const notInOrg = await call('POST', `${url}/members`, as(owner), { user_id: outsider.id });
    assert.equal(notInOrg.statusCode, 404);
    assert.equal(notInOrg.json().error.message, `user ${outsider.id} not found`);

    // A plain member reads but manages nothing.
    assert.equal((await call('GET', `${url}/members`, as(ann))).json().count, 3);
    for (const [method, path, body] of [
      ['PATCH', url, { title: 'x' }],
      ['DELETE', url, undefined],
      ['PATCH', `${url}/members/${bob.id}`, { role: 'manager' }],
      ['DELETE', `${url}/members/${bob.id}`, undefined],
    ] as const) {
      const res = await call(method, path, as(ann), body);
      assert.equal(res.statusCode, 403, `${method} ${path}: ${res.body}`);
    }

    for (const [method, path, body] of [
      ['DELETE', `${url}/members/${owner.id}`, undefined],
      ['PATCH', `${url}/members/${owner.id}`, { role: 'member' }],
    ] as const) {
      const res = await call(method, path, as(owner), body);
      assert.equal(res.statusCode, 409, res.body);
      assert.equal(res.json().error.code, 'last_owner');
      assert.match(res.json().error.message, /manager/);
    }
    const promoted = await call('PATCH', `${url}/members/${ann.id}`, as(owner), { role: 'manager' });
    assert.equal(promoted.json().role, 'manager');
    assert.equal((await call('DELETE', `${url}/members/${owner.id}`, as(owner))).statusCode, 204);
    assert.equal((await call('DELETE', `${url}/members/${bob.id}`, as(bob))).statusCode, 204, 'bob leaves');
    await addMember(as(ann), ws.id, bob.id, 'member');
    assert.equal(
      (await call('DELETE', `${url}/members/${bob.id}`, as(ann))).statusCode,
      204,
      'ann removes bob',
    );
    const members = (await call('GET', `${url}/members`, as(ann))).json();
    assert.deepEqual(
      members.results.map((m: { user: { id: number }; role: string }) => [m.user.id, m.role]),
      [[ann.id, 'manager']],
    );
    assert.deepEqual(await auditActions(ctx.database, orgId, 'workspace', ws.id), [
      'workspace.create',
      'workspace.member.add',
      'workspace.member.add',
      'workspace.member.role_change',
      'workspace.member.leave',
      'workspace.member.leave',
      'workspace.member.add',
      'workspace.member.remove',
    ]);
  });

  test('two managers leaving at once: one goes, the other is the last manager', async () => {
    const { owner, people, orgId, as } = await organization(['member']);
    const [other] = people as [Person];
    const ws = await createWorkspace(as(owner), { title: 'Both leave' });
    await addMember(as(owner), ws.id, other.id, 'manager');
    const url = `/api/workspaces/${ws.id}/members`;
    const results = await racingOnLockedMembers(ctx.database, orgId, 'workspace_members', ws.id, () =>
      Promise.all([
        call('DELETE', `${url}/${owner.id}`, as(owner)),
        call('DELETE', `${url}/${other.id}`, as(other)),
      ]),
    );
    const bodies = results.map((r) => r.body).join('\n');
    assert.deepEqual(results.map((r) => r.statusCode).sort(), [204, 409], bodies);
    const remaining = await inScope(ctx.database.db, { organizationId: orgId, userId: owner.id }, (tx) =>
      tx.selectFrom('workspace_members').select('role').where('workspace_id', '=', ws.id).execute(),
    );
    assert.deepEqual(remaining, [{ role: 'manager' }]);
  });

  test("another organization's person gets 404 on every route and never sees the workspace", async () => {
    const { owner, people, as } = await organization(['member']);
    const [ann] = people as [Person];
    const marker = `secret${owner.id}`;
    const stranger = await signUp(app);
    for (const is_public of [false, true]) {
      const ws = await createWorkspace(as(owner), { title: `${marker} ws`, description: marker, is_public });
      await addMember(as(owner), ws.id, ann.id, 'member');
      const url = `/api/workspaces/${ws.id}`;
      const routes: [string, string, object | undefined][] = [
        ['GET', url, undefined],
        ['PATCH', url, { title: 'mine now' }],
        ['DELETE', url, undefined],
        ['GET', `${url}/members`, undefined],
        ['POST', `${url}/members`, { user_id: stranger.id, role: 'manager' }],
        ['PATCH', `${url}/members/${ann.id}`, { role: 'manager' }],
        ['DELETE', `${url}/members/${ann.id}`, undefined],
      ];
      for (const headers of [stranger.headers, inOrg(stranger, owner.orgId)]) {
        for (const [method, path, body] of routes) {
          const res = await call(method, path, headers, body);
          assert.equal(res.statusCode, 404, `public=${is_public} ${method} ${path}: ${res.body}`);
          assert.ok(!res.body.includes(marker));
        }
        const list = await call('GET', '/api/workspaces', headers);
        assert.ok(!list.body.includes(marker), list.body);
      }
      const intact = (await call('GET', url, owner.headers)).json();
      assert.equal(intact.title, `${marker} ws`);
    }
  });

  test('bad input is a 400 with the error shape', async () => {
    const { owner, people } = await organization(['member']);
    const [ann] = people as [Person];
    const ws = await createWorkspace(owner.headers, { title: 'Inputs' });
    await addMember(owner.headers, ws.id, ann.id, 'member');
    const url = `/api/workspaces/${ws.id}`;
    for (const [method, path, body] of [
      ['POST', '/api/workspaces', { title: 'x', name: 'y' }],
      ['POST', '/api/workspaces', { title: '' }],
      ['POST', '/api/workspaces', { title: ' ' }],
      ['POST', '/api/workspaces', { title: 'x', color: 'red' }],
      ['POST', '/api/workspaces', { title: 'x', color: '#12345' }],
      ['POST', '/api/workspaces', { title: 'x', color: '#1234567' }],
      ['POST', '/api/workspaces', { title: 'x', is_public: 'yes' }],
      ['POST', '/api/workspaces', { title: 'x', description: 'a\u0000b' }],
      ['PATCH', url, { color: '#GGGGGG' }],
      ['PATCH', url, { is_personal: true }],
      ['POST', `${url}/members`, { user_id: ann.id, role: 'owner' }],
      ['PATCH', `${url}/members/${ann.id}`, { role: 'viewer' }],
      ['PATCH', `${url}/members/${ann.id}`, {}],
      ['GET', '/api/workspaces/abc', undefined],
      ['GET', '/api/workspaces/-1', undefined],
      ['DELETE', `${url}/members/1e3`, undefined],
      ['GET', '/api/workspaces?page_size=5000', undefined],
    ] as const) {
      const res = await call(method, path, owner.headers, body);
      assert.equal(res.statusCode, 400, `${method} ${path} ${JSON.stringify(body)}: ${res.body}`);
      const { error } = res.json();
      assert.equal(typeof error.code, 'string');
      assert.equal(typeof error.message, 'string');
      assert.ok('details' in error);
    }
    const unchanged = (await call('GET', url, owner.headers)).json();
    assert.equal(unchanged.color, null);
    assert.equal(unchanged.is_personal, false);
  });
});
