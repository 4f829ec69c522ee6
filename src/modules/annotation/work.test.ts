// Drafts, predictions and comments through HTTP: shapes, counters, who may do what, tenancy, bad input.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { createTestApp } from '../../../test/app.ts';
import { forEachDatabase } from '../../../test/harness.ts';
import { signUp } from '../../../test/http-factories.ts';
import type { App } from '../../platform/http/app-types.ts';
import { box, lab } from './annotation.test-kit.ts';

const CHOICE =
  '<View><Text name="text" value="$text"/><Choices name="sentiment" toName="text" choice="single">' +
  '<Choice value="pos"/><Choice value="neg"/></Choices></View>';

forEachDatabase('drafts, predictions, comments', (ctx) => {
  let app: App;
  before(async () => {
    app = await createTestApp(ctx.database, { LOGIN_RATE_LIMIT: '10000' });
    await app.ready();
    await signUp(app);
  });
  after(() => app.close());

  test('drafts: private to their author, counted in the summary, consumed by submitting', async () => {
    const l = await lab(app, ctx.database, { roles: ['annotator'] });
    const [t] = await l.tasks(1);
    const a = l.people.annotator!;
    const created = await l.call(a, 'POST', `/api/tasks/${t}/drafts/`, {
      result: [box('Car')],
      lead_time: 3,
    });
    assert.equal(created.statusCode, 201, created.body);
    const d = created.json();
    assert.deepEqual([d.user, d.task, d.annotation, d.lead_time], [a.email, t, null, 3]);
    assert.equal((await l.call(l.owner, 'GET', `/api/drafts/${d.id}`)).statusCode, 404);
    assert.deepEqual((await l.call(l.owner, 'GET', `/api/tasks/${t}/drafts`)).json(), []);
    assert.equal((await l.call(a, 'GET', `/api/tasks/${t}/drafts`)).json()[0].id, d.id);
    const changed = await l.call(a, 'PATCH', `/api/drafts/${d.id}`, { result: [box('Bus')] });
    assert.equal(changed.statusCode, 200, changed.body);
    let summary = (await l.call(l.owner, 'GET', `/api/projects/${l.projectId}/summary`)).json();
    assert.deepEqual(summary.created_labels_drafts, { label: { Bus: 1 } });
    const bad = await l.call(a, 'PATCH', `/api/drafts/${d.id}`, { result: [box('Plane')] });
    assert.equal(bad.statusCode, 400);
    assert.match(bad.json().error.message, /Plane/);

    const submitted = await l.call(a, 'POST', `/api/tasks/${t}/annotations`, {
      result: [box('Bus')],
      draft_id: d.id,
    });
    assert.equal(submitted.statusCode, 201, submitted.body);
    assert.equal((await l.call(a, 'GET', `/api/drafts/${d.id}`)).statusCode, 404);
    summary = (await l.call(l.owner, 'GET', `/api/projects/${l.projectId}/summary`)).json();
    assert.deepEqual([summary.created_labels_drafts, summary.created_labels], [{}, { label: { Bus: 1 } }]);

    // A draft of changes to an annotation, then deleted.
    const aid = submitted.json().id;
    const onAnnotation = await l.call(a, 'POST', `/api/tasks/${t}/annotations/${aid}/drafts`, { result: [] });
    assert.equal(onAnnotation.statusCode, 201, onAnnotation.body);
    assert.equal(onAnnotation.json().annotation, aid);
    assert.equal((await l.call(a, 'DELETE', `/api/drafts/${onAnnotation.json().id}`)).statusCode, 204);
    const wrongTask = await l.call(
      a,
      'POST',
      `/api/tasks/${(await l.tasks(1))[0]}/annotations/${aid}/drafts`,
      {
        result: [],
      },
    );
    assert.equal(wrongTask.statusCode, 404);
  });

  test('predictions: created by managers, counted on task and project, filtered by task and project', async () => {
    const l = await lab(app, ctx.database, { roles: ['annotator'], config: CHOICE });
    const res = await l.call(l.owner, 'POST', '/api/tasks', { project: l.projectId, data: { text: 'good' } });
    const t = res.json().id;
    const full = await l.call(l.owner, 'POST', '/api/predictions/', {
      task: t,
      result: [{ from_name: 'sentiment', to_name: 'text', type: 'choices', value: { choices: ['pos'] } }],
      score: 0.7,
      model_version: 'm1',
    });
    assert.equal(full.statusCode, 201, full.body);
    const minified = await l.call(l.owner, 'POST', '/api/predictions', {
      task: t,
      result: 'neg',
      score: 0.1,
    });
    assert.equal(minified.statusCode, 201, minified.body);
    assert.deepEqual(minified.json().result, [
      { from_name: 'sentiment', to_name: 'text', type: 'choices', value: { choices: ['neg'] } },
    ]);
    assert.equal((await l.call(l.owner, 'GET', `/api/tasks/${t}`)).json().total_predictions, 2);
    assert.equal(
      (await l.call(l.owner, 'GET', `/api/projects/${l.projectId}`)).json().total_predictions_number,
      2,
    );
    const byTask = (await l.call(l.owner, 'GET', `/api/predictions?task=${t}`)).json();
    assert.deepEqual(
      byTask.map((p: { score: number }) => p.score),
      [0.7, 0.1],
    );
    assert.equal((await l.call(l.owner, 'GET', `/api/predictions?project=${l.projectId}`)).json().length, 2);
    assert.equal((await l.call(l.owner, 'GET', '/api/predictions')).statusCode, 400);
    const wrong = await l.call(l.owner, 'POST', '/api/predictions', { task: t, result: 'maybe' });
    assert.equal(wrong.statusCode, 400);
    assert.match(wrong.json().error.message, /maybe/);
    const patched = await l.call(l.owner, 'PATCH', `/api/predictions/${full.json().id}`, { score: 0.9 });
    assert.equal(patched.json().score, 0.9);
    assert.equal(
      (await l.call(l.people.annotator!, 'POST', '/api/predictions', { task: t, result: 'pos' })).statusCode,
      403,
    );
    assert.equal(
      (await l.call(l.people.annotator!, 'GET', `/api/predictions/${full.json().id}`)).statusCode,
      200,
    );
    assert.equal((await l.call(l.owner, 'DELETE', `/api/predictions/${full.json().id}`)).statusCode, 204);
    assert.equal((await l.call(l.owner, 'GET', `/api/tasks/${t}`)).json().total_predictions, 1);
    assert.equal(
      (await l.call(l.owner, 'GET', `/api/projects/${l.projectId}`)).json().total_predictions_number,
      1,
    );
  });

  test('comments: on annotations, counted on the task, resolved by reviewers, text only by the author', async () => {
    const l = await lab(app, ctx.database, { roles: ['annotator', 'reviewer', 'viewer'] });
    const [t] = await l.tasks(1);
    const { annotator, reviewer, viewer } = l.people;
    const a = (
      await l.call(annotator!, 'POST', `/api/tasks/${t}/annotations`, { result: [box('Car')] })
    ).json();
    const c = await l.call(reviewer!, 'POST', '/api/comments/', { annotation: a.id, text: 'box too small' });
    assert.equal(c.statusCode, 201, c.body);
    assert.deepEqual([c.json().task, c.json().annotation, c.json().created_by], [t, a.id, reviewer!.id]);
    await l.call(annotator!, 'POST', '/api/comments', { annotation: a.id, text: 'fixed' });
    let task = (await l.call(l.owner, 'GET', `/api/tasks/${t}`)).json();
    assert.deepEqual([task.comment_count, task.unresolved_comment_count], [2, 2]);
    assert.ok(task.last_comment_updated_at);
    const list = (await l.call(viewer!, 'GET', `/api/comments?annotation=${a.id}`)).json();
    assert.deepEqual(
      list.map((x: { text: string }) => x.text),
      ['box too small', 'fixed'],
    );
    assert.equal(
      (await l.call(viewer!, 'POST', '/api/comments', { annotation: a.id, text: 'hi' })).statusCode,
      403,
    );
    const id = c.json().id;
    assert.equal(
      (await l.call(annotator!, 'PATCH', `/api/comments/${id}`, { text: 'edited' })).statusCode,
      403,
    );
    assert.equal(
      (await l.call(annotator!, 'PATCH', `/api/comments/${id}`, { is_resolved: true })).statusCode,
      403,
    );
    const resolved = await l.call(reviewer!, 'PATCH', `/api/comments/${id}`, { is_resolved: true });
    assert.equal(resolved.json().is_resolved, true);
    task = (await l.call(l.owner, 'GET', `/api/tasks/${t}`)).json();
    assert.deepEqual([task.comment_count, task.unresolved_comment_count], [2, 1]);
    assert.equal((await l.call(reviewer!, 'DELETE', `/api/comments/${list[1].id}`)).statusCode, 204);
    task = (await l.call(l.owner, 'GET', `/api/tasks/${t}`)).json();
    assert.deepEqual([task.comment_count, task.unresolved_comment_count], [1, 0]);
    for (const payload of [
      { text: '   ', annotation: a.id },
      { text: 'x' },
      { text: '', annotation: a.id },
    ]) {
      const res = await l.call(reviewer!, 'POST', '/api/comments', payload);
      assert.equal(res.statusCode, 400, JSON.stringify(payload));
      assert.equal(res.json().detail, 'Validation error');
    }
    assert.equal((await l.call(l.owner, 'GET', '/api/comments')).statusCode, 400);
  });

  test('another organization gets 404 on drafts, predictions and comments', async () => {
    const l = await lab(app, ctx.database);
    const [t] = await l.tasks(1);
    const a = (await l.call(l.owner, 'POST', `/api/tasks/${t}/annotations`, { result: [] })).json();
    const d = (await l.call(l.owner, 'POST', `/api/tasks/${t}/drafts`, { result: [] })).json();
    const p = (
      await l.call(l.owner, 'POST', '/api/predictions', { task: t, result: [], model_version: 'zzsecret' })
    ).json();
    const c = (
      await l.call(l.owner, 'POST', '/api/comments', { annotation: a.id, text: 'zzsecret note' })
    ).json();
    const stranger = await signUp(app);
    for (const headers of [stranger.headers, { ...stranger.headers, 'x-organization-id': String(l.orgId) }]) {
      for (const [method, url, payload] of [
        ['GET', `/api/tasks/${t}/drafts`, undefined],
        ['POST', `/api/tasks/${t}/drafts`, { result: [] }],
        ['GET', `/api/drafts/${d.id}`, undefined],
        ['PATCH', `/api/drafts/${d.id}`, { result: [] }],
        ['DELETE', `/api/drafts/${d.id}`, undefined],
        ['GET', `/api/predictions?task=${t}`, undefined],
        ['GET', `/api/predictions?project=${l.projectId}`, undefined],
        ['POST', '/api/predictions', { task: t, result: [] }],
        ['GET', `/api/predictions/${p.id}`, undefined],
        ['PATCH', `/api/predictions/${p.id}`, { score: 1 }],
        ['DELETE', `/api/predictions/${p.id}`, undefined],
        ['GET', `/api/comments?annotation=${a.id}`, undefined],
        ['POST', '/api/comments', { annotation: a.id, text: 'intruder' }],
        ['GET', `/api/comments/${c.id}`, undefined],
        ['PATCH', `/api/comments/${c.id}`, { is_resolved: true }],
        ['DELETE', `/api/comments/${c.id}`, undefined],
      ] as const) {
        const res = await app.inject({ method, url, headers, ...(payload ? { payload } : {}) });
        assert.equal(res.statusCode, 404, `${method} ${url} ${res.body}`);
        assert.ok(!res.body.includes('zzsecret'));
      }
    }
  });
});
