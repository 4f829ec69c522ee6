// Cross-tenant isolation over the whole route table: a person of organization B, using organization A's ids
// (or A's id in X-Organization-Id), gets 404 and never a byte of A's data. The routes come from the OpenAPI
// document, so a new route without an entry here fails the suite until it is covered.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { App } from '../src/platform/http/app-types.ts';
import { createTestApp } from './app.ts';
import { forEachDatabase } from './harness.ts';
import { apiKeyFor, signUp } from './http-factories.ts';
import { idRules } from './id-rules.ts';
import { fillPath, type RouteInfo, routeName, routeTable } from './route-table.ts';
import { exampleOf } from './schema-arbitrary.ts';
import { buildWorld, type World } from './tenant-world.ts';

forEachDatabase('cross-tenant isolation over every route', (ctx) => {
  let app: App;
  let world: World;
  let attackerKey: string;
  let routes: RouteInfo[];

  before(async () => {
    app = await createTestApp(ctx.database, { LOGIN_RATE_LIMIT: '10000' });
    await app.ready();
    await signUp(app); // first user of the instance is a superuser: not the attacker
    world = await buildWorld(app, ctx.database);
    const attacker = await signUp(app);
    attackerKey = await apiKeyFor(app, attacker); // a key survives the attacker's own logout-all
    routes = routeTable(app);
  });
  after(() => app.close());

  const call = (route: RouteInfo, url: string, extra: Record<string, string> = {}) =>
    app.inject({
      method: route.method,
      url,
      headers: { 'x-api-key': attackerKey, ...extra },
      ...(route.body ? { payload: exampleOf(route.body) as object } : {}),
    });

  const assertNoLeak = (route: RouteInfo, body: string) =>
    assert.ok(
      !body.includes(world.marker),
      `${routeName(route)} leaked organization A's data: ${body.slice(0, 300)}`,
    );

  test('every route is covered by a rule', () => {
    const uncovered = routes
      .filter((r) => !r.public && r.pathParams.length > 0 && !idRules.some((rule) => rule.match.test(r.path)))
      .map(routeName);
    assert.deepEqual(uncovered, [], 'add an idRules entry for these routes');
  });

  test("routes naming A's ids answer 404 (or 403 for admin-only) with none of A's data", async () => {
    let covered = 0;
    for (const route of routes.filter((r) => !r.public && r.pathParams.length > 0)) {
      const rule = idRules.find((r) => r.match.test(route.path));
      if (!rule) continue;
      const url = fillPath(route.path, rule.values(world));
      const variants: Record<string, string>[] = [{}, { 'x-organization-id': String(world.orgId) }];
      for (const extra of variants) {
        const res = await call(route, url, extra);
        const expected =
          Object.keys(extra).length && !rule.status ? [404] : (rule.own ?? [rule.status ?? 404]);
        assert.ok(
          expected.includes(res.statusCode),
          `${routeName(route)} ${JSON.stringify(extra)}: ${res.statusCode} ${res.body}`,
        );
        assertNoLeak(route, res.body);
      }
      covered += 1;
    }
    assert.ok(covered > 0);
  });

  test("routes without ids never show A's data, even with A's id in X-Organization-Id", async () => {
    for (const route of routes.filter((r) => !r.public && r.pathParams.length === 0)) {
      const own = await call(route, route.path);
      assert.ok(own.statusCode < 500, `${routeName(route)}: ${own.statusCode} ${own.body}`);
      assertNoLeak(route, own.body);
      const foreign = await call(route, route.path, { 'x-organization-id': String(world.orgId) });
      assert.ok(foreign.statusCode < 500, `${routeName(route)} with A's organization: ${foreign.statusCode}`);
      assertNoLeak(route, foreign.body);
    }
  });

  test("A's things are all still there afterwards", async () => {
    const headers = { 'x-api-key': world.apiKey };
    for (const url of [
      `/api/projects/${world.projectId}`,
      `/api/teams/${world.teamId}`,
      `/api/workspaces/${world.workspaceId}`,
    ]) {
      const res = await app.inject({ method: 'GET', url, headers });
      assert.equal(res.statusCode, 200, url);
      assert.ok(res.body.includes(world.marker));
    }
  });
});
