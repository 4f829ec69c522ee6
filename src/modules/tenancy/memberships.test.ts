// Organization memberships through HTTP: the Label Studio list, role changes, removal and leaving, the
// last-owner rule (also under concurrency), isolation and bad input.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { sql } from 'kysely';
import { createTestApp } from '../../../test/app.ts';
import { forEachDatabase } from '../../../test/harness.ts';
import { type Person, signUp } from '../../../test/http-factories.ts';
import { inScope } from '../../db/scope.ts';
import type { App } from '../../platform/http/app-types.ts';
import { lockOwners, setMemberRole } from './memberships.repo.ts';
import { addMember, expectError, groupMemberships, groupsIn } from './org-fixtures.ts';

forEachDatabase('organization memberships', (ctx) => {
  let app: App;
  before(async () => {
    app = await createTestApp(ctx.database, { LOGIN_RATE_LIMIT: '10000' });
    await app.ready();
    await signUp(app);
  });
  after(() => app.close());

  const call = (method: 'GET' | 'PATCH' | 'DELETE', url: string, who: Person, payload?: object) =>
    app.inject({ method, url, headers: who.headers, ...(payload ? { payload } : {}) });
  const members = (orgId: number, who: Person) => call('GET', `/api/organizations/${orgId}/memberships`, who);
  const setRole = (orgId: number, userId: number, who: Person, role: string) =>
    call('PATCH', `/api/organizations/${orgId}/memberships/${userId}`, who, { role });
  const removeFrom = (orgId: number, userId: number, who: Person) =>
    call('DELETE', `/api/organizations/${orgId}/memberships/${userId}`, who);
  const roleOf = async (orgId: number, userId: number, who: Person) =>
    (await members(orgId, who)).json().results.find((m: { user: { id: number } }) => m.user.id === userId)
      ?.role as string | undefined;

  /** An organization (the owner's personal one) with an admin and a member. */
  async function team() {
    const owner = await signUp(app);
    const admin = await signUp(app);
    const member = await signUp(app);
    await addMember(ctx.database, owner.orgId, admin.id, 'admin');
    await addMember(ctx.database, owner.orgId, member.id, 'member');
    return { orgId: owner.orgId, owner, admin, member };
  }

  test("list: Label Studio's shape, every member with role, paged by user id", async () => {
    const { orgId, owner, admin, member } = await team();
    const res = await members(orgId, member);
    assert.equal(res.statusCode, 200);
    const body = res.json();
    assert.equal(body.count, 3);
    assert.deepEqual(
      body.results.map((m: { user: { id: number }; role: string }) => [m.user.id, m.role]),
      [
        [owner.id, 'owner'],
        [admin.id, 'admin'],
        [member.id, 'member'],
      ],
    );
    const first = body.results[0];
    assert.deepEqual(first.user, {
      id: owner.id,
      email: owner.email,
      username: owner.username,
      first_name: 'Test',
      last_name: 'Person',
      avatar: null,
    });
    assert.equal(first.organization, orgId);
    assert.ok(!Number.isNaN(Date.parse(first.created_at)));
    const page2 = (
      await call('GET', `/api/organizations/${orgId}/memberships?page=2&page_size=2`, owner)
    ).json();
    assert.equal(page2.count, 3);
    assert.deepEqual(
      page2.results.map((m: { user: { id: number } }) => m.user.id),
      [member.id],
    );
  });

  test('role changes: owners manage everyone, admins manage non-owners, members nobody', async () => {
    const { orgId, owner, admin, member } = await team();
    const up = await setRole(orgId, member.id, owner, 'admin');
    assert.equal(up.statusCode, 200, up.body);
    assert.equal(up.json().role, 'admin');
    assert.equal(up.json().user.id, member.id);
    assert.equal((await setRole(orgId, member.id, admin, 'member')).json().role, 'member');
    expectError(await setRole(orgId, owner.id, admin, 'member'), 403, 'forbidden');
    expectError(await setRole(orgId, member.id, admin, 'owner'), 403, 'forbidden');
    expectError(await setRole(orgId, admin.id, member, 'member'), 403, 'forbidden');
    expectError(await setRole(orgId, member.id, member, 'admin'), 403, 'forbidden');
    assert.equal(await roleOf(orgId, owner.id, owner), 'owner');
    assert.equal(await roleOf(orgId, member.id, owner), 'member');
    // An owner makes a second owner, who may then demote the first.
    assert.equal((await setRole(orgId, admin.id, owner, 'owner')).json().role, 'owner');
    assert.equal((await setRole(orgId, owner.id, admin, 'member')).json().role, 'member');
    expectError(await setRole(orgId, 999999, admin, 'member'), 404, 'not_found');
  });

  test('the last owner can be neither demoted nor removed (409 last_owner)', async () => {
    const { orgId, owner, admin } = await team();
    expectError(await setRole(orgId, owner.id, owner, 'admin'), 409, 'last_owner');
    expectError(await removeFrom(orgId, owner.id, owner), 409, 'last_owner');
    assert.equal(await roleOf(orgId, owner.id, owner), 'owner');
    // With a second owner, the first may step down.
    await setRole(orgId, admin.id, owner, 'owner');
    assert.equal((await setRole(orgId, owner.id, owner, 'admin')).statusCode, 200);
    expectError(await setRole(orgId, admin.id, admin, 'member'), 409, 'last_owner');
  });

  test('two owners demoting each other at once: exactly one succeeds', async () => {
    for (let round = 0; round < 3; round++) {
      const a = await signUp(app);
      const b = await signUp(app);
      await addMember(ctx.database, a.orgId, b.id, 'owner');
      const [x, y] = await Promise.all([
        setRole(a.orgId, b.id, a, 'member'),
        setRole(a.orgId, a.id, b, 'member'),
      ]);
      // The loser either finds itself demoted already (403) or finds the other no longer owner (409).
      const statuses = [x.statusCode, y.statusCode].sort();
      assert.ok(
        statuses[0] === 200 && (statuses[1] === 403 || statuses[1] === 409),
        `${x.statusCode} ${x.body} / ${y.statusCode} ${y.body}`,
      );
      const owners = await inScope(ctx.database.db, { organizationId: a.orgId, userId: null }, (tx) =>
        tx
          .selectFrom('organization_members')
          .select('user_id')
          .where('organization_id', '=', a.orgId)
          .where('role', '=', 'owner')
          .execute(),
      );
      assert.equal(owners.length, 1);
    }
  });

  test('a demotion that waits on another one sees its result (row locks on the owners)', {
    skip: ctx.kind !== 'postgres' && 'needs two connections',
  }, async () => {
    const a = await signUp(app);
    const b = await signUp(app);
    await addMember(ctx.database, a.orgId, b.id, 'owner');
    let release!: () => void;
    const held = new Promise<void>((resolve) => {
      release = resolve;
    });
    let demoted!: () => void;
    const first = new Promise<void>((resolve) => {
      demoted = resolve;
    });
    // A demotes B, and holds the transaction open.
    const t1 = inScope(ctx.database.db, { organizationId: a.orgId, userId: a.id }, async (tx) => {
      await lockOwners(tx, a.orgId);
      await setMemberRole(tx, a.orgId, b.id, 'member');
      demoted();
      await held;
    });
    await first;
    // Meanwhile A steps down too: B is still an owner in every snapshot this request can see, so without the
    // lock it would pass and leave no owner. It waits on the lock, then sees B demoted.
    const t2 = setRole(a.orgId, a.id, a, 'member');
    for (let i = 0; i < 200; i++) {
      const { rows } = await sql<{ n: number }>`
          SELECT count(*)::int AS n FROM pg_stat_activity
          WHERE datname = current_database() AND wait_event_type = 'Lock'`.execute(ctx.database.db);
      if (rows[0]!.n > 0) break;
      await new Promise((r) => setTimeout(r, 10));
    }
    release();
    await t1;
    expectError(await t2, 409, 'last_owner');
    assert.equal(await roleOf(a.orgId, a.id, a), 'owner');
  });

  test('removal ends team, workspace and project access in the same transaction', async () => {
    const { orgId, owner, admin, member } = await team();
    const { teamId, workspaceId, projectId } = await groupsIn(ctx.database, orgId, `rm${member.id}`);
    const other = await groupsIn(ctx.database, member.orgId, `own${member.id}`);
    await inScope(ctx.database.db, { organizationId: orgId, userId: null }, async (tx) => {
      await tx
        .insertInto('team_members')
        .values({ organization_id: orgId, team_id: teamId, user_id: member.id, role: 'manager' })
        .execute();
      await tx
        .insertInto('workspace_members')
        .values({ organization_id: orgId, workspace_id: workspaceId, user_id: member.id, role: 'member' })
        .execute();
      await tx
        .insertInto('project_members')
        .values({ organization_id: orgId, project_id: projectId, user_id: member.id, role: 'annotator' })
        .execute();
    });
    await inScope(ctx.database.db, { organizationId: member.orgId, userId: null }, (tx) =>
      tx
        .insertInto('project_members')
        .values({
          organization_id: member.orgId,
          project_id: other.projectId,
          user_id: member.id,
          role: 'owner',
        })
        .execute(),
    );
    assert.deepEqual(await groupMemberships(ctx.database, orgId, member.id), {
      teams: ['manager'],
      workspaces: ['member'],
      projects: ['annotator'],
    });
    expectError(await removeFrom(orgId, owner.id, admin), 403, 'forbidden');
    expectError(await removeFrom(orgId, admin.id, member), 403, 'forbidden');
    assert.equal((await removeFrom(orgId, member.id, admin)).statusCode, 204);
    assert.deepEqual(await groupMemberships(ctx.database, orgId, member.id), {
      teams: [],
      workspaces: [],
      projects: [],
    });
    // Their memberships elsewhere are untouched.
    assert.deepEqual((await groupMemberships(ctx.database, member.orgId, member.id)).projects, ['owner']);
    assert.equal(await roleOf(orgId, member.id, owner), undefined);
    expectError(await call('GET', `/api/organizations/${orgId}`, member), 404, 'not_found');
    const log = (
      await call('GET', `/api/organizations/${orgId}/audit-log?action=membership.remove`, owner)
    ).json();
    assert.equal(log.count, 1);
    assert.equal(log.results[0].target_id, String(member.id));
  });

  test('any member may leave; leaving clears it as their active organization', async () => {
    const { orgId, owner, member } = await team();
    await ctx.database.db
      .updateTable('users')
      .set({ active_organization_id: orgId })
      .where('id', '=', member.id)
      .execute();
    assert.equal((await removeFrom(orgId, member.id, member)).statusCode, 204);
    assert.equal((await call('GET', '/api/users/me', member)).json().active_organization, null);
    assert.equal((await members(orgId, owner)).json().count, 2);
    const log = (
      await call('GET', `/api/organizations/${orgId}/audit-log?action=membership.leave`, owner)
    ).json();
    assert.equal(log.count, 1);
  });

  test("cross-tenant: another organization's owner gets 404 and none of its members", async () => {
    const { orgId, owner, member } = await team();
    const outsider = await signUp(app);
    for (const res of [
      await members(orgId, outsider),
      await setRole(orgId, member.id, outsider, 'admin'),
      await removeFrom(orgId, member.id, outsider),
      // Their own organization's id with a foreign member: not a member there.
      await setRole(outsider.orgId, member.id, outsider, 'admin'),
      await removeFrom(outsider.orgId, owner.id, outsider),
    ]) {
      expectError(res, 404, 'not_found');
      assert.ok(!res.body.includes(member.email) && !res.body.includes(owner.email));
    }
    assert.equal(await roleOf(orgId, member.id, owner), 'member');
  });

  test('bad input answers 400', async () => {
    const { orgId, owner, member } = await team();
    for (const payload of [{ role: 'boss' }, {}, { role: 'admin', extra: true }, { role: null }]) {
      expectError(
        await call('PATCH', `/api/organizations/${orgId}/memberships/${member.id}`, owner, payload),
        400,
      );
    }
    for (const [id, uid] of [
      ['1.5', member.id],
      [orgId, 'abc'],
      [orgId, '0'],
    ]) {
      expectError(
        await call('PATCH', `/api/organizations/${id}/memberships/${uid}`, owner, { role: 'admin' }),
        400,
      );
      expectError(await call('DELETE', `/api/organizations/${id}/memberships/${uid}`, owner), 400);
    }
    assert.equal(await roleOf(orgId, member.id, owner), 'member');
  });
});
