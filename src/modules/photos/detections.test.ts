// Detections end to end with the jobs running: the built-in image-quality detector on real pixels, an ML
// backend (a fake Label Studio ML server on 127.0.0.1), the review queue and its decisions, tags, share links,
// exports, webhooks, job roles, and the bad-input rules for detections posted through the API.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { createTestApp } from '../../../test/app.ts';
import { forEachDatabase } from '../../../test/harness.ts';
import { inOrg, type Person, signUp } from '../../../test/http-factories.ts';
import { inScope } from '../../db/scope.ts';
import type { App } from '../../platform/http/app-types.ts';
import { IMAGE_QUALITY_MODEL } from './detectors.ts';
import { jpeg, photoForm } from './photos.test-kit.ts';

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
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'gt-detections-'));

  before(async () => {
    app = await createTestApp(ctx.database, { DATA_DIR: dataDir, WEBHOOK_ALLOW_PRIVATE: 'true' });
    await app.ready();
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

  const call = (person: Person | Record<string, string>, method: string, url: string, payload?: object) =>
    app.inject({
      method: method as 'GET',
      url,
      headers: 'headers' in person ? (person as Person).headers : (person as Record<string, string>),
      ...(payload && { payload }),
    });

  async function newProject(person: Person) {
    const res = await call(person, 'POST', '/api/projects', {
      title: `site ${Math.random().toString(36).slice(2)}`,
    });
    assert.equal(res.statusCode, 201, res.body);
    return res.json().id as number;
  }

  async function upload(headers: Record<string, string>, project: number, bytes: Buffer) {
    const form = await photoForm(bytes);
    return app.inject({
      method: 'POST',
      url: `/api/projects/${project}/photos`,
      headers: { ...headers, ...form.headers },
      payload: form.payload,
    });
  }

  /** Waits until every job of the project has finished (the worker polls once a second). */
  async function jobsDone(person: Person, project: number) {
    for (let i = 0; i < 160; i++) {
      const res = await call(person, 'GET', `/api/jobs?project=${project}&page_size=100`);
      const jobs = res.json().results as { state: string; kind: string }[];
      if (jobs.length && jobs.every((j) => j.state === 'succeeded' || j.state === 'failed')) {
        // processing queues detection: both kinds must be there per processed photo
        const process = jobs.filter((j) => j.kind === 'photos.process').length;
        const detect = jobs.filter((j) => j.kind === 'photos.detect').length;
        if (detect >= process) return jobs;
      }
      await new Promise((r) => setTimeout(r, 250));
    }
    throw new Error('jobs did not finish');
  }

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

  test('tags: catalogue CRUD, tag one photo or a selection, filter by tag, untag', async () => {
    const project = await newProject(owner);
    const p1 = (await upload(owner.headers, project, await jpeg())).json().id;
    const p2 = (await upload(owner.headers, project, await jpeg())).json().id;
    const p3 = (await upload(owner.headers, project, await jpeg())).json().id;
    const roof = await call(owner, 'POST', `/api/projects/${project}/tags`, {
      name: 'roof',
      color: '#aa3300',
    });
    assert.equal(roof.statusCode, 201, roof.body);
    assert.equal(
      (await call(owner, 'POST', `/api/projects/${project}/tags`, { name: 'roof' })).statusCode,
      409,
    );
    assert.equal(
      (await call(owner, 'POST', `/api/projects/${project}/tags`, { name: 'x', color: 'red' })).statusCode,
      400,
    );
    const one = await call(owner, 'POST', `/api/photos/${p1}/tags`, {
      names: ['north side'],
      tag_ids: [roof.json().id],
    });
    assert.equal(one.statusCode, 200, one.body);
    assert.deepEqual(
      one.json().map((t: { name: string }) => t.name),
      ['north side', 'roof'],
    );
    const bulk = await call(owner, 'POST', `/api/projects/${project}/photos/tags`, {
      photo_ids: [p2, p3],
      add_ids: [roof.json().id],
    });
    assert.deepEqual(bulk.json(), { photos: 2, added: 2, removed: 0 });
    const byTag = (await call(owner, 'GET', `/api/projects/${project}/photos?tag=${roof.json().id}`)).json();
    assert.deepEqual(byTag.results.map((p: { id: number }) => p.id).sort(), [p1, p2, p3].sort());
    const untagged = await call(owner, 'DELETE', `/api/photos/${p2}/tags/${roof.json().id}`);
    assert.deepEqual(untagged.json(), []);
    const list = (await call(owner, 'GET', `/api/projects/${project}/tags`)).json();
    assert.equal(list.count, 2);
    const renamed = await call(owner, 'PATCH', `/api/projects/${project}/tags/${roof.json().id}`, {
      name: 'roofing',
    });
    assert.equal(renamed.json().name, 'roofing');
    assert.equal(
      (await call(owner, 'DELETE', `/api/projects/${project}/tags/${roof.json().id}`)).statusCode,
      204,
    );
    const foreignBulk = await call(stranger, 'POST', `/api/projects/${project}/photos/tags`, {
      photo_ids: [p1],
      add: ['x'],
    });
    assert.equal(foreignBulk.statusCode, 404);
    assert.equal((await call(stranger, 'POST', `/api/photos/${p1}/tags`, { names: ['x'] })).statusCode, 404);
  });

  test('share links: public by token only, for the shared photos only, until revoked', async () => {
    const project = await newProject(owner);
    const shared = (await upload(owner.headers, project, await jpeg())).json();
    const kept = (await upload(owner.headers, project, await jpeg())).json();
    await jobsDone(owner, project);
    const link = await call(owner, 'POST', '/api/photos/share', {
      photo_ids: [shared.id],
      expires_in_days: 2,
    });
    assert.equal(link.statusCode, 201, link.body);
    const { token, url, id } = link.json();
    assert.match(token, /^[A-Za-z0-9_-]{43}$/);
    assert.ok(url.endsWith(`/api/shared/photos/${token}`));
    const open = await app.inject({ method: 'GET', url: `/api/shared/photos/${token}` });
    assert.equal(open.statusCode, 200, open.body);
    assert.deepEqual(
      open.json().photos.map((p: { id: number }) => p.id),
      [shared.id],
    );
    assert.equal(open.json().photos[0].exif, undefined);
    const bytes = await app.inject({
      method: 'GET',
      url: `/api/shared/photos/${token}/${shared.id}/thumbnail?size=large`,
    });
    assert.equal(bytes.statusCode, 200);
    assert.equal(bytes.headers['content-type'], 'image/webp');
    const notShared = await app.inject({
      method: 'GET',
      url: `/api/shared/photos/${token}/${kept.id}/original`,
    });
    assert.equal(notShared.statusCode, 404);
    const guessed = await app.inject({ method: 'GET', url: `/api/shared/photos/${'A'.repeat(43)}` });
    assert.equal(guessed.statusCode, 404);
    assert.equal(
      (await call(stranger, 'POST', '/api/photos/share', { photo_ids: [kept.id] })).statusCode,
      404,
    );
    assert.equal((await call(stranger, 'DELETE', `/api/share-links/${id}`)).statusCode, 404);
    assert.equal((await call(owner, 'DELETE', `/api/share-links/${id}`)).statusCode, 204);
    const revoked = await app.inject({ method: 'GET', url: `/api/shared/photos/${token}` });
    assert.equal(revoked.statusCode, 404);
  });

  test('export as CSV and COCO JSON, with detections and tags', async () => {
    const project = await newProject(owner);
    await call(owner, 'POST', `/api/projects/${project}/detectors`, {
      name: 'off',
      kind: 'image_quality',
      is_active: false,
    });
    const photo = (await upload(owner.headers, project, await jpeg({ width: 400, height: 200 }))).json();
    await jobsDone(owner, project);
    await call(owner, 'POST', `/api/photos/${photo.id}/tags`, { names: ['=cmd|calc'] });
    await call(owner, 'POST', `/api/photos/${photo.id}/detections`, {
      detection_type: 'damage',
      results: {
        regions: [{ label: 'crack', box: { x: 0.25, y: 0.5, width: 0.5, height: 0.25 }, confidence: 0.7 }],
      },
      confidence: 0.7,
      processing_time_ms: 3,
      model_name: 'outside',
    });
    const csv = await call(owner, 'GET', `/api/projects/${project}/photos/export?format=csv`);
    assert.equal(csv.statusCode, 200);
    const lines = csv.body.trim().split('\n');
    assert.equal(lines.length, 2);
    assert.ok(lines[0]!.startsWith('photo_id,name,captured_at'));
    assert.ok(lines[1]!.includes(",'=cmd|calc,"), lines[1]);
    assert.ok(lines[1]!.includes(',crack,0.7,0.25,0.5,0.5,0.25'), lines[1]);
    const coco = await call(owner, 'GET', `/api/projects/${project}/photos/export?format=coco`);
    const doc = coco.json();
    assert.equal(doc.images[0].id, photo.id);
    assert.deepEqual(doc.categories, [{ id: 1, name: 'crack', supercategory: 'detection' }]);
    assert.deepEqual(doc.annotations[0].bbox, [100, 100, 200, 50]);
    assert.equal((await call(stranger, 'GET', `/api/projects/${project}/photos/export`)).statusCode, 404);
  });

  test('webhooks: photo uploaded and detection confirmed are delivered through the dispatcher', async () => {
    const project = await newProject(owner);
    const hook = await call(owner, 'POST', '/api/webhooks', {
      url: 'https://hooks.example.test/photos',
      project,
      actions: ['PHOTO_CREATED', 'DETECTION_REVIEWED'],
    });
    assert.equal(hook.statusCode, 201, hook.body);
    const photo = (await upload(owner.headers, project, await jpeg())).json();
    const d = await call(owner, 'POST', `/api/photos/${photo.id}/detections`, {
      detection_type: 'volume',
      results: { regions: [], volume: { value: 12.5, unit: 'm3' } },
      confidence: 0.8,
      processing_time_ms: 9,
      model_name: 'outside',
    });
    await call(owner, 'POST', `/api/detections/${d.json().id}/confirm`);
    const deliveries = (await call(owner, 'GET', `/api/webhooks/${hook.json().id}/deliveries`)).json();
    const actions = (deliveries.results ?? deliveries).map(
      (x: { action?: string; payload?: { action: string } }) => x.action ?? x.payload?.action,
    );
    assert.ok(actions.includes('PHOTO_CREATED'), JSON.stringify(actions));
    assert.ok(actions.includes('DETECTION_REVIEWED'), JSON.stringify(actions));
  });

  test('job roles: contractors upload and tag, adjusters review, both on projects they belong to', async () => {
    const project = await newProject(owner);
    const contractor = await signUp(app);
    const adjuster = await signUp(app);
    for (const [p, job] of [
      [contractor, 'contractor'],
      [adjuster, 'insurance_adjuster'],
    ] as const) {
      await inScope(ctx.database.db, { organizationId: owner.orgId, userId: owner.id }, (tx) =>
        tx
          .insertInto('organization_members')
          .values({ organization_id: owner.orgId, user_id: p.id, role: 'member' })
          .execute(),
      );
      const add = await call(owner, 'POST', `/api/projects/${project}/members`, {
        user_id: p.id,
        role: 'viewer',
      });
      assert.equal(add.statusCode, 201, add.body);
      // Viewers may not upload or review, until their job role says so.
      const asViewer = await upload(inOrg(p, owner.orgId), project, await jpeg());
      assert.equal(asViewer.statusCode, 403, asViewer.body);
      const set = await call(owner, 'PUT', `/api/organizations/${owner.orgId}/memberships/${p.id}/job-role`, {
        job_role: job,
      });
      assert.equal(set.statusCode, 200, set.body);
    }
    const up = await upload(inOrg(contractor, owner.orgId), project, await jpeg());
    assert.equal(up.statusCode, 201, up.body);
    const tag = await call(inOrg(contractor, owner.orgId), 'POST', `/api/photos/${up.json().id}/tags`, {
      names: ['gutter'],
    });
    assert.equal(tag.statusCode, 200, tag.body);
    assert.equal(
      (await call(inOrg(contractor, owner.orgId), 'GET', `/api/projects/${project}/review-queue`)).statusCode,
      403,
    );
    assert.equal((await upload(inOrg(adjuster, owner.orgId), project, await jpeg())).statusCode, 403);
    assert.equal(
      (await call(inOrg(adjuster, owner.orgId), 'GET', `/api/projects/${project}/review-queue`)).statusCode,
      200,
    );
    const badRole = await call(
      owner,
      'PUT',
      `/api/organizations/${owner.orgId}/memberships/${adjuster.id}/job-role`,
      {
        job_role: 'foreman',
      },
    );
    assert.equal(badRole.statusCode, 400);
    const notMine = await call(
      stranger,
      'PUT',
      `/api/organizations/${owner.orgId}/memberships/${adjuster.id}/job-role`,
      {
        job_role: null,
      },
    );
    assert.equal(notMine.statusCode, 404);
    // A job role never makes a project visible.
    const elsewhere = await newProject(owner);
    assert.equal((await upload(inOrg(contractor, owner.orgId), elsewhere, await jpeg())).statusCode, 404);
  });
});
