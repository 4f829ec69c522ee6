// Task imports through HTTP: Label Studio's summary, every input form (JSON list, JSON Lines, CSV, TSV, TXT
// files, URL), all-or-nothing on a bad task, config variable checks, counters, reimport, imports that run as
// jobs, access and another organization's 404.
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, test } from 'node:test';
import { createTestApp } from '../../../test/app.ts';
import { forEachDatabase } from '../../../test/harness.ts';
import { type Person, signUp } from '../../../test/http-factories.ts';
import type { App } from '../../platform/http/app-types.ts';
import { multipart } from '../files/files.test-kit.ts';
import {
  addProjectMember,
  eventually,
  IMAGE_CONFIG,
  projectWithConfig,
  TEXT_CONFIG,
} from './import-export.test-kit.ts';

// biome-ignore lint/suspicious/noExplicitAny: JSON answers, checked field by field
type Json = Record<string, any>;

forEachDatabase('task import', (ctx) => {
  let app: App;
  let owner: Person;
  let server: Server;
  let base: string;
  const served = new Map<string, { type: string; body: string }>();
  before(async () => {
    app = await createTestApp(ctx.database, {
      WEBHOOK_ALLOW_PRIVATE: 'true',
      IMPORT_INLINE_MAX_BYTES: '4096',
    });
    await app.ready();
    await app.jobs.start({ work: true });
    await signUp(app);
    owner = await signUp(app);
    server = createServer((req, res) => {
      const file = served.get(req.url ?? '');
      if (!file) {
        res.writeHead(404).end();
        return;
      }
      res.writeHead(200, { 'content-type': file.type }).end(file.body);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(async () => {
    server.close();
    await app.close();
  });

  const importJson = (project: number, body: unknown, headers = owner.headers, query = '') =>
    app.inject({
      method: 'POST',
      url: `/api/projects/${project}/import${query}`,
      headers: { ...headers, 'content-type': 'application/json' },
      payload: JSON.stringify(body),
    });
  const tasksOf = async (project: number) =>
    (
      await app.inject({
        method: 'GET',
        url: `/api/tasks?project=${project}&page_size=1000`,
        headers: owner.headers,
      })
    ).json();

  test('a JSON list: tasks with annotations and predictions, bare data objects; the summary and counters', async () => {
    const project = await projectWithConfig(app, ctx.database, owner, IMAGE_CONFIG);
    const box = { x: 10, y: 20, width: 30, height: 40, rotation: 0, rectanglelabels: ['Car'] };
    const region = {
      id: 'r1',
      from_name: 'label',
      to_name: 'image',
      type: 'rectanglelabels',
      original_width: 200,
      original_height: 100,
      value: box,
    };
    const res = await importJson(
      project,
      [
        {
          data: { image: '/img/1.jpg', site: 'north' },
          annotations: [{ result: [region], lead_time: 2.5 }],
          meta: { src: 'drone' },
        },
        {
          data: { image: '/img/2.jpg' },
          predictions: [{ result: [region], score: 0.9, model_version: 'v1' }],
        },
        { image: '/img/3.jpg', weather: 'rain' },
        { data: { image: '/img/4.jpg' }, annotations: [{ result: [], was_cancelled: true }] },
      ],
      owner.headers,
      '/?return_task_ids=true',
    );
    assert.equal(res.statusCode, 201, res.body);
    const s = res.json();
    assert.deepEqual(
      [s.task_count, s.annotation_count, s.prediction_count, s.file_upload_ids, s.data_columns],
      [4, 2, 1, [], ['image', 'site', 'weather']],
    );
    assert.equal(typeof s.duration, 'number');
    assert.equal(s.task_ids.length, 4);
    const page = await tasksOf(project);
    assert.deepEqual([page.total, page.total_annotations, page.total_predictions], [4, 1, 1]);
    const byImage = new Map(page.tasks.map((t: { data: { image: string } }) => [t.data.image, t]));
    const first = byImage.get('/img/1.jpg') as Json;
    assert.deepEqual(first.meta, { src: 'drone' });
    assert.deepEqual([first.inner_id, first.total_annotations, first.is_labeled], [1, 1, true]);
    assert.deepEqual(first.annotations[0].result, [region]);
    assert.equal(first.annotations[0].lead_time, 2.5);
    assert.equal(first.annotations[0].completed_by, owner.id);
    const second = byImage.get('/img/2.jpg') as Json;
    assert.deepEqual([second.predictions[0].score, second.predictions[0].model_version], [0.9, 'v1']);
    const third = byImage.get('/img/3.jpg') as Json;
    assert.deepEqual(third.data, { image: '/img/3.jpg', weather: 'rain' });
    const fourth = byImage.get('/img/4.jpg') as Json;
    assert.deepEqual(
      [fourth.cancelled_annotations, fourth.total_annotations, fourth.is_labeled],
      [1, 0, false],
    );

    // A second import numbers its tasks after the first.
    const more = await importJson(project, [{ image: '/img/5.jpg' }], owner.headers, '?return_task_ids=true');
    assert.equal(more.statusCode, 201, more.body);
    const fifth = await app.inject({
      method: 'GET',
      url: `/api/tasks/${more.json().task_ids[0]}`,
      headers: owner.headers,
    });
    assert.equal(fifth.json().inner_id, 5);
    // The import is recorded.
    const record = await app.inject({
      method: 'GET',
      url: `/api/projects/${project}/imports/${more.json().import}`,
      headers: owner.headers,
    });
    assert.deepEqual([record.json().status, record.json().task_count], ['completed', 1]);
  });

  test('tasks are stored as sent: pretty-printed JSON, escapes, meta beside data, a data key named meta', async () => {
    const project = await projectWithConfig(app, ctx.database, owner, TEXT_CONFIG);
    const body = [
      '[',
      '\t{',
      '\t\t"data": {"text": "tab\\there \\"quoted\\" back\\\\slash \\u00e9 line\\nnext", "n": 1.5},',
      '\t\t"meta": {"k": [1, {"deep": "}]{["}]}',
      '\t},',
      '\r\n{"text": "plain", "meta": {"is": "data"}},',
      '{"data": {"text": "no meta"}, "meta": null}',
      ']',
    ].join('\n');
    const res = await app.inject({
      method: 'POST',
      url: `/api/projects/${project}/import`,
      headers: { ...owner.headers, 'content-type': 'application/json' },
      payload: body,
    });
    assert.equal(res.statusCode, 201, res.body);
    const byInner = new Map((await tasksOf(project)).tasks.map((t: Json) => [t.inner_id, t]));
    const [a, b, c] = [byInner.get(1), byInner.get(2), byInner.get(3)] as Json[];
    assert.deepEqual(a!.data, { text: 'tab\there "quoted" back\\slash \u00e9 line\nnext', n: 1.5 });
    assert.deepEqual(a!.meta, { k: [1, { deep: '}]{[' }] });
    assert.deepEqual([b!.data, b!.meta], [{ text: 'plain', meta: { is: 'data' } }, {}]);
    assert.deepEqual([c!.data, c!.meta], [{ text: 'no meta' }, {}]);
  });

  test('a task missing a config variable fails the whole import with a 400 naming it', async () => {
    const project = await projectWithConfig(app, ctx.database, owner, IMAGE_CONFIG);
    const res = await importJson(project, [{ image: '/a.jpg' }, { image: '/b.jpg' }, { picture: '/c.jpg' }]);
    assert.equal(res.statusCode, 400, res.body);
    assert.match(res.json().error.message, /task #3: "image" key is expected in task data/);
    assert.equal(res.json().error.details.detail, 'Validation error');
    assert.equal((await tasksOf(project)).total, 0);
    const wrongType = await importJson(project, [{ image: 12 }]);
    assert.equal(wrongType.statusCode, 400, wrongType.body);
  });

  test('bad bodies answer 4xx and import nothing', async () => {
    const project = await projectWithConfig(app, ctx.database, owner, TEXT_CONFIG);
    const cases: [string, number, RegExp][] = [
      ['[{"text": "a"}, {"text": ', 400, /ends before/],
      ['[{"text": "a"} {"text": "b"}]', 400, /expected ","/],
      ['{"text": "a"}', 400, /url/],
      ['[]', 400, /no tasks/i],
      ['[1, 2]', 400, /not a JSON object/],
      ['"hello"', 400, /JSON array/],
      ['[{"data": 5}]', 400, /"data" must be a JSON object/],
      ['[{"data": {"text": "a"}, "annotations": [{"result": 5}]}]', 400, /result/],
      ['[{"text": "a"}] trailing', 400, /after the end/],
    ];
    for (const [body, status, message] of cases) {
      const res = await app.inject({
        method: 'POST',
        url: `/api/projects/${project}/import`,
        headers: { ...owner.headers, 'content-type': 'application/json' },
        payload: body,
      });
      assert.equal(res.statusCode, status, `${body}: ${res.body}`);
      assert.match(res.json().error.message, message, body);
    }
    const text = await app.inject({
      method: 'POST',
      url: `/api/projects/${project}/import`,
      headers: { ...owner.headers, 'content-type': 'text/plain' },
      payload: 'hello',
    });
    assert.equal(text.statusCode, 415, text.body);
    assert.equal((await tasksOf(project)).total, 0);
  });

  test('files: CSV, TSV, JSON Lines and TXT, recorded as file uploads; reimport reads them again', async () => {
    const project = await projectWithConfig(app, ctx.database, owner, TEXT_CONFIG);
    const body = await multipart([
      { name: 'a.csv', bytes: 'text,score\n"hello, world",3\nsecond,4.5\n', type: 'text/csv' },
      { name: 'b.tsv', bytes: 'text\tscore\nthird\t7\n', type: 'text/tab-separated-values' },
      {
        name: 'c.jsonl',
        bytes: '{"text": "fourth"}\n\n{"data": {"text": "fifth"}}\n',
        type: 'application/x-ndjson',
      },
      { name: 'd.txt', bytes: 'sixth\nseventh\n', type: 'text/plain' },
    ]);
    const res = await app.inject({
      method: 'POST',
      url: `/api/projects/${project}/import`,
      headers: { ...owner.headers, ...body.headers },
      payload: body.payload,
    });
    assert.equal(res.statusCode, 201, res.body);
    const s = res.json();
    assert.equal(s.task_count, 7);
    assert.equal(s.file_upload_ids.length, 4);
    assert.deepEqual(s.found_formats, { '.csv': 1, '.tsv': 1, '.jsonl': 1, '.txt': 1 });
    assert.equal(s.could_be_tasks_list, true);
    const page = await tasksOf(project);
    const texts = page.tasks.map((t: { data: { text: string } }) => t.data.text);
    assert.deepEqual(texts, ['hello, world', 'second', 'third', 'fourth', 'fifth', 'sixth', 'seventh']);
    assert.deepEqual(page.tasks[1].data, { text: 'second', score: 4.5 });
    // The list names the file (Label Studio's data manager column); the task itself keeps the upload's id.
    assert.equal(page.tasks[0].file_upload, 'a.csv');
    assert.equal(page.tasks[6].file_upload, 'd.txt');
    const one = await app.inject({
      method: 'GET',
      url: `/api/tasks/${page.tasks[0].id}`,
      headers: owner.headers,
    });
    assert.equal(one.json().file_upload, s.file_upload_ids[0]);
    const byFile = encodeURIComponent(
      JSON.stringify({
        filters: {
          conjunction: 'and',
          items: [{ filter: 'filter:tasks:file_upload', operator: 'equal', type: 'String', value: 'b.tsv' }],
        },
      }),
    );
    const third = await app.inject({
      method: 'GET',
      url: `/api/tasks?project=${project}&query=${byFile}`,
      headers: owner.headers,
    });
    assert.deepEqual(
      third.json().tasks.map((t: { data: { text: string } }) => t.data.text),
      ['third'],
    );

    const again = await app.inject({
      method: 'POST',
      url: `/api/projects/${project}/reimport/`,
      headers: owner.headers,
      payload: { file_upload_ids: [s.file_upload_ids[0]] },
    });
    assert.equal(again.statusCode, 201, again.body);
    assert.equal(again.json().task_count, 2);
    assert.equal((await tasksOf(project)).total, 9);
    const unknown = await app.inject({
      method: 'POST',
      url: `/api/projects/${project}/reimport`,
      headers: owner.headers,
      payload: { file_upload_ids: [999999] },
    });
    assert.equal(unknown.statusCode, 404, unknown.body);

    const image = await multipart([{ name: 'photo.png', bytes: 'xx', type: 'image/png' }]);
    const refused = await app.inject({
      method: 'POST',
      url: `/api/projects/${project}/import`,
      headers: { ...owner.headers, ...image.headers },
      payload: image.payload,
    });
    assert.equal(refused.statusCode, 415, refused.body);
  });

  test('by URL (?url= and {"url"}), with the address checked', async () => {
    const project = await projectWithConfig(app, ctx.database, owner, TEXT_CONFIG);
    served.set('/tasks.json', { type: 'application/json', body: JSON.stringify([{ text: 'from url' }]) });
    served.set('/export', { type: 'text/csv', body: 'text\nfrom csv\n' });
    const byQuery = await app.inject({
      method: 'POST',
      url: `/api/projects/${project}/import?url=${encodeURIComponent(`${base}/tasks.json`)}`,
      headers: owner.headers,
    });
    assert.equal(byQuery.statusCode, 201, byQuery.body);
    assert.equal(byQuery.json().task_count, 1);
    const byBody = await importJson(project, { url: `${base}/export` });
    assert.equal(byBody.statusCode, 201, byBody.body);
    assert.equal(byBody.json().task_count, 1);
    assert.equal((await tasksOf(project)).total, 2);
    const missing = await importJson(project, { url: `${base}/nothing.json` });
    assert.equal(missing.statusCode, 400, missing.body);
    const badScheme = await importJson(project, { url: 'file:///etc/passwd' });
    assert.equal(badScheme.statusCode, 400, badScheme.body);
  });

  test('above IMPORT_INLINE_MAX_BYTES the import runs as a job that can be followed', async () => {
    const project = await projectWithConfig(app, ctx.database, owner, TEXT_CONFIG);
    const tasks = Array.from({ length: 300 }, (_, i) => ({ text: `task number ${i}` }));
    const res = await importJson(project, tasks);
    assert.equal(res.statusCode, 202, res.body);
    const queued = res.json();
    assert.equal(queued.status, 'queued');
    const done = await eventually(async () => {
      const r = await app.inject({ method: 'GET', url: queued.url, headers: owner.headers });
      const j = await app.inject({ method: 'GET', url: queued.job_url, headers: owner.headers });
      if (process.env.DEBUG_IMPORT) console.log(r.body, j.body);
      return ['completed', 'failed'].includes(r.json().status) ? r.json() : null;
    }, 'the import job');
    assert.equal(done.status, 'completed', done.error);
    assert.equal(done.task_count, 300);
    const job = await app.inject({ method: 'GET', url: queued.job_url, headers: owner.headers });
    assert.equal(job.json().state, 'succeeded');
    assert.equal((await tasksOf(project)).total, 300);
  });

  test('annotators may not import; another organization gets 404', async () => {
    const project = await projectWithConfig(app, ctx.database, owner, TEXT_CONFIG);
    const annotator = await signUp(app);
    await addProjectMember(app, ctx.database, owner, project, annotator, 'annotator');
    const denied = await importJson(project, [{ text: 'x' }], {
      ...annotator.headers,
      'x-organization-id': String(owner.orgId),
    } as never);
    assert.equal(denied.statusCode, 403, denied.body);
    const stranger = await signUp(app);
    const hidden = await importJson(project, [{ text: 'x' }], stranger.headers);
    assert.equal(hidden.statusCode, 404, hidden.body);
    const record = await app.inject({
      method: 'GET',
      url: `/api/projects/${project}/imports/1`,
      headers: stranger.headers,
    });
    assert.equal(record.statusCode, 404);
    const reimport = await app.inject({
      method: 'POST',
      url: `/api/projects/${project}/reimport`,
      headers: stranger.headers,
      payload: { file_upload_ids: [1] },
    });
    assert.equal(reimport.statusCode, 404);
    assert.equal((await tasksOf(project)).total, 0);
  });
});
