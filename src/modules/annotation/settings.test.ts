// Label Studio's project fields on /api/projects: create with a config (enables the annotation module),
// settings and counters in every answer, LS paging, config validation (400 naming the problem, LS fields),
// and config changes refused while annotations or drafts use the labels they would remove.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { createTestApp } from '../../../test/app.ts';
import { forEachDatabase } from '../../../test/harness.ts';
import { signUp } from '../../../test/http-factories.ts';
import type { App } from '../../platform/http/app-types.ts';
import { BOXES, box, lab } from './annotation.test-kit.ts';

const CHOICES =
  '<View><Text name="text" value="$text"/><Choices name="sentiment" toName="text" choice="single">' +
  '<Choice value="pos"/><Choice value="neg"/></Choices></View>';

forEachDatabase('annotation project settings', (ctx) => {
  let app: App;
  before(async () => {
    app = await createTestApp(ctx.database, { LOGIN_RATE_LIMIT: '10000' });
    await app.ready();
    await signUp(app);
  });
  after(() => app.close());

  test('create with Label Studio fields: stored, parsed, module enabled; list pages in LS shape', async () => {
    const owner = await signUp(app);
    const created = await app.inject({
      method: 'POST',
      url: '/api/projects/',
      headers: owner.headers,
      payload: {
        title: 'Sentiment',
        label_config: CHOICES,
        expert_instruction: 'Read carefully',
        show_instruction: true,
        maximum_annotations: 3,
        sampling: 'Uniform sampling',
        color: '#FF0000',
        model_version: 'v2',
        is_published: true,
      },
    });
    assert.equal(created.statusCode, 201, created.body);
    const p = created.json();
    assert.deepEqual(
      [p.label_config, p.expert_instruction, p.show_instruction, p.maximum_annotations, p.sampling, p.color],
      [CHOICES, 'Read carefully', true, 3, 'Uniform sampling', '#FF0000'],
    );
    assert.deepEqual(
      [p.model_version, p.is_published, p.task_number, p.total_annotations_number],
      ['v2', true, 0, 0],
    );
    assert.deepEqual(p.parsed_label_config.sentiment.labels, ['pos', 'neg']);
    assert.equal(p.config_has_control_tags, true);
    assert.deepEqual(p.modules, ['annotation']);
    assert.equal(p.created_by.id, owner.id);
    assert.ok(p.created_at);

    // A project without labeling shows Label Studio's defaults.
    const plain = (
      await app.inject({
        method: 'POST',
        url: '/api/projects',
        headers: owner.headers,
        payload: { title: 'Plain' },
      })
    ).json();
    assert.deepEqual(
      [plain.label_config, plain.maximum_annotations, plain.modules],
      ['<View></View>', 1, []],
    );

    const page = await app.inject({
      method: 'GET',
      url: '/api/projects/?page=1&page_size=1',
      headers: owner.headers,
    });
    const body = page.json();
    assert.deepEqual(Object.keys(body).sort(), ['count', 'next', 'previous', 'results']);
    assert.equal(body.count, 2);
    assert.equal(body.results.length, 1);
    assert.ok(body.next);
    assert.equal(typeof body.results[0].label_config, 'string');
    assert.equal(typeof body.results[0].task_number, 'number');

    const patched = await app.inject({
      method: 'PATCH',
      url: `/api/projects/${p.id}/`,
      headers: owner.headers,
      payload: { show_skip_button: false, model_version: null, title: 'Sentiment 2' },
    });
    assert.equal(patched.statusCode, 200, patched.body);
    assert.deepEqual(
      [patched.json().show_skip_button, patched.json().model_version, patched.json().title],
      [false, '', 'Sentiment 2'],
    );
  });

  test('a bad config is a 400 naming the problem, with detail and validation_errors', async () => {
    const owner = await signUp(app);
    const bad =
      '<View><Image name="image" value="$image"/><Choices name="c" toName="nope"><Choice value="a"/></Choices></View>';
    for (const [method, url] of [
      ['POST', '/api/projects'],
      ['POST', '/api/projects/validate'],
    ] as const) {
      const res = await app.inject({
        method,
        url,
        headers: owner.headers,
        payload: { title: 'x', label_config: bad },
      });
      assert.equal(res.statusCode, 400, res.body);
      const body = res.json();
      assert.match(body.error.message, /toName="nope" not found/);
      assert.equal(body.detail, 'Validation error');
      assert.match(body.validation_errors.label_config[0], /nope/);
    }
    const syntax = await app.inject({
      method: 'POST',
      url: '/api/projects/validate/',
      headers: owner.headers,
      payload: { label_config: '<View><Image' },
    });
    assert.equal(syntax.statusCode, 400, syntax.body);
    const good = await app.inject({
      method: 'POST',
      url: '/api/projects/validate',
      headers: owner.headers,
      payload: { label_config: BOXES },
    });
    assert.equal(good.statusCode, 200, good.body);
    assert.deepEqual(good.json().parsed_label_config.label.labels, ['Car', 'Bus']);
    // Schema failures keep LS's fields too.
    const typed = await app.inject({
      method: 'POST',
      url: '/api/projects',
      headers: owner.headers,
      payload: { title: 'x', maximum_annotations: 0 },
    });
    assert.equal(typed.statusCode, 400);
    assert.ok(typed.json().validation_errors.maximum_annotations, typed.body);
    // Nothing was created by the refused requests.
    const list = await app.inject({ method: 'GET', url: '/api/projects', headers: owner.headers });
    assert.equal(list.json().count, 0);
  });

  test('a config change that would orphan used labels is refused, listing them', async () => {
    const l = await lab(app, ctx.database);
    const [t1, t2] = await l.tasks(2);
    await l.call(l.owner, 'POST', `/api/tasks/${t1}/annotations`, { result: [box('Bus')] });
    await l.call(l.owner, 'POST', `/api/tasks/${t2}/drafts`, { result: [box('Car')] });
    const withoutBus =
      '<View><Image name="image" value="$image"/><RectangleLabels name="label" toName="image">' +
      '<Label value="Car"/><Label value="Truck"/></RectangleLabels></View>';
    for (const [method, url] of [
      ['POST', `/api/projects/${l.projectId}/validate`],
      ['PATCH', `/api/projects/${l.projectId}`],
    ] as const) {
      const res = await l.call(l.owner, method, url, { label_config: withoutBus });
      assert.equal(res.statusCode, 400, res.body);
      assert.match(
        res.json().error.message,
        /These labels still exist in annotations or drafts:\nBus \(1 annotation\)/,
      );
      assert.ok(res.json().validation_errors.label_config);
    }
    // Removing the draft's label is refused as well.
    const withoutCar = withoutBus.replace('<Label value="Car"/>', '<Label value="Bus"/>');
    const draftUse = await l.call(l.owner, 'PATCH', `/api/projects/${l.projectId}`, {
      label_config: withoutCar,
    });
    assert.equal(draftUse.statusCode, 400, draftUse.body);
    assert.match(draftUse.json().error.message, /Car \(1 draft\)/);
    // The config is unchanged, and adding a label is fine.
    assert.equal((await l.call(l.owner, 'GET', `/api/projects/${l.projectId}`)).json().label_config, BOXES);
    const added = BOXES.replace('<Label value="Bus"/>', '<Label value="Bus"/><Label value="Van"/>');
    const ok = await l.call(l.owner, 'PATCH', `/api/projects/${l.projectId}`, { label_config: added });
    assert.equal(ok.statusCode, 200, ok.body);
    assert.deepEqual(ok.json().parsed_label_config.label.labels, ['Car', 'Bus', 'Van']);
  });

  test('settings: managers configure, annotators do not (403); other organizations get 404', async () => {
    const l = await lab(app, ctx.database, { roles: ['manager', 'annotator', 'viewer'] });
    const ok = await l.call(l.people.manager!, 'PATCH', `/api/projects/${l.projectId}`, {
      show_instruction: true,
    });
    assert.equal(ok.statusCode, 200, ok.body);
    for (const role of ['annotator', 'viewer']) {
      const res = await l.call(l.people[role]!, 'PATCH', `/api/projects/${l.projectId}`, {
        maximum_annotations: 2,
      });
      assert.equal(res.statusCode, 403, res.body);
    }
    const viewerRead = await l.call(l.people.viewer!, 'GET', `/api/projects/${l.projectId}/summary`);
    assert.equal(viewerRead.statusCode, 200);
    const stranger = await signUp(app);
    for (const headers of [stranger.headers, { ...stranger.headers, 'x-organization-id': String(l.orgId) }]) {
      for (const [method, url, payload] of [
        ['POST', `/api/projects/${l.projectId}/validate`, { label_config: BOXES }],
        ['GET', `/api/projects/${l.projectId}/summary`, undefined],
        ['PATCH', `/api/projects/${l.projectId}`, { maximum_annotations: 2 }],
      ] as const) {
        const res = await app.inject({ method, url, headers, ...(payload ? { payload } : {}) });
        assert.equal(res.statusCode, 404, `${method} ${url} ${res.body}`);
        assert.ok(!res.body.includes('RectangleLabels'));
      }
    }
  });
});
