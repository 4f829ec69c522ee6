// Who may read which project: the list's SQL condition (projects.access.ts) and the access module's
// effectiveRoles (GET by id) must agree for every way of holding a role (direct, team, group and tag grants);
// team-derived access follows the team.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { createTestApp } from '../../../test/app.ts';
import { forEachDatabase } from '../../../test/harness.ts';
import { type Person, signUp } from '../../../test/http-factories.ts';
import { inScope } from '../../db/scope.ts';
import { policy, projectRoles } from '../../platform/access/policy.ts';
import type { App } from '../../platform/http/app-types.ts';
import { assertError, caller, createTeam, joinOrganization, removeTeamMember } from './projects.test-kit.ts';

test('every project role may read (readableProjects relies on it)', () => {
  assert.deepEqual([...policy['project.read'].roles].sort(), [...projectRoles].sort());
});

forEachDatabase('project access', (ctx) => {
  let app: App;
  let call: ReturnType<typeof caller>;

  before(async () => {
    app = await createTestApp(ctx.database, { LOGIN_RATE_LIMIT: '10000' });
    await app.ready();
    call = caller(app);
    await signUp(app);
  });
  after(() => app.close());

  test("a team's members get the team's role on its projects, and lose it with the team membership", async () => {
    const owner = await signUp(app);
    const crew = await signUp(app);
    const boss = await signUp(app);
    const orgId = owner.orgId;
    await joinOrganization(ctx.database, owner, orgId, crew);
    await joinOrganization(ctx.database, owner, orgId, boss);
    const teamId = await createTeam(ctx.database, owner, orgId, [
      { person: owner, role: 'owner' },
      { person: crew, role: 'viewer' },
      { person: boss, role: 'manager' },
    ]);
    const p = (await call(owner, 'POST', '/api/projects', { title: 'Crew project' })).json();
    assertError(await call(crew, 'GET', `/api/projects/${p.id}`, undefined, orgId), 404, 'not_found');

    const attached = await call(owner, 'PATCH', `/api/projects/${p.id}`, { team_id: teamId });
    assert.equal(attached.statusCode, 200, attached.body);
    const logged = await inScope(ctx.database.db, { organizationId: orgId, userId: owner.id }, (tx) =>
      tx
        .selectFrom('audit_log')
        .select(['action', 'details'])
        .where('target_id', '=', String(p.id))
        .where('action', '=', 'project.team_change')
        .execute(),
    );
    assert.deepEqual(logged, [{ action: 'project.team_change', details: { team_id: teamId } }]);
    const seen = await call(crew, 'GET', `/api/projects/${p.id}`, undefined, orgId);
    assert.equal(seen.statusCode, 200, seen.body);
    assert.equal(seen.json().role, 'viewer');
    const listed = (await call(crew, 'GET', '/api/projects', undefined, orgId)).json();
    assert.deepEqual(
      listed.results.map((r: { id: number; role: string }) => [r.id, r.role]),
      [[p.id, 'viewer']],
    );
    assertError(await call(crew, 'PATCH', `/api/projects/${p.id}`, { title: 'x' }, orgId), 403, 'forbidden');
    // The team's manager manages the project (but does not appear among its direct members).
    const edited = await call(boss, 'PATCH', `/api/projects/${p.id}`, { status: 'completed' }, orgId);
    assert.equal(edited.statusCode, 200, edited.body);
    assert.equal(edited.json().role, 'manager');
    const members = (await call(boss, 'GET', `/api/projects/${p.id}/members`, undefined, orgId)).json();
    assert.deepEqual(
      members.results.map((m: { user: { id: number } }) => m.user.id),
      [owner.id],
    );

    await removeTeamMember(ctx.database, owner, orgId, teamId, crew);
    assertError(await call(crew, 'GET', `/api/projects/${p.id}`, undefined, orgId), 404, 'not_found');
    assert.equal((await call(crew, 'GET', '/api/projects', undefined, orgId)).json().count, 0);

    // Detaching the team ends the manager's access too.
    await call(owner, 'PATCH', `/api/projects/${p.id}`, { team_id: null });
    assertError(await call(boss, 'GET', `/api/projects/${p.id}`, undefined, orgId), 404, 'not_found');
  });

  test('list and GET agree for every way of holding (or not holding) a role', async () => {
    const owner = await signUp(app);
    const orgId = owner.orgId;
    const people: Record<string, Person> = {};
    for (const name of ['admin', 'member', 'direct', 'teamed', 'both', 'outsider', 'grouped', 'tagged']) {
      people[name] = await signUp(app);
    }
    await joinOrganization(ctx.database, owner, orgId, people.admin!, 'admin');
    for (const name of ['member', 'direct', 'teamed', 'both', 'grouped', 'tagged']) {
      await joinOrganization(ctx.database, owner, orgId, people[name]!);
    }
    const teamA = await createTeam(ctx.database, owner, orgId, [
      { person: people.teamed!, role: 'viewer' },
      { person: people.both!, role: 'manager' },
    ]);
    const teamB = await createTeam(ctx.database, owner, orgId, [{ person: people.direct!, role: 'owner' }]);
    const make = async (payload: object) =>
      (await call(owner, 'POST', '/api/projects', payload)).json().id as number;
    const projects = {
      plain: await make({ title: 'plain' }),
      withA: await make({ title: 'with team A', team_id: teamA }),
      withB: await make({ title: 'with team B', team_id: teamB, visibility: 'public' }),
      directOnly: await make({ title: 'direct only' }),
    };
    const add = (project: number, person: Person, role: string) =>
      call(owner, 'POST', `/api/projects/${project}/members`, { user_id: person.id, role });
    await add(projects.directOnly, people.direct!, 'annotator');
    await add(projects.withA, people.both!, 'reviewer');
    await add(projects.withB, people.both!, 'viewer');
    // Group grants (team_projects) and tag grants (team_tags).
    const grant = async (url: string, role: string) => {
      const res = await call(owner, 'PUT', url, { role });
      assert.equal(res.statusCode, 201, res.body);
    };
    const teamC = await createTeam(ctx.database, owner, orgId, [{ person: people.grouped!, role: 'viewer' }]);
    await grant(`/api/projects/${projects.plain}/groups/${teamC}`, 'annotator');
    await grant(`/api/projects/${projects.directOnly}/groups/${teamA}`, 'reviewer');
    const tag = (await call(owner, 'POST', '/api/tags', { title: 'access-tag' })).json().id as number;
    await call(owner, 'POST', `/api/projects/${projects.withB}/project-tags`, { tag });
    const teamD = await createTeam(ctx.database, owner, orgId, [{ person: people.tagged!, role: 'viewer' }]);
    await grant(`/api/teams/${teamD}/tags/${tag}`, 'manager');
    // A direct member (also in a team with a grant) who then leaves the organization keeps the rows but
    // loses the roles.
    const leaver = await signUp(app);
    await joinOrganization(ctx.database, owner, orgId, leaver);
    await add(projects.plain, leaver, 'manager');
    await call(owner, 'POST', `/api/teams/${teamD}/members`, { user_id: leaver.id, role: 'viewer' });
    await inScope(ctx.database.db, { organizationId: orgId, userId: owner.id }, (tx) =>
      tx
        .deleteFrom('organization_members')
        .where('organization_id', '=', orgId)
        .where('user_id', '=', leaver.id)
        .execute(),
    );

    const expected: Record<string, Record<string, string>> = {
      owner: { plain: 'owner', withA: 'owner', withB: 'owner', directOnly: 'owner' },
      admin: { plain: 'owner', withA: 'owner', withB: 'owner', directOnly: 'owner' },
      member: {},
      direct: { withB: 'owner', directOnly: 'annotator' },
      teamed: { withA: 'viewer', directOnly: 'reviewer' },
      both: { withA: 'manager', withB: 'viewer', directOnly: 'reviewer' },
      outsider: {},
      grouped: { plain: 'annotator' },
      tagged: { withB: 'manager' },
      leaver: {},
    };
    const everyone: Record<string, Person> = { ...people, owner, leaver };
    for (const [name, person] of Object.entries(everyone)) {
      const viaGet: Record<string, string> = {};
      for (const [label, id] of Object.entries(projects)) {
        const res = await call(person, 'GET', `/api/projects/${id}`, undefined, orgId);
        if (res.statusCode === 200) viaGet[label] = res.json().role;
        else assertError(res, 404, 'not_found');
      }
      const viaList: Record<string, string> = {};
      const list = await call(person, 'GET', '/api/projects?page_size=1000', undefined, orgId);
      if (list.statusCode === 200) {
        for (const r of list.json().results as { id: number; role: string }[]) {
          const label = Object.entries(projects).find(([, id]) => id === r.id)?.[0];
          assert.ok(label, `unexpected project ${r.id} for ${name}`);
          viaList[label] = r.role;
        }
        assert.equal(list.json().count, Object.keys(viaList).length);
      } else {
        assertError(list, 404, 'not_found'); // not a member of the organization at all
      }
      assert.deepEqual(viaGet, expected[name], `GET for ${name}`);
      assert.deepEqual(viaList, viaGet, `list and GET disagree for ${name}`);
    }
  });
});
