// Project groups over HTTP: CRUD with paging and search, adding and removing projects, members see only the
// projects they may read, the creator owns the group, cross-tenant 404, bad input.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { createTestApp } from '../../../test/app.ts';
import { forEachDatabase } from '../../../test/harness.ts';
import { inOrg, type Person, signUp } from '../../../test/http-factories.ts';
import type { App } from '../../platform/http/app-types.ts';
import { auditActions, joinOrganization } from '../tenancy/tenancy-test-app.ts';

forEachDatabase('project groups', (ctx) => {
  let app: App;
  before(async () => {
    app = await createTestApp(ctx.database);
    await app.ready();
    await signUp(app);
  });
  after(() => app.close());

  const call = (method: string, url: string, headers: Record<string, string>, payload?: object) =>
    app.inject({ method: method as 'GET', url, headers, ...(payload === undefined ? {} : { payload }) });
  async function ok(method: string, url: string, headers: Record<string, string>, payload?: object) {
    const res = await call(method, url, headers, payload);
    assert.ok(
      res.statusCode >= 200 && res.statusCode < 300,
      `${method} ${url}: ${res.statusCode} ${res.body}`,
    );
    return res.statusCode === 204 ? null : res.json();
  }

  async function organization() {
    const owner = await signUp(app);
    const member = await signUp(app);
    await joinOrganization(ctx.database, owner.orgId, owner.id, member.id);
    const as = (p: Person) => inOrg(p, owner.orgId);
    const project = async (title: string) =>
      (await ok('POST', '/api/projects', as(owner), { title })).id as number;
    return { owner, member, orgId: owner.orgId, as, project };
  }

  test('create with projects, read, list with search and paging, update, delete', async () => {
    const { owner, orgId, as, project } = await organization();
    const p1 = await project('North field');
    const p2 = await project('South field');
    const group = await call('POST', '/api/project-groups', as(owner), {
      title: '  Fields 2026 ',
      description: 'all the fields',
      project_ids: [p1, p2],
    });
    assert.equal(group.statusCode, 201, group.body);
    const g = group.json();
    assert.equal(g.title, 'Fields 2026');
    assert.equal(g.description, 'all the fields');
    assert.equal(g.organization, orgId);
    assert.equal(g.created_by, owner.id);
    assert.equal(g.project_count, 2);
    assert.equal(g.role, 'owner');
    assert.deepEqual(await ok('GET', `/api/project-groups/${g.id}`, as(owner)), g);

    const other = await ok('POST', '/api/project-groups', as(owner), { title: 'Roofs 100%' });
    const all = await ok('GET', '/api/project-groups?page_size=1', as(owner));
    assert.equal(all.count, 2);
    assert.equal(all.results.length, 1);
    assert.equal(all.results[0].id, g.id);
    assert.match(all.next, /page=2/);
    const found = await ok('GET', '/api/project-groups?search=100%25', as(owner));
    assert.deepEqual(
      found.results.map((x: { id: number }) => x.id),
      [other.id],
    );
    const holding = await ok('GET', `/api/project-groups?project=${p2}`, as(owner));
    assert.deepEqual(
      holding.results.map((x: { id: number }) => x.id),
      [g.id],
    );

    const renamed = await ok('PATCH', `/api/project-groups/${g.id}`, as(owner), {
      title: 'Fields',
      description: null,
    });
    assert.equal(renamed.title, 'Fields');
    assert.equal(renamed.description, null);
    assert.equal((await call('DELETE', `/api/project-groups/${other.id}`, as(owner))).statusCode, 204);
    assert.equal((await call('GET', `/api/project-groups/${other.id}`, as(owner))).statusCode, 404);
    assert.deepEqual(await auditActions(ctx.database, orgId, 'project_group', g.id), [
      'project_group.create',
      'project_group.update',
    ]);
    // Deleting a group keeps its projects.
    assert.equal((await call('GET', `/api/projects/${p1}`, as(owner))).statusCode, 200);
  });

  test('projects come and go; members see only the projects they may read', async () => {
    const { owner, member, as, project } = await organization();
    const open = await project('Shared');
    const hidden = await project('Private');
    await ok('POST', `/api/projects/${open}/members`, as(owner), { user_id: member.id, role: 'viewer' });
    const g = await ok('POST', '/api/project-groups', as(owner), { title: 'Mixed' });
    assert.deepEqual(
      await ok('POST', `/api/project-groups/${g.id}/projects`, as(owner), { project_ids: [open, hidden] }),
      {
        added: 2,
      },
    );
    assert.deepEqual(
      await ok('POST', `/api/project-groups/${g.id}/projects`, as(owner), { project_ids: [open] }),
      {
        added: 0,
      },
    );
    const mine = await ok('GET', `/api/project-groups/${g.id}/projects`, as(owner));
    assert.deepEqual(
      mine.results.map((p: { id: number }) => p.id),
      [open, hidden],
    );
    const theirs = await ok('GET', `/api/project-groups/${g.id}/projects`, as(member));
    assert.equal(theirs.count, 1);
    assert.deepEqual(
      theirs.results.map((p: { id: number; title: string }) => [p.id, p.title]),
      [[open, 'Shared']],
    );
    const seen = await ok('GET', `/api/project-groups/${g.id}`, as(member));
    assert.equal(seen.role, 'member');
    assert.equal(seen.project_count, 1);

    // A member does not change someone else's group, and cannot name projects they may not read.
    assert.equal(
      (await call('PATCH', `/api/project-groups/${g.id}`, as(member), { title: 'Mine' })).statusCode,
      403,
    );
    assert.equal((await call('DELETE', `/api/project-groups/${g.id}`, as(member))).statusCode, 403);
    const own = await ok('POST', '/api/project-groups', as(member), { title: 'Mine' });
    assert.equal(own.role, 'owner');
    const sneaky = await call('POST', `/api/project-groups/${own.id}/projects`, as(member), {
      project_ids: [hidden],
    });
    assert.equal(sneaky.statusCode, 404);
    assert.match(sneaky.json().error.message, new RegExp(`project ${hidden} not found`));
    assert.equal((await call('GET', `/api/project-groups?project=${hidden}`, as(member))).statusCode, 404);
    // Organization owners own every group.
    assert.equal((await ok('GET', `/api/project-groups/${own.id}`, as(owner))).role, 'owner');

    assert.equal(
      (await call('DELETE', `/api/project-groups/${g.id}/projects/${hidden}`, as(owner))).statusCode,
      204,
    );
    assert.equal(
      (await call('DELETE', `/api/project-groups/${g.id}/projects/${hidden}`, as(owner))).statusCode,
      404,
    );
    assert.equal((await ok('GET', `/api/project-groups/${g.id}`, as(owner))).project_count, 1);
    // A deleted project leaves the group.
    await ok('DELETE', `/api/projects/${open}`, as(owner));
    assert.equal((await ok('GET', `/api/project-groups/${g.id}/projects`, as(owner))).count, 0);
  });

  test('cross-tenant: another organization gets 404 and none of the data', async () => {
    const a = await organization();
    const b = await organization();
    const pa = await a.project('Alpha secret');
    const g = await ok('POST', '/api/project-groups', a.as(a.owner), {
      title: 'Alpha group',
      project_ids: [pa],
    });
    const pb = await b.project('Beta');
    const gb = await ok('POST', '/api/project-groups', b.as(b.owner), { title: 'Beta group' });
    for (const headers of [b.as(b.owner), inOrg(b.owner, a.orgId)]) {
      for (const [method, url, payload] of [
        ['GET', `/api/project-groups/${g.id}`, undefined],
        ['PATCH', `/api/project-groups/${g.id}`, { title: 'x' }],
        ['DELETE', `/api/project-groups/${g.id}`, undefined],
        ['GET', `/api/project-groups/${g.id}/projects`, undefined],
        ['POST', `/api/project-groups/${g.id}/projects`, { project_ids: [pb] }],
        ['DELETE', `/api/project-groups/${g.id}/projects/${pa}`, undefined],
      ] as const) {
        const res = await call(method, url, headers, payload);
        assert.equal(res.statusCode, 404, `${method} ${url}: ${res.body}`);
        assert.ok(!res.body.includes('Alpha'));
      }
    }
    const list = await ok('GET', '/api/project-groups', b.as(b.owner));
    assert.deepEqual(
      list.results.map((x: { id: number }) => x.id),
      [gb.id],
    );
    // B's own group cannot take A's project.
    const foreign = await call('POST', `/api/project-groups/${gb.id}/projects`, b.as(b.owner), {
      project_ids: [pa],
    });
    assert.equal(foreign.statusCode, 404);
    assert.equal((await ok('GET', `/api/project-groups/${g.id}`, a.as(a.owner))).project_count, 1);
  });

  test('bad input answers 400, never a 5xx', async () => {
    const { owner, as } = await organization();
    const g = await ok('POST', '/api/project-groups', as(owner), { title: 'Valid' });
    for (const [method, url, payload] of [
      ['POST', '/api/project-groups', { title: '   ' }],
      ['POST', '/api/project-groups', { title: 'a\u0000b' }],
      ['POST', '/api/project-groups', {}],
      ['POST', '/api/project-groups', { title: 'x'.repeat(256) }],
      ['POST', '/api/project-groups', { title: 'x', project_ids: [1, 1] }],
      ['PATCH', `/api/project-groups/${g.id}`, { colour: 'red' }],
      ['POST', `/api/project-groups/${g.id}/projects`, { project_ids: [] }],
      ['POST', `/api/project-groups/${g.id}/projects`, { project_ids: ['one'] }],
      ['GET', '/api/project-groups?project=abc', undefined],
      ['GET', '/api/project-groups/0', undefined],
    ] as const) {
      const res = await call(method, url, as(owner), payload);
      assert.equal(res.statusCode, 400, `${method} ${url} ${JSON.stringify(payload)}: ${res.body}`);
      assert.ok(res.json().error.message.length > 10);
    }
  });
});
