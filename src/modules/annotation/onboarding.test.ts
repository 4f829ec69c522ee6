// Project onboarding through HTTP: the step catalogue in order, steps finished by the project's own writes
// (label config, first import, publishing, a collaborator, first annotation), marking by hand, roles,
// another organization's project (404) and bad input (400 naming the problem).
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { createTestApp } from '../../../test/app.ts';
import { forEachDatabase } from '../../../test/harness.ts';
import { signUp } from '../../../test/http-factories.ts';
import { inScope } from '../../db/scope.ts';
import type { App } from '../../platform/http/app-types.ts';
import { box, type Lab, lab } from './annotation.test-kit.ts';

forEachDatabase('project onboarding', (ctx) => {
  let app: App;
  before(async () => {
    app = await createTestApp(ctx.database, { LOGIN_RATE_LIMIT: '10000' });
    await app.ready();
    await signUp(app);
  });
  after(() => app.close());

  const done = async (l: Lab) => {
    const res = await l.call(l.owner, 'GET', `/api/projects/${l.projectId}/onboarding`);
    assert.equal(res.statusCode, 200, res.body);
    const body = res.json();
    return Object.fromEntries(
      body.steps.map((s: { code: string; finished: boolean }) => [s.code, s.finished]),
    );
  };

  test('the steps finish as the project does them, in the same transactions', async () => {
    const l = await lab(app, ctx.database);
    const first = (await l.call(l.owner, 'GET', `/api/projects/${l.projectId}/onboarding`)).json();
    assert.deepEqual(
      first.steps.map((s: { code: string }) => s.code),
      ['DU', 'CF', 'PB', 'IE', 'AN'],
    );
    assert.equal(first.steps[0].title, 'Import your data');
    assert.equal(first.finished, false);
    // Created with a label config: configured; nothing else yet.
    assert.deepEqual(await done(l), { DU: false, CF: true, PB: false, IE: false, AN: false });
    const [t1] = await l.tasks(2);
    assert.equal((await done(l)).DU, true);
    const published = await l.call(l.owner, 'PATCH', `/api/projects/${l.projectId}`, { is_published: true });
    assert.equal(published.statusCode, 200, published.body);
    assert.equal((await done(l)).PB, true);
    // The creator is a member from the start; the first other member finishes "invite collaborators".
    const person = await signUp(app);
    await inScope(ctx.database.db, { organizationId: l.orgId, userId: l.owner.id }, (tx) =>
      tx
        .insertInto('organization_members')
        .values({ organization_id: l.orgId, user_id: person.id, role: 'member' })
        .execute(),
    );
    const added = await l.call(l.owner, 'POST', `/api/projects/${l.projectId}/members`, {
      user_id: person.id,
      role: 'annotator',
    });
    assert.equal(added.statusCode, 201, added.body);
    assert.equal((await done(l)).IE, true);
    const ann = await l.call(l.owner, 'POST', `/api/tasks/${t1}/annotations`, { result: [box('Car')] });
    assert.equal(ann.statusCode, 201, ann.body);
    assert.equal((await done(l)).AN, true);
  });

  test('marking by hand: one step, then all; the next import finishes its step again', async () => {
    const l = await lab(app, ctx.database, { roles: ['annotator', 'viewer'] });
    await l.tasks(1);
    const undone = await l.call(l.owner, 'PATCH', `/api/projects/${l.projectId}/onboarding`, {
      step: 'DU',
      finished: false,
    });
    assert.equal(undone.statusCode, 200, undone.body);
    assert.equal(undone.json().steps.find((s: { code: string }) => s.code === 'DU').finished, false);
    await l.tasks(1);
    assert.equal((await done(l)).DU, true);
    const byId = (await l.call(l.owner, 'GET', `/api/projects/${l.projectId}/onboarding`)).json().steps[2].id;
    const pb = await l.call(l.owner, 'PATCH', `/api/projects/${l.projectId}/onboarding`, {
      step: byId,
      finished: true,
    });
    assert.equal(pb.json().steps[2].finished, true);
    const all = await l.call(l.owner, 'PATCH', `/api/projects/${l.projectId}/onboarding`, { finished: true });
    assert.equal(all.statusCode, 200, all.body);
    assert.equal(all.json().finished, true);
    // Every member reads; only owners and managers mark.
    const viewer = l.people.viewer!;
    assert.equal((await l.call(viewer, 'GET', `/api/projects/${l.projectId}/onboarding`)).statusCode, 200);
    const refused = await l.call(l.people.annotator!, 'PATCH', `/api/projects/${l.projectId}/onboarding`, {
      finished: false,
    });
    assert.equal(refused.statusCode, 403, refused.body);
    assert.equal((await done(l)).AN, true);
  });

  test("another organization's project is 404; bad steps and bodies are 400", async () => {
    const l = await lab(app, ctx.database);
    const other = await lab(app, ctx.database);
    for (const method of ['GET', 'PATCH'] as const) {
      const res = await other.call(
        other.owner,
        method,
        `/api/projects/${l.projectId}/onboarding`,
        method === 'PATCH' ? { finished: true } : undefined,
      );
      assert.equal(res.statusCode, 404, res.body);
    }
    const url = `/api/projects/${l.projectId}/onboarding`;
    const unknown = await l.call(l.owner, 'PATCH', url, { step: 'ZZ', finished: true });
    assert.equal(unknown.statusCode, 400, unknown.body);
    assert.match(unknown.json().error.message, /unknown onboarding step "ZZ": one of DU, CF, PB, IE, AN/);
    for (const body of [
      { step: 'du', finished: true },
      { step: 'DU' },
      { finished: 'yes' },
      { finished: true, x: 1 },
    ]) {
      const res = await l.call(l.owner, 'PATCH', url, body);
      assert.equal(res.statusCode, 400, `${JSON.stringify(body)}: ${res.body}`);
    }
    assert.equal((await l.call(l.owner, 'GET', '/api/projects/abc/onboarding')).statusCode, 400);
  });
});
