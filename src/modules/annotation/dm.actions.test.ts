// Data manager actions through HTTP: the selection forms, exact counters afterwards (checked against the rows),
// the TASKS_DELETED / ANNOTATIONS_DELETED webhooks, and the refusals.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { createTestApp } from '../../../test/app.ts';
import { forEachDatabase } from '../../../test/harness.ts';
import { type Person, signUp } from '../../../test/http-factories.ts';
import { inScope } from '../../db/scope.ts';
import type { App } from '../../platform/http/app-types.ts';
import { addTasks, annotate, counters, filter, type Kit, newProject, predict } from './dm.test-kit.ts';

forEachDatabase('data manager actions', (ctx) => {
  let app: App;
  let owner: Person;
  let kit: Kit;
  before(async () => {
    app = await createTestApp(ctx.database);
    await app.ready();
    await signUp(app);
    owner = await signUp(app);
    kit = { app, database: ctx.database, headers: owner.headers, orgId: owner.orgId, userId: owner.id };
  });
  after(() => app.close());

  const run = (id: string | null, project: number, payload: object, extra = '') =>
    app.inject({
      method: 'POST',
      url: `/api/dm/actions?${id === null ? '' : `id=${id}&`}project=${project}${extra}`,
      headers: owner.headers,
      payload,
    });
  const remaining = async (project: number) =>
    (
      await app.inject({
        method: 'GET',
        url: `/api/tasks?project=${project}&page_size=1000`,
        headers: owner.headers,
      })
    )
      .json()
      .tasks.map((x: { id: number }) => x.id);
  const exact = async (project: number) => {
    const c = await counters(kit, project);
    assert.deepEqual(c.stored, c.truth);
    assert.equal(c.tasksOff, 0, 'task counters match their rows');
    return c.stored;
  };
  const addHook = async (project: number, path: string) => {
    const hook = await app.inject({
      method: 'POST',
      url: '/api/webhooks',
      headers: owner.headers,
      payload: { url: `https://hooks.example.test/${path}`, project },
    });
    assert.equal(hook.statusCode, 201, hook.body);
  };
  const deliveries = (action: string) =>
    inScope(ctx.database.db, { organizationId: owner.orgId, userId: owner.id }, (tx) =>
      tx
        .selectFrom('webhook_deliveries')
        .select('payload')
        .where('action', '=', action)
        .orderBy('id')
        .execute(),
    );

  test('delete_tasks: picked ids, or all matching the filters but the excluded; counters and webhook follow', async () => {
    const project = await newProject(kit);
    await addHook(project, 'dm');
    const t = await addTasks(kit, project, [
      { site: 'a' },
      { site: 'b' },
      { site: 'a' },
      { site: 'a' },
      { site: 'c' },
    ]);
    await annotate(kit, t[0]!);
    await annotate(kit, t[2]!, { cancelled: true });
    await predict(kit, t[2]!);
    await exact(project);

    const picked = await run('delete_tasks', project, {
      selectedItems: { all: false, included: [t[0], t[1]] },
    });
    assert.equal(picked.statusCode, 200, picked.body);
    assert.deepEqual(picked.json(), { processed_items: 2, reload: false, detail: 'Deleted 2 tasks' });
    assert.deepEqual(await remaining(project), [t[2], t[3], t[4]]);
    await exact(project);

    const filtered = await run('delete_tasks', project, {
      selectedItems: { all: true, excluded: [t[3]] },
      filters: { conjunction: 'and', items: [filter('data.site', 'equal', 'a')] },
    });
    assert.deepEqual(filtered.json().processed_items, 1);
    assert.deepEqual(await remaining(project), [t[3], t[4]]);
    const counts = await exact(project);
    assert.equal(counts.task_number, 2);

    const sent = await deliveries('TASKS_DELETED');
    assert.deepEqual(
      sent.map((d) => d.payload),
      [
        { action: 'TASKS_DELETED', tasks: [{ id: t[0] }, { id: t[1] }], project: { id: project } },
        { action: 'TASKS_DELETED', tasks: [{ id: t[2] }], project: { id: project } },
      ],
    );
    const all = await run('delete_tasks', project, { selectedItems: { all: true, excluded: [] } });
    assert.deepEqual(all.json(), { processed_items: 2, reload: true, detail: 'Deleted 2 tasks' });
    await exact(project);
  });

  test('a view supplies the filters of an action', async () => {
    const project = await newProject(kit);
    const t = await addTasks(kit, project, [{ n: 1 }, { n: 20 }, { n: 30 }]);
    const view = await app.inject({
      method: 'POST',
      url: '/api/dm/views',
      headers: owner.headers,
      payload: {
        project,
        data: { filters: { conjunction: 'and', items: [filter('data.n', 'greater', 10, 'Number')] } },
      },
    });
    const res = await run(
      'delete_tasks',
      project,
      { selectedItems: { all: true, excluded: [t[2]] } },
      `&view=${view.json().id}`,
    );
    assert.equal(res.json().processed_items, 1);
    assert.deepEqual(await remaining(project), [t[0], t[2]]);
  });

  test('delete_tasks_annotations (all, or one annotator) and delete_tasks_predictions keep counters exact', async () => {
    const project = await newProject(kit);
    const other = await signUp(app);
    await inScope(ctx.database.db, { organizationId: owner.orgId, userId: owner.id }, (tx) =>
      tx
        .insertInto('organization_members')
        .values({ organization_id: owner.orgId, user_id: other.id, role: 'member' })
        .execute(),
    );
    const t = await addTasks(kit, project, [{ k: 1 }, { k: 2 }, { k: 3 }]);
    const mine = await annotate(kit, t[0]!);
    const theirs = await annotate(kit, t[0]!, { by: other.id });
    await annotate(kit, t[1]!, { by: other.id, cancelled: true });
    await annotate(kit, t[2]!);
    await predict(kit, t[0]!);
    await predict(kit, t[0]!);
    await predict(kit, t[2]!);
    await exact(project);

    const one = await run('delete_tasks_annotations', project, {
      selectedItems: { all: false, included: [t[0], t[1]] },
      annotator: other.id,
    });
    assert.deepEqual(one.json(), { processed_items: 2, detail: 'Deleted 2 annotations' });
    let c = await exact(project);
    assert.deepEqual(
      [c.total_annotations_number, c.skipped_annotations_number, c.finished_task_number],
      [2, 0, 2],
    );
    const hooks = await deliveries('ANNOTATIONS_DELETED');
    assert.equal(hooks.length, 0, 'no project webhook in this project');
    const task0 = (
      await app.inject({ method: 'GET', url: `/api/tasks/${t[0]}`, headers: owner.headers })
    ).json();
    assert.deepEqual(
      task0.annotations.map((a: { id: number }) => a.id),
      [mine],
    );
    assert.ok(!task0.annotations.some((a: { id: number }) => a.id === theirs));

    const all = await run('delete_tasks_annotations', project, {
      selectedItems: { all: true, excluded: [] },
    });
    assert.equal(all.json().processed_items, 2);
    c = await exact(project);
    assert.deepEqual(
      [c.total_annotations_number, c.finished_task_number, c.num_tasks_with_annotations],
      [0, 0, 0],
    );
    const labeled = (
      await app.inject({ method: 'GET', url: `/api/tasks/${t[2]}`, headers: owner.headers })
    ).json();
    assert.deepEqual([labeled.is_labeled, labeled.completed_at, labeled.total_annotations], [false, null, 0]);

    const preds = await run('delete_tasks_predictions', project, {
      selectedItems: { all: false, included: [t[0]] },
    });
    assert.deepEqual(preds.json(), { processed_items: 2, detail: 'Deleted 2 predictions' });
    c = await exact(project);
    assert.equal(c.total_predictions_number, 1);
  });

  test('remove_duplicates keeps one task per data, moving annotations to it', async () => {
    const project = await newProject(kit);
    const t = await addTasks(kit, project, [
      { a: 1, b: 'x' },
      { b: 'x', a: 1 },
      { a: 2 },
      { a: 1, b: 'x' },
      { a: 2 },
      { a: 3 },
    ]);
    const moved = await annotate(kit, t[3]!);
    const kept = await annotate(kit, t[1]!);
    const res = await run('remove_duplicates', project, { selectedItems: { all: true, excluded: [] } });
    assert.equal(res.statusCode, 200, res.body);
    assert.equal(res.json().processed_items, 3);
    // The first annotated task of each group stays (t1 for {a:1,b:x}), else the first one (t2 for {a:2}).
    assert.deepEqual(await remaining(project), [t[1], t[2], t[5]]);
    const keeper = (
      await app.inject({ method: 'GET', url: `/api/tasks/${t[1]}`, headers: owner.headers })
    ).json();
    assert.deepEqual(keeper.annotations.map((a: { id: number }) => a.id).sort(), [kept, moved].sort());
    await exact(project);
    const again = await run('remove_duplicates', project, { selectedItems: { all: true, excluded: [] } });
    assert.equal(again.json().processed_items, 0);
  });

  test('predictions_to_annotations: one annotation per prediction not yet made into one, by model version', async () => {
    const project = await newProject(kit);
    await addHook(project, 'p2a');
    const t = await addTasks(kit, project, [{ k: 1 }, { k: 2 }, { k: 3 }]);
    const p0 = await predict(kit, t[0]!, 0.9, 'v1');
    await predict(kit, t[0]!, 0.8, 'v2');
    const p1 = await predict(kit, t[1]!, 0.7, 'v1');
    const listed = (
      await app.inject({ method: 'GET', url: `/api/dm/actions?project=${project}`, headers: owner.headers })
    ).json();
    const action = listed.find((a: { id: string }) => a.id === 'predictions_to_annotations');
    assert.equal(action.title, 'Create Annotations From Predictions');
    assert.deepEqual(action.dialog.form[0].fields[0].options, ['v1', 'v2']);

    const first = await run('predictions_to_annotations', project, {
      selectedItems: { all: true, excluded: [] },
      model_version: 'v1',
    });
    assert.deepEqual(first.json(), { processed_items: 2, detail: 'Created 2 annotations' });
    const task0 = (
      await app.inject({ method: 'GET', url: `/api/tasks/${t[0]}`, headers: owner.headers })
    ).json();
    assert.deepEqual(
      task0.annotations.map((a: { parent_prediction: number; completed_by: number }) => [
        a.parent_prediction,
        a.completed_by,
      ]),
      [[p0, owner.id]],
    );
    assert.equal(task0.is_labeled, true);
    const c = await exact(project);
    assert.deepEqual([c.total_annotations_number, c.finished_task_number], [2, 2]);
    const hooks = await deliveries('ANNOTATIONS_CREATED');
    assert.deepEqual(
      (hooks.at(-1)!.payload as { annotation: { parent_prediction: number }[] }).annotation
        .map((a) => a.parent_prediction)
        .sort(),
      [p0, p1].sort(),
    );

    // Again: only what is left (the v2 prediction, none of v1's twice).
    const again = await run('predictions_to_annotations', project, { selectedItems: { all: true } });
    assert.deepEqual(again.json(), { processed_items: 1, detail: 'Created 1 annotations' });
    const none = await run('predictions_to_annotations', project, { selectedItems: { all: true } });
    assert.equal(none.json().processed_items, 0);
    await exact(project);
    const bad = await run('predictions_to_annotations', project, {
      selectedItems: { all: true },
      model_version: 7,
    });
    assert.equal(bad.statusCode, 400);
    assert.match(bad.body, /model_version/);
  });

  test('refusals: no id (422), unknown id (404), nothing selected (404), predictions without ML backends (422)', async () => {
    const project = await newProject(kit);
    const [task] = await addTasks(kit, project, [{ x: 1 }]);
    const noId = await run(null, project, {});
    assert.equal(noId.statusCode, 422);
    assert.match(noId.json().error.message, /name the action/);
    assert.equal((await run('explode', project, {})).statusCode, 404);
    const none = await run('delete_tasks', project, { selectedItems: { all: false, included: [] } });
    assert.equal(none.statusCode, 404);
    assert.match(none.json().error.message, /no tasks selected/);
    const ml = await run('retrieve_tasks_predictions', project, { selectedItems: { all: true } });
    assert.equal(ml.statusCode, 422);
    assert.match(ml.json().error.message, /no ML backends/);
    const bad = await run('delete_tasks', project, {
      filters: { conjunction: 'and', items: [filter('data.x', 'regex', '[')] },
    });
    assert.equal(bad.statusCode, 400);
    assert.deepEqual(await remaining(project), [task]);
  });
});
