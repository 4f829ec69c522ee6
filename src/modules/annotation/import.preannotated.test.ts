// `?preannotated_from_fields=` on imports (Label Studio's): named data fields become the task's predictions,
// from a JSON list and from CSV cells that hold the result as JSON text; a task without the field fails the
// whole import with a 400 naming it.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { createTestApp } from '../../../test/app.ts';
import { forEachDatabase } from '../../../test/harness.ts';
import { type Person, signUp } from '../../../test/http-factories.ts';
import type { App } from '../../platform/http/app-types.ts';
import { multipart } from '../files/files.test-kit.ts';
import { projectWithConfig, TEXT_CONFIG } from './import-export.test-kit.ts';

// biome-ignore lint/suspicious/noExplicitAny: JSON answers, checked field by field
type Json = Record<string, any>;

const choice = (value: string) => ({
  from_name: 'sentiment',
  to_name: 'text',
  type: 'choices',
  value: { choices: [value] },
});

forEachDatabase('import with preannotated fields', (ctx) => {
  let app: App;
  let owner: Person;
  before(async () => {
    app = await createTestApp(ctx.database);
    await app.ready();
    owner = await signUp(app);
  });
  after(() => app.close());

  const tasksOf = async (project: number): Promise<Json[]> =>
    (
      await app.inject({
        method: 'GET',
        url: `/api/tasks?project=${project}&page_size=100&fields=all`,
        headers: owner.headers,
      })
    ).json().tasks;
  const predictionsOf = async (task: number): Promise<Json[]> =>
    (
      await app.inject({ method: 'GET', url: `/api/predictions?task=${task}`, headers: owner.headers })
    ).json();

  test('a JSON list: the field leaves the data and becomes a prediction; one region is a list of one', async () => {
    const project = await projectWithConfig(app, ctx.database, owner, TEXT_CONFIG);
    const res = await app.inject({
      method: 'POST',
      url: `/api/projects/${project}/import?preannotated_from_fields=guess`,
      headers: { ...owner.headers, 'content-type': 'application/json' },
      payload: JSON.stringify([
        { text: 'good', guess: [choice('pos')] },
        { data: { text: 'bad', guess: choice('neg') } },
      ]),
    });
    assert.equal(res.statusCode, 201, res.body);
    assert.deepEqual([res.json().task_count, res.json().prediction_count], [2, 2]);
    const tasks = await tasksOf(project);
    assert.deepEqual(
      tasks.map((t) => t.data),
      [{ text: 'good' }, { text: 'bad' }],
    );
    const results = await Promise.all(
      tasks.map(async (t) => (await predictionsOf(t.id)).map((p) => p.result)),
    );
    assert.deepEqual(results, [[[choice('pos')]], [[choice('neg')]]]);
  });

  test('CSV cells hold the result as JSON text; a missing field or a cell that is not JSON is a 400', async () => {
    const project = await projectWithConfig(app, ctx.database, owner, TEXT_CONFIG);
    const cell = JSON.stringify([choice('pos')]).replaceAll('"', '""');
    const csv = await multipart([{ name: 'p.csv', bytes: `text,guess\nnice,"${cell}"\n`, type: 'text/csv' }]);
    const res = await app.inject({
      method: 'POST',
      url: `/api/projects/${project}/import?preannotated_from_fields=guess`,
      headers: { ...owner.headers, ...csv.headers },
      payload: csv.payload,
    });
    assert.equal(res.statusCode, 201, res.body);
    const [task] = await tasksOf(project);
    assert.deepEqual(task!.data, { text: 'nice' });
    assert.deepEqual(
      (await predictionsOf(task!.id)).map((p) => p.result),
      [[choice('pos')]],
    );

    const missing = await app.inject({
      method: 'POST',
      url: `/api/projects/${project}/import?preannotated_from_fields=guess,other`,
      headers: { ...owner.headers, 'content-type': 'application/json' },
      payload: JSON.stringify([
        { text: 'a', guess: [], other: [] },
        { text: 'b', guess: [] },
      ]),
    });
    assert.equal(missing.statusCode, 400);
    assert.match(
      missing.json().error.message,
      /task #2: preannotated field "other" is not in the task's data/,
    );
    const notJson = await app.inject({
      method: 'POST',
      url: `/api/projects/${project}/import?preannotated_from_fields=guess`,
      headers: { ...owner.headers, 'content-type': 'application/json' },
      payload: JSON.stringify([{ text: 'a', guess: 'pos' }]),
    });
    assert.equal(notJson.statusCode, 400);
    assert.match(notJson.json().error.message, /"guess" is not JSON/);
    assert.equal((await tasksOf(project)).length, 1, 'refused imports add nothing');
  });
});
