// Detections end to end with the jobs running: the built-in image-quality detector on real pixels, an ML
// backend (a fake Label Studio ML server on 127.0.0.1), the review queue and its decisions, and the bad-input
// rules for detections posted through the API. Tags, share links, exports, webhooks and job roles are in
// photos.collections.test.ts.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { createTestApp } from '../../../test/app.ts';
import { forEachDatabase } from '../../../test/harness.ts';
import { type Person, signUp } from '../../../test/http-factories.ts';
import { inScope } from '../../db/scope.ts';
import type { App } from '../../platform/http/app-types.ts';
import { IMAGE_QUALITY_MODEL } from './detectors.ts';
import { jpeg, type PhotoCalls, photoCalls } from './photos.test-kit.ts';

interface FakeBackend {
  url: string;
  predicted: { tasks: { id: number; data: { image: string } }[] }[];
  close(): Promise<void>;
}

/** A Label Studio ML backend as label-studio-ml serves it: /health, /setup, /predict. */
async function fakeBackend(healthy = true): Promise<FakeBackend> {
  const predicted: FakeBackend['predicted'] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const send = (status: number, body: unknown) => {
        res.writeHead(status, { 'content-type': 'application/json' });
        res.end(JSON.stringify(body));
      };
      if (req.method === 'GET' && req.url === '/health')
        return healthy
          ? send(200, { status: 'UP', model_class: 'CrackFinder' })
          : send(503, { status: 'DOWN' });
      if (req.method === 'POST' && req.url === '/setup') return send(200, { model_version: 'cracks-v3' });
      if (req.method === 'POST' && req.url === '/predict') {
        const body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
        predicted.push(body);
        return send(200, {
          results: body.tasks.map(() => ({
            model_version: 'cracks-v3',
            score: 0.42,
            result: [
              {
                from_name: 'label',
                to_name: 'image',
                type: 'rectanglelabels',
                score: 0.42,
                value: { x: 10, y: 20, width: 30, height: 40, rectanglelabels: ['crack'] },
              },
            ],
          })),
        });
      }
      send(404, { error: 'not found' });
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as { port: number };
  return {
    url: `http://127.0.0.1:${port}`,
    predicted,
    close: () => new Promise((r) => server.close(() => r())),
  };
}

