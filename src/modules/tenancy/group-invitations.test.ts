// Invitations to teams (user groups), projects and workspaces with a role each: from the organization's
// administrators with a list of roles, and from a team's, project's or workspace's own managers for just that
// one. Accepting adds each membership with its invited role; used and expired links are refused.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { sql } from 'kysely';
import { createTestApp } from '../../../test/app.ts';
import { forEachDatabase } from '../../../test/harness.ts';
import { inOrg, type Person, signUp } from '../../../test/http-factories.ts';
import { inScope } from '../../db/scope.ts';
import type { App } from '../../platform/http/app-types.ts';
import { addMember, expectError, groupMemberships, groupsIn, mailedToken } from './org-fixtures.ts';

let serial = 0;
const newEmail = (label: string) => `${label}${Date.now().toString(36)}${serial++}@example.test`;

forEachDatabase('invitations to groups, projects and workspaces', (ctx) => {
  let app: App;
  before(async () => {
    app = await createTestApp(ctx.database, { LOGIN_RATE_LIMIT: '10000' });
    await app.ready();
    await signUp(app);
  });
  after(() => app.close());

  const call = (method: 'GET' | 'POST' | 'DELETE', url: string, headers: object, payload?: object) =>
    app.inject({ method, url, headers: headers as Record<string, string>, ...(payload ? { payload } : {}) });
  const accept = (who: Person, token: string) =>
    call('POST', '/api/invitations/accept', who.headers, { token });

  test('an administrator invites with a role per team, project and workspace; accepting grants them', async () => {
    const owner = await signUp(app);
    const orgId = owner.orgId;
    const a = await groupsIn(ctx.database, orgId, `ga${owner.id}`);
    const b = await groupsIn(ctx.database, orgId, `gb${owner.id}`);
    const email = newEmail('roles');
    const res = await call('POST', `/api/organizations/${orgId}/invitations`, owner.headers, {
      email,
      role: 'member',
      team_ids: [b.teamId],
      teams: [{ team_id: a.teamId, role: 'manager' }],
      project_ids: [b.projectId],
      projects: [{ project_id: a.projectId, role: 'reviewer' }],
      workspaces: [{ workspace_id: a.workspaceId, role: 'manager' }],
    });
    assert.equal(res.statusCode, 201, res.body);
    const inv = res.json();
    assert.deepEqual(inv.team_roles, [
      { team_id: b.teamId, role: 'viewer' },
      { team_id: a.teamId, role: 'manager' },
    ]);
    assert.deepEqual(inv.team_ids, [b.teamId, a.teamId]);
    assert.deepEqual(inv.project_roles, [
      { project_id: b.projectId, role: 'viewer' },
      { project_id: a.projectId, role: 'reviewer' },
    ]);
    assert.deepEqual(inv.workspace_roles, [{ workspace_id: a.workspaceId, role: 'manager' }]);

    const token = await mailedToken(ctx.database, email);
    const invitee = await signUp(app, { email });
    // Already a viewer of team a: the stronger invited role (manager) wins.
    await addMember(ctx.database, orgId, invitee.id, 'member');
    await call('POST', `/api/teams/${a.teamId}/members`, inOrg(owner, orgId), {
      user_id: invitee.id,
      role: 'viewer',
    });
    const ok = await accept(invitee, token);
    assert.equal(ok.statusCode, 200, ok.body);
    const held = await groupMemberships(ctx.database, orgId, invitee.id);
    assert.deepEqual(held.teams.sort(), ['manager', 'viewer']);
    assert.deepEqual(held.projects.sort(), ['reviewer', 'viewer']);
    assert.deepEqual(held.workspaces, ['manager']);
    const ws = await call('GET', `/api/workspaces/${a.workspaceId}`, inOrg(invitee, orgId));
    assert.equal(ws.json().role, 'manager');
    // Used: refused the second time.
    expectError(await accept(invitee, token), 400, 'invalid_token');
  });

  test('two roles for one team in one invitation answer 400; unknown workspaces 404', async () => {
    const owner = await signUp(app);
    const g = await groupsIn(ctx.database, owner.orgId, `gc${owner.id}`);
    const twice = await call('POST', `/api/organizations/${owner.orgId}/invitations`, owner.headers, {
      email: newEmail('twice'),
      role: 'member',
      team_ids: [g.teamId],
      teams: [{ team_id: g.teamId, role: 'owner' }],
    });
    expectError(twice, 400, 'validation_failed');
    assert.match(twice.json().error.message, /teams names team_id \d+ twice/);
    const other = await signUp(app);
    const foreign = await groupsIn(ctx.database, other.orgId, `gd${other.id}`);
    const res = await call('POST', `/api/organizations/${owner.orgId}/invitations`, owner.headers, {
      email: newEmail('foreign'),
      role: 'member',
      workspaces: [{ workspace_id: foreign.workspaceId, role: 'member' }],
    });
    expectError(res, 404, 'not_found');
    assert.match(res.json().error.message, new RegExp(`workspace ${foreign.workspaceId} not found`));
    for (const bad of [
      { teams: [{ team_id: g.teamId, role: 'annotator' }] },
      { workspaces: [{ workspace_id: g.workspaceId }] },
      { projects: [{ project_id: 'x', role: 'viewer' }] },
    ]) {
      const r = await call('POST', `/api/organizations/${owner.orgId}/invitations`, owner.headers, {
        email: newEmail('bad'),
        role: 'member',
        ...bad,
      });
      expectError(r, 400, 'validation_failed');
    }
  });

  test('team, project and workspace managers invite into theirs; viewers and outsiders cannot', async () => {
    const owner = await signUp(app);
    const orgId = owner.orgId;
    const lead = await signUp(app);
    const viewer = await signUp(app);
    await addMember(ctx.database, orgId, lead.id, 'member');
    await addMember(ctx.database, orgId, viewer.id, 'member');
    const asOwner = inOrg(owner, orgId);
    const team = (await call('POST', '/api/teams', asOwner, { name: 'Crew' })).json();
    const project = (await call('POST', '/api/projects', asOwner, { title: 'Survey' })).json();
    const space = (await call('POST', '/api/workspaces', asOwner, { title: 'Space' })).json();
    await call('POST', `/api/teams/${team.id}/members`, asOwner, { user_id: lead.id, role: 'manager' });
    await call('POST', `/api/teams/${team.id}/members`, asOwner, { user_id: viewer.id, role: 'viewer' });
    await call('POST', `/api/projects/${project.id}/members`, asOwner, { user_id: lead.id, role: 'manager' });
    await call('POST', `/api/projects/${project.id}/members`, asOwner, {
      user_id: viewer.id,
      role: 'viewer',
    });
    await call('POST', `/api/workspaces/${space.id}/members`, asOwner, { user_id: lead.id, role: 'manager' });
    const asLead = inOrg(lead, orgId);

    const email = newEmail('scoped');
    const t = await call('POST', `/api/teams/${team.id}/invitations`, asLead, { email, role: 'viewer' });
    assert.equal(t.statusCode, 201, t.body);
    assert.equal(t.json().role, 'member');
    assert.deepEqual(t.json().team_roles, [{ team_id: team.id, role: 'viewer' }]);
    const p = await call('POST', `/api/projects/${project.id}/invitations`, asLead, {
      email,
      role: 'annotator',
    });
    assert.equal(p.statusCode, 201, p.body);
    const w = await call('POST', `/api/workspaces/${space.id}/invitations`, asLead, { email });
    assert.equal(w.statusCode, 201, w.body);
    assert.deepEqual(w.json().workspace_roles, [{ workspace_id: space.id, role: 'member' }]);

    // Managers do not hand out the owner role; viewers invite no one; other organizations get 404.
    expectError(
      await call('POST', `/api/teams/${team.id}/invitations`, asLead, {
        email: newEmail('o'),
        role: 'owner',
      }),
      403,
    );
    expectError(
      await call('POST', `/api/projects/${project.id}/invitations`, asLead, {
        email: newEmail('o'),
        role: 'owner',
      }),
      403,
    );
    const asViewer = inOrg(viewer, orgId);
    expectError(
      await call('POST', `/api/teams/${team.id}/invitations`, asViewer, { email: newEmail('v') }),
      403,
    );
    expectError(
      await call('POST', `/api/projects/${project.id}/invitations`, asViewer, { email: newEmail('v') }),
      403,
    );
    expectError(
      await call('POST', `/api/workspaces/${space.id}/invitations`, asViewer, { email: newEmail('v') }),
      404,
    );
    const stranger = await signUp(app);
    for (const url of [
      `/api/teams/${team.id}/invitations`,
      `/api/projects/${project.id}/invitations`,
      `/api/workspaces/${space.id}/invitations`,
    ]) {
      expectError(await call('POST', url, stranger.headers, { email: newEmail('s') }), 404);
      expectError(await call('POST', url, inOrg(stranger, orgId), { email: newEmail('s') }), 404);
      expectError(await call('POST', url, asLead, { email: 'not an email' }), 400);
    }

    // The newest mailed link is the workspace's; each link adds its own membership, as member of the org.
    const invitee = await signUp(app, { email });
    const ok = await accept(invitee, await mailedToken(ctx.database, email));
    assert.equal(ok.statusCode, 200, ok.body);
    assert.deepEqual(ok.json(), { organization_id: orgId, role: 'member' });
    assert.deepEqual(await groupMemberships(ctx.database, orgId, invitee.id), {
      teams: [],
      workspaces: ['member'],
      projects: [],
    });
    // The organization's administrators see these invitations among the pending ones.
    const pending = (await call('GET', `/api/organizations/${orgId}/invitations`, owner.headers)).json();
    assert.deepEqual(
      pending.results.map((i: { id: number }) => i.id).sort(),
      [t.json().id, p.json().id].sort(),
    );
  });

  test('an expired scoped invitation is refused', async () => {
    const owner = await signUp(app);
    const project = (await call('POST', '/api/projects', owner.headers, { title: 'Late' })).json();
    const email = newEmail('late');
    const inv = await call('POST', `/api/projects/${project.id}/invitations`, owner.headers, {
      email,
      role: 'manager',
    });
    assert.equal(inv.statusCode, 201, inv.body);
    const token = await mailedToken(ctx.database, email);
    const { token_id } = await inScope(ctx.database.db, { organizationId: owner.orgId, userId: null }, (tx) =>
      tx
        .selectFrom('invitations')
        .select('token_id')
        .where('id', '=', inv.json().id)
        .executeTakeFirstOrThrow(),
    );
    await sql`UPDATE single_use_tokens SET expires_at = now() - interval '1 minute' WHERE id = ${token_id}`.execute(
      ctx.database.db,
    );
    const invitee = await signUp(app, { email });
    expectError(await accept(invitee, token), 400, 'invalid_token');
    assert.deepEqual((await groupMemberships(ctx.database, owner.orgId, invitee.id)).projects, []);
  });
});
