// Photo collections end to end with the jobs running: tags (catalogue, one photo or a selection, filters),
// share links, CSV and COCO exports, webhooks, and what each job role may do.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { createTestApp } from '../../../test/app.ts';
import { forEachDatabase } from '../../../test/harness.ts';
import { inOrg, type Person, signUp } from '../../../test/http-factories.ts';
import { inScope } from '../../db/scope.ts';
import type { App } from '../../platform/http/app-types.ts';
import { jpeg, type PhotoCalls, photoCalls } from './photos.test-kit.ts';

forEachDatabase('photo tags, share links, exports, webhooks and job roles', (ctx) => {
  let app: App;
  let owner: Person;
  let stranger: Person;
  let call: PhotoCalls['call'];
  let newProject: PhotoCalls['newProject'];
  let upload: PhotoCalls['upload'];
  let jobsDone: PhotoCalls['jobsDone'];
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'gt-photo-collections-'));

  before(async () => {
    app = await createTestApp(ctx.database, { DATA_DIR: dataDir, WEBHOOK_ALLOW_PRIVATE: 'true' });
    await app.ready();
    ({ call, newProject, upload, jobsDone } = photoCalls(app));
    await app.jobs.start({ work: true });
    await signUp(app);
    owner = await signUp(app);
    stranger = await signUp(app);
  });
  after(async () => {
    await app.close();
    rmSync(dataDir, { recursive: true, force: true });
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
