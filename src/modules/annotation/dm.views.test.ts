// Data manager views, columns and the action list through HTTP: Label Studio's shapes, who sees and changes
// whose views, cross-tenant 404s and bad input.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { createTestApp } from '../../../test/app.ts';
import { forEachDatabase } from '../../../test/harness.ts';
import { inOrg, type Person, signUp } from '../../../test/http-factories.ts';
import { inScope } from '../../db/scope.ts';
import type { App } from '../../platform/http/app-types.ts';
import { addTasks, filter, type Kit, newProject } from './dm.test-kit.ts';

forEachDatabase('data manager views', (ctx) => {
  let app: App;
  let owner: Person;
  let annotator: Person;
  let kit: Kit;
  before(async () => {
    app = await createTestApp(ctx.database);
    await app.ready();
    await signUp(app);
    owner = await signUp(app);
    annotator = await signUp(app);
    kit = { app, database: ctx.database, headers: owner.headers, orgId: owner.orgId, userId: owner.id };
    await inScope(ctx.database.db, { organizationId: owner.orgId, userId: owner.id }, (tx) =>
      tx
        .insertInto('organization_members')
        .values({ organization_id: owner.orgId, user_id: annotator.id, role: 'member' })
        .execute(),
    );
  });
  after(() => app.close());

  const join = async (project: number) => {
    const res = await app.inject({
      method: 'POST',
      url: `/api/projects/${project}/members`,
      headers: owner.headers,
      payload: { user_id: annotator.id, role: 'annotator' },
    });
    assert.ok(res.statusCode < 300, res.body);
  };
  const call = (
    method: 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE',
    url: string,
    headers: object,
    payload?: object,
  ) =>
    app.inject({ method, url, headers: headers as Record<string, string>, ...(payload ? { payload } : {}) });

  test('create, list, read, change, replace and delete views in Label Studio shapes', async () => {
    const project = await newProject(kit);
    const other = await newProject(kit);
    const data = {
      title: 'Tab 1',
      filters: { conjunction: 'or', items: [filter('data.image', 'contains', 'jpg')] },
      ordering: ['-tasks:created_at'],
      hiddenColumns: { explore: ['tasks:inner_id'], labeling: [] },
    };
    const created = await call('POST', '/api/dm/views/', owner.headers, { project, data });
    assert.equal(created.statusCode, 201, created.body);
    const view = created.json();
    assert.deepEqual([view.project, view.user, view.order, view.data], [project, owner.id, 0, data]);
    await call('POST', '/api/dm/views', owner.headers, { project: other, data: { title: 'elsewhere' } });

    const listed = await call('GET', `/api/dm/views?project=${project}`, owner.headers);
    assert.deepEqual(
      listed.json().map((v: { id: number }) => v.id),
      [view.id],
    );
    assert.equal((await call('GET', `/api/dm/views/${view.id}`, owner.headers)).json().data.title, 'Tab 1');
    const patched = await call('PATCH', `/api/dm/views/${view.id}`, owner.headers, {
      data: { ...data, title: 'Renamed' },
      order: 3,
      selected_items: { all: false, included: [1, 2] },
    });
    assert.equal(patched.statusCode, 200, patched.body);
    assert.deepEqual(
      [patched.json().data.title, patched.json().order, patched.json().selected_items],
      ['Renamed', 3, { all: false, included: [1, 2] }],
    );
    const put = await call('PUT', `/api/dm/views/${view.id}`, owner.headers, {
      project,
      data: { title: 'Plain' },
    });
    assert.deepEqual(put.json().data, { title: 'Plain' });
    const moved = await call('PATCH', `/api/dm/views/${view.id}`, owner.headers, { project: other });
    assert.equal(moved.statusCode, 400);
    assert.equal((await call('DELETE', `/api/dm/views/${view.id}`, owner.headers)).statusCode, 204);
    assert.equal((await call('GET', `/api/dm/views/${view.id}`, owner.headers)).statusCode, 404);
  });

  test('members keep their own views; managers see and delete everyone’s', async () => {
    const project = await newProject(kit);
    await join(project);
    const asAnnotator = inOrg(annotator, owner.orgId);
    const mine = (
      await call('POST', '/api/dm/views', asAnnotator, { project, data: { title: 'mine' } })
    ).json();
    const boss = (
      await call('POST', '/api/dm/views', owner.headers, { project, data: { title: 'boss' } })
    ).json();
    const annotatorList = (await call('GET', `/api/dm/views?project=${project}`, asAnnotator)).json();
    assert.deepEqual(
      annotatorList.map((v: { id: number }) => v.id),
      [mine.id],
    );
    const ownerList = (await call('GET', `/api/dm/views?project=${project}`, owner.headers)).json();
    assert.deepEqual(
      ownerList.map((v: { id: number }) => v.id),
      [mine.id, boss.id],
    );
    assert.equal((await call('GET', `/api/dm/views/${boss.id}`, asAnnotator)).statusCode, 404);
    assert.equal(
      (await call('PATCH', `/api/dm/views/${boss.id}`, asAnnotator, { order: 1 })).statusCode,
      403,
    );
    assert.equal((await call('DELETE', `/api/dm/views/${boss.id}`, asAnnotator)).statusCode, 403);
    assert.equal(
      (await call('PATCH', `/api/dm/views/${mine.id}`, asAnnotator, { order: 2 })).statusCode,
      200,
    );
    assert.equal((await call('DELETE', `/api/dm/views/${mine.id}`, owner.headers)).statusCode, 204);
    // Actions are for managers: an annotator's list is empty, and running one is refused.
    assert.deepEqual((await call('GET', `/api/dm/actions?project=${project}`, asAnnotator)).json(), []);
    const run = await call('POST', `/api/dm/actions?id=delete_tasks&project=${project}`, asAnnotator, {
      selectedItems: { all: true, excluded: [] },
    });
    assert.equal(run.statusCode, 403);
  });

  test('reorder and reset views', async () => {
    const project = await newProject(kit);
    const make = async (title: string) =>
      (await call('POST', '/api/dm/views', owner.headers, { project, data: { title } })).json().id as number;
    const [a, b, c] = [await make('a'), await make('b'), await make('c')];
    const ordered = await call('POST', '/api/dm/views/order/', owner.headers, { project, ids: [c, a, b] });
    assert.equal(ordered.statusCode, 204, ordered.body);
    const listed = (await call('GET', `/api/dm/views?project=${project}`, owner.headers)).json();
    assert.deepEqual(
      listed.map((v: { id: number; order: number }) => [v.id, v.order]),
      [
        [c, 0],
        [a, 1],
        [b, 2],
      ],
    );
    const other = await newProject(kit);
    const foreign = await call('POST', '/api/dm/views/order', owner.headers, { project: other, ids: [a] });
    assert.equal(foreign.statusCode, 400);
    assert.match(foreign.json().error.message, /not in project/);
    assert.equal(
      (await call('DELETE', `/api/dm/views/reset?project=${project}`, owner.headers)).statusCode,
      204,
    );
    assert.deepEqual((await call('GET', `/api/dm/views?project=${project}`, owner.headers)).json(), []);
  });

  test('columns list the task fields and the data keys; the action list is Label Studio’s', async () => {
    const project = await newProject(kit);
    await addTasks(kit, project, [
      { image: 'a.jpg', site: 'n' },
      { image: 'b.jpg', extra: 1 },
    ]);
    const res = await call('GET', `/api/dm/columns?project=${project}`, owner.headers);
    assert.equal(res.statusCode, 200, res.body);
    const columns = res.json().columns as {
      id: string;
      parent?: string;
      children?: string[];
      type: string;
    }[];
    const data = columns.filter((c) => c.parent === 'data').map((c) => c.id);
    assert.deepEqual(data, ['extra', 'image', 'site']);
    for (const id of ['id', 'inner_id', 'completed_at', 'total_annotations', 'annotators', 'created_at'])
      assert.ok(
        columns.some((c) => c.id === id),
        id,
      );
    assert.deepEqual(columns.find((c) => c.id === 'data')?.children, ['extra', 'image', 'site']);
    const actions = (await call('GET', `/api/dm/actions?project=${project}`, owner.headers)).json();
    assert.deepEqual(
      actions.map((a: { id: string }) => a.id),
      [
        'remove_duplicates',
        'retrieve_tasks_predictions',
        'predictions_to_annotations',
        'delete_tasks',
        'delete_tasks_annotations',
        'delete_tasks_predictions',
      ],
    );
  });

  test('another organization gets 404 on every data manager route', async () => {
    const project = await newProject(kit);
    const [task] = await addTasks(kit, project, [{ text: 'secret words' }]);
    const view = (
      await call('POST', '/api/dm/views', owner.headers, { project, data: { title: 'secret view' } })
    ).json();
    const stranger = await signUp(app);
    for (const headers of [stranger.headers, inOrg(stranger, owner.orgId)]) {
      for (const [method, url, payload] of [
        ['GET', `/api/dm/views?project=${project}`],
        ['POST', '/api/dm/views', { project, data: {} }],
        ['GET', `/api/dm/views/${view.id}`],
        ['PATCH', `/api/dm/views/${view.id}`, { order: 1 }],
        ['PUT', `/api/dm/views/${view.id}`, { data: {} }],
        ['DELETE', `/api/dm/views/${view.id}`],
        ['DELETE', `/api/dm/views/reset?project=${project}`],
        ['POST', '/api/dm/views/order', { project, ids: [view.id] }],
        ['GET', `/api/dm/columns?project=${project}`],
        ['GET', `/api/dm/actions?project=${project}`],
        ['POST', `/api/dm/actions?id=delete_tasks&project=${project}`, { selectedItems: { all: true } }],
        ['GET', `/api/tasks?project=${project}&view=${view.id}`],
        ['GET', `/api/tasks?project=${project}&query=${encodeURIComponent('{}')}`],
      ] as const) {
        const res = await call(method, url, headers, payload);
        assert.equal(res.statusCode, 404, `${method} ${url}: ${res.body}`);
        assert.ok(!res.body.includes('secret'), url);
      }
    }
    const still = await call('GET', `/api/tasks/${task}`, owner.headers);
    assert.equal(still.statusCode, 200);
    assert.equal((await call('GET', `/api/dm/views/${view.id}`, owner.headers)).statusCode, 200);
  });

  test('bad input answers 400 with a clear message', async () => {
    const project = await newProject(kit);
    const cases: [string, string, object | undefined, RegExp][] = [
      ['POST', '/api/dm/views', { data: {} }, /project/],
      [
        'POST',
        '/api/dm/views',
        { project, data: { filters: { conjunction: 'and', items: [{ filter: 'x' }] } } },
        /filters.items\[0\].filter/,
      ],
      [
        'POST',
        '/api/dm/views',
        { project, data: { ordering: ['tasks:nothing'] } },
        /ordering\[0\]: unknown column/,
      ],
      [
        'POST',
        '/api/dm/views',
        {
          project,
          data: { filters: { conjunction: 'and', items: [filter('data.x', 'regex', '', 'String')] } },
        },
        /regex takes a pattern/,
      ],
      ['POST', '/api/dm/views', { project, selected_items: { all: 'yes' } }, /selected_items/],
      ['GET', '/api/dm/views?project=abc', undefined, /project/],
      ['GET', '/api/dm/columns', undefined, /project/],
      ['PATCH', '/api/dm/views/0', { order: 1 }, /id/],
      [
        'POST',
        `/api/dm/actions?id=delete_tasks&project=${project}`,
        { selectedItems: { all: false, included: [0] } },
        /included/,
      ],
    ];
    for (const [method, url, payload, message] of cases) {
      const res = await call(method as 'GET', url, owner.headers, payload);
      assert.equal(res.statusCode, 400, `${method} ${url}: ${res.body}`);
      assert.match(res.json().error.message, message, `${method} ${url}`);
    }
  });
});
