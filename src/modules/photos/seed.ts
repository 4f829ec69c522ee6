// `groundtruth seed photos`: a demo organization with a project manager, a contractor and an insurance adjuster,
// two site projects, real JPEGs (made with sharp, EXIF capture time and GPS written in), their thumbnails and
// built-in quality detections (the jobs run here), damage/material/volume detections, confirmations (ai tags)
// and user tags. Everything goes through the API as people would do it. Idempotent: people log in if they
// exist, the organization and projects are found by slug, photos are the same bytes (duplicates), and
// detections and tags are only added to photos that were new.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { inScope } from '../../db/scope.ts';
import type { App } from '../../platform/http/app-types.ts';
import { jpeg, photoForm } from './demo-images.ts';

const ORG_SLUG = 'photos-demo';
const people = [
  { key: 'pm', username: 'demo_pm', job: 'project_manager', project: 'manager' },
  { key: 'contractor', username: 'demo_contractor', job: 'contractor', project: 'annotator' },
  { key: 'adjuster', username: 'demo_adjuster', job: 'insurance_adjuster', project: 'viewer' },
] as const;

const sites = [
  { slug: 'demo-riverside-warehouse', title: 'Riverside warehouse roof', lat: 40.4406, lon: -79.9959 },
  { slug: 'demo-hillcrest-school', title: 'Hillcrest school renovation', lat: 40.4862, lon: -80.0206 },
];

const findings = [
  { type: 'damage', label: 'crack', confidence: 0.91 },
  { type: 'damage', label: 'water damage', confidence: 0.47 },
  { type: 'material', label: 'concrete', confidence: 0.83 },
  { type: 'volume', label: 'debris pile', confidence: 0.66 },
] as const;

export interface SeedResult {
  organizationId: number;
  projects: number[];
  photos: { created: number; existing: number };
  /** Set when the demo people were created by this run (shown once). */
  password: string | null;
}

interface Database {
  db: Parameters<typeof inScope>[0];
}

