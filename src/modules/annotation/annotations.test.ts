// Label Studio's annotation API through HTTP: shapes, results checked against the config, exact task and
// project counters (also under concurrent writes), the project summary, webhooks, roles and tenancy.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { createTestApp } from '../../../test/app.ts';
import { forEachDatabase } from '../../../test/harness.ts';
import { signUp } from '../../../test/http-factories.ts';
import { inScope } from '../../db/scope.ts';
import type { App } from '../../platform/http/app-types.ts';
import { box, lab, recount } from './annotation.test-kit.ts';

// biome-ignore lint/suspicious/noExplicitAny: webhook bodies are read field by field
type Payload = Record<string, any>;

forEachDatabase('annotations', (ctx) => {
  let app: App;
  before(async () => {
    app = await createTestApp(ctx.database, { LOGIN_RATE_LIMIT: '10000' });
    await app.ready();
    await signUp(app);
  });
  after(() => app.close());

  test('create, read, change and delete; task and project counters follow', async () => {
    const { owner, projectId, call, tasks } = await lab(app, ctx.database);
    const [t1, t2] = await tasks(2);
    const created = await call(owner, 'POST', `/api/tasks/${t1}/annotations/`, {
      result: [box('Car')],
      lead_time: 12.5,
    });
    assert.equal(created.statusCode, 201, created.body);
    const a = created.json();
    assert.deepEqual(
      [a.task, a.project, a.completed_by, a.was_cancelled, a.ground_truth, a.lead_time, a.result_count],
      [t1, projectId, owner.id, false, false, 12.5, 1],
    );
    assert.deepEqual(a.result, [box('Car')]);
    const task = (await call(owner, 'GET', `/api/tasks/${t1}`)).json();
    assert.deepEqual([task.total_annotations, task.is_labeled, task.annotations.length], [1, true, 1]);
    assert.ok(task.completed_at);

    const skipped = await call(owner, 'POST', `/api/tasks/${t2}/annotations`, { was_cancelled: true });
    assert.equal(skipped.statusCode, 201, skipped.body);
    let project = (await call(owner, 'GET', `/api/projects/${projectId}`)).json();
    assert.deepEqual(
      [
        project.task_number,
        project.total_annotations_number,
        project.skipped_annotations_number,
        project.finished_task_number,
        project.num_tasks_with_annotations,
      ],
      [2, 1, 1, 1, 1],
    );
    const t2state = (await call(owner, 'GET', `/api/tasks/${t2}`)).json();
    assert.deepEqual([t2state.cancelled_annotations, t2state.is_labeled], [1, false]);

    // Un-skipping makes it count.
    const unskipped = await call(owner, 'PATCH', `/api/annotations/${skipped.json().id}`, {
      was_cancelled: false,
      result: [box('Bus')],
    });
    assert.equal(unskipped.statusCode, 200, unskipped.body);
    project = (await call(owner, 'GET', `/api/projects/${projectId}`)).json();
    assert.deepEqual(
      [project.total_annotations_number, project.skipped_annotations_number, project.finished_task_number],
      [2, 0, 2],
    );

    const list = await call(owner, 'GET', `/api/tasks/${t1}/annotations`);
    assert.deepEqual(
      list.json().map((x: { id: number }) => x.id),
      [a.id],
    );
    assert.equal((await call(owner, 'GET', `/api/annotations/${a.id}/`)).json().id, a.id);
    assert.equal((await call(owner, 'DELETE', `/api/annotations/${a.id}`)).statusCode, 204);
    assert.equal((await call(owner, 'GET', `/api/annotations/${a.id}`)).statusCode, 404);
    project = (await call(owner, 'GET', `/api/projects/${projectId}`)).json();
    assert.deepEqual(
      [project.total_annotations_number, project.finished_task_number, project.num_tasks_with_annotations],
      [1, 1, 1],
    );
    const t1state = (await call(owner, 'GET', `/api/tasks/${t1}`)).json();
    assert.deepEqual([t1state.total_annotations, t1state.is_labeled, t1state.completed_at], [0, false, null]);

    // The summary counts labels in use, and follows the changes.
    const summary = (await call(owner, 'GET', `/api/projects/${projectId}/summary`)).json();
    assert.deepEqual(summary.created_labels, { label: { Bus: 1 } });
    assert.deepEqual(summary.created_annotations, { 'label|image|rectanglelabels': 1 });
    assert.deepEqual([summary.all_data_columns, summary.common_data_columns], [{ image: 2 }, ['image']]);
  });

  test('results are checked against the config: 400 naming the region, with Label Studio fields', async () => {
    const { owner, call, tasks } = await lab(app, ctx.database);
    const [t] = await tasks(1);
    const cases: [unknown, RegExp][] = [
      [[box('Truck', 'abc')], /Region 0 \(id "abc"\).*Truck/],
      [[{ ...box('Car'), from_name: 'nope' }], /Region 0/],
      [[box('Car'), { ...box('Car', 'xyz'), value: { x: 'left' } }], /Region 1 \(id "xyz"\)/],
    ];
    for (const [result, pattern] of cases) {
      const res = await call(owner, 'POST', `/api/tasks/${t}/annotations`, { result });
      assert.equal(res.statusCode, 400, res.body);
      const body = res.json();
      assert.match(body.error.message, pattern);
      assert.equal(body.detail, 'Validation error');
      assert.ok(
        Object.keys(body.validation_errors).some((k) => k.startsWith('result[')),
        res.body,
      );
    }
    for (const payload of [{ result: 'x' }, { was_cancelled: 'yes' }, { lead_time: -1 }, { other: 1 }]) {
      const res = await call(owner, 'POST', `/api/tasks/${t}/annotations`, payload);
      assert.equal(res.statusCode, 400, JSON.stringify(payload));
      assert.equal(res.json().detail, 'Validation error');
    }
    const res = await call(owner, 'PATCH', `/api/annotations/999999999`, { result: [] });
    assert.equal(res.statusCode, 404);
    assert.equal(typeof res.json().detail, 'string');
    // Nothing was written by the refused requests.
    assert.equal((await call(owner, 'GET', `/api/tasks/${t}`)).json().total_annotations, 0);
  });

  test('roles: annotators label and edit their own; reviewers edit anyone’s; viewers read', async () => {
    const { owner, people, call, tasks } = await lab(app, ctx.database, {
      roles: ['annotator', 'reviewer', 'viewer'],
    });
    const { annotator, reviewer, viewer } = people as Record<string, typeof owner>;
    const [t] = await tasks(1);
    const mine = await call(annotator!, 'POST', `/api/tasks/${t}/annotations`, { result: [box('Car')] });
    assert.equal(mine.statusCode, 201, mine.body);
    const id = mine.json().id;
    assert.equal(
      (await call(viewer!, 'POST', `/api/tasks/${t}/annotations`, { result: [] })).statusCode,
      403,
    );
    assert.equal((await call(viewer!, 'GET', `/api/annotations/${id}`)).statusCode, 200);
    assert.equal((await call(viewer!, 'PATCH', `/api/annotations/${id}`, { lead_time: 1 })).statusCode, 403);
    assert.equal(
      (await call(reviewer!, 'POST', `/api/tasks/${t}/annotations`, { result: [] })).statusCode,
      403,
    );
    const reviewed = await call(reviewer!, 'PATCH', `/api/annotations/${id}`, { ground_truth: true });
    assert.equal(reviewed.statusCode, 200, reviewed.body);
    assert.equal(reviewed.json().updated_by, reviewer!.id);
    const ownerAnnotation = (await call(owner, 'POST', `/api/tasks/${t}/annotations`, { result: [] })).json();
    assert.equal(
      (await call(annotator!, 'DELETE', `/api/annotations/${ownerAnnotation.id}`)).statusCode,
      403,
    );
    assert.equal((await call(annotator!, 'DELETE', `/api/annotations/${id}`)).statusCode, 204);
  });

  test('another organization gets 404 on every annotation route and sees nothing', async () => {
    const { owner, call, tasks } = await lab(app, ctx.database);
    const [t] = await tasks(1);
    const a = (
      await call(owner, 'POST', `/api/tasks/${t}/annotations`, {
        result: [{ ...box('Car'), meta: 'secretzz' }],
      })
    ).json();
    const stranger = await signUp(app);
    for (const headers of [
      stranger.headers,
      { ...stranger.headers, 'x-organization-id': String(owner.orgId) },
    ]) {
      for (const [method, url, payload] of [
        ['GET', `/api/tasks/${t}/annotations`, undefined],
        ['POST', `/api/tasks/${t}/annotations`, { result: [] }],
        ['GET', `/api/annotations/${a.id}`, undefined],
        ['PATCH', `/api/annotations/${a.id}`, { lead_time: 3 }],
        ['DELETE', `/api/annotations/${a.id}`, undefined],
      ] as const) {
        const res = await app.inject({ method, url, headers, ...(payload ? { payload } : {}) });
        assert.equal(res.statusCode, 404, `${method} ${url} ${res.body}`);
        assert.ok(!res.body.includes('secretzz'));
      }
    }
  });

  test('webhooks: ANNOTATION_CREATED, ANNOTATION_UPDATED, ANNOTATIONS_DELETED in Label Studio’s shape', async () => {
    const { owner, orgId, projectId, call, tasks } = await lab(app, ctx.database);
    const hook = await call(owner, 'POST', '/api/webhooks', {
      url: 'https://hooks.example.test/ls',
      project: projectId,
    });
    assert.equal(hook.statusCode, 201, hook.body);
    const [t] = await tasks(1);
    const a = (await call(owner, 'POST', `/api/tasks/${t}/annotations`, { result: [box('Car')] })).json();
    await call(owner, 'PATCH', `/api/annotations/${a.id}`, { result: [box('Bus')] });
    await call(owner, 'DELETE', `/api/annotations/${a.id}`);
    const deliveries = await inScope(ctx.database.db, { organizationId: orgId, userId: owner.id }, (tx) =>
      tx
        .selectFrom('webhook_deliveries')
        .select(['action', 'payload'])
        .where('webhook_id', '=', hook.json().id)
        .where('action', 'like', 'ANNOTATION%')
        .orderBy('id')
        .execute(),
    );
    assert.deepEqual(
      deliveries.map((d) => d.action),
      ['ANNOTATION_CREATED', 'ANNOTATION_UPDATED', 'ANNOTATIONS_DELETED'],
    );
    const [created, updated, deleted] = deliveries.map((d) => d.payload as Payload);
    assert.equal(created!.annotation.id, a.id);
    assert.equal(created!.task.id, t);
    assert.equal(created!.project.id, projectId);
    assert.match(created!.project.label_config, /RectangleLabels/);
    assert.deepEqual(updated!.annotation.result[0].value.rectanglelabels, ['Bus']);
    assert.deepEqual(deleted!.annotations, [{ id: a.id }]);
  });

  test('overlap: is_labeled after maximum_annotations annotations; changing it recomputes', async () => {
    const { owner, projectId, call, tasks } = await lab(app, ctx.database, {
      project: { maximum_annotations: 2 },
    });
    const [t1, t2] = await tasks(2);
    assert.equal((await call(owner, 'GET', `/api/tasks/${t1}`)).json().overlap, 2);
    await call(owner, 'POST', `/api/tasks/${t1}/annotations`, { result: [] });
    assert.equal((await call(owner, 'GET', `/api/tasks/${t1}`)).json().is_labeled, false);
    await call(owner, 'POST', `/api/tasks/${t1}/annotations`, { result: [] });
    await call(owner, 'POST', `/api/tasks/${t2}/annotations`, { result: [] });
    assert.equal((await call(owner, 'GET', `/api/tasks/${t1}`)).json().is_labeled, true);
    assert.equal((await call(owner, 'GET', `/api/projects/${projectId}`)).json().finished_task_number, 1);
    const patched = await call(owner, 'PATCH', `/api/projects/${projectId}`, { maximum_annotations: 1 });
    assert.equal(patched.statusCode, 200, patched.body);
    assert.equal(patched.json().finished_task_number, 2);
    assert.equal((await call(owner, 'GET', `/api/tasks/${t2}`)).json().is_labeled, true);
  });

  test('counters stay exact under concurrent writes', async () => {
    const { owner, orgId, projectId, call, tasks } = await lab(app, ctx.database, {
      project: { maximum_annotations: 3 },
    });
    const ids = await tasks(4);
    const writes = ids.flatMap((t, i) =>
      Array.from({ length: 5 }, (_, k) =>
        call(owner, 'POST', `/api/tasks/${t}/annotations`, {
          result: [box(k % 2 ? 'Car' : 'Bus', `r${i}-${k}`)],
          was_cancelled: (i + k) % 4 === 0,
        }),
      ),
    );
    const created = await Promise.all(writes);
    for (const res of created) assert.equal(res.statusCode, 201, res.body);
    // Then delete and un-skip concurrently.
    const changes = created.map((res, n) =>
      n % 3 === 0
        ? call(owner, 'DELETE', `/api/annotations/${res.json().id}`)
        : call(owner, 'PATCH', `/api/annotations/${res.json().id}`, { was_cancelled: n % 2 === 0 }),
    );
    for (const res of await Promise.all(changes)) assert.ok(res.statusCode < 300, res.body);
    const { tasks: rows, settings } = await recount(ctx.database, orgId, owner.id, projectId);
    for (const r of rows) {
      assert.equal(r.total_annotations, Number(r.real_total), `task ${r.id} total`);
      assert.equal(r.cancelled_annotations, Number(r.real_cancelled), `task ${r.id} cancelled`);
      assert.equal(r.is_labeled, Number(r.real_total) >= r.overlap, `task ${r.id} is_labeled`);
    }
    const sum = (f: (r: (typeof rows)[number]) => number) => rows.reduce((s, r) => s + f(r), 0);
    assert.equal(
      settings.total_annotations_number,
      sum((r) => Number(r.real_total)),
    );
    assert.equal(
      settings.skipped_annotations_number,
      sum((r) => Number(r.real_cancelled)),
    );
    assert.equal(
      settings.finished_task_number,
      sum((r) => Number(r.is_labeled)),
    );
    assert.equal(
      settings.num_tasks_with_annotations,
      sum((r) => Number(Number(r.real_total) > 0)),
    );
    // The summary's label counts match the surviving annotations.
    const labels = await inScope(ctx.database.db, { organizationId: orgId, userId: owner.id }, (tx) =>
      tx.selectFrom('annotations').select('result').where('project_id', '=', projectId).execute(),
    );
    const expected: Record<string, number> = {};
    for (const { result } of labels) {
      for (const r of result as { value: { rectanglelabels: string[] } }[]) {
        for (const l of r.value.rectanglelabels) expected[l] = (expected[l] ?? 0) + 1;
      }
    }
    const summary = (await call(owner, 'GET', `/api/projects/${projectId}/summary`)).json();
    assert.deepEqual(summary.created_labels.label ?? {}, expected);
  });
});
