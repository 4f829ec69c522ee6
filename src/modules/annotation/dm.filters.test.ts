// `/api/tasks` through data manager filters: every operator on data values and task fields, ordering, paging,
// selection, views, 400s that name the bad part, and EXPLAIN showing the per-key expression indexes are used.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { sql } from 'kysely';
import { createTestApp } from '../../../test/app.ts';
import { forEachDatabase } from '../../../test/harness.ts';
import { type Person, signUp } from '../../../test/http-factories.ts';
import { inScope } from '../../db/scope.ts';
import type { App } from '../../platform/http/app-types.ts';
import { buildIndex, indexName, missingIndexes } from './dm.indexes.ts';
import { addTasks, annotate, filter, type Kit, newProject, predict, q } from './dm.test-kit.ts';
import { compile } from './filters/compile.ts';
import { parsePrepared } from './filters/parse.ts';

forEachDatabase('data manager filters', (ctx) => {
  let app: App;
  let owner: Person;
  let kit: Kit;
  let project: number;
  let t: number[];
  before(async () => {
    app = await createTestApp(ctx.database);
    await app.ready();
    await signUp(app);
    owner = await signUp(app);
    kit = { app, database: ctx.database, headers: owner.headers, orgId: owner.orgId, userId: owner.id };
    project = await newProject(kit);
    t = await addTasks(kit, project, [
      { site: 'north', n: 5, text: 'Red car' },
      { site: 'south', n: '50', text: 'blue boat' },
      { site: 'north', n: 12.5, text: 'red bike' },
      { site: 'east', text: 'green car' },
      { site: 'north', n: 100, text: '50% off' },
    ]);
    await annotate(kit, t[0]!);
    await predict(kit, t[1]!, 0.9);
  });
  after(() => app.close());

  const list = (query: string, extra = '') =>
    app.inject({
      method: 'GET',
      url: `/api/tasks?project=${project}&query=${query}${extra}`,
      headers: owner.headers,
    });
  const ids = async (
    items: object[],
    opts: { conjunction?: string; ordering?: string[]; selectedItems?: object } = {},
  ) => {
    const res = await list(
      q({
        filters: { conjunction: opts.conjunction ?? 'and', items },
        ordering: opts.ordering,
        selectedItems: opts.selectedItems,
      }),
    );
    assert.equal(res.statusCode, 200, res.body);
    return res.json().tasks.map((x: { id: number }) => t.indexOf(x.id) + 1);
  };

  test('operators on data values, Label Studio lenient about numbers in strings', async () => {
    assert.deepEqual(await ids([filter('data.site', 'equal', 'north')]), [1, 3, 5]);
    // Encoded twice, as some clients send it (Label Studio unquotes once more).
    const twice = q({ filters: { conjunction: 'and', items: [filter('data.site', 'equal', 'south')] } });
    assert.deepEqual(
      (await list(encodeURIComponent(twice))).json().tasks.map((x: { id: number }) => x.id),
      [t[1]],
    );
    assert.deepEqual(await ids([filter('data.site', 'not_equal', 'north')]), [2, 4]);
    assert.deepEqual(await ids([filter('data.text', 'contains', 'RED')]), [1, 3]);
    assert.deepEqual(await ids([filter('data.text', 'not_contains', 'car')]), [2, 3, 5]);
    assert.deepEqual(await ids([filter('data.text', 'contains', '%')]), [5]);
    assert.deepEqual(await ids([filter('data.text', 'starts_with', 'b')]), [2]);
    assert.deepEqual(await ids([filter('data.n', 'greater', 5, 'Number')]), [2, 3, 5]);
    assert.deepEqual(await ids([filter('data.n', 'less_or_equal', '12.5', 'Number')]), [1, 3]);
    assert.deepEqual(await ids([filter('data.n', 'in', { min: 10, max: 60 }, 'Number')]), [2, 3]);
    assert.deepEqual(await ids([filter('data.n', 'not_in', { min: 10, max: 60 }, 'Number')]), [1, 4, 5]);
    assert.deepEqual(await ids([filter('data.n', 'equal', 50, 'Number')]), [2]);
    assert.deepEqual(await ids([filter('data.n', 'empty', true, 'Number')]), [4]);
    assert.deepEqual(await ids([filter('data.n', 'empty', false, 'Number')]), [1, 2, 3, 5]);
    assert.deepEqual(await ids([filter('data.text', 'regex', '^r.d')]), [3]);
    assert.deepEqual(await ids([filter('data.site', 'in_list', ['east', 'south'])]), [2, 4]);
    assert.deepEqual(
      await ids([filter('data.site', 'equal', 'east'), filter('data.n', 'greater', 90, 'Number')], {
        conjunction: 'or',
      }),
      [4, 5],
    );
    assert.deepEqual(
      await ids([filter('data.site', 'equal', 'north'), filter('data.text', 'contains', 'red')]),
      [1, 3],
    );
  });

  test('task fields, ordering, selection, paging and totals over the filter', async () => {
    assert.deepEqual(await ids([filter('id', 'greater', t[1], 'Number')]), [3, 4, 5]);
    assert.deepEqual(await ids([filter('inner_id', 'in', { min: 2, max: 3 }, 'Number')]), [2, 3]);
    assert.deepEqual(await ids([filter('total_annotations', 'greater', 0, 'Number')]), [1]);
    assert.deepEqual(await ids([filter('is_labeled', 'equal', true, 'Boolean')]), [1]);
    assert.deepEqual(await ids([filter('completed_at', 'empty', false, 'Datetime')]), [1]);
    assert.deepEqual(await ids([filter('annotators', 'contains', owner.id, 'List')]), [1]);
    assert.deepEqual(await ids([filter('annotators', 'not_contains', owner.id, 'List')]), [2, 3, 4, 5]);
    assert.deepEqual(await ids([filter('total_predictions', 'equal', 1, 'Number')]), [2]);
    assert.deepEqual(await ids([filter('predictions_score', 'greater', 0.5, 'Number')]), [2]);
    assert.deepEqual(await ids([filter('predictions_model_versions', 'contains', 'v1', 'List')]), [2]);
    assert.deepEqual(await ids([filter('annotations_results', 'contains', 'cat')]), [1]);
    assert.deepEqual(
      await ids([filter('created_at', 'greater', '2000-01-01T00:00:00Z', 'Datetime')]),
      [1, 2, 3, 4, 5],
    );
    // jsonb order: missing values first when descending, numbers as numbers, strings below numbers.
    assert.deepEqual(await ids([], { ordering: ['-tasks:data.n'] }), [4, 5, 3, 1, 2]);
    assert.deepEqual(await ids([], { ordering: ['-tasks:id'] }), [5, 4, 3, 2, 1]);
    assert.deepEqual(await ids([], { ordering: ['tasks:total_annotations'] }), [2, 3, 4, 5, 1]);
    assert.deepEqual(await ids([], { selectedItems: { all: false, included: [t[3], t[1]] } }), [2, 4]);
    assert.deepEqual(
      await ids([filter('data.site', 'equal', 'north')], { selectedItems: { all: true, excluded: [t[2]] } }),
      [1, 5],
    );

    const north = q({ filters: { conjunction: 'and', items: [filter('data.site', 'equal', 'north')] } });
    const p2 = await list(north, '&page=2&page_size=2');
    assert.equal(p2.statusCode, 200, p2.body);
    assert.deepEqual(
      [p2.json().total, p2.json().total_annotations, p2.json().tasks.map((x: { id: number }) => x.id)],
      [3, 1, [t[4]]],
    );
    assert.equal((await list(north, '&page=3&page_size=2')).statusCode, 404);
    const first = (await list(north, '&fields=task_only')).json();
    assert.equal(first.tasks[0].annotations, undefined);
    const withRelated = (await list(north)).json();
    assert.equal(withRelated.tasks[0].annotations.length, 1);
  });

  test("a filter's totals are counted once between writes and follow every write", async () => {
    const own = await newProject(kit);
    const made = await addTasks(kit, own, [{ site: 'a' }, { site: 'a' }, { site: 'b' }]);
    const query = q({
      filters: { conjunction: 'and', items: [filter('data.site', 'equal', 'a')] },
      ordering: ['-tasks:id'],
    });
    const page = async (extra = '') => {
      const r = await app.inject({
        method: 'GET',
        url: `/api/tasks?project=${own}&query=${query}&fields=task_only${extra}`,
        headers: owner.headers,
      });
      assert.equal(r.statusCode, 200, r.body);
      const b = r.json();
      return [b.total, b.total_annotations, b.total_predictions, b.tasks.map((x: { id: number }) => x.id)];
    };
    assert.deepEqual(await page(), [2, 0, 0, [made[1], made[0]]]);
    // The second page reads the totals the first counted.
    assert.deepEqual(await page('&page=2&page_size=1'), [2, 0, 0, [made[0]]]);
    const [more] = await addTasks(kit, own, [{ site: 'a' }]);
    assert.deepEqual(await page(), [3, 0, 0, [more, made[1], made[0]]]);
    await annotate(kit, made[0]!);
    await predict(kit, made[1]!, 0.5);
    assert.deepEqual(await page('&page=3&page_size=1'), [3, 1, 1, [made[0]]]);
    const del = await app.inject({ method: 'DELETE', url: `/api/tasks/${made[1]}`, headers: owner.headers });
    assert.equal(del.statusCode, 204, del.body);
    assert.deepEqual(await page(), [2, 1, 0, [more, made[0]]]);
    const past = await app.inject({
      method: 'GET',
      url: `/api/tasks?project=${own}&query=${query}&page=2&page_size=2`,
      headers: owner.headers,
    });
    assert.equal(past.statusCode, 404, past.body);
  });

  test('a query over the whole project takes its totals from the project counters, which match the rows', async () => {
    const own = await newProject(kit);
    const made = await addTasks(kit, own, [{ n: 1 }, { n: 2 }, { n: 3 }]);
    await annotate(kit, made[0]!);
    await predict(kit, made[2]!, 0.4);
    const page = (query: object, extra = '') =>
      app.inject({
        method: 'GET',
        url: `/api/tasks?project=${own}&query=${q(query)}&fields=task_only${extra}`,
        headers: owner.headers,
      });
    const whole = { filters: { conjunction: 'and', items: [] }, ordering: ['-tasks:id'] };
    const totals = (r: Awaited<ReturnType<typeof page>>) => {
      assert.equal(r.statusCode, 200, r.body);
      const b = r.json();
      return [b.total, b.total_annotations, b.total_predictions, b.tasks.map((x: { id: number }) => x.id)];
    };
    assert.deepEqual(totals(await page(whole)), [3, 1, 1, [made[2], made[1], made[0]]]);
    assert.deepEqual(totals(await page(whole, '&page=2&page_size=2')), [3, 1, 1, [made[0]]]);
    assert.equal((await page(whole, '&page=3&page_size=2')).statusCode, 404);
    // The same totals as counting the rows (an id filter matching every task takes the counting path).
    const everyId = { filters: { conjunction: 'and', items: [filter('id', 'greater', 0, 'Number')] } };
    assert.deepEqual(totals(await page(everyId)).slice(0, 3), [3, 1, 1]);
    // Deleting a task moves the counters with the rows.
    const del = await app.inject({ method: 'DELETE', url: `/api/tasks/${made[0]}`, headers: owner.headers });
    assert.equal(del.statusCode, 204, del.body);
    assert.deepEqual(totals(await page(whole)), [2, 0, 1, [made[2], made[1]]]);
    assert.deepEqual(totals(await page(everyId)).slice(0, 3), [2, 0, 1]);
    // The counters are what answers (no count over the rows): a counter moved by hand shows.
    await inScope(ctx.database.db, { organizationId: owner.orgId, userId: owner.id }, (tx) =>
      sql`UPDATE annotation_settings SET task_number = 7 WHERE project_id = ${own}`.execute(tx),
    );
    assert.equal(totals(await page(whole))[0], 7);
    assert.equal(totals(await page(everyId))[0], 2);
  });

  test('a view id applies the view (and wins over query)', async () => {
    const view = await app.inject({
      method: 'POST',
      url: '/api/dm/views',
      headers: owner.headers,
      payload: {
        project,
        data: {
          title: 'North',
          filters: { conjunction: 'and', items: [filter('data.site', 'equal', 'north')] },
          ordering: ['-tasks:id'],
        },
      },
    });
    assert.equal(view.statusCode, 201, view.body);
    const res = await list(q({ filters: { conjunction: 'and', items: [] } }), `&view=${view.json().id}`);
    assert.deepEqual(
      res.json().tasks.map((x: { id: number }) => x.id),
      [t[4], t[2], t[0]],
    );
    const other = await newProject(kit);
    const wrong = await app.inject({
      method: 'GET',
      url: `/api/tasks?project=${other}&view=${view.json().id}`,
      headers: owner.headers,
    });
    assert.equal(wrong.statusCode, 400);
    assert.match(wrong.json().error.message, /another project/);
  });

  test('bad filter JSON is a 400 that names the problem', async () => {
    const cases: [string, RegExp][] = [
      ['not json', /query: is not valid JSON/],
      [JSON.stringify([1]), /query: must be a JSON object/],
      [JSON.stringify({ filters: { conjunction: 'xor', items: [] } }), /filters.conjunction/],
      [JSON.stringify({ filters: { items: [{ filter: 'tasks:id' }] } }), /filters.items\[0\].filter/],
      [JSON.stringify({ filters: { items: [filter('nope', 'equal', 1)] } }), /unknown column/],
      [
        JSON.stringify({ filters: { items: [filter('id', 'like', 1)] } }),
        /filters.items\[0\].operator: unknown operator/,
      ],
      [
        JSON.stringify({ filters: { items: [filter('id', 'greater', 'abc', 'Number')] } }),
        /value: must be a number/,
      ],
      [JSON.stringify({ filters: { items: [filter('data.n', 'in', { min: 1 }, 'Number')] } }), /range/],
      [JSON.stringify({ filters: { items: [filter('data.t', 'regex', '(')] } }), /regex/],
      [JSON.stringify({ filters: { items: [filter('data.t', 'regex', '(a)\\1')] } }), /back-references/],
      [
        JSON.stringify({ filters: { items: [filter('created_at', 'less', 'yesterday', 'Datetime')] } }),
        /ISO 8601/,
      ],
      [JSON.stringify({ ordering: ['tasks:annotations_results'] }), /cannot order by/],
      [JSON.stringify({ ordering: 'id' }), /ordering: must be an array/],
      [JSON.stringify({ selectedItems: { all: false, included: ['x'] } }), /selectedItems.included\[0\]/],
      [JSON.stringify({ selectedItems: { all: true, included: [1] } }), /included is not allowed/],
    ];
    for (const [text, message] of cases) {
      const res = await list(encodeURIComponent(text));
      assert.equal(res.statusCode, 400, `${text}: ${res.body}`);
      assert.match(res.json().error.message, message, text);
    }
  });

  test('EXPLAIN: a data filter with ordering and a page uses the per-key expression indexes', async () => {
    const needs = [
      { kind: 'text', key: 'site' },
      { kind: 'value', key: 'n' },
      { kind: 'num', key: 'n' },
    ] as const;
    const scope = { organizationId: owner.orgId, userId: owner.id };
    const before = await inScope(ctx.database.db, scope, (tx) => missingIndexes(tx, [...needs]));
    assert.equal(before.length, 3);
    for (const need of needs) assert.equal(await buildIndex(ctx.database, need), 'built');
    assert.equal(await buildIndex(ctx.database, needs[0]), 'exists');
    assert.deepEqual(await inScope(ctx.database.db, scope, (tx) => missingIndexes(tx, [...needs])), []);
    assert.equal(
      await buildIndex(ctx.database, { kind: 'text', key: "x'; DROP TABLE tasks; --" }),
      'skipped',
    );

    const plan = async (query: object) => {
      const c = compile(project, parsePrepared(query));
      return inScope(ctx.database.db, scope, async (tx) => {
        // The test tables are tiny; take sequential scans off the table so the plan shows which index fits.
        await sql`SET LOCAL enable_seqscan = off`.execute(tx);
        const { rows } = await sql<{ 'QUERY PLAN': string }>`
          EXPLAIN SELECT t.* FROM tasks t WHERE ${c.where} ORDER BY ${c.orderBy} LIMIT 50`.execute(tx);
        return rows.map((r) => r['QUERY PLAN']).join('\n');
      });
    };
    const eq = await plan({
      filters: { conjunction: 'and', items: [filter('data.site', 'equal', 'north')] },
      ordering: ['-tasks:id'],
    });
    assert.match(eq, new RegExp(`Index Scan Backward using ${indexName(needs[0])}`), eq);
    const ordered = await plan({ filters: { conjunction: 'and', items: [] }, ordering: ['tasks:data.n'] });
    assert.match(ordered, new RegExp(indexName(needs[1])), ordered);
    const ranged = await plan({
      filters: { conjunction: 'and', items: [filter('data.n', 'greater', 10, 'Number')] },
      ordering: [],
    });
    assert.match(ranged, new RegExp(indexName(needs[2])), ranged);
    // The same answers with the indexes in place.
    assert.deepEqual(await ids([filter('data.site', 'equal', 'north')]), [1, 3, 5]);
    assert.deepEqual(await ids([filter('data.n', 'greater', 10, 'Number')]), [2, 3, 5]);
  });
});
