// ML backends end to end against fake backends on 127.0.0.1: setup on create, health, versions, auth kept
// secret, batch predictions as a job (good, slow beyond the timeout, garbage), per-task errors, the project
// staying usable, interactive pre-annotation, training, annotation events to /webhook, tenancy and bad input.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { createTestApp } from '../../../test/app.ts';
import { forEachDatabase } from '../../../test/harness.ts';
import { inOrg, type Person, signUp } from '../../../test/http-factories.ts';
import type { App } from '../../platform/http/app-types.ts';
import { type Fake, fakeBackend, TEXT_CONFIG } from './ml.test-kit.ts';

forEachDatabase('ml backends', (ctx) => {
  let app: App;
  let good: Fake;
  let slow: Fake;
  let garbage: Fake;
  let locked: Fake;

  before(async () => {
    good = await fakeBackend('good');
    slow = await fakeBackend('slow', { delayMs: 1500 });
    garbage = await fakeBackend('garbage');
    locked = await fakeBackend('good', { auth: `Basic ${Buffer.from('ml:s3cret-pass').toString('base64')}` });
    app = await createTestApp(ctx.database, { WEBHOOK_ALLOW_PRIVATE: 'true' });
    await app.ready();
    await app.jobs.start({ work: true });
  });
  after(async () => {
    await app.close();
    await Promise.all([good, slow, garbage, locked].map((f) => f.close()));
  });

  const call = (person: Person, method: 'GET' | 'POST' | 'PATCH' | 'DELETE', url: string, payload?: object) =>
    app.inject({ method, url, headers: inOrg(person, person.orgId), ...(payload && { payload }) });

  async function project(texts: string[]) {
    const owner = await signUp(app);
    const created = await call(owner, 'POST', '/api/projects', {
      title: 'Sentiment',
      label_config: TEXT_CONFIG,
    });
    assert.equal(created.statusCode, 201, created.body);
    const projectId = created.json().id as number;
    const tasks: number[] = [];
    for (const text of texts) {
      const res = await call(owner, 'POST', '/api/tasks', { project: projectId, data: { text } });
      assert.equal(res.statusCode, 201, res.body);
      tasks.push(res.json().id);
    }
    return { owner, projectId, tasks };
  }

  async function connect(owner: Person, projectId: number, url: string, extra: object = {}) {
    const res = await call(owner, 'POST', '/api/ml', { project: projectId, url, title: 'fake', ...extra });
    assert.equal(res.statusCode, 201, res.body);
    return res.json();
  }

  async function finished(owner: Person, backendId: number, jobId: number) {
    for (let i = 0; i < 300; i++) {
      const res = await call(owner, 'GET', `/api/ml/${backendId}/prediction-jobs/${jobId}`);
      assert.equal(res.statusCode, 200, res.body);
      const body = res.json();
      if (body.state === 'succeeded' || body.state === 'failed') return body;
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error('the prediction job did not finish');
  }

  test('creating a backend calls /health and /setup with the label config; it is listed by project', async () => {
    const { owner, projectId } = await project([]);
    const backend = await connect(owner, projectId, good.url);
    assert.equal(backend.state, 'CO');
    assert.equal(backend.readable_state, 'Connected');
    assert.equal(backend.model_version, 'fake-v1');
    const setup = good.received.findLast((r) => r.path === '/setup')!.body as Record<string, unknown>;
    assert.equal(setup.schema, TEXT_CONFIG);
    assert.match(String(setup.project), new RegExp(`^${projectId}\\.\\d+$`));
    assert.equal(typeof setup.access_token, 'string');
    assert.ok(String(setup.access_token).length >= 20);
    const list = await call(owner, 'GET', `/api/ml?project=${projectId}`);
    assert.deepEqual(
      list.json().map((b: { id: number }) => b.id),
      [backend.id],
    );
    const health = await call(owner, 'GET', `/api/ml/${backend.id}/health`);
    assert.deepEqual(health.json(), { status: 'UP', model_class: 'FakeModel', error_message: null });
    const versions = await call(owner, 'GET', `/api/ml/${backend.id}/versions`);
    assert.deepEqual(versions.json().versions, ['fake-v1', 'fake-v0']);
    const patched = await call(owner, 'PATCH', `/api/ml/${backend.id}`, { title: 'renamed', timeout: 5 });
    assert.equal(patched.json().title, 'renamed');
    assert.equal(patched.json().timeout, 5);
    const gone = await call(owner, 'DELETE', `/api/ml/${backend.id}`);
    assert.equal(gone.statusCode, 204);
    assert.equal((await call(owner, 'GET', `/api/ml/${backend.id}`)).statusCode, 404);
  });

  test('basic auth: the password is sealed at rest, sent to the backend, never returned', async () => {
    const { owner, projectId } = await project([]);
    const refused = await connect(owner, projectId, locked.url);
    assert.equal(refused.state, 'ER');
    assert.match(refused.error_message, /401/);
    const backend = await connect(owner, projectId, locked.url, {
      auth_method: 'BASIC_AUTH',
      basic_auth_user: 'ml',
      basic_auth_pass: 's3cret-pass',
    });
    assert.equal(backend.state, 'CO', backend.error_message);
    assert.equal(backend.basic_auth_pass_is_set, true);
    assert.ok(!JSON.stringify(backend).includes('s3cret-pass'));
    const got = await call(owner, 'GET', `/api/ml/${backend.id}`);
    assert.ok(!got.body.includes('s3cret-pass'));
    const stored = await ctx.database.db
      .selectFrom('ml_backends')
      .select('basic_auth_pass')
      .where('id', '=', backend.id)
      .executeTakeFirstOrThrow();
    assert.ok(stored.basic_auth_pass && !stored.basic_auth_pass.includes('s3cret-pass'));
  });

  test('batch predictions page through the selection and write one prediction per task', async () => {
    const texts = Array.from({ length: 23 }, (_, i) => `text ${i}`);
    const { owner, projectId, tasks } = await project(texts);
    const backend = await connect(owner, projectId, good.url);
    const before = good.received.filter((r) => r.path === '/predict').length;
    const res = await call(owner, 'POST', `/api/ml/${backend.id}/predict`, {
      task_ids: tasks,
      batch_size: 10,
    });
    assert.equal(res.statusCode, 201, res.body);
    const done = await finished(owner, backend.id, res.json().id);
    assert.equal(done.state, 'succeeded');
    assert.equal(done.progress, 100);
    assert.deepEqual(
      [done.total_tasks, done.processed_tasks, done.predicted_tasks, done.failed_tasks],
      [23, 23, 23, 0],
    );
    assert.equal(good.received.filter((r) => r.path === '/predict').length - before, 3, '10 + 10 + 3');
    const predictions = await call(owner, 'GET', `/api/predictions?project=${projectId}`);
    assert.equal(predictions.json().length, 23);
    assert.equal(predictions.json()[0].model_version, 'fake-v1');
    assert.equal(predictions.json()[0].score, 0.9);
    // Again: the same version's predictions are replaced, not duplicated.
    const again = await call(owner, 'POST', `/api/ml/${backend.id}/predict`, { task_ids: tasks });
    await finished(owner, backend.id, again.json().id);
    assert.equal((await call(owner, 'GET', `/api/predictions?project=${projectId}`)).json().length, 23);
    const task = await call(owner, 'GET', `/api/tasks/${tasks[0]}`);
    assert.equal(task.json().total_predictions, 1);
  });

  test('a data manager selection (filters and selectedItems) picks the tasks', async () => {
    const { owner, projectId, tasks } = await project(['one', 'two', 'three', 'four']);
    const backend = await connect(owner, projectId, good.url);
    const res = await call(owner, 'POST', `/api/ml/${backend.id}/predict`, {
      filters: { conjunction: 'and', items: [] },
      selectedItems: { all: true, excluded: [tasks[1]] },
    });
    assert.equal(res.statusCode, 201, res.body);
    const done = await finished(owner, backend.id, res.json().id);
    assert.equal(done.predicted_tasks, 3);
    const predicted = (await call(owner, 'GET', `/api/predictions?project=${projectId}`))
      .json()
      .map((p: { task: number }) => p.task)
      .sort();
    assert.deepEqual(predicted, [tasks[0], tasks[2], tasks[3]].sort());
  });

  test("the data manager's retrieve_tasks_predictions queues a job for the selected tasks", async () => {
    const { owner, projectId, tasks } = await project(['one', 'two', 'three']);
    const backend = await connect(owner, projectId, good.url);
    const actions = await call(owner, 'GET', `/api/dm/actions?project=${projectId}`);
    const retrieve = actions.json().find((a: { id: string }) => a.id === 'retrieve_tasks_predictions');
    assert.equal(retrieve.disabled, undefined);
    const res = await call(
      owner,
      'POST',
      `/api/dm/actions?id=retrieve_tasks_predictions&project=${projectId}`,
      {
        selectedItems: { all: false, included: [tasks[0], tasks[2]] },
      },
    );
    assert.equal(res.statusCode, 200, res.body);
    assert.equal(res.json().processed_items, 2);
    const [job] = (await call(owner, 'GET', `/api/ml/${backend.id}/prediction-jobs`)).json();
    const done = await finished(owner, backend.id, job.id);
    assert.equal(done.predicted_tasks, 2);
    const predicted = (await call(owner, 'GET', `/api/predictions?project=${projectId}`))
      .json()
      .map((p: { task: number }) => p.task)
      .sort();
    assert.deepEqual(predicted, [tasks[0], tasks[2]].sort());
  });

  test('a slow backend: every task gets a timeout error, retried; the project stays usable', async () => {
    const { owner, projectId, tasks } = await project(['a', 'b', 'c']);
    const backend = await connect(owner, projectId, slow.url, { timeout: 0.2 });
    const res = await call(owner, 'POST', `/api/ml/${backend.id}/predict`, {
      task_ids: tasks,
      batch_size: 2,
    });
    const done = await finished(owner, backend.id, res.json().id);
    assert.equal(done.state, 'succeeded');
    assert.equal(done.failed_tasks, 3);
    assert.equal(done.predicted_tasks, 0);
    assert.deepEqual(
      done.errors.map((e: { task: number }) => e.task),
      tasks,
    );
    for (const e of done.errors) {
      assert.match(e.error, /no answer within 200 ms/);
      assert.equal(e.attempts, 3);
    }
    const state = await call(owner, 'GET', `/api/ml/${backend.id}`);
    assert.equal(state.json().state, 'ER');
    const annotated = await call(owner, 'POST', `/api/tasks/${tasks[0]}/annotations`, { result: [] });
    assert.equal(annotated.statusCode, 201, annotated.body);
    assert.equal((await call(owner, 'GET', `/api/projects/${projectId}`)).statusCode, 200);
  });

  test('a backend answering garbage: errors per task; a refused region fails only its task', async () => {
    const { owner, projectId, tasks } = await project(['fine', 'please reject me', 'also fine']);
    const bad = await connect(owner, projectId, garbage.url);
    const res = await call(owner, 'POST', `/api/ml/${bad.id}/predict`, { task_ids: tasks });
    const done = await finished(owner, bad.id, res.json().id);
    assert.equal(done.failed_tasks, 3);
    assert.match(done.errors[0].error, /no "results" list/);
    const backend = await connect(owner, projectId, good.url);
    const mixed = await call(owner, 'POST', `/api/ml/${backend.id}/predict`, { task_ids: tasks });
    const after = await finished(owner, backend.id, mixed.json().id);
    assert.equal(after.predicted_tasks, 2);
    assert.equal(after.failed_tasks, 1);
    assert.equal(after.errors[0].task, tasks[1]);
    assert.match(after.errors[0].error, /no_such_control/);
  });

  test('interactive pre-annotation of one task; refused for a backend that is not interactive', async () => {
    const { owner, projectId, tasks } = await project(['hello']);
    const plain = await connect(owner, projectId, good.url);
    const refused = await call(owner, 'POST', `/api/ml/${plain.id}/interactive-annotating`, {
      task: tasks[0],
    });
    assert.equal(refused.statusCode, 200);
    assert.match(refused.json().errors[0], /not set to be used for interactive/);
    const live = await connect(owner, projectId, good.url, { is_interactive: true });
    const res = await call(owner, 'POST', `/api/ml/${live.id}/interactive-annotating`, {
      task: tasks[0],
      context: { result: [] },
    });
    assert.equal(res.statusCode, 200, res.body);
    assert.equal(res.json().data.result[0].value.choices[0], 'a');
    const sent = good.received.findLast((r) => r.path === '/predict')!.body as {
      params: { context: unknown };
    };
    assert.deepEqual(sent.params.context, { result: [] });
    const slowOne = await connect(owner, projectId, slow.url, { is_interactive: true, timeout: 0.2 });
    const late = await call(owner, 'POST', `/api/ml/${slowOne.id}/interactive-annotating`, {
      task: tasks[0],
    });
    assert.match(late.json().errors[0], /no answer within/);
  });

  test('train sends START_TRAINING to /webhook; new annotations reach opted-in backends', async () => {
    const { owner, projectId, tasks } = await project(['x']);
    const backend = await connect(owner, projectId, good.url);
    const quiet = await connect(owner, projectId, garbage.url, { auto_update: false });
    const res = await call(owner, 'POST', `/api/ml/${backend.id}/train`);
    assert.equal(res.statusCode, 201, res.body);
    let jobs: { status: string }[] = [];
    for (let i = 0; i < 100 && jobs[0]?.status !== 'sent'; i++) {
      await new Promise((r) => setTimeout(r, 100));
      jobs = (await call(owner, 'GET', `/api/ml/${backend.id}/train-jobs`)).json();
    }
    assert.equal(jobs[0]?.status, 'sent');
    const training = good.received.find(
      (r) => r.path === '/webhook' && (r.body as { action: string }).action === 'START_TRAINING',
    );
    assert.ok(training, 'START_TRAINING reached the backend');
    assert.equal((training.body as { project: { id: number } }).project.id, projectId);
    const annotated = await call(owner, 'POST', `/api/tasks/${tasks[0]}/annotations`, {
      result: [{ from_name: 'sentiment', to_name: 'text', type: 'choices', value: { choices: ['b'] } }],
    });
    assert.equal(annotated.statusCode, 201, annotated.body);
    const id = annotated.json().id;
    let event: { body: unknown } | undefined;
    for (let i = 0; i < 100 && !event; i++) {
      await new Promise((r) => setTimeout(r, 100));
      event = good.received.find(
        (r) => r.path === '/webhook' && (r.body as { annotation?: { id: number } }).annotation?.id === id,
      );
    }
    assert.ok(event, 'the annotation event reached the backend');
    assert.equal((event.body as { action: string }).action, 'ANNOTATION_CREATED');
    assert.ok(!garbage.received.some((r) => r.path === '/webhook'), `backend ${quiet.id} did not opt in`);
  });

  test("another organization's backends, projects and jobs answer 404", async () => {
    const { owner, projectId, tasks } = await project(['x']);
    const backend = await connect(owner, projectId, good.url);
    const job = await call(owner, 'POST', `/api/ml/${backend.id}/predict`, { task_ids: tasks });
    const stranger = await signUp(app);
    for (const [method, url, payload] of [
      ['GET', `/api/ml/${backend.id}`],
      ['GET', `/api/ml?project=${projectId}`],
      ['PATCH', `/api/ml/${backend.id}`, { title: 'mine' }],
      ['DELETE', `/api/ml/${backend.id}`],
      ['GET', `/api/ml/${backend.id}/health`],
      ['POST', `/api/ml/${backend.id}/predict`, { task_ids: tasks }],
      ['POST', `/api/ml/${backend.id}/train`],
      ['POST', `/api/ml/${backend.id}/interactive-annotating`, { task: tasks[0] }],
      ['GET', `/api/ml/${backend.id}/prediction-jobs/${job.json().id}`],
      ['POST', '/api/ml', { project: projectId, url: good.url }],
    ] as const) {
      const res = await call(stranger, method, url, payload);
      assert.equal(res.statusCode, 404, `${method} ${url}: ${res.body}`);
    }
    // A task of another project is not predictable through this backend.
    const other = await project(['y']);
    const foreign = await call(owner, 'POST', `/api/ml/${backend.id}/interactive-annotating`, {
      task: other.tasks[0],
    });
    assert.equal(foreign.statusCode, 404);
  });

  test('bad input answers 400 with a clear message', async () => {
    const { owner, projectId } = await project(['x']);
    const backend = await connect(owner, projectId, good.url);
    const cases: [string, string, object, RegExp][] = [
      ['POST', '/api/ml', { project: projectId, url: 'ftp://x.example.test' }, /url/],
      ['POST', '/api/ml', { url: good.url }, /project/],
      ['POST', '/api/ml', { project: projectId, url: good.url, timeout: -1 }, /timeout/],
      ['POST', '/api/ml', { project: projectId, url: 'http://user:pw@ml.example.test' }, /credentials/],
      ['POST', `/api/ml/${backend.id}/predict`, {}, /task_ids or a selection/],
      [
        'POST',
        `/api/ml/${backend.id}/predict`,
        { filters: { conjunction: 'xor', items: [] } },
        /conjunction/,
      ],
      ['POST', `/api/ml/${backend.id}/predict`, { task_ids: [] }, /task_ids/],
      ['POST', `/api/ml/${backend.id}/interactive-annotating`, {}, /task/],
    ];
    for (const [method, url, payload, message] of cases) {
      const res = await call(owner, method as 'POST', url, payload);
      assert.equal(res.statusCode, 400, `${url} ${JSON.stringify(payload)}: ${res.body}`);
      assert.match(res.body, message);
    }
  });
});

forEachDatabase('ml backends: address checks', (ctx) => {
  let app: App;
  before(async () => {
    app = await createTestApp(ctx.database);
    await app.ready();
  });
  after(() => app.close());

  test('loopback and private backend addresses are refused unless allowed by configuration', async () => {
    const owner = await signUp(app);
    const created = await app.inject({
      method: 'POST',
      url: '/api/projects',
      headers: owner.headers,
      payload: { title: 'p' },
    });
    for (const url of [
      'http://127.0.0.1:9000',
      'http://localhost:9090',
      'http://10.1.2.3',
      'http://[::1]:80',
    ]) {
      const res = await app.inject({
        method: 'POST',
        url: '/api/ml',
        headers: owner.headers,
        payload: { project: created.json().id, url },
      });
      assert.equal(res.statusCode, 400, `${url}: ${res.body}`);
      assert.match(res.body, /loopback or private/);
    }
  });
});
