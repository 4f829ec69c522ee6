// Group access over HTTP: a team (user group) given a role on a project or on a tag passes it to its members;
// the strongest of direct, team and group roles wins; taking the grant or the membership away ends access at
// once (also for cached reads); other organizations see nothing and cannot use each other's teams.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { createTestApp } from '../../../test/app.ts';
import { forEachDatabase } from '../../../test/harness.ts';
import { inOrg, type Person, signUp } from '../../../test/http-factories.ts';
import type { App } from '../../platform/http/app-types.ts';
import { joinOrganization } from '../tenancy/tenancy-test-app.ts';

forEachDatabase('group access', (ctx) => {
  let app: App;
  before(async () => {
    app = await createTestApp(ctx.database);
    await app.ready();
    await signUp(app); // the first user of an instance is a superuser; nobody below is
  });
  after(() => app.close());

  const call = (method: string, url: string, headers: Record<string, string>, payload?: object) =>
    app.inject({ method: method as 'GET', url, headers, ...(payload === undefined ? {} : { payload }) });

  async function created(method: string, url: string, headers: Record<string, string>, payload: object) {
    const res = await call(method, url, headers, payload);
    assert.ok(res.statusCode === 201 || res.statusCode === 200, `${url}: ${res.statusCode} ${res.body}`);
    return res.json();
  }

  /** An organization with an owner and `n` members, a project and a team holding every member. */
  async function world(n = 1) {
    const owner = await signUp(app);
    const orgId = owner.orgId;
    const as = (p: Person) => inOrg(p, orgId);
    const people: Person[] = [];
    for (let i = 0; i < n; i += 1) {
      const p = await signUp(app);
      await joinOrganization(ctx.database, orgId, owner.id, p.id);
      people.push(p);
    }
    const project = await created('POST', '/api/projects', as(owner), { title: 'Grants' });
    const team = await created('POST', '/api/teams', as(owner), { name: 'Labelers' });
    for (const p of people) {
      await created('POST', `/api/teams/${team.id}/members`, as(owner), { user_id: p.id, role: 'viewer' });
    }
    return { owner, orgId, as, people, projectId: project.id as number, teamId: team.id as number };
  }

  const roleOn = async (projectId: number, headers: Record<string, string>) => {
    const res = await call('GET', `/api/projects/${projectId}`, headers);
    return res.statusCode === 200 ? (res.json().role as string) : res.statusCode;
  };

  test('a team given a role on a project passes it to its members; revoking it ends access', async () => {
    const { owner, as, people, projectId, teamId } = await world(2);
    const [ada, bob] = people as [Person, Person];
    assert.equal(await roleOn(projectId, as(ada)), 404);

    const grant = await call('PUT', `/api/projects/${projectId}/groups/${teamId}`, as(owner), {
      role: 'annotator',
    });
    assert.equal(grant.statusCode, 201, grant.body);
    assert.equal(grant.json().role, 'annotator');
    assert.deepEqual(grant.json().team, { id: teamId, name: 'Labelers' });
    assert.equal(grant.json().project.id, projectId);
    assert.equal(grant.json().created_by, owner.id);

    assert.equal(await roleOn(projectId, as(ada)), 'annotator');
    assert.equal(await roleOn(projectId, as(bob)), 'annotator');
    const listed = (await call('GET', '/api/projects', as(ada))).json();
    assert.deepEqual(
      listed.results.map((p: { id: number }) => p.id),
      [projectId],
    );
    // The role does what the role does: annotators label, they do not manage the project.
    const task = await created('POST', '/api/tasks', as(owner), { project: projectId, data: { text: 'x' } });
    const ann = await call('POST', `/api/tasks/${task.id}/annotations`, as(ada), { result: [] });
    assert.equal(ann.statusCode, 201, ann.body);
    const patch = await call('PATCH', `/api/projects/${projectId}`, as(ada), { description: 'no' });
    assert.equal(patch.statusCode, 403);

    // Changing the grant answers 200 and changes the members' role.
    const changed = await call('PUT', `/api/projects/${projectId}/groups/${teamId}`, as(owner), {
      role: 'manager',
    });
    assert.equal(changed.statusCode, 200, changed.body);
    assert.equal(await roleOn(projectId, as(ada)), 'manager');

    // Out of the team: out of the project, at once (the GET is cached between the two reads).
    await roleOn(projectId, as(bob));
    const out = await call('DELETE', `/api/teams/${teamId}/members/${bob.id}`, as(owner));
    assert.equal(out.statusCode, 204);
    assert.equal(await roleOn(projectId, as(bob)), 404);
    assert.equal(await roleOn(projectId, as(ada)), 'manager');

    const revoked = await call('DELETE', `/api/projects/${projectId}/groups/${teamId}`, as(owner));
    assert.equal(revoked.statusCode, 204);
    assert.equal(await roleOn(projectId, as(ada)), 404);
    assert.equal((await call('GET', '/api/projects', as(ada))).json().count, 0);
    const again = await call('DELETE', `/api/projects/${projectId}/groups/${teamId}`, as(owner));
    assert.equal(again.statusCode, 404);
  });

  test('the strongest of direct, team and group roles wins', async () => {
    const { owner, as, people, projectId, teamId } = await world(1);
    const [ada] = people as [Person];
    const second = await created('POST', '/api/teams', as(owner), { name: 'Reviewers' });
    await created('POST', `/api/teams/${second.id}/members`, as(owner), { user_id: ada.id, role: 'viewer' });
    await created('POST', `/api/projects/${projectId}/members`, as(owner), {
      user_id: ada.id,
      role: 'viewer',
    });
    assert.equal(await roleOn(projectId, as(ada)), 'viewer');
    await created('PUT', `/api/projects/${projectId}/groups/${second.id}`, as(owner), { role: 'reviewer' });
    assert.equal(await roleOn(projectId, as(ada)), 'reviewer');
    await created('PUT', `/api/projects/${projectId}/groups/${teamId}`, as(owner), { role: 'annotator' });
    assert.equal(await roleOn(projectId, as(ada)), 'annotator');
    // A stronger direct role is not lowered by a weaker group role.
    await call('PATCH', `/api/projects/${projectId}/members/${ada.id}`, as(owner), { role: 'manager' });
    assert.equal(await roleOn(projectId, as(ada)), 'manager');
    await call('PATCH', `/api/projects/${projectId}/members/${ada.id}`, as(owner), { role: 'viewer' });
    await call('DELETE', `/api/projects/${projectId}/groups/${teamId}`, as(owner));
    assert.equal(await roleOn(projectId, as(ada)), 'reviewer');

    const page = await call('GET', `/api/projects/${projectId}/groups?page_size=1`, as(ada));
    assert.equal(page.statusCode, 200, page.body);
    assert.equal(page.json().count, 1);
    assert.equal(page.json().results[0].team.id, second.id);
    const teamSide = (await call('GET', `/api/teams/${second.id}/projects`, as(ada))).json();
    assert.deepEqual(
      teamSide.results.map((g: { project: { id: number }; role: string }) => [g.project.id, g.role]),
      [[projectId, 'reviewer']],
    );
  });

  test('a team role on a tag reaches every project with the tag, and only while it has it', async () => {
    const { owner, as, people, projectId, teamId } = await world(1);
    const [ada] = people as [Person];
    const other = await created('POST', '/api/projects', as(owner), { title: 'Untagged' });
    const tag = await created('POST', '/api/tags', as(owner), { title: 'wildlife' });
    await created('POST', `/api/projects/${projectId}/project-tags`, as(owner), { tag: tag.id });

    const member = await call('PUT', `/api/teams/${teamId}/tags/${tag.id}`, as(ada), { role: 'reviewer' });
    assert.equal(member.statusCode, 403, 'a role on a tag is the organization administrators’');
    const res = await call('PUT', `/api/teams/${teamId}/tags/${tag.id}`, as(owner), { role: 'reviewer' });
    assert.equal(res.statusCode, 201, res.body);
    assert.deepEqual(res.json().tag, { id: tag.id, title: 'wildlife' });
    assert.equal(await roleOn(projectId, as(ada)), 'reviewer');
    assert.equal(await roleOn(other.id, as(ada)), 404);

    // A project tagged later is reached too; untagged, it is not.
    await created('POST', `/api/projects/${other.id}/project-tags`, as(owner), { tag: tag.id });
    assert.equal(await roleOn(other.id, as(ada)), 'reviewer');
    const untag = await call('DELETE', `/api/projects/${other.id}/project-tags/${tag.id}`, as(owner));
    assert.equal(untag.statusCode, 204, untag.body);
    assert.equal(await roleOn(other.id, as(ada)), 404);

    const tags = (await call('GET', `/api/teams/${teamId}/tags`, as(ada))).json();
    assert.equal(tags.count, 1);
    assert.equal(tags.results[0].role, 'reviewer');
    const gone = await call('DELETE', `/api/teams/${teamId}/tags/${tag.id}`, as(owner));
    assert.equal(gone.statusCode, 204);
    assert.equal(await roleOn(projectId, as(ada)), 404);
    assert.equal((await call('DELETE', `/api/teams/${teamId}/tags/${tag.id}`, as(owner))).statusCode, 404);
  });

  test('managers give group roles, only owners give or take the owner role', async () => {
    const { owner, as, people, projectId, teamId } = await world(1);
    const manager = await signUp(app);
    await joinOrganization(ctx.database, owner.orgId, owner.id, manager.id);
    await created('POST', `/api/projects/${projectId}/members`, as(owner), {
      user_id: manager.id,
      role: 'manager',
    });
    const [ada] = people as [Person];
    const asOwnerGrant = await call('PUT', `/api/projects/${projectId}/groups/${teamId}`, as(manager), {
      role: 'owner',
    });
    assert.equal(asOwnerGrant.statusCode, 403, asOwnerGrant.body);
    const ok = await call('PUT', `/api/projects/${projectId}/groups/${teamId}`, as(manager), {
      role: 'viewer',
    });
    assert.equal(ok.statusCode, 201, ok.body);
    // An annotator (through the team) may not hand out roles.
    const byAnnotator = await call('PUT', `/api/projects/${projectId}/groups/${teamId}`, as(ada), {
      role: 'manager',
    });
    assert.equal(byAnnotator.statusCode, 403);
    await created('PUT', `/api/projects/${projectId}/groups/${teamId}`, as(owner), { role: 'owner' });
    assert.equal(await roleOn(projectId, as(ada)), 'owner');
    const demote = await call('PUT', `/api/projects/${projectId}/groups/${teamId}`, as(manager), {
      role: 'viewer',
    });
    assert.equal(demote.statusCode, 403, 'taking the owner role away is the owners’');
    assert.equal(
      (await call('DELETE', `/api/projects/${projectId}/groups/${teamId}`, as(manager))).statusCode,
      403,
    );
  });

  test('cross-tenant: other organizations get 404 and cannot use or reach each other’s teams', async () => {
    const a = await world(1);
    const b = await world(1);
    const [ada] = a.people as [Person];
    await created('PUT', `/api/projects/${a.projectId}/groups/${a.teamId}`, a.as(a.owner), {
      role: 'viewer',
    });
    // B's owner names A's project, or A's project with B's team: 404.
    for (const [method, url] of [
      ['GET', `/api/projects/${a.projectId}/groups`],
      ['PUT', `/api/projects/${a.projectId}/groups/${b.teamId}`],
      ['PUT', `/api/projects/${a.projectId}/groups/${a.teamId}`],
      ['DELETE', `/api/projects/${a.projectId}/groups/${a.teamId}`],
      ['GET', `/api/teams/${a.teamId}/projects`],
      ['GET', `/api/teams/${a.teamId}/tags`],
    ] as const) {
      for (const headers of [b.as(b.owner), inOrg(b.owner, a.orgId)]) {
        const res = await call(method, url, headers, method === 'GET' ? undefined : { role: 'owner' });
        assert.equal(res.statusCode, 404, `${method} ${url}: ${res.body}`);
        assert.ok(!res.body.includes('Labelers'));
      }
    }
    // A's owner cannot give B's team a role on A's project (B's team does not exist in A).
    const foreignTeam = await call('PUT', `/api/projects/${a.projectId}/groups/${b.teamId}`, a.as(a.owner), {
      role: 'viewer',
    });
    assert.equal(foreignTeam.statusCode, 404);
    assert.match(foreignTeam.json().error.message, new RegExp(`team ${b.teamId} not found`));

    // A person in a team of B whose team has a role on B's project gets nothing in A, and B's grants give
    // nothing to people who are in no team of B.
    const [bea] = b.people as [Person];
    await created('PUT', `/api/projects/${b.projectId}/groups/${b.teamId}`, b.as(b.owner), {
      role: 'manager',
    });
    await joinOrganization(ctx.database, a.orgId, a.owner.id, bea.id);
    assert.equal(await roleOn(b.projectId, b.as(bea)), 'manager');
    assert.equal(await roleOn(b.projectId, inOrg(bea, a.orgId)), 404);
    assert.equal(await roleOn(a.projectId, inOrg(bea, a.orgId)), 404);
    assert.equal((await call('GET', '/api/projects', inOrg(bea, a.orgId))).json().count, 0);
    assert.equal(await roleOn(b.projectId, inOrg(ada, b.orgId)), 404);
    assert.equal(await roleOn(a.projectId, a.as(ada)), 'viewer');
  });

  test('bad input answers 400 with the field named, never a 5xx', async () => {
    const { owner, as, projectId, teamId } = await world(0);
    const cases: [string, string, object | undefined][] = [
      ['PUT', `/api/projects/${projectId}/groups/${teamId}`, { role: 'boss' }],
      ['PUT', `/api/projects/${projectId}/groups/${teamId}`, {}],
      ['PUT', `/api/projects/${projectId}/groups/${teamId}`, { role: 'viewer', extra: 1 }],
      ['PUT', `/api/projects/${projectId}/groups/x`, { role: 'viewer' }],
      ['PUT', `/api/teams/${teamId}/tags/0`, { role: 'viewer' }],
      ['GET', `/api/projects/${projectId}/groups?page_size=0`, undefined],
      ['GET', `/api/teams/${teamId}/projects?page=-1`, undefined],
    ];
    for (const [method, url, payload] of cases) {
      const res = await call(method, url, as(owner), payload);
      assert.equal(res.statusCode, 400, `${method} ${url}: ${res.statusCode} ${res.body}`);
      assert.equal(res.json().error.code, 'validation_failed');
      assert.ok(res.json().error.message.length > 10);
    }
    const missing = await call('PUT', `/api/projects/${projectId}/groups/${teamId + 1000000}`, as(owner), {
      role: 'viewer',
    });
    assert.equal(missing.statusCode, 404);
    const noTag = await call('PUT', `/api/teams/${teamId}/tags/999999999`, as(owner), { role: 'viewer' });
    assert.equal(noTag.statusCode, 404);
    assert.match(noTag.json().error.message, /tag 999999999 not found/);
  });
});
