// Background jobs end to end: enqueue inside a unit of work, a worker runs it through pg-boss, progress and
// result land on the user-visible record, failures retry and then fail with the error; others see 404.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { createTestApp } from '../../../test/app.ts';
import { forEachDatabase } from '../../../test/harness.ts';
import { type Person, signUp } from '../../../test/http-factories.ts';
import { inScope } from '../../db/scope.ts';
import type { App } from '../../platform/http/app-types.ts';

forEachDatabase('jobs', (ctx) => {
  let app: App;
  let owner: Person;
  let runs = 0;
  before(async () => {
    app = await createTestApp(ctx.database);
    app.jobs.define<{ n: number }>({
      kind: 'test.double',
      handler: async (job) => {
        runs += 1;
        await job.progress(50, 'half way');
        return { doubled: job.payload.n * 2 };
      },
    });
    app.jobs.define({
      kind: 'test.broken',
      retryLimit: 1,
      handler: async () => {
        throw new Error('the input file has no header line');
      },
    });
    await app.ready();
    await app.jobs.start({ work: true });
    await signUp(app);
    owner = await signUp(app);
  });
  after(() => app.close());

  const enqueue = (kind: string, payload: object) =>
    inScope(ctx.database.db, { organizationId: owner.orgId, userId: owner.id }, (tx) =>
      app.jobs.enqueue(tx, kind, { organizationId: owner.orgId, userId: owner.id, payload }),
    );

  async function settled(id: number, headers: Record<string, string>) {
    for (let i = 0; i < 300; i++) {
      const res = await app.inject({ method: 'GET', url: `/api/jobs/${id}`, headers });
      assert.equal(res.statusCode, 200, res.body);
      if (['succeeded', 'failed'].includes(res.json().state)) return res.json();
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error(`job ${id} did not finish`);
  }

  test('a job runs, reports progress and stores its result', async () => {
    const { id } = await enqueue('test.double', { n: 21 });
    const queued = await app.inject({ method: 'GET', url: `/api/jobs/${id}`, headers: owner.headers });
    assert.equal(queued.json().kind, 'test.double');
    const job = await settled(id, owner.headers);
    assert.equal(job.state, 'succeeded');
    assert.equal(job.progress, 100);
    assert.equal(job.message, 'half way');
    assert.deepEqual(job.result, { doubled: 42 });
    assert.equal(job.attempts, 1);
    assert.ok(runs >= 1);
    const list = await app.inject({
      method: 'GET',
      url: '/api/jobs?state=succeeded',
      headers: owner.headers,
    });
    assert.ok(list.json().results.some((j: { id: number }) => j.id === id));
  });

  test('a failing job is retried, then fails with its error', async () => {
    const { id } = await enqueue('test.broken', {});
    const job = await settled(id, owner.headers);
    assert.equal(job.state, 'failed');
    assert.equal(job.error, 'the input file has no header line');
    assert.equal(job.attempts, 2, 'the first attempt and one retry');
  });

  test("another organization's person gets 404 and an empty list; bad input is 400", async () => {
    const { id } = await enqueue('test.double', { n: 1 });
    const stranger = await signUp(app);
    const res = await app.inject({ method: 'GET', url: `/api/jobs/${id}`, headers: stranger.headers });
    assert.equal(res.statusCode, 404);
    const foreignHeader = await app.inject({
      method: 'GET',
      url: `/api/jobs/${id}`,
      headers: { ...stranger.headers, 'x-organization-id': String(owner.orgId) },
    });
    assert.equal(foreignHeader.statusCode, 404);
    const list = await app.inject({ method: 'GET', url: '/api/jobs', headers: stranger.headers });
    assert.deepEqual(list.json().results, []);
    for (const url of ['/api/jobs/abc', '/api/jobs?state=bogus', '/api/jobs?project=x']) {
      const bad = await app.inject({ method: 'GET', url, headers: owner.headers });
      assert.equal(bad.statusCode, 400, url);
    }
  });
});