export async function seedPhotos(app: App, database: Database, password?: string): Promise<SeedResult> {
  const pass = password ?? `Demo-${randomBytes(9).toString('base64url')}`;
  let created = false;
  const login = async (username: string) => {
    const email = `${username}@example.test`;
    const res = await app.inject({
      method: 'POST',
      url: '/api/auth/login',
      payload: { login: email, password: pass },
    });
    if (res.statusCode === 200) return res.json();
    const signup = await app.inject({
      method: 'POST',
      url: '/api/auth/signup',
      payload: {
        email,
        username,
        password: pass,
        first_name: 'Demo',
        last_name: username.replace('demo_', ''),
      },
    });
    if (signup.statusCode !== 201) {
      throw new Error(
        `${email} exists with another password (pass the one printed at the first run) or cannot sign up: ${signup.body}`,
      );
    }
    created = true;
    return signup.json();
  };
  const users: Record<string, { id: number; headers: Record<string, string> }> = {};
  for (const p of people) {
    const body = await login(p.username);
    users[p.key] = { id: body.user.id, headers: { authorization: `Bearer ${body.access_token}` } };
  }
  const pm = users.pm!;
  const orgs = await app.inject({ method: 'GET', url: '/api/organizations', headers: pm.headers });
  const list = (orgs.json().results ?? orgs.json()) as { id: number; slug: string }[];
  let orgId = list.find((o) => o.slug === ORG_SLUG)?.id;
  if (!orgId) {
    const res = await app.inject({
      method: 'POST',
      url: '/api/organizations',
      headers: pm.headers,
      payload: { name: 'Photos demo construction', slug: ORG_SLUG },
    });
    assert.equal(res.statusCode, 201, res.body);
    orgId = res.json().id as number;
  }
  const inOrg = (h: Record<string, string>) => ({ ...h, 'x-organization-id': String(orgId) });
  for (const p of people) {
    await inScope(database.db, { organizationId: orgId, userId: pm.id }, (tx) =>
      tx
        .insertInto('organization_members')
        .values({ organization_id: orgId, user_id: users[p.key]!.id, role: 'member' })
        .onConflict((oc) => oc.columns(['organization_id', 'user_id']).doNothing())
        .execute(),
    );
    const setRole: { statusCode: number; body: string } = await app.inject({
      method: 'PUT',
      url: `/api/organizations/${orgId}/memberships/${users[p.key]!.id}/job-role`,
      headers: pm.headers,
      payload: { job_role: p.job },
    });
    assert.equal(setRole.statusCode, 200, setRole.body);
  }

  const projects: number[] = [];
  const newPhotos: { id: number; project: number; site: number; index: number }[] = [];
  let existing = 0;
  for (const [s, site] of sites.entries()) {
    let projectId = await inScope(database.db, { organizationId: orgId, userId: pm.id }, (tx) =>
      tx.selectFrom('projects').select('id').where('slug', '=', site.slug).executeTakeFirst(),
    ).then((r) => r?.id);
    if (!projectId) {
      const res = await app.inject({
        method: 'POST',
        url: '/api/projects',
        headers: inOrg(pm.headers),
        payload: {
          title: site.title,
          slug: site.slug,
          description: 'Demo site photos (groundtruth seed photos)',
        },
      });
      assert.equal(res.statusCode, 201, res.body);
      projectId = res.json().id as number;
    }
    projects.push(projectId);
    for (const p of people.filter((x) => x.key !== 'pm')) {
      await app.inject({
        method: 'POST',
        url: `/api/projects/${projectId}/members`,
        headers: inOrg(pm.headers),
        payload: { user_id: users[p.key]!.id, role: p.project },
      }); // 409 when already a member
    }
    for (let i = 0; i < 6; i++) {
      const bytes = await jpeg({
        width: 1600,
        height: 1200,
        seed: 1000 * (s + 1) + i,
        texture: i === 5 ? 'flat' : 'noise', // one blurry shot for the quality detector
        brightness: i === 4 ? 40 : 128, // one underexposed
        capturedAt: new Date(Date.UTC(2024, 4, 6 + i, 8 + i, 15)),
        latitude: site.lat + i * 0.0004,
        longitude: site.lon + i * 0.0003,
        altitude: 240 + i,
      });
      const form = await photoForm(bytes, `${site.slug}-${i + 1}.jpg`);
      const res = await app.inject({
        method: 'POST',
        url: `/api/projects/${projectId}/photos`,
        headers: { ...inOrg(users.contractor!.headers), ...form.headers },
        payload: form.payload,
      });
      assert.ok(res.statusCode === 201 || res.statusCode === 200, res.body);
      if (res.json().duplicate) existing++;
      else newPhotos.push({ id: res.json().id, project: projectId, site: s, index: i });
    }
  }

  for (const photo of newPhotos) {
    const f = findings[(photo.index + photo.site) % findings.length]!;
    const x = 0.1 + 0.1 * (photo.index % 4);
    const d = await app.inject({
      method: 'POST',
      url: `/api/photos/${photo.id}/detections`,
      headers: inOrg(users.adjuster!.headers),
      payload: {
        detection_type: f.type,
        results: {
          regions: [
            { label: f.label, box: { x, y: 0.2, width: 0.3, height: 0.25 }, confidence: f.confidence },
          ],
          ...(f.type === 'volume' && { volume: { value: 3.5 + photo.index, unit: 'm3' } }),
        },
        confidence: f.confidence,
        processing_time_ms: 180 + photo.index * 7,
        model_name: 'demo-seed-annotations',
        model_version: '1',
      },
    });
    assert.equal(d.statusCode, 201, d.body);
    if (f.confidence > 0.8) {
      const ok = await app.inject({
        method: 'POST',
        url: `/api/detections/${d.json().id}/confirm`,
        headers: inOrg(users.adjuster!.headers),
      });
      assert.equal(ok.statusCode, 200, ok.body);
    }
    const tag = await app.inject({
      method: 'POST',
      url: `/api/photos/${photo.id}/tags`,
      headers: inOrg(users.contractor!.headers),
      payload: { names: [photo.index < 3 ? 'north elevation' : 'south elevation'] },
    });
    assert.equal(tag.statusCode, 200, tag.body);
  }
  return {
    organizationId: orgId,
    projects,
    photos: { created: newPhotos.length, existing },
    password: created ? pass : null,
  };
}

/** Waits until the seeded photos' jobs are done (the CLI runs the worker in-process). */
export async function waitForPhotoJobs(database: Database, organizationId: number, timeoutMs = 120_000) {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const open = await inScope(database.db, { organizationId, userId: null }, (tx) =>
      tx
        .selectFrom('jobs')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('kind', 'in', ['photos.process', 'photos.detect'])
        .where('state', 'in', ['queued', 'running'])
        .executeTakeFirstOrThrow(),
    );
    if (Number(open.n) === 0) return;
    if (Date.now() > until) throw new Error(`${open.n} photo jobs still running after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 500));
  }
}
