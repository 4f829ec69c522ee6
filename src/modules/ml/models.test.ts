// Model provider connections, interfaces, versions and model runs against a fake OpenAI-compatible server on
// 127.0.0.1: keys sealed and never returned, prompts filled from task data, answers written as predictions
// with the version's title, per-task errors for answers outside the classes and for timeouts, tenancy, roles.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { createTestApp } from '../../../test/app.ts';
import { forEachDatabase } from '../../../test/harness.ts';
import { inOrg, type Person, signUp } from '../../../test/http-factories.ts';
import { inScope } from '../../db/scope.ts';
import type { App } from '../../platform/http/app-types.ts';
import { type Fake, fakeOpenAI } from './ml.test-kit.ts';

const CONFIG =
  '<View><Text name="review" value="$review"/><Choices name="mood" toName="review"><Choice value="Positive"/><Choice value="Negative"/></Choices></View>';
const KEY = 'sk-test-0123456789abcdef';

forEachDatabase('model runs', (ctx) => {
  let app: App;
  let llm: Fake;

  before(async () => {
    llm = await fakeOpenAI(1500);
    app = await createTestApp(ctx.database, { WEBHOOK_ALLOW_PRIVATE: 'true' });
    await app.ready();
    await app.jobs.start({ work: true });
  });
  after(async () => {
    await app.close();
    await llm.close();
  });

  const call = (person: Person, method: 'GET' | 'POST' | 'PATCH' | 'DELETE', url: string, payload?: object) =>
    app.inject({ method, url, headers: inOrg(person, person.orgId), ...(payload && { payload }) });

  async function setUp(reviews: string[]) {
    const owner = await signUp(app);
    const created = await call(owner, 'POST', '/api/projects', { title: 'Reviews', label_config: CONFIG });
    const projectId = created.json().id as number;
    const tasks: number[] = [];
    for (const review of reviews) {
      const res = await call(owner, 'POST', '/api/tasks', { project: projectId, data: { review } });
      tasks.push(res.json().id);
    }
    const connection = await call(owner, 'POST', '/api/model-provider-connections', {
      provider: 'Custom',
      endpoint: llm.url,
      api_key: KEY,
    });
    assert.equal(connection.statusCode, 201, connection.body);
    const iface = await call(owner, 'POST', '/api/model-interfaces', {
      title: 'Review mood',
      input_fields: ['review'],
      output_classes: ['Positive', 'Negative'],
      associated_projects: [projectId],
    });
    assert.equal(iface.statusCode, 201, iface.body);
    const version = await call(owner, 'POST', `/api/model-interfaces/${iface.json().id}/versions`, {
      title: 'mood-v1',
      provider_model_id: 'gpt-fake',
      prompt: 'What is the mood of this review? {review}',
      model_provider_connection: connection.json().id,
    });
    assert.equal(version.statusCode, 201, version.body);
    return {
      owner,
      projectId,
      tasks,
      connection: connection.json(),
      iface: iface.json(),
      version: version.json(),
    };
  }

  async function finished(owner: Person, runId: number) {
    for (let i = 0; i < 300; i++) {
      const res = await call(owner, 'GET', `/api/model-runs/${runId}`);
      assert.equal(res.statusCode, 200, res.body);
      if (['Completed', 'Failed'].includes(res.json().status)) return res.json();
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error('the model run did not finish');
  }

  test('an API key is sealed at rest and shown only as a hint', async () => {
    const { owner, connection } = await setUp([]);
    assert.equal(connection.api_key_is_set, true);
    assert.equal(connection.api_key_hint, 'cdef');
    for (const res of [
      await call(owner, 'GET', `/api/model-provider-connections/${connection.id}`),
      await call(owner, 'GET', '/api/model-provider-connections'),
      await call(owner, 'PATCH', `/api/model-provider-connections/${connection.id}`, { is_active: true }),
    ]) {
      assert.equal(res.statusCode, 200, res.body);
      assert.ok(!res.body.includes(KEY));
    }
    const stored = await inScope(ctx.database.db, { organizationId: owner.orgId, userId: owner.id }, (tx) =>
      tx
        .selectFrom('model_provider_connections')
        .select('api_key')
        .where('id', '=', connection.id)
        .executeTakeFirstOrThrow(),
    );
    assert.ok(stored.api_key && !stored.api_key.includes(KEY));
  });

  test('a run fills the prompt from task data and writes predictions with the version title', async () => {
    const { owner, projectId, tasks, iface, version } = await setUp([
      'I love it',
      'It broke on day one',
      'weird thing',
    ]);
    assert.deepEqual(iface.associated_projects, [projectId]);
    const res = await call(owner, 'POST', `/api/model-interfaces/${iface.id}/versions/${version.id}/runs`, {
      project: projectId,
      task_ids: tasks,
    });
    assert.equal(res.statusCode, 201, res.body);
    const run = await finished(owner, res.json().id);
    assert.equal(run.status, 'Completed');
    assert.deepEqual([run.total_tasks, run.total_predictions, run.failed_tasks], [3, 2, 1]);
    assert.equal(run.errors[0].task, tasks[2]);
    assert.match(run.errors[0].error, /answered "banana", which is none of Positive, Negative/);
    const predictions = (await call(owner, 'GET', `/api/predictions?project=${projectId}`)).json();
    const byTask = new Map(predictions.map((p: { task: number }) => [p.task, p]));
    const first = byTask.get(tasks[0]) as {
      model_version: string;
      result: { value: { choices: string[] } }[];
    };
    assert.equal(first.model_version, 'mood-v1');
    assert.deepEqual(first.result[0]!.value.choices, ['Positive']);
    const second = byTask.get(tasks[1]) as { result: { value: { choices: string[] } }[] };
    assert.deepEqual(second.result[0]!.value.choices, ['Negative']);
    const sent = llm.received.find(
      (r) => JSON.stringify(r.body).includes('I love it') && r.path === '/v1/chat/completions',
    )!;
    assert.equal(sent.authorization, `Bearer ${KEY}`);
    const body = sent.body as { model: string; messages: { role: string; content: string }[] };
    assert.equal(body.model, 'gpt-fake');
    assert.equal(body.messages[1]!.content, 'What is the mood of this review? I love it');
    const runs = await call(owner, 'GET', `/api/model-interfaces/${iface.id}/versions/${version.id}/runs`);
    assert.deepEqual(
      runs.json().map((r: { id: number }) => r.id),
      [run.id],
    );
  });

  test('calls beyond the timeout are retried, then recorded per task; the run still completes', async () => {
    const { owner, projectId, tasks, iface, version } = await setUp(['slow one', 'I love this']);
    const res = await call(owner, 'POST', `/api/model-interfaces/${iface.id}/versions/${version.id}/runs`, {
      project: projectId,
      task_ids: tasks,
      timeout: 0.2,
      retries: 1,
    });
    const run = await finished(owner, res.json().id);
    assert.equal(run.status, 'Completed');
    assert.equal(run.total_predictions, 1);
    assert.equal(run.errors.length, 1);
    assert.equal(run.errors[0].task, tasks[0]);
    assert.equal(run.errors[0].attempts, 2);
    assert.match(run.errors[0].error, /no answer within 200 ms/);
  });

  test('a switched-off connection fails the run with a reason', async () => {
    const { owner, projectId, tasks, iface, version, connection } = await setUp(['I love it']);
    await call(owner, 'PATCH', `/api/model-provider-connections/${connection.id}`, { is_active: false });
    const res = await call(owner, 'POST', `/api/model-interfaces/${iface.id}/versions/${version.id}/runs`, {
      project: projectId,
      task_ids: tasks,
    });
    const run = await finished(owner, res.json().id);
    assert.equal(run.status, 'Failed');
    assert.match(run.error_message, /switched off/);
  });

  test("another organization's connections, interfaces, versions and runs answer 404", async () => {
    const { owner, projectId, tasks, iface, version, connection } = await setUp(['I love it']);
    const res = await call(owner, 'POST', `/api/model-interfaces/${iface.id}/versions/${version.id}/runs`, {
      project: projectId,
      task_ids: tasks,
    });
    const runId = res.json().id;
    await finished(owner, runId);
    const stranger = await signUp(app);
    for (const [method, url, payload] of [
      ['GET', `/api/model-provider-connections/${connection.id}`],
      ['PATCH', `/api/model-provider-connections/${connection.id}`, { is_active: false }],
      ['DELETE', `/api/model-provider-connections/${connection.id}`],
      ['GET', `/api/model-interfaces/${iface.id}`],
      ['GET', `/api/model-interfaces/${iface.id}/versions/${version.id}`],
      ['GET', `/api/model-runs/${runId}`],
      ['POST', '/api/model-interfaces', { title: 'x', associated_projects: [projectId] }],
    ] as const) {
      const got = await call(stranger, method, url, payload);
      assert.equal(got.statusCode, 404, `${method} ${url}: ${got.body}`);
    }
    const list = await call(stranger, 'GET', '/api/model-interfaces');
    assert.deepEqual(list.json(), []);
    // The stranger's own version cannot run over the owner's project.
    const theirs = await setUp([]);
    const cross = await call(
      theirs.owner,
      'POST',
      `/api/model-interfaces/${theirs.iface.id}/versions/${theirs.version.id}/runs`,
      { project: projectId, task_ids: tasks },
    );
    assert.equal(cross.statusCode, 404, cross.body);
  });

  test('organization members read interfaces but cannot manage connections', async () => {
    const { owner, iface } = await setUp([]);
    const member = await signUp(app);
    await inScope(ctx.database.db, { organizationId: owner.orgId, userId: owner.id }, (tx) =>
      tx
        .insertInto('organization_members')
        .values({ organization_id: owner.orgId, user_id: member.id, role: 'member' })
        .execute(),
    );
    const headers = inOrg(member, owner.orgId);
    const read = await app.inject({ method: 'GET', url: `/api/model-interfaces/${iface.id}`, headers });
    assert.equal(read.statusCode, 200, read.body);
    const keys = await app.inject({ method: 'GET', url: '/api/model-provider-connections', headers });
    assert.equal(keys.statusCode, 403);
  });

  test('bad input answers 400 with a clear message', async () => {
    const { owner, iface } = await setUp([]);
    const cases: [string, object, RegExp][] = [
      ['/api/model-provider-connections', { provider: 'Nope' }, /provider/],
      ['/api/model-provider-connections', { provider: 'AzureOpenAI', api_key: 'k' }, /endpoint/],
      ['/api/model-provider-connections', { provider: 'Custom', endpoint: 'file:///etc' }, /endpoint/],
      ['/api/model-interfaces', { title: '' }, /title/],
      [`/api/model-interfaces/${iface.id}/versions`, { title: 'v', provider_model_id: 'm' }, /prompt/],
      [
        `/api/model-interfaces/${iface.id}/versions`,
        { title: 'v', provider_model_id: 'm', prompt: 'p', model_provider_connection: 0 },
        /model_provider_connection/,
      ],
    ];
    for (const [url, payload, message] of cases) {
      const res = await call(owner, 'POST', url, payload);
      assert.equal(res.statusCode, 400, `${url} ${JSON.stringify(payload)}: ${res.body}`);
      assert.match(res.body, message);
    }
  });
});
