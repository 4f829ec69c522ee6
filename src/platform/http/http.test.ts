// The HTTP skeleton through its public surface: health, readiness, metrics, OpenAPI, and the error shape for
// every kind of bad input (never a 500).
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { InjectOptions } from 'fastify';
import Type from 'typebox';
import { createTestApp } from '../../../test/app.ts';
import { forEachDatabase } from '../../../test/harness.ts';
import { migrateDown, migrateToLatest } from '../../db/migrate.ts';
import { migrations } from '../../db/migrations/index.ts';
import type { App } from './app-types.ts';
import { errors } from './schemas.ts';

// A route that exists only in this test, to drive the shared body parsing and validation.
function addEchoRoute(app: App): void {
  app.post(
    '/api/test-echo',
    {
      config: { auth: 'none' },
      schema: {
        body: Type.Object(
          { name: Type.String({ minLength: 3 }), count: Type.Integer({ minimum: 1 }) },
          { additionalProperties: false },
        ),
        response: { 200: Type.Object({ name: Type.String(), count: Type.Integer() }), ...errors(400) },
      },
    },
    async (request) => request.body,
  );
}

forEachDatabase('http skeleton', (ctx) => {
  let app: App;
  before(async () => {
    app = await createTestApp(ctx.database, { BODY_LIMIT: '2048' });
    addEchoRoute(app);
    await app.ready();
  });
  after(() => app.close());

  test('GET /healthz and /readyz answer', async () => {
    const health = await app.inject({ method: 'GET', url: '/healthz' });
    assert.equal(health.statusCode, 200);
    assert.deepEqual(health.json(), { status: 'ok' });
    const ready = await app.inject({ method: 'GET', url: '/readyz' });
    assert.equal(ready.statusCode, 200);
    assert.deepEqual(ready.json(), { status: 'ready', database: ctx.kind });
  });

  test('/readyz is 503 while a migration is pending', async () => {
    await migrateDown(ctx.database.db);
    try {
      const res = await app.inject({ method: 'GET', url: '/readyz' });
      assert.equal(res.statusCode, 503);
      assert.equal(res.json().error.code, 'not_ready');
      const last = Object.keys(migrations).at(-1);
      assert.ok(res.json().error.message.includes(`${last} not applied`), res.json().error.message);
    } finally {
      await migrateToLatest(ctx.database.db);
    }
  });

  test('OpenAPI 3.1 document lists the routes with their error responses; docs render', async () => {
    const res = await app.inject({ method: 'GET', url: '/api/openapi.json' });
    assert.equal(res.statusCode, 200);
    const doc = res.json();
    assert.equal(doc.openapi, '3.1.0');
    assert.ok(doc.paths['/healthz'].get);
    assert.ok(doc.paths['/readyz'].get.responses['503']);
    assert.ok(doc.components.schemas.ErrorResponse);
    assert.equal(doc.paths['/metrics'], undefined, 'internal endpoints stay out of the API document');
    const docs = await app.inject({ method: 'GET', url: '/api/docs/' });
    assert.equal(docs.statusCode, 200);
    assert.match(docs.body, /swagger/i);
  });

  test('/metrics exposes request durations by route and pool gauges', async () => {
    await app.inject({ method: 'GET', url: '/healthz' });
    await app.inject({ method: 'POST', url: '/no/such/route' }); // GETs fall to the web UI's /*
    await app.inject({ method: 'GET', url: '/api/projects/1' });
    const res = await app.inject({ method: 'GET', url: '/metrics' });
    assert.equal(res.statusCode, 200);
    assert.match(
      res.body,
      /http_request_duration_seconds_count\{method="GET",route="\/healthz",status_code="200"\} \d+/,
    );
    assert.match(
      res.body,
      /http_request_duration_seconds_count\{method="POST",route="unmatched",status_code="404"\} \d+/,
    );
    assert.match(
      res.body,
      /http_request_duration_seconds_count\{method="GET",route="\/api\/projects\/:id",status_code="401"\} \d+/,
    );
    assert.match(res.body, /db_pool_connections_total \d+/);
  });

  test('X-Request-Id is honoured when well-formed and generated otherwise', async () => {
    const given = await app.inject({
      method: 'GET',
      url: '/healthz',
      headers: { 'x-request-id': 'abc-123' },
    });
    assert.equal(given.headers['x-request-id'], 'abc-123');
    const bad = await app.inject({
      method: 'GET',
      url: '/healthz',
      headers: { 'x-request-id': 'a b\u0007' },
    });
    assert.match(String(bad.headers['x-request-id']), /^[0-9a-f]{12}-[0-9a-z]+$/);
    const again = await app.inject({ method: 'GET', url: '/healthz' });
    assert.notEqual(again.headers['x-request-id'], bad.headers['x-request-id']);
  });

  test('valid JSON passes the schema', async () => {
    const res = await app.inject({
      method: 'POST',
      url: '/api/test-echo',
      payload: { name: 'abc', count: 2 },
    });
    assert.equal(res.statusCode, 200);
    assert.deepEqual(res.json(), { name: 'abc', count: 2 });
  });

  const errorCases: {
    name: string;
    req: InjectOptions;
    status: number;
    code: string;
    message?: RegExp;
  }[] = [
    {
      name: 'malformed JSON',
      req: {
        method: 'POST',
        url: '/api/test-echo',
        headers: { 'content-type': 'application/json' },
        payload: '{"name":',
      },
      status: 400,
      code: 'invalid_json',
    },
    {
      name: 'schema failure names the fields',
      req: { method: 'POST', url: '/api/test-echo', payload: { name: 'ab' } },
      status: 400,
      code: 'validation_failed',
      message: /name .*3.*; count is required|count is required.*name/,
    },
    {
      name: 'unknown route',
      req: { method: 'GET', url: '/api/nothing-here' },
      status: 404,
      code: 'not_found',
      message: /no route for GET \/api\/nothing-here/,
    },
    {
      name: 'oversized body',
      req: { method: 'POST', url: '/api/test-echo', payload: { name: 'x'.repeat(5000), count: 1 } },
      status: 413,
      code: 'payload_too_large',
    },
    {
      name: 'wrong content type',
      req: {
        method: 'POST',
        url: '/api/test-echo',
        headers: { 'content-type': 'application/xml' },
        payload: '<a/>',
      },
      status: 415,
      code: 'unsupported_media_type',
    },
    {
      name: 'empty JSON body',
      req: {
        method: 'POST',
        url: '/api/test-echo',
        headers: { 'content-type': 'application/json' },
        payload: '',
      },
      status: 400,
      code: 'invalid_json',
    },
  ];

  for (const c of errorCases) {
    test(`bad input: ${c.name} -> ${c.status} ${c.code}`, async () => {
      const res = await app.inject(c.req);
      assert.equal(res.statusCode, c.status, res.body);
      const body = res.json();
      assert.equal(body.error.code, c.code);
      assert.equal(typeof body.error.message, 'string');
      assert.ok('details' in body.error);
      if (c.message) assert.match(body.error.message, c.message);
    });
  }

  test('validation details list each field', async () => {
    const res = await app.inject({
      method: 'POST',
      url: '/api/test-echo',
      payload: { name: 'ab', extra: 1 },
    });
    const fields = res.json().error.details.map((d: { field: string }) => d.field);
    assert.ok(fields.includes('name'), JSON.stringify(fields));
    assert.ok(fields.includes('count'), JSON.stringify(fields));
  });
});
