// Task flags and project tags: organization owners and admins keep the vocabulary, labelers flag tasks,
// managers tag projects; titles unique per organization; another organization gets 404.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { createTestApp } from '../../../test/app.ts';
import { forEachDatabase } from '../../../test/harness.ts';
import { signUp } from '../../../test/http-factories.ts';
import type { App } from '../../platform/http/app-types.ts';
import { lab } from './annotation.test-kit.ts';

forEachDatabase('flags and tags', (ctx) => {
  let app: App;
  before(async () => {
    app = await createTestApp(ctx.database, { LOGIN_RATE_LIMIT: '10000' });
    await app.ready();
    await signUp(app);
  });
  after(() => app.close());

  test('flags: created by owners, put on tasks by annotators, unique titles, paged list', async () => {
    const l = await lab(app, ctx.database, { roles: ['annotator', 'viewer'] });
    const [t] = await l.tasks(1);
    const flag = await l.call(l.owner, 'POST', '/api/flags/', { title: ' Blurry ', color: '#00FF00' });
    assert.equal(flag.statusCode, 201, flag.body);
    assert.deepEqual([flag.json().title, flag.json().color], ['Blurry', '#00FF00']);
    assert.equal((await l.call(l.owner, 'POST', '/api/flags', { title: 'Blurry' })).statusCode, 409);
    assert.equal(
      (await l.call(l.people.annotator!, 'POST', '/api/flags', { title: 'Mine' })).statusCode,
      403,
    );
    const list = (await l.call(l.people.viewer!, 'GET', '/api/flags?page_size=10')).json();
    assert.deepEqual([list.count, list.results[0].title], [1, 'Blurry']);
    const fid = flag.json().id;
    const flagged = await l.call(l.people.annotator!, 'POST', `/api/tasks/${t}/flags`, { flag: fid });
    assert.equal(flagged.statusCode, 200, flagged.body);
    assert.deepEqual(
      flagged.json().map((f: { id: number }) => f.id),
      [fid],
    );
    assert.equal(
      (await l.call(l.people.viewer!, 'POST', `/api/tasks/${t}/flags`, { flag: fid })).statusCode,
      403,
    );
    assert.equal(
      (await l.call(l.people.annotator!, 'DELETE', `/api/tasks/${t}/flags/${fid}`)).statusCode,
      204,
    );
    assert.deepEqual((await l.call(l.owner, 'GET', `/api/tasks/${t}/flags`)).json(), []);
    const renamed = await l.call(l.owner, 'PATCH', `/api/flags/${fid}`, { title: 'Out of focus' });
    assert.equal(renamed.json().title, 'Out of focus');
    for (const payload of [
      { title: '' },
      { title: '   ' },
      { title: 'x', color: 'red' },
      { title: 'x', other: 1 },
    ]) {
      const res = await l.call(l.owner, 'POST', '/api/flags', payload);
      assert.equal(res.statusCode, 400, JSON.stringify(payload));
      assert.equal(res.json().detail, 'Validation error');
    }
    assert.equal((await l.call(l.owner, 'DELETE', `/api/flags/${fid}`)).statusCode, 204);
    assert.equal((await l.call(l.owner, 'GET', `/api/flags/${fid}`)).statusCode, 404);
  });

  test('tags: managers tag their projects; another organization gets 404 everywhere', async () => {
    const l = await lab(app, ctx.database, { roles: ['manager', 'annotator'] });
    const [t] = await l.tasks(1);
    const tag = (await l.call(l.owner, 'POST', '/api/tags', { title: 'zzsecret-tag' })).json();
    const flag = (await l.call(l.owner, 'POST', '/api/flags', { title: 'zzsecret-flag' })).json();
    const res = await l.call(l.people.manager!, 'POST', `/api/projects/${l.projectId}/project-tags`, {
      tag: tag.id,
    });
    assert.equal(res.statusCode, 200, res.body);
    assert.equal(res.json()[0].title, 'zzsecret-tag');
    assert.equal(
      (
        await l.call(l.people.annotator!, 'POST', `/api/projects/${l.projectId}/project-tags`, {
          tag: tag.id,
        })
      ).statusCode,
      403,
    );
    await l.call(l.owner, 'POST', `/api/tasks/${t}/flags`, { flag: flag.id });
    const stranger = await signUp(app);
    // The stranger's own flag cannot go on A's task, nor A's flag on the stranger's task.
    for (const headers of [stranger.headers, { ...stranger.headers, 'x-organization-id': String(l.orgId) }]) {
      for (const [method, url, payload] of [
        ['GET', `/api/tags/${tag.id}`, undefined],
        ['PATCH', `/api/tags/${tag.id}`, { title: 'x' }],
        ['DELETE', `/api/tags/${tag.id}`, undefined],
        ['GET', `/api/flags/${flag.id}`, undefined],
        ['GET', `/api/projects/${l.projectId}/project-tags`, undefined],
        ['POST', `/api/projects/${l.projectId}/project-tags`, { tag: tag.id }],
        ['DELETE', `/api/projects/${l.projectId}/project-tags/${tag.id}`, undefined],
        ['GET', `/api/tasks/${t}/flags`, undefined],
        ['POST', `/api/tasks/${t}/flags`, { flag: flag.id }],
        ['DELETE', `/api/tasks/${t}/flags/${flag.id}`, undefined],
      ] as const) {
        const r = await app.inject({ method, url, headers, ...(payload ? { payload } : {}) });
        assert.equal(r.statusCode, 404, `${method} ${url} ${r.body}`);
        assert.ok(!r.body.includes('zzsecret'));
      }
      const own = await app.inject({ method: 'GET', url: '/api/tags', headers: stranger.headers });
      assert.ok(!own.body.includes('zzsecret'));
    }
    const mine = await app.inject({
      method: 'POST',
      url: '/api/tags',
      headers: stranger.headers,
      payload: { title: 'zzsecret-tag' },
    });
    assert.equal(mine.statusCode, 201, 'titles are unique per organization only');
  });

  test('label library: owners keep it, managers link labels to controls, strangers get 404', async () => {
    const l = await lab(app, ctx.database, { roles: ['manager', 'annotator'] });
    const created = await l.call(l.owner, 'POST', '/api/labels/', { title: 'Car', value: { value: 'Car' } });
    assert.equal(created.statusCode, 201, created.body);
    const label = created.json();
    assert.deepEqual([label.approved, label.approved_by, label.value], [true, l.owner.id, { value: 'Car' }]);
    assert.equal((await l.call(l.owner, 'POST', '/api/labels', { title: 'Car', value: {} })).statusCode, 409);
    assert.equal(
      (await l.call(l.people.manager!, 'POST', '/api/labels', { title: 'Bus', value: {} })).statusCode,
      403,
    );
    assert.equal((await l.call(l.people.annotator!, 'GET', '/api/labels')).json().count, 1);
    const link = await l.call(l.people.manager!, 'POST', '/api/label_links', {
      project: l.projectId,
      label: label.id,
      from_name: 'label',
    });
    assert.equal(link.statusCode, 201, link.body);
    const again = await l.call(l.people.manager!, 'POST', '/api/label_links', {
      project: l.projectId,
      label: label.id,
      from_name: 'label',
    });
    assert.equal(again.json().id, link.json().id);
    assert.equal(
      (
        await l.call(l.people.annotator!, 'POST', '/api/label_links', {
          project: l.projectId,
          label: label.id,
          from_name: 'x',
        })
      ).statusCode,
      403,
    );
    assert.deepEqual(
      (await l.call(l.owner, 'GET', `/api/label_links?project=${l.projectId}`))
        .json()
        .map((x: { id: number }) => x.id),
      [link.json().id],
    );
    const patched = await l.call(l.owner, 'PATCH', `/api/labels/${label.id}`, { approved: false });
    assert.deepEqual([patched.json().approved, patched.json().approved_by], [false, null]);
    const stranger = await signUp(app);
    for (const [method, url, payload] of [
      ['GET', `/api/labels/${label.id}`, undefined],
      ['PATCH', `/api/labels/${label.id}`, { title: 'x' }],
      ['DELETE', `/api/labels/${label.id}`, undefined],
      ['GET', `/api/label_links/${link.json().id}`, undefined],
      ['DELETE', `/api/label_links/${link.json().id}`, undefined],
      ['GET', `/api/label_links?project=${l.projectId}`, undefined],
      ['POST', '/api/label_links', { project: l.projectId, label: label.id, from_name: 'y' }],
    ] as const) {
      const r = await app.inject({ method, url, headers: stranger.headers, ...(payload ? { payload } : {}) });
      assert.equal(r.statusCode, 404, `${method} ${url} ${r.body}`);
    }
    for (const payload of [{ title: 'x' }, { title: '', value: 1 }, { title: ' ', value: 1 }]) {
      const r = await l.call(l.owner, 'POST', '/api/labels', payload);
      assert.equal(r.statusCode, 400, JSON.stringify(payload));
    }
    assert.equal((await l.call(l.owner, 'DELETE', `/api/labels/${label.id}`)).statusCode, 204);
    assert.equal((await l.call(l.owner, 'GET', `/api/label_links/${link.json().id}`)).statusCode, 404);
  });
});