forEachDatabase('photo detections and review', (ctx) => {
  let app: App;
  let owner: Person;
  let stranger: Person;
  let backend: FakeBackend;
  let call: PhotoCalls['call'];
  let newProject: PhotoCalls['newProject'];
  let upload: PhotoCalls['upload'];
  let jobsDone: PhotoCalls['jobsDone'];
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'gt-detections-'));

  before(async () => {
    app = await createTestApp(ctx.database, { DATA_DIR: dataDir, WEBHOOK_ALLOW_PRIVATE: 'true' });
    await app.ready();
    ({ call, newProject, upload, jobsDone } = photoCalls(app));
    await app.jobs.start({ work: true });
    await signUp(app);
    owner = await signUp(app);
    stranger = await signUp(app);
    backend = await fakeBackend();
  });
  after(async () => {
    await app.close();
    await backend.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  test('the built-in image-quality detector flags a blurry photo and leaves a sharp one alone', async () => {
    const project = await newProject(owner);
    const blurry = (
      await upload(owner.headers, project, await jpeg({ texture: 'flat', width: 640, height: 480 }))
    ).json();
    const sharp = (await upload(owner.headers, project, await jpeg({ width: 640, height: 480 }))).json();
    await jobsDone(owner, project);
    const found = (await call(owner, 'GET', `/api/photos/${blurry.id}/detections`)).json();
    assert.equal(found.length, 1);
    const d = found[0];
    assert.equal(d.detection_type, 'quality');
    assert.equal(d.model_name, IMAGE_QUALITY_MODEL);
    assert.ok(d.processing_time_ms > 0);
    assert.ok(d.results.regions.some((r: { label: string }) => r.label === 'blurry'));
    assert.ok(d.confidence > 0.5 && d.confidence <= 1);
    assert.equal(d.results.measurements.laplacian_variance, 0);
    const none = (await call(owner, 'GET', `/api/photos/${sharp.id}/detections`)).json();
    assert.deepEqual(none, []);
  });

  test('an ML backend detector is checked with /health and its predictions become detections', async () => {
    const project = await newProject(owner);
    const down = await fakeBackend(false);
    const refused = await call(owner, 'POST', `/api/projects/${project}/detectors`, {
      name: 'down',
      kind: 'ml_backend',
      url: down.url,
    });
    await down.close();
    assert.equal(refused.statusCode, 422, refused.body);
    const added = await call(owner, 'POST', `/api/projects/${project}/detectors`, {
      name: 'crack finder',
      kind: 'ml_backend',
      url: backend.url,
      detection_type: 'damage',
    });
    assert.equal(added.statusCode, 201, added.body);
    const photo = (await upload(owner.headers, project, await jpeg({ width: 500, height: 400 }))).json();
    await jobsDone(owner, project);
    const [d, ...rest] = (await call(owner, 'GET', `/api/photos/${photo.id}/detections`)).json();
    assert.equal(rest.length, 0, 'only the configured detector runs');
    assert.equal(d.detection_type, 'damage');
    assert.equal(d.model_name, 'crack finder');
    assert.equal(d.model_version, 'cracks-v3');
    assert.equal(d.confidence, 0.42);
    assert.deepEqual(d.results.regions[0].box, { x: 0.1, y: 0.2, width: 0.3, height: 0.4 });
    assert.equal(d.results.regions[0].label, 'crack');
    const task = backend.predicted.at(-1)!.tasks[0]!;
    assert.equal(task.id, photo.id);
    assert.match(task.data.image, /^data:image\/webp;base64,/);
  });

  test('detections posted through the API are validated: confidence 1.5 and processing_time_ms 0 answer 400', async () => {
    const project = await newProject(owner);
    const photo = (await upload(owner.headers, project, await jpeg())).json();
    const good = {
      detection_type: 'material',
      results: {
        regions: [{ label: 'concrete', box: { x: 0, y: 0, width: 0.5, height: 0.5 }, confidence: 0.9 }],
      },
      confidence: 0.9,
      processing_time_ms: 120,
      model_name: 'outside',
    };
    const high = await call(owner, 'POST', `/api/photos/${photo.id}/detections`, {
      ...good,
      confidence: 1.5,
    });
    assert.equal(high.statusCode, 400);
    assert.match(high.json().error.message, /confidence/);
    const zero = await call(owner, 'POST', `/api/photos/${photo.id}/detections`, {
      ...good,
      processing_time_ms: 0,
    });
    assert.equal(zero.statusCode, 400);
    assert.match(zero.json().error.message, /processing_time_ms/);
    const type = await call(owner, 'POST', `/api/photos/${photo.id}/detections`, {
      ...good,
      detection_type: 'fire',
    });
    assert.equal(type.statusCode, 400);
    assert.match(type.json().error.message, /detection_type/);
    const ok = await call(owner, 'POST', `/api/photos/${photo.id}/detections`, good);
    assert.equal(ok.statusCode, 201, ok.body);
    const foreign = await call(stranger, 'POST', `/api/photos/${photo.id}/detections`, good);
    assert.equal(foreign.statusCode, 404);
    const foreignGet = await call(stranger, 'GET', `/api/detections/${ok.json().id}`);
    assert.equal(foreignGet.statusCode, 404);
    // The database holds the same rules for writers that skip the API.
    await assert.rejects(
      inScope(ctx.database.db, { organizationId: owner.orgId, userId: owner.id }, (tx) =>
        tx.updateTable('detections').set({ confidence: 1.5 }).where('id', '=', ok.json().id).execute(),
      ),
      /check constraint/,
    );
  });

  test('review: the queue is lowest confidence first; confirm tags the photo, reject and correct keep history', async () => {
    const project = await newProject(owner);
    // A project with a switched-off detector runs none: only the detections posted here exist.
    await call(owner, 'POST', `/api/projects/${project}/detectors`, {
      name: 'off',
      kind: 'image_quality',
      is_active: false,
    });
    const photo = (await upload(owner.headers, project, await jpeg())).json();
    const other = (await upload(owner.headers, project, await jpeg())).json();
    const post = async (photoId: number, label: string, confidence: number) =>
      (
        await call(owner, 'POST', `/api/photos/${photoId}/detections`, {
          detection_type: 'damage',
          results: { regions: [{ label, box: { x: 0.1, y: 0.1, width: 0.2, height: 0.2 }, confidence }] },
          confidence,
          processing_time_ms: 5,
          model_name: 'outside',
        })
      ).json().id as number;
    const a = await post(photo.id, 'crack', 0.9);
    const b = await post(photo.id, 'rust', 0.3);
    const c = await post(other.id, 'hail', 0.6);
    const queue = (await call(owner, 'GET', `/api/projects/${project}/review-queue?limit=2`)).json();
    assert.deepEqual(
      queue.results.map((d: { id: number }) => d.id),
      [b, c],
    );
    const rest = (
      await call(owner, 'GET', `/api/projects/${project}/review-queue?limit=2&cursor=${queue.next_cursor}`)
    ).json();
    assert.deepEqual(
      rest.results.map((d: { id: number }) => d.id),
      [a],
    );
    assert.equal(rest.next_cursor, null);

    const unconfirmed = (
      await call(owner, 'GET', `/api/projects/${project}/photos?has_unconfirmed=true`)
    ).json();
    assert.equal(unconfirmed.results.length, 2);

    const confirmed = await call(owner, 'POST', `/api/detections/${a}/confirm`);
    assert.equal(confirmed.statusCode, 200, confirmed.body);
    assert.equal(confirmed.json().status, 'confirmed');
    const tagged = (await call(owner, 'GET', `/api/photos/${photo.id}`)).json();
    assert.deepEqual(
      tagged.tags.map((t: { name: string; source: string }) => [t.name, t.source]),
      [['crack', 'ai']],
    );

    const noFeedback = await call(owner, 'POST', `/api/detections/${c}/reject`, {});
    assert.equal(noFeedback.statusCode, 400);
    const rejected = await call(owner, 'POST', `/api/detections/${c}/reject`, {
      feedback: 'that is a shadow',
    });
    assert.equal(rejected.json().status, 'rejected');

    const corrected = await call(owner, 'PATCH', `/api/detections/${b}`, {
      results: {
        regions: [{ label: 'rust', box: { x: 0.5, y: 0.5, width: 0.1, height: 0.1 }, confidence: 1 }],
      },
      confidence: 1,
    });
    assert.equal(corrected.statusCode, 200, corrected.body);
    const withHistory = (await call(owner, 'GET', `/api/detections/${b}`)).json();
    assert.deepEqual(withHistory.results.regions[0].box, { x: 0.5, y: 0.5, width: 0.1, height: 0.1 });
    assert.equal(withHistory.history[0].action, 'corrected');
    assert.deepEqual(withHistory.history[0].previous_results.regions[0].box, {
      x: 0.1,
      y: 0.1,
      width: 0.2,
      height: 0.2,
    });
    assert.equal(withHistory.history[0].previous_confidence, 0.3);

    const left = (await call(owner, 'GET', `/api/projects/${project}/review-queue`)).json();
    assert.deepEqual(
      left.results.map((d: { id: number }) => d.id),
      [b],
    );
    const byType = (
      await call(owner, 'GET', `/api/projects/${project}/photos?detection_type=damage&min_confidence=0.8`)
    ).json();
    assert.deepEqual(
      byType.results.map((p: { id: number }) => p.id),
      [photo.id],
    );
    assert.equal((await call(stranger, 'POST', `/api/detections/${b}/confirm`)).statusCode, 404);
    assert.equal((await call(stranger, 'GET', `/api/projects/${project}/review-queue`)).statusCode, 404);
  });
});
