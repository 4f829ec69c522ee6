// Invitations through HTTP: invite, read the mailed link, accept (signed in or at sign-up), reuse, revoke,
// expiry; role rules, isolation and bad input.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { sql } from 'kysely';
import { createTestApp } from '../../../test/app.ts';
import { forEachDatabase } from '../../../test/harness.ts';
import { PASSWORD, type Person, signUp } from '../../../test/http-factories.ts';
import { inScope } from '../../db/scope.ts';
import type { App } from '../../platform/http/app-types.ts';
import { addMember, expectError, groupMemberships, groupsIn, mailedToken } from './org-fixtures.ts';

let serial = 0;
const newEmail = (label: string) => `${label}${Date.now().toString(36)}${serial++}@example.test`;

forEachDatabase('invitations', (ctx) => {
  let app: App;
  before(async () => {
    app = await createTestApp(ctx.database, {
      LOGIN_RATE_LIMIT: '10000',
      PUBLIC_URL: 'https://gt.example.test',
    });
    await app.ready();
    await signUp(app);
  });
  after(() => app.close());

  const call = (method: 'GET' | 'POST' | 'DELETE', url: string, who: Person, payload?: object) =>
    app.inject({ method, url, headers: who.headers, ...(payload ? { payload } : {}) });
  const invite = (orgId: number, who: Person, payload: object) =>
    call('POST', `/api/organizations/${orgId}/invitations`, who, payload);
  const accept = (who: Person, token: string) => call('POST', '/api/invitations/accept', who, { token });
  const pending = async (orgId: number, who: Person) =>
    (await call('GET', `/api/organizations/${orgId}/invitations`, who)).json();
  const roleOf = async (orgId: number, userId: number, who: Person) =>
    (await call('GET', `/api/organizations/${orgId}/memberships`, who))
      .json()
      .results.find((m: { user: { id: number } }) => m.user.id === userId)?.role as string | undefined;

  test('end to end: invite, mail, accept, listed with the role and groups; the token works once', async () => {
    const owner = await signUp(app);
    const { teamId, projectId } = await groupsIn(ctx.database, owner.orgId, `e2e${owner.id}`);
    const email = newEmail('invitee');
    const res = await invite(owner.orgId, owner, {
      email,
      role: 'admin',
      team_ids: [teamId],
      project_ids: [projectId],
      project_role: 'annotator',
    });
    assert.equal(res.statusCode, 201, res.body);
    const inv = res.json();
    assert.equal(inv.email, email);
    assert.equal(inv.role, 'admin');
    assert.equal(inv.organization, owner.orgId);
    assert.deepEqual(inv.team_ids, [teamId]);
    assert.deepEqual(inv.project_roles, [{ project_id: projectId, role: 'annotator' }]);
    assert.equal(inv.invited_by, owner.id);
    const days = (Date.parse(inv.expires_at) - Date.now()) / 86_400_000;
    assert.ok(days > 6.99 && days <= 7, `expires in ${days} days`);
    assert.ok(!('token' in inv) && !('token_id' in inv));

    const token = await mailedToken(ctx.database, email);
    assert.ok(!res.body.includes(token), 'the token is mailed, never answered');
    const mail = await ctx.database.db
      .selectFrom('mail_outbox')
      .select('body')
      .where('to_address', '=', email)
      .executeTakeFirstOrThrow();
    assert.ok(mail.body.includes(`https://gt.example.test/accept-invite?token=${token}`));
    const list = await pending(owner.orgId, owner);
    assert.deepEqual(
      list.results.map((i: { id: number }) => i.id),
      [inv.id],
    );

    const invitee = await signUp(app, { email });
    const ok = await accept(invitee, token);
    assert.equal(ok.statusCode, 200, ok.body);
    assert.deepEqual(ok.json(), { organization_id: owner.orgId, role: 'admin' });
    assert.equal(await roleOf(owner.orgId, invitee.id, owner), 'admin');
    assert.deepEqual(await groupMemberships(ctx.database, owner.orgId, invitee.id), {
      teams: ['viewer'],
      workspaces: [],
      projects: ['annotator'],
    });
    // The new member sees the organization; the signed-in accept does not switch their active organization.
    assert.equal((await call('GET', `/api/organizations/${owner.orgId}`, invitee)).json().role, 'admin');
    assert.equal((await call('GET', '/api/users/me', invitee)).json().active_organization, invitee.orgId);

    expectError(await accept(invitee, token), 400, 'invalid_token');
    const other = await signUp(app);
    expectError(await accept(other, token), 400, 'invalid_token');
    assert.equal((await pending(owner.orgId, owner)).count, 0);

    const log = (await call('GET', `/api/organizations/${owner.orgId}/audit-log`, owner)).json();
    const actions = log.results.map((e: { action: string }) => e.action);
    assert.ok(actions.includes('invitation.create') && actions.includes('invitation.accept'), actions.join());
    const stored = await inScope(ctx.database.db, { organizationId: owner.orgId, userId: null }, (tx) =>
      tx.selectFrom('invitations').selectAll().where('id', '=', inv.id).executeTakeFirstOrThrow(),
    );
    assert.equal(stored.accepted_by, invitee.id);
    assert.ok(stored.accepted_at);
  });

  test('an existing member keeps the stronger of the two roles', async () => {
    const owner = await signUp(app);
    const admin = await signUp(app);
    await addMember(ctx.database, owner.orgId, admin.id, 'admin');
    const email = newEmail('again');
    assert.equal((await invite(owner.orgId, owner, { email, role: 'member' })).statusCode, 201);
    const ok = await accept(admin, await mailedToken(ctx.database, email));
    assert.deepEqual(ok.json(), { organization_id: owner.orgId, role: 'admin' });
    assert.equal(await roleOf(owner.orgId, admin.id, owner), 'admin');
  });

  test('sign-up with invite_token joins the organization and lands in it', async () => {
    const owner = await signUp(app);
    const email = newEmail('newcomer');
    assert.equal((await invite(owner.orgId, owner, { email, role: 'member' })).statusCode, 201);
    const token = await mailedToken(ctx.database, email);
    const res = await app.inject({
      method: 'POST',
      url: '/api/auth/signup',
      payload: {
        email,
        username: `nc${Date.now().toString(36)}${serial++}`,
        password: PASSWORD,
        invite_token: token,
      },
    });
    assert.equal(res.statusCode, 201, res.body);
    const body = res.json();
    assert.equal(body.user.active_organization, owner.orgId);
    assert.equal(await roleOf(owner.orgId, body.user.id, owner), 'member');
    const mine = await app.inject({
      method: 'GET',
      url: '/api/organizations',
      headers: { authorization: `Bearer ${body.access_token}` },
    });
    const joined = mine.json().results.find((o: { id: number }) => o.id === owner.orgId);
    assert.equal(joined?.role, 'member');
  });

  test('a revoked invitation cannot be accepted and leaves the pending list', async () => {
    const owner = await signUp(app);
    const admin = await signUp(app);
    await addMember(ctx.database, owner.orgId, admin.id, 'admin');
    const email = newEmail('revoked');
    const inv = (await invite(owner.orgId, owner, { email, role: 'member' })).json();
    const token = await mailedToken(ctx.database, email);
    const del = await call('DELETE', `/api/organizations/${owner.orgId}/invitations/${inv.id}`, admin);
    assert.equal(del.statusCode, 204);
    assert.equal((await pending(owner.orgId, owner)).count, 0);
    const invitee = await signUp(app, { email });
    expectError(await accept(invitee, token), 400, 'invalid_token');
    assert.equal(await roleOf(owner.orgId, invitee.id, owner), undefined);
    const log = (
      await call('GET', `/api/organizations/${owner.orgId}/audit-log?action=invitation.revoke`, owner)
    ).json();
    assert.equal(log.count, 1);
    assert.equal(log.results[0].actor.id, admin.id);
    expectError(await call('DELETE', `/api/organizations/${owner.orgId}/invitations/999999`, owner), 404);
  });

  test('an expired invitation cannot be accepted', async () => {
    const owner = await signUp(app);
    const email = newEmail('late');
    const inv = (await invite(owner.orgId, owner, { email, role: 'member' })).json();
    const token = await mailedToken(ctx.database, email);
    const tokenId = await inScope(
      ctx.database.db,
      { organizationId: owner.orgId, userId: null },
      async (tx) => {
        const row = await tx
          .selectFrom('invitations')
          .select('token_id')
          .where('id', '=', inv.id)
          .executeTakeFirstOrThrow();
        return row.token_id!;
      },
    );
    await sql`UPDATE single_use_tokens SET expires_at = now() - interval '1 day' WHERE id = ${tokenId}`.execute(
      ctx.database.db,
    );
    const invitee = await signUp(app, { email });
    expectError(await accept(invitee, token), 400, 'invalid_token');
    assert.equal(await roleOf(owner.orgId, invitee.id, owner), undefined);
  });

  test('role rules: owners and admins invite, only owners invite owners, members cannot', async () => {
    const owner = await signUp(app);
    const admin = await signUp(app);
    const member = await signUp(app);
    await addMember(ctx.database, owner.orgId, admin.id, 'admin');
    await addMember(ctx.database, owner.orgId, member.id, 'member');
    expectError(
      await invite(owner.orgId, member, { email: newEmail('m'), role: 'member' }),
      403,
      'forbidden',
    );
    expectError(await call('GET', `/api/organizations/${owner.orgId}/invitations`, member), 403, 'forbidden');
    expectError(await invite(owner.orgId, admin, { email: newEmail('o'), role: 'owner' }), 403, 'forbidden');
    assert.equal((await invite(owner.orgId, admin, { email: newEmail('a'), role: 'admin' })).statusCode, 201);
    const byOwner = await invite(owner.orgId, owner, { email: newEmail('o'), role: 'owner' });
    assert.equal(byOwner.statusCode, 201);
    expectError(
      await call('DELETE', `/api/organizations/${owner.orgId}/invitations/${byOwner.json().id}`, member),
      403,
      'forbidden',
    );
    assert.equal((await pending(owner.orgId, admin)).count, 2);
  });

  test('teams and projects of another organization are refused (404 naming the id)', async () => {
    const owner = await signUp(app);
    const outsider = await signUp(app);
    const mine = await groupsIn(ctx.database, owner.orgId, `own${owner.id}`);
    const theirs = await groupsIn(ctx.database, outsider.orgId, `their${outsider.id}`);
    const team = await invite(owner.orgId, owner, {
      email: newEmail('t'),
      role: 'member',
      team_ids: [mine.teamId, theirs.teamId],
    });
    expectError(team, 404, 'not_found');
    assert.match(team.json().error.message, new RegExp(`team ${theirs.teamId}`));
    const project = await invite(owner.orgId, owner, {
      email: newEmail('p'),
      role: 'member',
      project_ids: [theirs.projectId],
    });
    expectError(project, 404, 'not_found');
    assert.match(project.json().error.message, new RegExp(`project ${theirs.projectId}`));
    assert.equal((await pending(owner.orgId, owner)).count, 0);
  });

  test("cross-tenant: another organization's owner sees and revokes none of its invitations", async () => {
    const owner = await signUp(app);
    const outsider = await signUp(app);
    const email = newEmail('private');
    const inv = (await invite(owner.orgId, owner, { email, role: 'member' })).json();
    for (const res of [
      await call('GET', `/api/organizations/${owner.orgId}/invitations`, outsider),
      await call('DELETE', `/api/organizations/${owner.orgId}/invitations/${inv.id}`, outsider),
      await invite(owner.orgId, outsider, { email: newEmail('x'), role: 'owner' }),
      // Their own organization's path with this invitation's id: not found there either.
      await call('DELETE', `/api/organizations/${outsider.orgId}/invitations/${inv.id}`, outsider),
    ]) {
      expectError(res, 404, 'not_found');
      assert.ok(!res.body.includes(email));
    }
    const theirs = await pending(outsider.orgId, outsider);
    assert.equal(theirs.count, 0);
    assert.equal((await pending(owner.orgId, owner)).count, 1);
  });

  test('bad input answers 400', async () => {
    const owner = await signUp(app);
    for (const payload of [
      { email: 'not-an-email', role: 'member' },
      { email: newEmail('b'), role: 'boss' },
      { email: newEmail('b') },
      { email: newEmail('b'), role: 'member', unknown: 1 },
      { email: newEmail('b'), role: 'member', team_ids: ['x'] },
      { email: newEmail('b'), role: 'member', team_ids: [0] },
      { email: newEmail('b'), role: 'member', project_ids: [1, 1] },
      { email: newEmail('b'), role: 'member', project_role: 'king' },
    ]) {
      expectError(await invite(owner.orgId, owner, payload), 400, 'validation_failed');
    }
    expectError(await call('DELETE', `/api/organizations/${owner.orgId}/invitations/1.5`, owner), 400);
    expectError(await call('GET', `/api/organizations/abc/invitations`, owner), 400);
    for (const payload of [{ token: 'short' }, {}, { token: 'x'.repeat(40), extra: 1 }]) {
      expectError(await call('POST', '/api/invitations/accept', owner, payload), 400, 'validation_failed');
    }
    expectError(await accept(owner, 'x'.repeat(43)), 400, 'invalid_token');
    const anonymous = await app.inject({
      method: 'POST',
      url: '/api/invitations/accept',
      payload: { token: 'x'.repeat(43) },
    });
    expectError(anonymous, 401, 'unauthorized');
  });
});
