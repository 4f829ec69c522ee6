// `GET /api/dm/project?project=`: Label Studio's project state for the data manager: fields, what the caller
// may do, counts; another organization's project 404, bad input 400.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { createTestApp } from '../../../test/app.ts';
import { forEachDatabase } from '../../../test/harness.ts';
import { signUp } from '../../../test/http-factories.ts';
import type { App } from '../../platform/http/app-types.ts';
import { box, lab } from './annotation.test-kit.ts';

forEachDatabase('data manager project state', (ctx) => {
  let app: App;
  before(async () => {
    app = await createTestApp(ctx.database, { LOGIN_RATE_LIMIT: '10000' });
    await app.ready();
    await signUp(app);
  });
  after(() => app.close());

  test('fields, permissions of the caller and counts', async () => {
    const l = await lab(app, ctx.database, { roles: ['annotator', 'reviewer'] });
    const [t1, t2] = await l.tasks(3);
    await l.call(l.owner, 'POST', `/api/tasks/${t1}/annotations`, { result: [box('Car')] });
    await l.call(l.owner, 'POST', `/api/tasks/${t2}/annotations`, { result: [], was_cancelled: true });
    const res = await l.call(l.owner, 'GET', `/api/dm/project?project=${l.projectId}`);
    assert.equal(res.statusCode, 200, res.body);
    const p = res.json();
    assert.equal(p.id, l.projectId);
    assert.equal(p.title, 'Boxes');
    assert.match(p.label_config, /RectangleLabels/);
    assert.equal(p.task_count, 3);
    assert.equal(p.annotation_count, 2);
    assert.equal(p.config_has_control_tags, true);
    assert.deepEqual(
      [p.can_delete_tasks, p.can_manage_tasks, p.can_manage_annotations, p.source_syncing, p.target_syncing],
      [true, true, true, false, false],
    );
    const annotator = (
      await l.call(l.people.annotator!, 'GET', `/api/dm/project?project=${l.projectId}`)
    ).json();
    assert.deepEqual([annotator.can_manage_tasks, annotator.can_manage_annotations], [false, false]);
    const reviewer = (
      await l.call(l.people.reviewer!, 'GET', `/api/dm/project?project=${l.projectId}`)
    ).json();
    assert.deepEqual([reviewer.can_manage_tasks, reviewer.can_manage_annotations], [false, true]);
  });

  test("another organization's project is 404; a bad or missing project is 400", async () => {
    const l = await lab(app, ctx.database);
    const other = await lab(app, ctx.database);
    assert.equal(
      (await other.call(other.owner, 'GET', `/api/dm/project?project=${l.projectId}`)).statusCode,
      404,
    );
    for (const q of ['', '?project=abc', '?project=0']) {
      const res = await l.call(l.owner, 'GET', `/api/dm/project${q}`);
      assert.equal(res.statusCode, 400, `${q}: ${res.body}`);
    }
  });
});
