// Exports through HTTP: the easy export in each format, checked against numbers computed here from the
// imported input (COCO boxes in pixels from percent x original size, YOLO normalised centres), the filters
// (annotated only by default, download_all_tasks, ids), snapshot exports with their conversion and download,
// who may export, and another organization's 404.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { createTestApp } from '../../../test/app.ts';
import { forEachDatabase } from '../../../test/harness.ts';
import { inOrg, type Person, signUp } from '../../../test/http-factories.ts';
import type { App } from '../../platform/http/app-types.ts';
import { unzipText } from './export/test-helpers.ts';
import { addProjectMember, eventually, IMAGE_CONFIG, projectWithConfig } from './import-export.test-kit.ts';

const W = 200;
const H = 100;
const rect = (id: string, x: number, y: number, width: number, height: number, label: string) => ({
  id,
  from_name: 'label',
  to_name: 'image',
  type: 'rectanglelabels',
  original_width: W,
  original_height: H,
  image_rotation: 0,
  value: { x, y, width, height, rotation: 0, rectanglelabels: [label] },
});

forEachDatabase('task export', (ctx) => {
  let app: App;
  let owner: Person;
  let project: number;
  let ids: number[];
  const boxes = [rect('a1', 10, 20, 30, 40, 'Car'), rect('b1', 50, 50, 25, 10, 'Airplane')];
  before(async () => {
    app = await createTestApp(ctx.database);
    await app.ready();
    await app.jobs.start({ work: true });
    await signUp(app);
    owner = await signUp(app);
    project = await projectWithConfig(app, ctx.database, owner, IMAGE_CONFIG);
    const res = await app.inject({
      method: 'POST',
      url: `/api/projects/${project}/import?return_task_ids=true`,
      headers: owner.headers,
      payload: [
        { data: { image: '/data/a.jpg' }, annotations: [{ result: [boxes[0]] }] },
        { data: { image: '/data/b.png' }, annotations: [{ result: [boxes[1]] }] },
        { data: { image: '/data/c.jpg' } },
      ],
    });
    assert.equal(res.statusCode, 201, res.body);
    ids = res.json().task_ids;
  });
  after(() => app.close());

  const get = (url: string, headers: Record<string, string> = owner.headers) =>
    app.inject({ method: 'GET', url, headers });

  test('JSON: annotated tasks by default, all with download_all_tasks, some with ids', async () => {
    const res = await get(`/api/projects/${project}/export?exportType=JSON`);
    assert.equal(res.statusCode, 200, res.body);
    assert.match(
      String(res.headers['content-disposition']),
      /attachment; filename="project-\d+-at-.*\.json"/,
    );
    const tasks = res.json();
    assert.deepEqual(
      tasks.map((t: { id: number }) => t.id),
      ids.slice(0, 2),
    );
    assert.deepEqual(tasks[0].data, { image: '/data/a.jpg' });
    assert.deepEqual(tasks[0].annotations[0].result, [boxes[0]]);
    assert.equal(tasks[0].annotations[0].completed_by, owner.id);
    assert.deepEqual([tasks[0].predictions, tasks[0].drafts, tasks[0].project], [[], [], project]);
    const all = (await get(`/api/projects/${project}/export?download_all_tasks=true`)).json();
    assert.equal(all.length, 3);
    const some = (
      await get(`/api/projects/${project}/export?download_all_tasks=true&ids=${ids[2]}&ids=${ids[0]}`)
    ).json();
    assert.deepEqual(
      some.map((t: { id: number }) => t.id),
      [ids[0], ids[2]],
    );
    // Label Studio's SDK spells the list ids[]=
    const bracketed = (
      await get(`/api/projects/${project}/export?download_all_tasks=true&ids[]=${ids[1]}&ids[]=${ids[2]}`)
    ).json();
    assert.deepEqual(
      bracketed.map((t: { id: number }) => t.id),
      [ids[1], ids[2]],
    );
  });

  test('JSON_MIN and CSV', async () => {
    const min = (await get(`/api/projects/${project}/export?exportType=JSON_MIN`)).json();
    assert.equal(min.length, 2);
    assert.equal(min[0].image, '/data/a.jpg');
    assert.deepEqual(min[0].label[0].rectanglelabels, ['Car']);
    const csv = await get(`/api/projects/${project}/export?export_type=CSV`);
    assert.equal(csv.statusCode, 200);
    assert.match(String(csv.headers['content-type']), /text\/csv/);
    const [header, ...rows] = csv.body.trim().split('\n');
    assert.ok(header!.split(',').includes('"label"'), header);
    assert.equal(rows.length, 2);
  });

  test('COCO boxes in pixels and YOLO normalised centres, computed from the input', async () => {
    const coco = await get(`/api/projects/${project}/export?exportType=COCO`);
    assert.equal(coco.statusCode, 200, coco.body);
    const result = JSON.parse(unzipText(coco.rawPayload).get('result.json')!);
    assert.deepEqual(
      result.categories.map((c: { id: number; name: string }) => [c.id, c.name]),
      [
        [0, 'Airplane'],
        [1, 'Car'],
      ],
    );
    assert.equal(result.images.length, 2);
    const px = (r: (typeof boxes)[number]) => [
      (r.value.x * W) / 100,
      (r.value.y * H) / 100,
      (r.value.width * W) / 100,
      (r.value.height * H) / 100,
    ];
    const got = result.annotations.map((a: { bbox: number[]; category_id: number }) => [
      a.category_id,
      a.bbox,
    ]);
    assert.deepEqual(got, [
      [1, px(boxes[0]!)],
      [0, px(boxes[1]!)],
    ]);

    const yolo = unzipText(
      (await get(`/api/projects/${project}/export?exportType=YOLO&download_all_tasks=true`)).rawPayload,
    );
    const line = (r: (typeof boxes)[number], cls: number) => {
      const { x, y, width, height } = r.value;
      return `${cls} ${[(x + width / 2) / 100, (y + height / 2) / 100, width / 100, height / 100].join(' ')}\n`;
    };
    assert.equal(yolo.get('labels/a.txt'), line(boxes[0]!, 1));
    assert.equal(yolo.get('labels/b.txt'), line(boxes[1]!, 0));
    assert.equal(yolo.get('labels/c.txt'), '');
    assert.equal(yolo.get('classes.txt'), 'Airplane\nCar\n');

    const voc = unzipText((await get(`/api/projects/${project}/export?exportType=VOC`)).rawPayload);
    assert.equal([...voc.keys()].filter((k) => k.endsWith('.xml')).length, 2);
  });

  test('CONLL2003: BIO tags from the Labels spans over the tokenized text, one block per annotation', async () => {
    const ner = await projectWithConfig(
      app,
      ctx.database,
      owner,
      '<View><Text name="text" value="$text"/><Labels name="ner" toName="text">' +
        '<Label value="PER"/><Label value="LOC"/></Labels></View>',
    );
    const text = 'John Smith lives in New York.';
    const span = (start: number, end: number, label: string) => ({
      from_name: 'ner',
      to_name: 'text',
      type: 'labels',
      value: { start, end, text: text.slice(start, end), labels: [label] },
    });
    const res = await app.inject({
      method: 'POST',
      url: `/api/projects/${ner}/import`,
      headers: owner.headers,
      payload: [{ data: { text }, annotations: [{ result: [span(20, 28, 'LOC'), span(0, 10, 'PER')] }] }],
    });
    assert.equal(res.statusCode, 201, res.body);
    const out = await get(`/api/projects/${ner}/export?exportType=CONLL2003`);
    assert.equal(out.statusCode, 200, out.body);
    assert.match(String(out.headers['content-type']), /^text\/plain/);
    assert.equal(
      out.body,
      '-DOCSTART- -X- O\n' +
        'John -X- _ B-PER\nSmith -X- _ I-PER\nlives -X- _ O\nin -X- _ O\n' +
        'New -X- _ B-LOC\nYork -X- _ I-LOC\n. -X- _ O\n\n',
    );
  });

  test('unsupported and unknown formats are a 400', async () => {
    const conll = await get(`/api/projects/${project}/export?exportType=CONLL2003`);
    assert.equal(conll.statusCode, 400, conll.body);
    assert.match(conll.body, /CONLL2003 needs a Text object tagged by a Labels control/);
    const unknown = await get(`/api/projects/${project}/export?exportType=PDF`);
    assert.equal(unknown.statusCode, 400, unknown.body);
    // A project whose config has no image cannot be exported as COCO; the answer is a 400 and the
    // connection the export had opened is given back (on PGlite, the only one).
    const plain = (
      await app.inject({
        method: 'POST',
        url: '/api/projects',
        headers: owner.headers,
        payload: { title: 'No image' },
      })
    ).json().id;
    for (let i = 0; i < 3; i++) {
      const coco = await get(`/api/projects/${plain}/export?exportType=COCO`);
      assert.equal(coco.statusCode, 400, coco.body);
    }
    assert.equal((await get(`/api/projects/${plain}/export`)).json().length, 0);
  });

  test('snapshots: create (a job), list, get, download JSON, convert to COCO, download it, delete', async () => {
    const created = await app.inject({
      method: 'POST',
      url: `/api/projects/${project}/exports/`,
      headers: owner.headers,
      payload: { title: 'nightly', task_filter_options: { only_with_annotations: true } },
    });
    assert.equal(created.statusCode, 201, created.body);
    const id = created.json().id;
    const done = await eventually(async () => {
      const r = (await get(`/api/projects/${project}/exports/${id}`)).json();
      return ['completed', 'failed'].includes(r.status) ? r : null;
    }, 'the snapshot');
    assert.equal(done.status, 'completed', done.error);
    assert.deepEqual(done.counters, { task_number: 2 });
    assert.match(done.md5, /^[0-9a-f]{32}$/);
    const list = (await get(`/api/projects/${project}/exports`)).json();
    assert.ok(list.some((e: { id: number }) => e.id === id));

    const json = await get(`/api/projects/${project}/exports/${id}/download`);
    assert.equal(json.statusCode, 200);
    assert.deepEqual(
      json.json().map((t: { id: number }) => t.id),
      ids.slice(0, 2),
    );
    const early = await get(`/api/projects/${project}/exports/${id}/download?exportType=YOLO`);
    assert.equal(early.statusCode, 404, early.body);

    const conv = await app.inject({
      method: 'POST',
      url: `/api/projects/${project}/exports/${id}/convert`,
      headers: owner.headers,
      payload: { export_type: 'COCO' },
    });
    assert.equal(conv.statusCode, 201, conv.body);
    await eventually(async () => {
      const r = (await get(`/api/projects/${project}/exports/${id}`)).json();
      const c = r.converted_formats.find((f: { export_type: string }) => f.export_type === 'COCO');
      return c && ['completed', 'failed'].includes(c.status) ? c : null;
    }, 'the conversion');
    const zip = await get(`/api/projects/${project}/exports/${id}/download?exportType=COCO`);
    assert.equal(zip.statusCode, 200, zip.body);
    const result = JSON.parse(unzipText(zip.rawPayload).get('result.json')!);
    assert.equal(result.annotations.length, 2);

    const del = await app.inject({
      method: 'DELETE',
      url: `/api/projects/${project}/exports/${id}`,
      headers: owner.headers,
    });
    assert.equal(del.statusCode, 204);
    assert.equal((await get(`/api/projects/${project}/exports/${id}`)).statusCode, 404);
  });

  test('reviewers export, annotators may not; another organization gets 404', async () => {
    const reviewer = await signUp(app);
    const annotator = await signUp(app);
    await addProjectMember(app, ctx.database, owner, project, reviewer, 'reviewer');
    await addProjectMember(app, ctx.database, owner, project, annotator, 'annotator');
    const ok = await get(`/api/projects/${project}/export`, inOrg(reviewer, owner.orgId));
    assert.equal(ok.statusCode, 200, ok.body);
    const denied = await get(`/api/projects/${project}/export`, inOrg(annotator, owner.orgId));
    assert.equal(denied.statusCode, 403, denied.body);
    const stranger = await signUp(app);
    for (const url of [
      `/api/projects/${project}/export`,
      `/api/projects/${project}/exports`,
      `/api/projects/${project}/exports/1`,
      `/api/projects/${project}/exports/1/download`,
    ]) {
      const res = await get(url, stranger.headers);
      assert.equal(res.statusCode, 404, `${url}: ${res.body}`);
      assert.ok(!res.body.includes('/data/a.jpg'));
    }
  });
});
