// The labeling queue: sampling order, overlap, locks that keep two annotators off the same task (also when
// they ask at the same moment), lock expiry, release on submit, roles and tenancy.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { createTestApp } from '../../../test/app.ts';
import { forEachDatabase } from '../../../test/harness.ts';
import { signUp } from '../../../test/http-factories.ts';
import { inScope } from '../../db/scope.ts';
import type { App } from '../../platform/http/app-types.ts';
import { box, lab } from './annotation.test-kit.ts';

forEachDatabase('next task and locks', (ctx) => {
  let app: App;
  before(async () => {
    app = await createTestApp(ctx.database, { LOGIN_RATE_LIMIT: '10000' });
    await app.ready();
    await signUp(app);
  });
  after(() => app.close());

  test('sequential: in order; the same task again until submitted; locked tasks go to others', async () => {
    const l = await lab(app, ctx.database, { roles: ['annotator', 'manager'] });
    const [t1, t2, t3] = await l.tasks(3);
    const a = l.people.annotator!;
    const m = l.people.manager!;
    const first = await l.call(a, 'GET', `/api/projects/${l.projectId}/next/`);
    assert.equal(first.statusCode, 200, first.body);
    assert.equal(first.json().id, t1);
    assert.equal((await l.call(a, 'GET', `/api/projects/${l.projectId}/next`)).json().id, t1);
    assert.equal((await l.call(m, 'GET', `/api/projects/${l.projectId}/next`)).json().id, t2);
    await l.call(a, 'POST', `/api/tasks/${t1}/annotations`, { result: [box('Car')] });
    assert.equal((await l.call(a, 'GET', `/api/projects/${l.projectId}/next`)).json().id, t3);
    // Everything is done or held by someone else: nothing left for the annotator.
    const none = await l.call(a, 'GET', `/api/projects/${l.projectId}/next`);
    assert.equal((await l.call(m, 'GET', `/api/projects/${l.projectId}/next`)).json().id, t2);
    await l.call(a, 'POST', `/api/tasks/${t3}/annotations`, { result: [] });
    assert.equal(none.json().id, t3);
    const empty = await l.call(a, 'GET', `/api/projects/${l.projectId}/next`);
    assert.equal(empty.statusCode, 404, empty.body);
    assert.equal(typeof empty.json().detail, 'string');
  });

  test('an expired lock frees the task; overlap lets several people take one task', async () => {
    const l = await lab(app, ctx.database, {
      roles: ['annotator', 'manager'],
      project: { maximum_annotations: 2 },
    });
    const [t1] = await l.tasks(1);
    const a = l.people.annotator!;
    const m = l.people.manager!;
    assert.equal((await l.call(a, 'GET', `/api/projects/${l.projectId}/next`)).json().id, t1);
    // Overlap 2: the manager may take the same task while the annotator holds it.
    assert.equal((await l.call(m, 'GET', `/api/projects/${l.projectId}/next`)).json().id, t1);
    // The owner would be a third: refused while both locks hold.
    assert.equal((await l.call(l.owner, 'GET', `/api/projects/${l.projectId}/next`)).statusCode, 404);
    await inScope(ctx.database.db, { organizationId: l.orgId, userId: l.owner.id }, (tx) =>
      tx
        .updateTable('task_locks')
        .set({ expire_at: new Date(Date.now() - 1000) })
        .where('user_id', '=', a.id)
        .execute(),
    );
    assert.equal((await l.call(l.owner, 'GET', `/api/projects/${l.projectId}/next`)).json().id, t1);
  });

  test("a lock lives three times the project's average lead time, at least TASK_LOCK_MIN_TTL", async () => {
    const l = await lab(app, ctx.database, { roles: ['annotator', 'manager'] });
    const [t1, t2, t3] = await l.tasks(3);
    const a = l.people.annotator!;
    const ttlOf = async (userId: number) => {
      const row = await inScope(ctx.database.db, { organizationId: l.orgId, userId: l.owner.id }, (tx) =>
        tx
          .selectFrom('task_locks')
          .select(['expire_at', 'created_at'])
          .where('user_id', '=', userId)
          .where('project_id', '=', l.projectId)
          .executeTakeFirstOrThrow(),
      );
      return (row.expire_at.getTime() - row.created_at.getTime()) / 1000;
    };
    // Nothing timed yet: TASK_LOCK_DEFAULT_TTL (an hour).
    assert.equal((await l.call(a, 'GET', `/api/projects/${l.projectId}/next`)).json().id, t1);
    assert.ok(Math.abs((await ttlOf(a.id)) - 3600) < 5);
    // Lead times 400 and 800 s: three times their mean.
    await l.call(a, 'POST', `/api/tasks/${t1}/annotations`, { result: [box('Car')], lead_time: 400 });
    await l.call(l.owner, 'POST', `/api/tasks/${t3}/annotations`, { result: [box('Bus')], lead_time: 800 });
    assert.equal((await l.call(a, 'GET', `/api/projects/${l.projectId}/next`)).json().id, t2);
    assert.ok(Math.abs((await ttlOf(a.id)) - 1800) < 5, String(await ttlOf(a.id)));
    // Fast annotators: never under the minimum (120 s).
    const fast = await lab(app, ctx.database, { roles: ['annotator'] });
    const [f1, f2] = await fast.tasks(2);
    await fast.call(fast.owner, 'POST', `/api/tasks/${f1}/annotations`, {
      result: [box('Car')],
      lead_time: 2,
    });
    const fa = fast.people.annotator!;
    assert.equal((await fast.call(fa, 'GET', `/api/projects/${fast.projectId}/next`)).json().id, f2);
    const row = await inScope(ctx.database.db, { organizationId: fast.orgId, userId: fast.owner.id }, (tx) =>
      tx.selectFrom('task_locks').selectAll().where('user_id', '=', fa.id).executeTakeFirstOrThrow(),
    );
    assert.ok(Math.abs((row.expire_at.getTime() - row.created_at.getTime()) / 1000 - 120) < 5);
  });

  test('TASK_LOCK_TTL fixes the lifetime', async () => {
    const fixed = await createTestApp(ctx.database, { LOGIN_RATE_LIMIT: '10000', TASK_LOCK_TTL: '90' });
    await fixed.ready();
    try {
      const l = await lab(fixed, ctx.database, { roles: ['annotator'] });
      const [t1, t2] = await l.tasks(2);
      await l.call(l.owner, 'POST', `/api/tasks/${t1}/annotations`, { result: [box('Car')], lead_time: 900 });
      const a = l.people.annotator!;
      assert.equal((await l.call(a, 'GET', `/api/projects/${l.projectId}/next`)).json().id, t2);
      const row = await inScope(ctx.database.db, { organizationId: l.orgId, userId: l.owner.id }, (tx) =>
        tx.selectFrom('task_locks').selectAll().where('user_id', '=', a.id).executeTakeFirstOrThrow(),
      );
      assert.ok(Math.abs((row.expire_at.getTime() - row.created_at.getTime()) / 1000 - 90) < 5);
    } finally {
      await fixed.close();
    }
  });

  test('uncertainty sampling: lowest prediction score first; uniform gives an unlabeled task', async () => {
    const l = await lab(app, ctx.database, { project: { sampling: 'Uncertainty sampling' } });
    const ids = await l.tasks(4);
    const scores = [0.9, 0.2, 0.5];
    for (const [i, score] of scores.entries()) {
      const res = await l.call(l.owner, 'POST', '/api/predictions', {
        task: ids[i],
        result: [box('Car')],
        score,
      });
      assert.equal(res.statusCode, 201, res.body);
    }
    const got = (await l.call(l.owner, 'GET', `/api/projects/${l.projectId}/next`)).json();
    assert.equal(got.id, ids[1]);
    assert.equal(got.predictions[0].score, 0.2);

    const u = await lab(app, ctx.database, { project: { sampling: 'Uniform sampling' } });
    const uids = await u.tasks(5);
    const picked = (await u.call(u.owner, 'GET', `/api/projects/${u.projectId}/next`)).json().id;
    assert.ok(uids.includes(picked));
  });

  test('annotators asking at the same moment never get the same task', async () => {
    const l = await lab(app, ctx.database, { roles: ['annotator', 'manager'] });
    const ids = await l.tasks(12);
    const people = [l.people.annotator!, l.people.manager!, l.owner];
    for (let round = 0; round < 4; round++) {
      const answers = await Promise.all(
        people.map((p) => l.call(p, 'GET', `/api/projects/${l.projectId}/next`)),
      );
      const got = answers.map((r) => {
        assert.equal(r.statusCode, 200, r.body);
        return r.json().id as number;
      });
      assert.equal(new Set(got).size, people.length, `round ${round}: ${got}`);
      for (const id of got) assert.ok(ids.includes(id));
      await Promise.all(
        people.map((p, i) => l.call(p, 'POST', `/api/tasks/${got[i]}/annotations`, { result: [] })),
      );
    }
  });

  test('viewers and reviewers do not label (403); another organization gets 404; bad ids 400', async () => {
    const l = await lab(app, ctx.database, { roles: ['viewer', 'reviewer'] });
    await l.tasks(1);
    for (const role of ['viewer', 'reviewer']) {
      assert.equal(
        (await l.call(l.people[role]!, 'GET', `/api/projects/${l.projectId}/next`)).statusCode,
        403,
      );
    }
    const stranger = await signUp(app);
    for (const headers of [stranger.headers, { ...stranger.headers, 'x-organization-id': String(l.orgId) }]) {
      const res = await app.inject({ method: 'GET', url: `/api/projects/${l.projectId}/next`, headers });
      assert.equal(res.statusCode, 404);
    }
    assert.equal((await l.call(l.owner, 'GET', '/api/projects/abc/next')).statusCode, 400);
  });
});
