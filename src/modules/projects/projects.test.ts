// The projects resource through HTTP: create (slugs), list (paging, filters), read, edit, delete, bookmarks,
// modules, bad input and cross-tenant isolation.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { createTestApp } from '../../../test/app.ts';
import { forEachDatabase } from '../../../test/harness.ts';
import { type Person, signUp } from '../../../test/http-factories.ts';
import { inScope } from '../../db/scope.ts';
import type { App } from '../../platform/http/app-types.ts';
import { assertError, caller, createTeam, createWorkspace, joinOrganization } from './projects.test-kit.ts';

forEachDatabase('projects', (ctx) => {
  let app: App;
  let call: ReturnType<typeof caller>;

  before(async () => {
    app = await createTestApp(ctx.database, { LOGIN_RATE_LIMIT: '10000' });
    await app.ready();
    call = caller(app);
    await signUp(app); // the first person is a superuser; nobody below is
  });
  after(() => app.close());

  const create = async (person: Person, payload: object, orgId = person.orgId) => {
    const res = await call(person, 'POST', '/api/projects', payload, orgId);
    assert.equal(res.statusCode, 201, res.body);
    return res.json();
  };

  const auditActions = (person: Person, orgId: number) =>
    inScope(ctx.database.db, { organizationId: orgId, userId: person.id }, (tx) =>
      tx
        .selectFrom('audit_log')
        .select(['action', 'target_id', 'details'])
        .where('target_type', '=', 'project')
        .orderBy('id')
        .execute(),
    );

  test('create: the creator owns it, defaults are filled, and it is recorded', async () => {
    const owner = await signUp(app);
    const p = await create(owner, { title: 'Corn Field 2026', description: 'plots' });
    assert.equal(p.title, 'Corn Field 2026');
    assert.equal(p.slug, 'corn-field-2026');
    assert.equal(p.description, 'plots');
    assert.equal(p.visibility, 'private');
    assert.equal(p.status, 'active');
    assert.equal(p.organization, owner.orgId);
    assert.equal(p.team, null);
    assert.equal(p.workspace, null);
    assert.deepEqual(p.created_by, {
      id: owner.id,
      username: owner.username,
      email: owner.email,
      first_name: 'Test',
      last_name: 'Person',
    });
    assert.deepEqual(p.modules, []);
    assert.equal(p.liked, false);
    assert.equal(p.like_count, 0);
    assert.equal(p.role, 'owner');
    assert.ok(!Number.isNaN(Date.parse(p.created_at)));

    const members = await call(owner, 'GET', `/api/projects/${p.id}/members`);
    assert.equal(members.statusCode, 200, members.body);
    assert.equal(members.json().count, 1);
    assert.equal(members.json().results[0].user.id, owner.id);
    assert.equal(members.json().results[0].role, 'owner');

    const got = await call(owner, 'GET', `/api/projects/${p.id}`);
    assert.equal(got.statusCode, 200, got.body);
    assert.deepEqual(got.json(), p);

    const log = await auditActions(owner, owner.orgId);
    assert.deepEqual(
      log.map((l) => [l.action, l.target_id]),
      [['project.create', String(p.id)]],
    );
  });

  test('create: every field can be given, team and workspace of the organization', async () => {
    const owner = await signUp(app);
    const teamId = await createTeam(ctx.database, owner, owner.orgId, [{ person: owner, role: 'owner' }]);
    const workspaceId = await createWorkspace(ctx.database, owner, owner.orgId);
    const p = await create(owner, {
      title: 'Site photos',
      slug: 'site-2',
      visibility: 'public',
      status: 'completed',
      team_id: teamId,
      workspace_id: workspaceId,
    });
    assert.equal(p.slug, 'site-2');
    assert.equal(p.visibility, 'public');
    assert.equal(p.status, 'completed');
    assert.equal(p.team, teamId);
    assert.equal(p.workspace, workspaceId);
  });

  test('slugs: unique per organization by suffix; a given slug that is taken is a conflict', async () => {
    const owner = await signUp(app);
    const other = await signUp(app);
    const slugs = [];
    for (let i = 0; i < 3; i++) slugs.push((await create(owner, { title: 'Drone Survey' })).slug);
    assert.deepEqual(slugs, ['drone-survey', 'drone-survey-2', 'drone-survey-3']);
    // Another organization has its own slug space.
    assert.equal((await create(other, { title: 'Drone Survey' })).slug, 'drone-survey');
    assert.equal((await create(owner, { title: '¡¿…?!' })).slug, 'project');
    assert.equal((await create(owner, { title: 'Élan Vital' })).slug, 'elan-vital');

    assertError(
      await call(owner, 'POST', '/api/projects', { title: 'x', slug: 'drone-survey' }),
      409,
      'conflict',
    );
    const last = await create(owner, { title: 'Another' });
    const patched = await call(owner, 'PATCH', `/api/projects/${last.id}`, { slug: 'drone-survey-2' });
    assertError(patched, 409, 'conflict');
    const ok = await call(owner, 'PATCH', `/api/projects/${last.id}`, { slug: 'renamed' });
    assert.equal(ok.statusCode, 200, ok.body);
    assert.equal(ok.json().slug, 'renamed');
  });

  test('list: pages newest first with DRF links', async () => {
    const owner = await signUp(app);
    const ids = [];
    for (const title of ['One', 'Two', 'Three']) ids.push((await create(owner, { title })).id);
    const first = await call(owner, 'GET', '/api/projects?page_size=2');
    assert.equal(first.statusCode, 200, first.body);
    const body = first.json();
    assert.equal(body.count, 3);
    assert.deepEqual(
      body.results.map((p: { id: number }) => p.id),
      [ids[2], ids[1]],
    );
    assert.equal(body.previous, null);
    assert.equal(body.next, '/api/projects?page_size=2&page=2');
    assert.equal(body.results[0].role, 'owner');
    const second = (await call(owner, 'GET', body.next)).json();
    assert.deepEqual(
      second.results.map((p: { id: number }) => p.id),
      [ids[0]],
    );
    assert.equal(second.next, null);
    const past = (await call(owner, 'GET', '/api/projects?page=5')).json();
    assert.equal(past.count, 3);
    assert.deepEqual(past.results, []);
  });

  test('list: filters by workspace, team, visibility, search (wildcards literal) and liked', async () => {
    const owner = await signUp(app);
    const teamId = await createTeam(ctx.database, owner, owner.orgId, []);
    const workspaceId = await createWorkspace(ctx.database, owner, owner.orgId);
    const a = await create(owner, { title: '100% Done', team_id: teamId });
    const b = await create(owner, { title: '100 done_x', workspace_id: workspaceId, visibility: 'public' });
    const c = await create(owner, { title: 'Wheat' });
    const ids = async (query: string) => {
      const res = await call(owner, 'GET', `/api/projects?${query}`);
      assert.equal(res.statusCode, 200, res.body);
      assert.equal(res.json().count, res.json().results.length);
      return res.json().results.map((p: { id: number }) => p.id);
    };
    assert.deepEqual(await ids(`team=${teamId}`), [a.id]);
    assert.deepEqual(await ids(`workspace=${workspaceId}`), [b.id]);
    assert.deepEqual(await ids('visibility=public'), [b.id]);
    assert.deepEqual(await ids('visibility=private'), [c.id, a.id]);
    assert.deepEqual(await ids('search=DONE'), [b.id, a.id]);
    assert.deepEqual(await ids('search=%25'), [a.id]);
    assert.deepEqual(await ids('search=_'), [b.id]);
    assert.deepEqual(await ids('search=zzz'), []);
    await call(owner, 'POST', `/api/projects/${c.id}/like`);
    assert.deepEqual(await ids('liked=true'), [c.id]);
    assert.deepEqual(await ids('liked=false'), [b.id, a.id]);
    assert.deepEqual(await ids(`search=done&visibility=private`), [a.id]);
  });

  test('patch edits fields, attaches and detaches team and workspace', async () => {
    const owner = await signUp(app);
    const teamId = await createTeam(ctx.database, owner, owner.orgId, []);
    const workspaceId = await createWorkspace(ctx.database, owner, owner.orgId);
    const p = await create(owner, { title: 'Before', description: 'old' });
    const res = await call(owner, 'PATCH', `/api/projects/${p.id}`, {
      title: '  After  ',
      description: null,
      visibility: 'public',
      status: 'archived',
      team_id: teamId,
      workspace_id: workspaceId,
    });
    assert.equal(res.statusCode, 200, res.body);
    const patched = res.json();
    assert.equal(patched.title, 'After');
    assert.equal(patched.slug, 'before'); // a new title keeps the slug (links stay valid)
    assert.equal(patched.description, null);
    assert.equal(patched.visibility, 'public');
    assert.equal(patched.status, 'archived');
    assert.equal(patched.team, teamId);
    assert.equal(patched.workspace, workspaceId);
    assert.ok(Date.parse(patched.updated_at) >= Date.parse(p.updated_at));
    const cleared = await call(owner, 'PATCH', `/api/projects/${p.id}`, {
      team_id: null,
      workspace_id: null,
    });
    assert.equal(cleared.json().team, null);
    assert.equal(cleared.json().workspace, null);
    assert.equal(cleared.json().title, 'After');
    const empty = await call(owner, 'PATCH', `/api/projects/${p.id}`, {});
    assert.equal(empty.statusCode, 200, empty.body);
    assert.equal(empty.json().title, 'After');
  });

  test('delete removes the project and records it', async () => {
    const owner = await signUp(app);
    const p = await create(owner, { title: 'Doomed' });
    await call(owner, 'POST', `/api/projects/${p.id}/like`);
    const res = await call(owner, 'DELETE', `/api/projects/${p.id}`);
    assert.equal(res.statusCode, 204, res.body);
    assertError(await call(owner, 'GET', `/api/projects/${p.id}`), 404, 'not_found');
    assertError(await call(owner, 'DELETE', `/api/projects/${p.id}`), 404, 'not_found');
    assert.equal((await call(owner, 'GET', '/api/projects')).json().count, 0);
    const log = await auditActions(owner, owner.orgId);
    assert.deepEqual(
      log.map((l) => l.action),
      ['project.create', 'project.delete'],
    );
    assert.deepEqual(log[1]!.details, { title: 'Doomed', slug: 'doomed' });
  });

  test('likes are per person and idempotent', async () => {
    const owner = await signUp(app);
    const viewer = await signUp(app);
    await joinOrganization(ctx.database, owner, owner.orgId, viewer);
    const p = await create(owner, { title: 'Liked' });
    await call(owner, 'POST', `/api/projects/${p.id}/members`, { user_id: viewer.id, role: 'viewer' });
    const like = (person: Person, method: 'POST' | 'DELETE') =>
      call(person, method, `/api/projects/${p.id}/like`, undefined, owner.orgId);
    assert.deepEqual((await like(owner, 'POST')).json(), { liked: true, like_count: 1 });
    assert.deepEqual((await like(owner, 'POST')).json(), { liked: true, like_count: 1 });
    assert.deepEqual((await like(viewer, 'POST')).json(), { liked: true, like_count: 2 });
    const seen = (await call(viewer, 'GET', `/api/projects/${p.id}`, undefined, owner.orgId)).json();
    assert.equal(seen.liked, true);
    assert.equal(seen.like_count, 2);
    assert.equal(seen.role, 'viewer');
    assert.deepEqual((await like(owner, 'DELETE')).json(), { liked: false, like_count: 1 });
    assert.deepEqual((await like(owner, 'DELETE')).json(), { liked: false, like_count: 1 });
    const mine = (await call(owner, 'GET', `/api/projects/${p.id}`)).json();
    assert.equal(mine.liked, false);
    assert.equal(mine.like_count, 1);
  });

  test('modules: PUT sets exactly the enabled set; GET and the project show it', async () => {
    const owner = await signUp(app);
    const viewer = await signUp(app);
    await joinOrganization(ctx.database, owner, owner.orgId, viewer);
    const p = await create(owner, { title: 'Modular' });
    await call(owner, 'POST', `/api/projects/${p.id}/members`, { user_id: viewer.id, role: 'viewer' });
    const state = (names: string[]) =>
      ['annotation', 'photos', 'geodata', 'rooms'].map((name) => ({ name, enabled: names.includes(name) }));

    assert.deepEqual((await call(owner, 'GET', `/api/projects/${p.id}/modules`)).json(), {
      modules: state([]),
    });
    const put = await call(owner, 'PUT', `/api/projects/${p.id}/modules`, {
      enabled: ['geodata', 'annotation', 'geodata'],
    });
    assert.equal(put.statusCode, 200, put.body);
    assert.deepEqual(put.json(), { modules: state(['annotation', 'geodata']) });
    assert.deepEqual((await call(owner, 'GET', `/api/projects/${p.id}`)).json().modules, [
      'annotation',
      'geodata',
    ]);
    const swap = await call(owner, 'PUT', `/api/projects/${p.id}/modules`, {
      enabled: ['photos', 'geodata'],
    });
    assert.deepEqual(swap.json(), { modules: state(['photos', 'geodata']) });
    const viewed = await call(viewer, 'GET', `/api/projects/${p.id}/modules`, undefined, owner.orgId);
    assert.deepEqual(viewed.json(), { modules: state(['photos', 'geodata']) });
    assertError(
      await call(viewer, 'PUT', `/api/projects/${p.id}/modules`, { enabled: [] }, owner.orgId),
      403,
      'forbidden',
    );
    const none = await call(owner, 'PUT', `/api/projects/${p.id}/modules`, { enabled: [] });
    assert.deepEqual(none.json(), { modules: state([]) });
    assert.deepEqual((await call(owner, 'GET', `/api/projects/${p.id}`)).json().modules, []);
  });

  test('bad input answers 400 with the error shape', async () => {
    const owner = await signUp(app);
    const p = await create(owner, { title: 'Valid' });
    const bad: [string, string, object | undefined][] = [
      ['POST', '/api/projects', { title: 'x', color: 'red' }],
      ['POST', '/api/projects', { title: 'x', slug: 'Bad Slug' }],
      ['POST', '/api/projects', { title: 'x', slug: 'a--b' }],
      ['POST', '/api/projects', { title: 'x', slug: `${'a'.repeat(101)}` }],
      ['POST', '/api/projects', { title: 'x', visibility: 'secret' }],
      ['POST', '/api/projects', { title: 'x', status: 'gone' }],
      ['POST', '/api/projects', { title: '' }],
      ['POST', '/api/projects', { title: '   ' }],
      ['POST', '/api/projects', { title: 'a'.repeat(256) }],
      ['POST', '/api/projects', { title: 'nul\u0000byte' }],
      ['POST', '/api/projects', { title: 'x', description: 'nul\u0000' }],
      ['POST', '/api/projects', { title: 'x', team_id: 0 }],
      ['POST', '/api/projects', {}],
      ['PATCH', `/api/projects/${p.id}`, { owner: 1 }],
      ['PATCH', `/api/projects/${p.id}`, { visibility: 'everyone' }],
      ['PATCH', `/api/projects/${p.id}`, { title: null }],
      ['GET', '/api/projects/abc', undefined],
      ['GET', '/api/projects/1.5', undefined],
      ['GET', '/api/projects/0', undefined],
      ['DELETE', '/api/projects/-3', undefined],
      ['GET', '/api/projects?page_size=0', undefined],
      ['GET', '/api/projects?visibility=hidden', undefined],
      ['GET', '/api/projects?liked=maybe', undefined],
      ['GET', '/api/projects?team=x', undefined],
      ['GET', '/api/projects?search=%00', undefined],
      ['PUT', `/api/projects/${p.id}/modules`, { enabled: ['chess'] }],
      ['PUT', `/api/projects/${p.id}/modules`, { enabled: 'annotation' }],
      ['PUT', `/api/projects/${p.id}/modules`, {}],
      ['POST', `/api/projects/${p.id}/members`, { user_id: owner.id, role: 'king' }],
      ['PATCH', `/api/projects/${p.id}/members/${owner.id}`, { role: 'admin' }],
      ['PATCH', `/api/projects/${p.id}/members/x`, { role: 'viewer' }],
    ];
    for (const [method, url, payload] of bad) {
      const res = await call(owner, method as 'GET', url, payload);
      assert.equal(res.statusCode, 400, `${method} ${url} ${JSON.stringify(payload)}: ${res.body}`);
      assertError(res, 400);
    }
    const named = await call(owner, 'POST', '/api/projects', { title: 'x', slug: 'Bad Slug' });
    assert.equal(named.json().error.details[0].field, 'slug');
    // Nothing was created by any of them.
    assert.equal((await call(owner, 'GET', '/api/projects')).json().count, 1);
  });

  test("team and workspace must be the organization's and visible to the actor", async () => {
    const owner = await signUp(app);
    const stranger = await signUp(app);
    const foreignTeam = await createTeam(ctx.database, stranger, stranger.orgId, [
      { person: stranger, role: 'owner' },
    ]);
    const foreignWs = await createWorkspace(ctx.database, stranger, stranger.orgId);
    const t = await call(owner, 'POST', '/api/projects', { title: 'x', team_id: foreignTeam });
    assertError(t, 404, 'not_found');
    assert.match(t.json().error.message, new RegExp(`team ${foreignTeam}`));
    const w = await call(owner, 'POST', '/api/projects', { title: 'x', workspace_id: foreignWs });
    assertError(w, 404, 'not_found');
    assert.match(w.json().error.message, new RegExp(`workspace ${foreignWs}`));
    const p = await create(owner, { title: 'Mine' });
    assertError(
      await call(owner, 'PATCH', `/api/projects/${p.id}`, { team_id: foreignTeam }),
      404,
      'not_found',
    );
    // A plain member cannot attach a team they cannot see.
    const member = await signUp(app);
    await joinOrganization(ctx.database, owner, owner.orgId, member);
    const hidden = await createTeam(ctx.database, owner, owner.orgId, []);
    const res = await call(member, 'POST', '/api/projects', { title: 'x', team_id: hidden }, owner.orgId);
    assertError(res, 404, 'not_found');
    assert.equal((await call(owner, 'GET', '/api/projects')).json().count, 1);
  });

  test("another organization's person gets 404 on every route and none of the data", async () => {
    const owner = await signUp(app);
    const outsider = await signUp(app);
    const marker = `zz${Date.now().toString(36)}secret`;
    const p = await create(owner, { title: `${marker} project`, description: marker });
    await call(owner, 'PUT', `/api/projects/${p.id}/modules`, { enabled: ['annotation'] });
    const base = `/api/projects/${p.id}`;
    const routes: [string, string, object | undefined][] = [
      ['GET', base, undefined],
      ['PATCH', base, { title: 'pwned' }],
      ['DELETE', base, undefined],
      ['POST', `${base}/like`, undefined],
      ['DELETE', `${base}/like`, undefined],
      ['GET', `${base}/modules`, undefined],
      ['PUT', `${base}/modules`, { enabled: [] }],
      ['GET', `${base}/members`, undefined],
      ['POST', `${base}/members`, { user_id: outsider.id, role: 'owner' }],
      ['PATCH', `${base}/members/${owner.id}`, { role: 'viewer' }],
      ['DELETE', `${base}/members/${owner.id}`, undefined],
    ];
    for (const orgId of [outsider.orgId, owner.orgId]) {
      for (const [method, url, payload] of routes) {
        const res = await call(outsider, method as 'GET', url, payload, orgId);
        assertError(res, 404, 'not_found');
        assert.ok(!res.body.includes(marker), `${method} ${url} leaked: ${res.body}`);
      }
      const list = await call(outsider, 'GET', '/api/projects', undefined, orgId);
      assert.ok(!list.body.includes(marker), list.body);
      const search = await call(outsider, 'GET', `/api/projects?search=${marker}`, undefined, orgId);
      assert.ok(!search.body.includes(marker), search.body);
    }
    assert.equal((await call(outsider, 'GET', '/api/projects')).json().count, 0);
    // The owner's project is untouched.
    const after = (await call(owner, 'GET', base)).json();
    assert.equal(after.title, `${marker} project`);
    assert.deepEqual(after.modules, ['annotation']);
    assert.equal(after.like_count, 0);
    assert.equal((await call(owner, 'GET', `${base}/members`)).json().count, 1);
  });
});
