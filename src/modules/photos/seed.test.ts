// `groundtruth seed photos` builds the demo through the API and a second run adds nothing.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { sql } from 'kysely';
import { createTestApp } from '../../../test/app.ts';
import { forEachDatabase } from '../../../test/harness.ts';
import { signUp } from '../../../test/http-factories.ts';
import type { App } from '../../platform/http/app-types.ts';
import { seedPhotos, waitForPhotoJobs } from './seed.ts';

forEachDatabase('seed photos', (ctx) => {
  let app: App;
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'gt-seed-photos-'));
  before(async () => {
    app = await createTestApp(ctx.database, { DATA_DIR: dataDir });
    await app.ready();
    await app.jobs.start({ work: true });
    await signUp(app); // the instance's first account (administrator) is not a demo person
  });
  after(async () => {
    await app.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  test('people in all three job roles, processed geotagged photos, detections and tags; idempotent', async () => {
    const first = await seedPhotos(app, ctx.database, 'Demo-Seed-Pass1');
    assert.equal(first.photos.created, 12);
    assert.equal(first.password, 'Demo-Seed-Pass1');
    await waitForPhotoJobs(ctx.database, first.organizationId);
    const again = await seedPhotos(app, ctx.database, 'Demo-Seed-Pass1');
    assert.deepEqual(again.photos, { created: 0, existing: 12 });
    assert.equal(again.organizationId, first.organizationId);
    assert.deepEqual(again.projects, first.projects);
    assert.equal(again.password, null);
    const { rows } = await sql<{
      processed: number;
      dated: number;
      located: number;
      detections: number;
      ai: number;
      roles: string[];
    }>`
      SELECT (SELECT count(*)::int FROM photos WHERE organization_id = ${first.organizationId} AND status = 'processed') AS processed,
             (SELECT count(*)::int FROM photos WHERE organization_id = ${first.organizationId} AND captured_at IS NOT NULL) AS dated,
             (SELECT count(*)::int FROM photos WHERE organization_id = ${first.organizationId} AND latitude IS NOT NULL) AS located,
             (SELECT count(*)::int FROM detections WHERE organization_id = ${first.organizationId}) AS detections,
             (SELECT count(*)::int FROM photo_tags WHERE organization_id = ${first.organizationId} AND source = 'ai') AS ai,
             (SELECT array_agg(job_role ORDER BY job_role) FROM organization_members
               WHERE organization_id = ${first.organizationId} AND job_role IS NOT NULL) AS roles`.execute(
      ctx.database.db,
    );
    const r = rows[0]!;
    assert.equal(r.processed, 12);
    assert.equal(r.dated, 12);
    assert.equal(r.located, 12);
    assert.ok(r.detections >= 12, String(r.detections));
    assert.ok(r.ai > 0);
    assert.deepEqual(r.roles, ['contractor', 'insurance_adjuster', 'project_manager']);
  });
});
