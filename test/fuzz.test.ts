// Bad-input fuzzing over the whole route table: invalid bodies, path parameters, query values and headers,
// generated from each route's own schema, always answer 4xx with the error shape, never 5xx.
// FUZZ_RUNS sets the cases per route (CI: 100; `npm run fuzz`: 1000).
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import fc from 'fast-check';
import type { App } from '../src/platform/http/app-types.ts';
import { createTestApp } from './app.ts';
import { forEachDatabase } from './harness.ts';
import { signUp } from './http-factories.ts';
import { idRules } from './id-rules.ts';
import { fillPath, type JsonSchema, type RouteInfo, routeName, routeTable } from './route-table.ts';
import { exampleOf, invalidBodyArb, invalidIdArb } from './schema-arbitrary.ts';
import { buildWorld, type World } from './tenant-world.ts';

const RUNS = Number(process.env.FUZZ_RUNS ?? 100);

interface Case {
  kind: string;
  url: string;
  headers: Record<string, string>;
  /** Sent as JSON. */
  payload?: unknown;
  /** Sent as is, with the case's own content-type. */
  raw?: string;
}

function badQueryArb(q: { name: string; schema: JsonSchema }): fc.Arbitrary<string> | null {
  const s = q.schema;
  if (s.type === 'integer' || s.type === 'number') {
    return fc.oneof(
      fc.string({ minLength: 1 }).filter((v) => !/^-?[0-9.e+]+$/i.test(v.trim())),
      fc.constant('-5'),
      fc.constant('1e999'),
    );
  }
  if (s.type === 'boolean') return fc.constantFrom('maybe', '2', 'yes please');
  if (s.type === 'string' && typeof s.maxLength === 'number') return fc.constant('x'.repeat(s.maxLength + 1));
  if (Array.isArray(s.enum))
    return fc.string({ minLength: 1 }).filter((v) => !(s.enum as unknown[]).includes(v));
  return null;
}

function caseArb(route: RouteInfo, world: World): fc.Arbitrary<Case> {
  const rule = idRules.find((r) => r.match.test(route.path));
  const ids = rule ? rule.values(world) : {};
  const url = route.pathParams.length ? fillPath(route.path, ids) : route.path;
  const auth = { 'x-api-key': world.apiKey };
  const validBody = route.body ? exampleOf(route.body) : undefined;
  const options: fc.Arbitrary<Case>[] = [];
  if (route.body) {
    options.push(
      invalidBodyArb(route.body).map((payload) => ({ kind: 'body', url, headers: auth, payload })),
    );
    options.push(
      fc.constantFrom('{"a":', '[1,2', 'not json', '{"x":1}}').map((raw) => ({
        kind: 'malformed json',
        url,
        headers: { ...auth, 'content-type': 'application/json' },
        raw,
      })),
    );
    options.push(
      fc.constantFrom('text/plain', 'application/xml', 'image/png').map((type) => ({
        kind: 'content-type',
        url,
        headers: { ...auth, 'content-type': type },
        raw: 'hello',
      })),
    );
  }
  for (const p of route.pathParams) {
    // Ids start at 1; a parameter whose schema allows 0 (a tile's z/x/y) takes 0 as a valid value.
    const allowsZero = (p.schema as { minimum?: number }).minimum === 0;
    options.push(
      invalidIdArb
        .filter((bad) => !(allowsZero && bad === '0'))
        .map((bad) => ({
          kind: `path ${p.name}`,
          url: fillPath(route.path, { ...ids, [p.name]: bad }),
          headers: auth,
          payload: validBody,
        })),
    );
  }
  for (const q of route.query) {
    const bad = badQueryArb(q);
    if (bad) {
      options.push(
        bad.map((value) => ({
          kind: `query ${q.name}`,
          url: `${url}?${new URLSearchParams({ [q.name]: value })}`,
          headers: auth,
          payload: validBody,
        })),
      );
    }
  }
  if (!route.public) {
    options.push(
      fc
        .oneof(
          fc
            .string({ maxLength: 40 })
            .map((v) => ({ 'x-api-key': world.apiKey, 'x-organization-id': v || 'x' })),
          fc.string({ minLength: 1, maxLength: 60 }).map((v) => ({ authorization: v })),
          fc.string({ minLength: 1, maxLength: 60 }).map((v) => ({ authorization: `Bearer ${v}` })),
          fc.string({ minLength: 1, maxLength: 60 }).map((v) => ({ 'x-api-key': v })),
        )
        .filter(
          (h) => !('x-organization-id' in h) || !/^[1-9][0-9]{0,15}$/.test(h['x-organization-id'] as string),
        )
        .map((headers) => ({
          kind: 'headers',
          url,
          headers: headers as Record<string, string>,
          payload: validBody,
        })),
    );
  }
  return fc.oneof(...options);
}

forEachDatabase('bad-input fuzzing over every route', (ctx) => {
  let app: App;
  let world: World;
  before(async () => {
    app = await createTestApp(ctx.database, { LOGIN_RATE_LIMIT: '10000' });
    await app.ready();
    await signUp(app);
    world = await buildWorld(app, ctx.database);
  });
  after(() => app.close());

  // One test walks every route, so its time grows with the route table: the runner's 5-minute default was
  // reached on PGlite on a loaded 2-core machine once the group routes came in.
  test(`each route answers ${RUNS} invalid requests with a 4xx error, never a 5xx`, {
    timeout: 1_200_000,
  }, async () => {
    const routes = routeTable(app).filter(
      (r) => r.body || r.pathParams.length || r.query.length || !r.public,
    );
    for (const route of routes) {
      await fc.assert(
        fc.asyncProperty(caseArb(route, world), async (c) => {
          const json = c.payload !== undefined && c.raw === undefined;
          const res = await app.inject({
            method: route.method,
            url: c.url,
            headers: json ? { ...c.headers, 'content-type': 'application/json' } : c.headers,
            ...(c.raw !== undefined
              ? { payload: c.raw }
              : json
                ? { payload: JSON.stringify(c.payload) }
                : {}),
          });
          const where = `${routeName(route)} [${c.kind}] ${c.url} -> ${res.statusCode} ${res.body.slice(0, 200)}`;
          assert.ok(res.statusCode >= 400 && res.statusCode < 500, where);
          const body = res.json();
          assert.equal(typeof body.error?.code, 'string', where);
          assert.equal(typeof body.error?.message, 'string', where);
        }),
        { numRuns: RUNS, seed: Number(process.env.FUZZ_SEED ?? 20261123) },
      );
    }
  });
});
