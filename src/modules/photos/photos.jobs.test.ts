// The photo jobs run twice (a worker killed mid-job, then the retry) and give the same result; and the indexes
// seed 004 asks for are the ones the planner uses for the queries the module runs (EXPLAIN).
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { sql } from 'kysely';
import { createTestApp } from '../../../test/app.ts';
import { forEachDatabase } from '../../../test/harness.ts';
import { type Person, signUp } from '../../../test/http-factories.ts';
import { loadConfig } from '../../config.ts';
import { inScope } from '../../db/scope.ts';
import { createBlobStore } from '../../platform/files/index.ts';
import type { App } from '../../platform/http/app-types.ts';
import { photoJobHandlers } from './photos.jobs.ts';
import { jpeg, photoForm } from './photos.test-kit.ts';

forEachDatabase('photo jobs and indexes', (ctx) => {
  let app: App;
  let owner: Person;
  let handlers: ReturnType<typeof photoJobHandlers>;
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'gt-photo-jobs-'));

  before(async () => {
    app = await createTestApp(ctx.database, { DATA_DIR: dataDir });
    await app.ready();
    await signUp(app);
    owner = await signUp(app);
    const config = loadConfig({ LOG_LEVEL: 'silent', DATA_DIR: dataDir });
    handlers = photoJobHandlers({
      database: ctx.database,
      config,
      blobs: createBlobStore(config),
      jobs: app.jobs,
      webhooks: app.webhooks,
    });
  });
  after(async () => {
    await app.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  const asOwner = <T>(fn: Parameters<typeof inScope<T>>[2]) =>
    inScope(ctx.database.db, { organizationId: owner.orgId, userId: owner.id }, fn);

  test('a retried process or detect job gives the same photo, thumbnails and detections', async () => {
    const project = await app.inject({
      method: 'POST',
      url: '/api/projects',
      headers: owner.headers,
      payload: { title: 'retries' },
    });
    const projectId = project.json().id;
    const form = await photoForm(
      await jpeg({
        texture: 'flat',
        capturedAt: new Date('2023-03-03T03:03:03Z'),
        latitude: 1,
        longitude: 2,
      }),
    );
    const res = await app.inject({
      method: 'POST',
      url: `/api/projects/${projectId}/photos`,
      headers: { ...owner.headers, ...form.headers },
      payload: form.payload,
    });
    const photoId = res.json().id as number;
    const job = {
      organizationId: owner.orgId,
      userId: owner.id,
      payload: { photoId },
      progress: async () => {},
    };
    await handlers.process(job);
    const first = await asOwner((tx) =>
      tx.selectFrom('photos').selectAll().where('id', '=', photoId).executeTakeFirstOrThrow(),
    );
    assert.equal(first.status, 'processed');
    // The worker died after making thumbnails but before its commit: the row is back to `processing`.
    await asOwner(async (tx) => {
      await tx
        .updateTable('photos')
        .set({
          status: 'processing',
          thumbnail_small_key: null,
          thumbnail_large_key: null,
          exif: null,
          captured_at: null,
        })
        .where('id', '=', photoId)
        .execute();
      await tx.deleteFrom('files').where('parent_file_id', '=', first.file_id).execute();
    });
    await handlers.process(job);
    await handlers.process(job); // and once more after it finished
    const again = await asOwner((tx) =>
      tx.selectFrom('photos').selectAll().where('id', '=', photoId).executeTakeFirstOrThrow(),
    );
    for (const k of [
      'status',
      'thumbnail_small_key',
      'thumbnail_large_key',
      'width',
      'height',
      'latitude',
      'longitude',
    ] as const)
      assert.deepEqual(again[k], first[k], k);
    assert.deepEqual(again.captured_at, first.captured_at);
    assert.deepEqual(again.exif, first.exif);
    const companions = await asOwner((tx) =>
      tx.selectFrom('files').select('storage_key').where('parent_file_id', '=', first.file_id).execute(),
    );
    assert.equal(companions.length, 2);

    await handlers.detect(job);
    await handlers.detect(job);
    const detections = await asOwner((tx) =>
      tx.selectFrom('detections').selectAll().where('photo_id', '=', photoId).execute(),
    );
    assert.equal(detections.length, 1, 'the retry does not record the detection twice');
    assert.equal(detections[0]!.detection_type, 'quality');
  });

  test('EXPLAIN: the review queue uses the partial index, listings and filters the composite indexes', async () => {
    const db = ctx.database.db;
    const orgId = owner.orgId;
    // 20 projects x 400 photos, 2 detections each, a quarter reviewed: enough rows for the planner to choose.
    await sql`
      WITH p AS (
        INSERT INTO projects (organization_id, title, slug)
        SELECT ${orgId}, 'explain ' || g, 'explain-' || g FROM generate_series(1, 20) g RETURNING id
      ), f AS (
        INSERT INTO files (organization_id, project_id, storage_key, original_name, mime_type, size_bytes, sha256, status)
        SELECT ${orgId}, p.id, 'k', 'x.jpg', 'image/jpeg', 1, repeat('a', 64), 'ready' FROM p
        RETURNING id, project_id
      ), ph AS (
        INSERT INTO photos (organization_id, project_id, file_id, storage_key, original_name, mime_type, size_bytes,
                            sha256, captured_at, latitude, longitude, status, created_at)
        SELECT ${orgId}, f.project_id, f.id, 'k', 'x.jpg', 'image/jpeg', 1,
               lpad(to_hex(f.project_id * 100000 + g), 64, '0'), now() - g * interval '1 hour',
               40 + (g % 100) / 100.0, -80 + (g % 97) / 100.0, 'processed', now() - g * interval '1 minute'
        FROM f, generate_series(1, 400) g
        RETURNING id, project_id
      )
      INSERT INTO detections (organization_id, project_id, photo_id, detection_type, model_name, results, confidence,
                              processing_time_ms, user_confirmed, reviewed_at)
      SELECT ${orgId}, ph.project_id, ph.id, (ARRAY['damage','material','volume'])[1 + (ph.id + k) % 3], 'm',
             '{"regions":[]}', ((ph.id * 7 + k) % 100) / 100.0, 10, (ph.id + k) % 4 = 0,
             CASE WHEN (ph.id + k) % 4 = 0 THEN now() END
      FROM ph, generate_series(1, 2) k`.execute(db);
    await sql`ANALYZE photos; ANALYZE detections; ANALYZE photo_tags`.execute(db);
    const { id: projectId } = await db
      .selectFrom('projects')
      .select('id')
      .where('slug', '=', 'explain-7')
      .executeTakeFirstOrThrow();
    const plan = async (query: string) => {
      const { rows } = await sql.raw<{ 'QUERY PLAN': string }>(`EXPLAIN ${query}`).execute(db);
      return rows.map((r) => r['QUERY PLAN']).join('\n');
    };
    const queue = await plan(
      `SELECT * FROM detections WHERE project_id = ${projectId} AND user_confirmed = false AND reviewed_at IS NULL
       ORDER BY confidence ASC NULLS FIRST, id LIMIT 50`,
    );
    assert.match(queue, /detections_unconfirmed_idx/, queue);
    const composite = await plan(
      `SELECT count(*) FROM detections WHERE project_id = ${projectId} AND detection_type = 'damage' AND user_confirmed = true`,
    );
    assert.match(composite, /detections_project_type_confirmed_idx/, composite);
    const byCreated = await plan(
      `SELECT * FROM photos WHERE project_id = ${projectId} AND deleted_at IS NULL ORDER BY created_at DESC, id DESC LIMIT 50`,
    );
    assert.match(byCreated, /photos_project_created_idx/, byCreated);
    const byCaptured = await plan(
      `SELECT * FROM photos WHERE project_id = ${projectId} AND deleted_at IS NULL
       ORDER BY captured_at DESC NULLS LAST, id DESC LIMIT 50`,
    );
    assert.match(byCaptured, /photos_project_captured_idx/, byCaptured);
    const byType = await plan(
      `SELECT 1 FROM detections d WHERE d.photo_id = 12345 AND d.detection_type = 'damage' AND d.confidence >= 0.5`,
    );
    assert.match(byType, /detections_photo_idx/, byType);
    const box = await plan(
      `SELECT id FROM photos WHERE project_id = ${projectId} AND deleted_at IS NULL
       AND latitude BETWEEN 40.1 AND 40.2 AND longitude BETWEEN -79.9 AND -79.8`,
    );
    assert.match(box, /photos_project_gps_idx/, box);
  });
});
