// Label Studio's task API through HTTP: shapes, paging (404 past the end), exact counters, webhooks, access.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { createTestApp } from '../../../test/app.ts';
import { forEachDatabase } from '../../../test/harness.ts';
import { inOrg, type Person, signUp } from '../../../test/http-factories.ts';
import { inScope } from '../../db/scope.ts';
import type { App } from '../../platform/http/app-types.ts';

forEachDatabase('tasks', (ctx) => {
  let app: App;
  let owner: Person;
  before(async () => {
    app = await createTestApp(ctx.database);
    await app.ready();
    await signUp(app);
    owner = await signUp(app);
  });
  after(() => app.close());

  const newProject = async () =>
    (
      await app.inject({
        method: 'POST',
        url: '/api/projects',
        headers: owner.headers,
        payload: { title: 'Labeling' },
      })
    ).json().id as number;
  const createTask = (project: number, data: object, headers = owner.headers) =>
    app.inject({ method: 'POST', url: '/api/tasks', headers, payload: { project, data } });

  test('create, read, change and delete a task; counters follow', async () => {
    const project = await newProject();
    const created = await createTask(project, { image: 'https://example.test/1.jpg', site: 'north' });
    assert.equal(created.statusCode, 201, created.body);
    const task = created.json();
    assert.equal(task.project, project);
    assert.equal(task.inner_id, 1);
    assert.deepEqual(task.data, { image: 'https://example.test/1.jpg', site: 'north' });
    assert.deepEqual([task.total_annotations, task.annotations, task.predictions], [0, [], []]);
    const second = (await createTask(project, { image: 'https://example.test/2.jpg' })).json();
    assert.equal(second.inner_id, 2);

    const got = await app.inject({ method: 'GET', url: `/api/tasks/${task.id}`, headers: owner.headers });
    assert.equal(got.json().data.site, 'north');
    const patched = await app.inject({
      method: 'PATCH',
      url: `/api/tasks/${task.id}`,
      headers: owner.headers,
      payload: { data: { image: 'https://example.test/1b.jpg' }, meta: { source: 'drone' } },
    });
    assert.deepEqual(
      [patched.json().data.image, patched.json().meta.source, patched.json().updated_by],
      ['https://example.test/1b.jpg', 'drone', owner.id],
    );

    const page = await app.inject({
      method: 'GET',
      url: `/api/tasks?project=${project}`,
      headers: owner.headers,
    });
    assert.deepEqual([page.json().total, page.json().tasks.length], [2, 2]);
    const del = await app.inject({ method: 'DELETE', url: `/api/tasks/${task.id}`, headers: owner.headers });
    assert.equal(del.statusCode, 204);
    const after = (
      await app.inject({ method: 'GET', url: `/api/tasks?project=${project}`, headers: owner.headers })
    ).json();
    assert.deepEqual([after.total, after.tasks.map((t: { id: number }) => t.id)], [1, [second.id]]);
    assert.equal(
      (await app.inject({ method: 'GET', url: `/api/tasks/${task.id}`, headers: owner.headers })).statusCode,
      404,
    );
  });

  test('paging: Label Studio shape, page_size, 404 past the last page', async () => {
    const project = await newProject();
    for (let i = 0; i < 5; i++) await createTask(project, { n: i });
    const p1 = (
      await app.inject({
        method: 'GET',
        url: `/api/tasks?project=${project}&page=1&page_size=2`,
        headers: owner.headers,
      })
    ).json();
    assert.deepEqual(Object.keys(p1).sort(), ['tasks', 'total', 'total_annotations', 'total_predictions']);
    assert.deepEqual(
      p1.tasks.map((t: { data: { n: number } }) => t.data.n),
      [0, 1],
    );
    const p3 = (
      await app.inject({
        method: 'GET',
        url: `/api/tasks?project=${project}&page=3&page_size=2`,
        headers: owner.headers,
      })
    ).json();
    assert.deepEqual(
      p3.tasks.map((t: { data: { n: number } }) => t.data.n),
      [4],
    );
    const p4 = await app.inject({
      method: 'GET',
      url: `/api/tasks?project=${project}&page=4&page_size=2`,
      headers: owner.headers,
    });
    assert.equal(p4.statusCode, 404);
    const only = (
      await app.inject({
        method: 'GET',
        url: `/api/tasks?project=${project}&fields=task_only`,
        headers: owner.headers,
      })
    ).json();
    assert.equal(only.tasks[0].annotations, undefined);
  });

  test('an annotator reads tasks but cannot create them (403); another organization gets 404', async () => {
    const project = await newProject();
    const task = (await createTask(project, { text: 'secret words' })).json();
    const annotator = await signUp(app);
    await inScope(ctx.database.db, { organizationId: owner.orgId, userId: owner.id }, (tx) =>
      tx
        .insertInto('organization_members')
        .values({ organization_id: owner.orgId, user_id: annotator.id, role: 'member' })
        .execute(),
    );
    await app.inject({
      method: 'POST',
      url: `/api/projects/${project}/members`,
      headers: owner.headers,
      payload: { user_id: annotator.id, role: 'annotator' },
    });
    const asAnnotator = inOrg(annotator, owner.orgId);
    assert.equal(
      (await app.inject({ method: 'GET', url: `/api/tasks/${task.id}`, headers: asAnnotator })).statusCode,
      200,
    );
    assert.equal((await createTask(project, { text: 'x' }, asAnnotator)).statusCode, 403);
    assert.equal(
      (await app.inject({ method: 'DELETE', url: `/api/tasks/${task.id}`, headers: asAnnotator })).statusCode,
      403,
    );

    const stranger = await signUp(app);
    for (const headers of [stranger.headers, inOrg(stranger, owner.orgId)]) {
      for (const [method, url] of [
        ['GET', `/api/tasks/${task.id}`],
        ['PATCH', `/api/tasks/${task.id}`],
        ['DELETE', `/api/tasks/${task.id}`],
        ['GET', `/api/tasks?project=${project}`],
      ] as const) {
        const res = await app.inject({
          method,
          url,
          headers,
          ...(method === 'PATCH' ? { payload: { meta: {} } } : {}),
        });
        assert.equal(res.statusCode, 404, `${method} ${url}`);
        assert.ok(!res.body.includes('secret words'));
      }
      assert.equal((await createTask(project, { text: 'intruder' }, headers)).statusCode, 404);
    }
  });

  test('bad input answers 400', async () => {
    const project = await newProject();
    for (const payload of [
      { project },
      { project, data: 'text' },
      { project: 'x', data: {} },
      { project, data: {}, extra: 1 },
    ]) {
      const res = await app.inject({ method: 'POST', url: '/api/tasks', headers: owner.headers, payload });
      assert.equal(res.statusCode, 400, JSON.stringify(payload));
    }
    for (const url of [
      '/api/tasks',
      '/api/tasks?project=abc',
      `/api/tasks?project=${project}&page=0`,
      '/api/tasks/1.5',
    ]) {
      assert.equal((await app.inject({ method: 'GET', url, headers: owner.headers })).statusCode, 400, url);
    }
  });
});
