// Saving a view that filters and orders on data keys builds their expression indexes in the background (the
// job worker running, as in the server), and the filtered list answers the same before and after.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { sql } from 'kysely';
import { createTestApp } from '../../../test/app.ts';
import { forEachDatabase } from '../../../test/harness.ts';
import { type Person, signUp } from '../../../test/http-factories.ts';
import { inScope } from '../../db/scope.ts';
import type { App } from '../../platform/http/app-types.ts';
import { indexName, missingIndexes } from './dm.indexes.ts';
import { addTasks, filter, type Kit, newProject } from './dm.test-kit.ts';
import type { IndexNeed } from './filters/compile.ts';

forEachDatabase('data manager indexes', (ctx) => {
  let app: App;
  let owner: Person;
  let kit: Kit;
  before(async () => {
    app = await createTestApp(ctx.database);
    await app.ready();
    await app.jobs.start({ work: true });
    await signUp(app);
    owner = await signUp(app);
    kit = { app, database: ctx.database, headers: owner.headers, orgId: owner.orgId, userId: owner.id };
  });
  after(() => app.close());

  test('a saved view queues the indexes it needs and the worker builds them', async () => {
    const project = await newProject(kit);
    const t = await addTasks(kit, project, [
      { zone: 'b', depth: 3 },
      { zone: 'a', depth: 10 },
      { zone: 'b', depth: 7 },
    ]);
    const page = async () =>
      (
        await app.inject({
          method: 'GET',
          url: `/api/tasks?project=${project}&view=${view}`,
          headers: owner.headers,
        })
      )
        .json()
        .tasks.map((x: { id: number }) => x.id);
    const created = await app.inject({
      method: 'POST',
      url: '/api/dm/views',
      headers: owner.headers,
      payload: {
        project,
        data: {
          title: 'zone b, deepest first',
          filters: {
            conjunction: 'and',
            items: [filter('data.zone', 'equal', 'b'), filter('data.depth', 'greater', 1, 'Number')],
          },
          ordering: ['-tasks:data.depth'],
        },
      },
    });
    assert.equal(created.statusCode, 201, created.body);
    const view = created.json().id;
    const before = await page();
    assert.deepEqual(before, [t[2], t[0]]);

    const needs: IndexNeed[] = [
      { kind: 'text', key: 'zone' },
      { kind: 'num', key: 'depth' },
      { kind: 'value', key: 'depth' },
    ];
    const scope = { organizationId: owner.orgId, userId: owner.id };
    let missing = needs;
    for (let i = 0; i < 600 && missing.length; i++) {
      missing = await inScope(ctx.database.db, scope, (tx) => missingIndexes(tx, needs));
      if (missing.length) await new Promise((r) => setTimeout(r, 100));
    }
    assert.deepEqual(missing, [], 'the worker built every index the view needs');
    const { rows } = await sql<{ indexdef: string }>`
      SELECT indexdef FROM pg_indexes WHERE indexname = ${indexName(needs[0]!)}`.execute(ctx.database.db);
    assert.match(
      rows[0]!.indexdef,
      /ON public\.tasks USING btree \(project_id, dm_text\(data, 'zone'::text\), id\)/,
    );
    assert.deepEqual(await page(), before);
  });
});
