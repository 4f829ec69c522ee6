// Webhooks end to end with a receiver on 127.0.0.1: signed deliveries, Label Studio bodies, filters by action,
// retries and switch-off after failures, the delivery log, access rules and address checks.
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import http from 'node:http';
import { after, before, test } from 'node:test';
import { createTestApp } from '../../../test/app.ts';
import { forEachDatabase } from '../../../test/harness.ts';
import { inOrg, type Person, signUp } from '../../../test/http-factories.ts';
import { inScope } from '../../db/scope.ts';
import type { App } from '../../platform/http/app-types.ts';

interface Received {
  path: string;
  headers: http.IncomingHttpHeaders;
  body: string;
}

forEachDatabase('webhooks', (ctx) => {
  let app: App;
  let owner: Person;
  let receiver: http.Server;
  let base: string;
  const received: Received[] = [];

  before(async () => {
    receiver = http.createServer((req, res) => {
      let body = '';
      req.on('data', (c) => {
        body += c;
      });
      req.on('end', () => {
        received.push({ path: req.url ?? '', headers: req.headers, body });
        res.statusCode = req.url?.startsWith('/fail') ? 500 : 200;
        res.end('ok');
      });
    });
    await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
    const address = receiver.address();
    base = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
    app = await createTestApp(ctx.database, {
      WEBHOOK_ALLOW_PRIVATE: 'true',
      WEBHOOK_RETRIES: '1',
      WEBHOOK_RETRY_DELAY_S: '1',
      WEBHOOK_MAX_FAILURES: '1',
    });
    await app.ready();
    await app.jobs.start({ work: true });
    await signUp(app);
    owner = await signUp(app);
  });
  after(async () => {
    await app.close();
    await new Promise((r) => receiver.close(r));
  });

  const create = async (payload: object, person = owner) =>
    app.inject({ method: 'POST', url: '/api/webhooks', headers: person.headers, payload });
  const waitFor = async <T>(fn: () => Promise<T | undefined>, what: string): Promise<T> => {
    for (let i = 0; i < 200; i++) {
      const v = await fn();
      if (v !== undefined) return v;
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error(`timed out waiting for ${what}`);
  };

  test('a ping is delivered, signed with the secret shown at creation, and logged', async () => {
    const res = await create({ url: `${base}/ping-${owner.id}` });
    assert.equal(res.statusCode, 201, res.body);
    const hook = res.json();
    assert.equal(hook.organization, owner.orgId);
    assert.ok(hook.secret.length >= 24);
    const stored = await ctx.database.db
      .selectFrom('webhooks')
      .select('secret')
      .where('id', '=', hook.id)
      .executeTakeFirstOrThrow();
    assert.ok(!stored.secret.includes(hook.secret), 'the secret is encrypted at rest');
    const got = await app.inject({ method: 'GET', url: `/api/webhooks/${hook.id}`, headers: owner.headers });
    assert.equal(got.json().secret, undefined, 'the secret is shown once');

    const ping = await app.inject({
      method: 'POST',
      url: `/api/webhooks/${hook.id}/ping`,
      headers: owner.headers,
    });
    assert.equal(ping.statusCode, 202);
    const hit = await waitFor(async () => received.find((r) => r.path === `/ping-${owner.id}`), 'the ping');
    assert.equal(JSON.parse(hit.body).action, 'WEBHOOK_PING');
    const [t, v1] = String(hit.headers['x-groundtruth-signature']).split(',');
    const ts = t!.slice(2);
    const expected = createHmac('sha256', hook.secret).update(`${ts}.${hit.body}`).digest('hex');
    assert.equal(v1, `v1=${expected}`);
    const log = await waitFor(async () => {
      const r = await app.inject({
        method: 'GET',
        url: `/api/webhooks/${hook.id}/deliveries`,
        headers: owner.headers,
      });
      const first = r.json().results[0];
      return first?.status === 'succeeded' ? first : undefined;
    }, 'the delivery log');
    assert.equal(log.response_status, 200);
    assert.equal(log.attempts, 1);
  });

  test('events reach the hooks whose actions match, with or without the payload', async () => {
    const all = (await create({ url: `${base}/all-${owner.id}` })).json();
    const picky = (
      await create({
        url: `${base}/picky-${owner.id}`,
        send_for_all_actions: false,
        actions: ['ANNOTATION_CREATED'],
      })
    ).json();
    const bare = (await create({ url: `${base}/bare-${owner.id}`, send_payload: false })).json();
    const count = await inScope(ctx.database.db, { organizationId: owner.orgId, userId: owner.id }, (tx) =>
      app.webhooks.emit(tx, {
        organizationId: owner.orgId,
        projectId: null,
        action: 'TASKS_CREATED',
        payload: { tasks: [{ id: 1 }], project: { id: 7 } },
      }),
    );
    assert.equal(count, 3, 'the ping hook, the all-actions hook and the bare hook; not the picky one');
    const full = await waitFor(
      async () => received.find((r) => r.path === `/all-${owner.id}`),
      'the full body',
    );
    assert.deepEqual(JSON.parse(full.body), {
      action: 'TASKS_CREATED',
      tasks: [{ id: 1 }],
      project: { id: 7 },
    });
    const minimal = await waitFor(
      async () => received.find((r) => r.path === `/bare-${owner.id}`),
      'the bare body',
    );
    assert.deepEqual(JSON.parse(minimal.body), { action: 'TASKS_CREATED' });
    assert.equal(
      received.some((r) => r.path === `/picky-${owner.id}`),
      false,
    );
    assert.ok(all.id && picky.id && bare.id);
  });

  test("project created, updated and deleted reach the organization's hooks with the project", async () => {
    const admin = await signUp(app);
    const path = `/projects-${admin.id}`;
    const hook = await create(
      {
        url: `${base}${path}`,
        send_for_all_actions: false,
        actions: ['PROJECT_CREATED', 'PROJECT_UPDATED', 'PROJECT_DELETED'],
      },
      admin,
    );
    assert.equal(hook.statusCode, 201, hook.body);
    const made = await app.inject({
      method: 'POST',
      url: '/api/projects',
      headers: admin.headers,
      payload: { title: 'Hooked' },
    });
    const id = made.json().id;
    await app.inject({
      method: 'PATCH',
      url: `/api/projects/${id}`,
      headers: admin.headers,
      payload: { title: 'Hooked again' },
    });
    await app.inject({ method: 'DELETE', url: `/api/projects/${id}`, headers: admin.headers });
    const bodies = await waitFor(async () => {
      const got = received.filter((r) => r.path === path);
      return got.length >= 3 ? got.map((r) => JSON.parse(r.body)) : undefined;
    }, 'three project events');
    const byAction = new Map(bodies.map((b) => [b.action, b]));
    assert.equal(byAction.get('PROJECT_CREATED').project.title, 'Hooked');
    assert.equal(byAction.get('PROJECT_UPDATED').project.title, 'Hooked again');
    assert.deepEqual(byAction.get('PROJECT_DELETED'), { action: 'PROJECT_DELETED', project: { id } });
    assert.equal(
      received.some((r) => r.path === path && JSON.parse(r.body).project?.id !== id),
      false,
    );
  });

  test('a failing receiver is retried, then the hook is switched off; PATCH is_active switches it on', async () => {
    const hook = (
      await create({
        url: `${base}/fail-${owner.id}`,
        actions: ['PROJECT_UPDATED'],
        send_for_all_actions: false,
      })
    ).json();
    await app.inject({ method: 'POST', url: `/api/webhooks/${hook.id}/ping`, headers: owner.headers });
    const off = await waitFor(async () => {
      const r = (
        await app.inject({ method: 'GET', url: `/api/webhooks/${hook.id}`, headers: owner.headers })
      ).json();
      return r.is_active ? undefined : r;
    }, 'the switch-off');
    assert.ok(off.disabled_at);
    assert.equal(off.consecutive_failures, 1);
    assert.equal(
      received.filter((r) => r.path === `/fail-${owner.id}`).length,
      2,
      'first attempt and one retry',
    );
    const log = (
      await app.inject({ method: 'GET', url: `/api/webhooks/${hook.id}/deliveries`, headers: owner.headers })
    ).json();
    assert.equal(log.results[0].status, 'failed');
    assert.equal(log.results[0].error, 'the receiver answered 500');
    const on = await app.inject({
      method: 'PATCH',
      url: `/api/webhooks/${hook.id}`,
      headers: owner.headers,
      payload: { is_active: true },
    });
    assert.deepEqual(
      [on.json().is_active, on.json().consecutive_failures, on.json().disabled_at],
      [true, 0, null],
    );
  });

  test('other organizations get 404; members without admin rights get 403; bad input is 400', async () => {
    const hook = (await create({ url: `${base}/private-${owner.id}` })).json();
    const stranger = await signUp(app);
    for (const [method, url] of [
      ['GET', `/api/webhooks/${hook.id}`],
      ['PATCH', `/api/webhooks/${hook.id}`],
      ['DELETE', `/api/webhooks/${hook.id}`],
      ['POST', `/api/webhooks/${hook.id}/ping`],
      ['GET', `/api/webhooks/${hook.id}/deliveries`],
    ] as const) {
      const res = await app.inject({
        method,
        url,
        headers: stranger.headers,
        ...(method === 'PATCH' ? { payload: { is_active: false } } : {}),
      });
      assert.equal(res.statusCode, 404, `${method} ${url}`);
      assert.ok(!res.body.includes('private-'));
    }
    const foreign = await app.inject({
      method: 'GET',
      url: '/api/webhooks',
      headers: inOrg(stranger, owner.orgId),
    });
    assert.equal(foreign.statusCode, 404);
    const own = await app.inject({ method: 'GET', url: '/api/webhooks', headers: stranger.headers });
    assert.deepEqual(own.json(), []);

    await inScope(ctx.database.db, { organizationId: owner.orgId, userId: owner.id }, (tx) =>
      tx
        .insertInto('organization_members')
        .values({ organization_id: owner.orgId, user_id: stranger.id, role: 'member' })
        .execute(),
    );
    const member = await create({ url: `${base}/x` }, { ...stranger, headers: inOrg(stranger, owner.orgId) });
    assert.equal(member.statusCode, 403);

    for (const payload of [
      { url: 'ftp://example.test/hook' },
      { url: `${base}/x`, actions: ['NOT_AN_EVENT'] },
      { url: `${base}/x`, surprise: 1 },
      { url: `${base}/x`, headers: Object.fromEntries(Array.from({ length: 11 }, (_, i) => [`h${i}`, 'v'])) },
      { url: 'http://user:pw@example.test/hook' },
    ]) {
      const res = await create(payload);
      assert.equal(res.statusCode, 400, JSON.stringify(payload));
      assert.equal(res.json().error.code, 'validation_failed');
    }
  });

  test('loopback and private addresses are refused unless WEBHOOK_ALLOW_PRIVATE', async () => {
    const strict = await createTestApp(ctx.database);
    try {
      const p = await signUp(strict);
      for (const url of [
        'http://127.0.0.1:9/x',
        'http://localhost/x',
        'http://10.1.2.3/x',
        'http://[::1]/x',
        'http://169.254.169.254/latest',
      ]) {
        const res = await strict.inject({
          method: 'POST',
          url: '/api/webhooks',
          headers: p.headers,
          payload: { url },
        });
        assert.equal(res.statusCode, 400, url);
        assert.match(res.json().error.message, /loopback or private/);
      }
    } finally {
      await strict.close();
    }
  });
});
