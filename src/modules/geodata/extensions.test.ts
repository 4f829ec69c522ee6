// /api/extensions through HTTP on both databases: catalogue, grants to teams and users by owners and admins,
// what a user has (user grant first, else an active team grant), cross-tenant 404 and bad input 400.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { createTestApp } from '../../../test/app.ts';
import { forEachDatabase } from '../../../test/harness.ts';
import { inOrg, type Person, signUp } from '../../../test/http-factories.ts';
import { inScope } from '../../db/scope.ts';
import type { App } from '../../platform/http/app-types.ts';

forEachDatabase('extensions', (ctx) => {
  let app: App;
  let owner: Person;
  let member: Person;
  let other: Person;
  let org: number;
  let teamId: number;
  let byName: Record<string, number>;

  const call = (who: Person, method: string, url: string, payload?: unknown, orgId = org) =>
    app.inject({
      method: method as 'GET',
      url,
      headers: inOrg(who, orgId),
      ...(payload === undefined ? {} : { payload: payload as object }),
    });
  const mine = async (who: Person, orgId = org) => {
    const res = await call(who, 'GET', '/api/extensions/me', undefined, orgId);
    assert.equal(res.statusCode, 200, res.body);
    return (res.json() as { name: string; via: string }[]).map((e) => `${e.name}:${e.via}`);
  };

  before(async () => {
    app = await createTestApp(ctx.database, { LOGIN_RATE_LIMIT: '10000' });
    await app.ready();
    owner = await signUp(app);
    member = await signUp(app);
    other = await signUp(app);
    org = owner.orgId;
    await inScope(ctx.database.db, { organizationId: org, userId: owner.id }, (tx) =>
      tx
        .insertInto('organization_members')
        .values({ organization_id: org, user_id: member.id, role: 'member' })
        .execute(),
    );
    const team = await call(owner, 'POST', '/api/teams', { name: 'Drone crew' });
    assert.equal(team.statusCode, 201, team.body);
    teamId = team.json().id;
    const add = await call(owner, 'POST', `/api/teams/${teamId}/members`, {
      user_id: member.id,
      role: 'viewer',
    });
    assert.equal(add.statusCode, 201, add.body);
    const cat = await call(member, 'GET', '/api/extensions');
    assert.equal(cat.statusCode, 200, cat.body);
    byName = Object.fromEntries((cat.json() as { name: string; id: number }[]).map((e) => [e.name, e.id]));
  });
  after(() => app.close());

  test('the catalogue lists the feature switches to every member', () => {
    assert.deepEqual(Object.keys(byName).sort(), ['breedbase', 'indoor', 'stac', 'zonal_statistics']);
  });

  test('team and user grants give a member extensions; a user grant overrides the team', async () => {
    assert.deepEqual(await mine(member), []);
    const t = await call(owner, 'PUT', `/api/extensions/${byName.stac}/teams/${teamId}`, {});
    assert.equal(t.statusCode, 200, t.body);
    assert.deepEqual(
      { ...(t.json() as object), updated_at: undefined },
      {
        extension_id: byName.stac,
        extension: 'stac',
        team_id: teamId,
        user_id: null,
        is_active: true,
        updated_at: undefined,
      },
    );
    const u = await call(owner, 'PUT', `/api/extensions/${byName.indoor}/users/${member.id}`, {
      is_active: true,
    });
    assert.equal(u.statusCode, 200, u.body);
    assert.deepEqual(await mine(member), ['stac:team', 'indoor:user']);
    assert.deepEqual(
      await mine(owner),
      ['stac:team'],
      "the team's creator is its owner, so has the team's grant",
    );
    assert.deepEqual(await mine(other, other.orgId), [], 'nothing from another organization');

    // A user grant switched off wins over the team's grant.
    const off = await call(owner, 'PUT', `/api/extensions/${byName.stac}/users/${member.id}`, {
      is_active: false,
    });
    assert.equal(off.json().is_active, false);
    assert.deepEqual(await mine(member), ['indoor:user']);
    assert.equal(
      (await call(owner, 'DELETE', `/api/extensions/${byName.stac}/users/${member.id}`)).statusCode,
      204,
    );
    assert.deepEqual(await mine(member), ['stac:team', 'indoor:user']);

    const grants = await call(owner, 'GET', '/api/extensions/grants');
    assert.equal(grants.statusCode, 200, grants.body);
    assert.deepEqual(
      (grants.json() as { extension: string; team_id: number | null; user_id: number | null }[])
        .map((g) => [g.extension, g.team_id, g.user_id])
        .sort(),
      [
        ['indoor', null, member.id],
        ['stac', teamId, null],
      ].sort(),
    );
    assert.equal(
      (await call(owner, 'DELETE', `/api/extensions/${byName.stac}/teams/${teamId}`)).statusCode,
      204,
    );
    assert.deepEqual(await mine(member), ['indoor:user']);
    const again = await call(owner, 'DELETE', `/api/extensions/${byName.stac}/teams/${teamId}`);
    assert.equal(again.statusCode, 404, again.body);
  });

  test('only owners and admins grant; members read', async () => {
    const res = await call(member, 'PUT', `/api/extensions/${byName.stac}/users/${member.id}`, {});
    assert.equal(res.statusCode, 403, res.body);
    assert.equal((await call(member, 'GET', '/api/extensions/grants')).statusCode, 403);
    assert.equal(
      (await call(member, 'DELETE', `/api/extensions/${byName.indoor}/users/${member.id}`)).statusCode,
      403,
    );
  });

  test("another organization's team or user, or its organization, answers 404", async () => {
    // `other` owns their own organization and tries A's team and member from there.
    for (const url of [
      `/api/extensions/${byName.stac}/teams/${teamId}`,
      `/api/extensions/${byName.stac}/users/${member.id}`,
    ]) {
      const put = await call(other, 'PUT', url, {}, other.orgId);
      assert.equal(put.statusCode, 404, put.body);
      const del = await call(other, 'DELETE', url, undefined, other.orgId);
      assert.equal(del.statusCode, 404, del.body);
    }
    const inA = await call(other, 'GET', '/api/extensions/grants', undefined, org);
    assert.equal(inA.statusCode, 404, inA.body);
    const own = await call(other, 'GET', '/api/extensions/grants', undefined, other.orgId);
    assert.deepEqual(own.json(), []);
    // A user of the organization who is not a member of it: 404, not a grant.
    const stranger = await call(owner, 'PUT', `/api/extensions/${byName.stac}/users/${other.id}`, {});
    assert.equal(stranger.statusCode, 404, stranger.body);
  });

  test('bad input answers 400 or 404 with a reason', async () => {
    const badBody = await call(owner, 'PUT', `/api/extensions/${byName.stac}/teams/${teamId}`, {
      is_active: 'yes',
    });
    assert.equal(badBody.statusCode, 400, badBody.body);
    assert.match(badBody.body, /is_active/);
    const extra = await call(owner, 'PUT', `/api/extensions/${byName.stac}/teams/${teamId}`, { name: 'x' });
    assert.equal(extra.statusCode, 400, extra.body);
    const badId = await call(owner, 'PUT', `/api/extensions/abc/teams/${teamId}`, {});
    assert.equal(badId.statusCode, 400, badId.body);
    const noExt = await call(owner, 'PUT', `/api/extensions/999999/teams/${teamId}`, {});
    assert.equal(noExt.statusCode, 404, noExt.body);
    assert.match(noExt.body, /extension 999999 not found/);
  });
});
