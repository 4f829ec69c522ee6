// The data manager's computed fields on `/api/tasks` pages (annotators, results, scores, model versions, lead
// time, drafts, comment authors, file names, updated_by), their columns in /api/dm/columns, and filtering and
// ordering on the comment and file columns; another organization's project 404, bad filters 400.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { createTestApp } from '../../../test/app.ts';
import { forEachDatabase } from '../../../test/harness.ts';
import { signUp } from '../../../test/http-factories.ts';
import type { App } from '../../platform/http/app-types.ts';
import { box, lab } from './annotation.test-kit.ts';
import { q } from './dm.test-kit.ts';

// biome-ignore lint/suspicious/noExplicitAny: JSON answers, checked field by field
type Json = Record<string, any>;

forEachDatabase('data manager task fields', (ctx) => {
  let app: App;
  before(async () => {
    app = await createTestApp(ctx.database, { LOGIN_RATE_LIMIT: '10000' });
    await app.ready();
    await signUp(app);
  });
  after(() => app.close());

  test('every page carries the computed fields, with or without fields=task_only', async () => {
    const l = await lab(app, ctx.database, { roles: ['annotator', 'reviewer'] });
    const [t1, t2, t3] = await l.tasks(3);
    const a = l.people.annotator!;
    const r = l.people.reviewer!;
    const ann1 = await l.call(a, 'POST', `/api/tasks/${t1}/annotations`, {
      result: [box('Car')],
      lead_time: 10,
    });
    assert.equal(ann1.statusCode, 201, ann1.body);
    const ann2 = await l.call(l.owner, 'POST', `/api/tasks/${t1}/annotations`, {
      result: [box('Bus')],
      lead_time: 20,
    });
    for (const [score, version] of [
      [0.2, 'v2'],
      [0.6, 'v1'],
      [0.4, 'v1'],
    ] as const) {
      const p = await l.call(l.owner, 'POST', '/api/predictions', {
        task: t2,
        result: [box('Car')],
        score,
        model_version: version,
      });
      assert.equal(p.statusCode, 201, p.body);
    }
    assert.equal(
      (await l.call(a, 'POST', `/api/tasks/${t3}/drafts`, { result: [box('Car')] })).statusCode,
      201,
    );
    const c = await l.call(r, 'POST', '/api/comments', { annotation: ann1.json().id, text: 'check the box' });
    assert.equal(c.statusCode, 201, c.body);

    for (const extra of ['', '&fields=task_only', '&fields=all']) {
      const res = await l.call(l.owner, 'GET', `/api/tasks?project=${l.projectId}${extra}`);
      assert.equal(res.statusCode, 200, res.body);
      const [x1, x2, x3] = res.json().tasks as Json[];
      assert.deepEqual(
        x1!.annotators,
        [a.id, l.owner.id].sort((m, n) => m - n),
      );
      assert.equal(x1!.annotations_ids, `${ann1.json().id},${ann2.json().id}`);
      assert.match(x1!.annotations_results, /rectanglelabels: \[Car\]/);
      assert.ok(!x1!.annotations_results.includes('"'));
      assert.equal(x1!.avg_lead_time, 15);
      assert.deepEqual(x1!.comment_authors, [r.id]);
      assert.equal(x1!.comment_count, 1);
      assert.deepEqual(x1!.updated_by, [{ user_id: l.owner.id }]);
      assert.equal(x1!.draft_exists, false);
      assert.equal(x2!.predictions_model_versions, 'v1, v2');
      assert.ok(Math.abs(x2!.predictions_score - 0.4) < 1e-9);
      assert.match(x2!.predictions_results, /Car/);
      assert.deepEqual(x2!.annotators, []);
      assert.equal(x2!.annotations_results, '');
      assert.equal(x2!.avg_lead_time, null);
      assert.equal(x3!.draft_exists, true);
      assert.equal(x3!.predictions_score, null);
      assert.equal(x3!.file_upload, null);
      assert.equal(x3!.storage_filename, null);
      assert.deepEqual(x3!.updated_by, [{ user_id: l.owner.id }]);
      assert.equal('annotations' in x1!, extra !== '&fields=task_only');
    }

    // The same fields through a data manager query, filtered and ordered on the comment columns.
    const query = q({
      filters: {
        conjunction: 'and',
        items: [{ filter: 'filter:tasks:comment_authors', operator: 'contains', type: 'List', value: r.id }],
      },
      ordering: ['-tasks:comment_count'],
    });
    const filtered = await l.call(l.owner, 'GET', `/api/tasks?project=${l.projectId}&query=${query}`);
    assert.equal(filtered.statusCode, 200, filtered.body);
    assert.deepEqual(
      filtered.json().tasks.map((x: Json) => x.id),
      [t1],
    );
    assert.equal(filtered.json().tasks[0].avg_lead_time, 15);
    const none = q({
      filters: {
        conjunction: 'and',
        items: [
          { filter: 'filter:tasks:unresolved_comment_count', operator: 'greater', type: 'Number', value: 1 },
        ],
      },
    });
    assert.equal(
      (await l.call(l.owner, 'GET', `/api/tasks?project=${l.projectId}&query=${none}`)).json().total,
      0,
    );
    const noFile = q({
      filters: {
        conjunction: 'and',
        items: [{ filter: 'filter:tasks:file_upload', operator: 'empty', type: 'String', value: true }],
      },
      ordering: ['tasks:storage_filename'],
    });
    assert.equal(
      (await l.call(l.owner, 'GET', `/api/tasks?project=${l.projectId}&query=${noFile}`)).json().total,
      3,
    );

    // The columns list them.
    const columns = (await l.call(l.owner, 'GET', `/api/dm/columns?project=${l.projectId}`)).json()
      .columns as Json[];
    const ids = columns.map((col) => col.id);
    for (const id of [
      'annotators',
      'annotations_results',
      'annotations_ids',
      'predictions_results',
      'predictions_score',
      'predictions_model_versions',
      'avg_lead_time',
      'draft_exists',
      'updated_by',
      'file_upload',
      'storage_filename',
      'comment_count',
      'unresolved_comment_count',
      'comment_authors',
      'last_comment_updated_at',
    ])
      assert.ok(ids.includes(id), id);
  });

  test("another organization's project is 404; a filter on an unknown column is a 400 naming it", async () => {
    const l = await lab(app, ctx.database);
    await l.tasks(1);
    const other = await lab(app, ctx.database);
    const res = await other.call(other.owner, 'GET', `/api/tasks?project=${l.projectId}`);
    assert.equal(res.statusCode, 404, res.body);
    const bad = q({
      filters: {
        conjunction: 'and',
        items: [{ filter: 'filter:tasks:annotations_ids', operator: 'equal', type: 'String', value: '1' }],
      },
    });
    const refused = await l.call(l.owner, 'GET', `/api/tasks?project=${l.projectId}&query=${bad}`);
    assert.equal(refused.statusCode, 400, refused.body);
    assert.match(refused.body, /annotations_ids/);
  });
});
