// Workspace billing through the job: counts of tasks and (not cancelled) annotations created in the month in each
// workspace's projects, priced at the organization's rates; a second run gives the same rows, a run after more
// work counts it; other months and projects outside workspaces are not counted.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { createTestApp } from '../../../test/app.ts';
import { forEachDatabase } from '../../../test/harness.ts';
import { signUp } from '../../../test/http-factories.ts';
import { inScope } from '../../db/scope.ts';
import type { App } from '../../platform/http/app-types.ts';
import { openShop } from './orders.test-kit.ts';

forEachDatabase('workspace billing', (ctx) => {
  let app: App;
  before(async () => {
    app = await createTestApp(ctx.database);
    await app.ready();
    await app.jobs.start({ work: true });
  });
  after(() => app.close());

  test('the job counts the month per workspace, prices it, and is idempotent', async () => {
    const shop = await openShop(app, ctx.database);
    const h = shop.asStaff;
    const post = async (url: string, payload: object, status = 201) => {
      const res = await app.inject({ method: 'POST', url, headers: h, payload });
      assert.equal(res.statusCode, status, `${url}: ${res.body}`);
      return res.json();
    };
    const busy = await post('/api/workspaces', { title: 'Busy' });
    const idle = await post('/api/workspaces', { title: 'Idle' });
    const project = await post('/api/projects', { title: 'Billed', workspace_id: busy.id });
    const loose = await post('/api/projects', { title: 'No workspace' });
    const tasks: { id: number }[] = [];
    for (let i = 0; i < 4; i++) tasks.push(await post('/api/tasks', { project: project.id, data: { n: i } }));
    await post('/api/tasks', { project: loose.id, data: { n: 9 } });
    await post(`/api/tasks/${tasks[0]!.id}/annotations`, { result: [] });
    await post(`/api/tasks/${tasks[1]!.id}/annotations`, { result: [] });
    await post(`/api/tasks/${tasks[2]!.id}/annotations`, { result: [], was_cancelled: true });
    // One task belongs to last month.
    await inScope(ctx.database.db, { organizationId: shop.orgId, userId: shop.staff.id }, (tx) =>
      tx
        .updateTable('tasks')
        .set({ created_at: new Date(Date.now() - 62 * 86400e3) })
        .where('id', '=', tasks[3]!.id)
        .execute(),
    );
    await post('/api/payment-rates', { unit: 'task', amount: '0.10', currency: 'USD' });
    await post('/api/payment-rates', { unit: 'annotation', amount: '0.0450', currency: 'USD' });

    const month = new Date().toISOString().slice(0, 7);
    const run = async () => {
      const { job_id } = await post('/api/billing/workspaces/compute', { month }, 202);
      for (let i = 0; i < 600; i++) {
        const job = (await app.inject({ method: 'GET', url: `/api/jobs/${job_id}`, headers: h })).json();
        if (job.state === 'succeeded') return job;
        assert.notEqual(job.state, 'failed', JSON.stringify(job));
        await new Promise((r) => setTimeout(r, 100));
      }
      throw new Error('billing job did not finish');
    };
    const rows = async () => {
      const res = await app.inject({
        method: 'GET',
        url: `/api/billing/workspaces?month=${month}`,
        headers: h,
      });
      assert.equal(res.statusCode, 200, res.body);
      return res.json();
    };
    await run();
    const first = await rows();
    assert.equal(first.count, 2);
    const byWs = (body: { results: { workspace: number }[] }, id: number) =>
      body.results.find((r) => r.workspace === id) as Record<string, unknown>;
    const want = { tasks_count: 3, annotations_count: 2, cost: '0.3900', currency: 'USD', month };
    assert.deepEqual(
      { ...byWs(first, busy.id), computed_at: undefined, workspace: undefined },
      {
        ...want,
        computed_at: undefined,
        workspace: undefined,
      },
    );
    assert.equal(byWs(first, idle.id).tasks_count, 0);
    assert.equal(byWs(first, idle.id).cost, '0.0000');

    await run();
    const second = await rows();
    assert.equal(second.count, 2);
    assert.equal(byWs(second, busy.id).tasks_count, 3);
    assert.equal(byWs(second, busy.id).cost, '0.3900');

    await post('/api/tasks', { project: project.id, data: { n: 10 } });
    await run();
    const third = await rows();
    assert.equal(byWs(third, busy.id).tasks_count, 4);
    assert.equal(byWs(third, busy.id).cost, '0.4900');
    const lastMonth = new Date(Date.now() - 62 * 86400e3).toISOString().slice(0, 7);
    assert.equal(
      (
        await app.inject({ method: 'GET', url: `/api/billing/workspaces?month=${lastMonth}`, headers: h })
      ).json().count,
      0,
    );
  });

  test('billing is for staff and finance; bad months are 400; another organization sees nothing', async () => {
    const shop = await openShop(app, ctx.database);
    const asClient = await app.inject({
      method: 'GET',
      url: '/api/billing/workspaces',
      headers: shop.asClient,
    });
    assert.equal(asClient.statusCode, 403);
    for (const month of ['2026-13', '2026-1', 'soon']) {
      const res = await app.inject({
        method: 'POST',
        url: '/api/billing/workspaces/compute',
        headers: shop.asStaff,
        payload: { month },
      });
      assert.equal(res.statusCode, 400, month);
    }
    const ws = await app.inject({
      method: 'POST',
      url: '/api/workspaces',
      headers: shop.asStaff,
      payload: { title: 'W' },
    });
    const stranger = await signUp(app);
    const res = await app.inject({
      method: 'GET',
      url: `/api/billing/workspaces?workspace=${ws.json().id}`,
      headers: stranger.headers,
    });
    assert.equal(res.json().count, 0);
  });
});
