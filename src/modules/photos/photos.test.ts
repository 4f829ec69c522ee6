// Photos through HTTP with the jobs running: upload (multipart and tus), duplicates, EXIF and thumbnails, the
// bad-input rules (corrupt -> failed, too large -> 413, unsupported -> 415, another organization -> 404), and
// listing with filters and cursor paging.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { createTestApp } from '../../../test/app.ts';
import { forEachDatabase } from '../../../test/harness.ts';
import { type Person, signUp } from '../../../test/http-factories.ts';
import type { App } from '../../platform/http/app-types.ts';
import { jpeg, photoForm } from './photos.test-kit.ts';

const LIMIT = 4_000_000;

forEachDatabase('photos', (ctx) => {
  let app: App;
  let owner: Person;
  let stranger: Person;
  let projectId: number;
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'gt-photos-'));

  before(async () => {
    app = await createTestApp(ctx.database, { DATA_DIR: dataDir, PHOTO_MAX_BYTES: String(LIMIT) });
    await app.ready();
    await app.jobs.start({ work: true });
    await signUp(app);
    owner = await signUp(app);
    stranger = await signUp(app);
    projectId = await newProject(owner);
  });
  after(async () => {
    await app.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  async function newProject(person: Person) {
    const res = await app.inject({
      method: 'POST',
      url: '/api/projects',
      headers: person.headers,
      payload: { title: `site ${Math.random().toString(36).slice(2, 8)}` },
    });
    assert.equal(res.statusCode, 201, res.body);
    return res.json().id as number;
  }

  async function upload(person: Person, project: number, bytes: Buffer, name = 'site.jpg') {
    const form = await photoForm(bytes, name);
    return app.inject({
      method: 'POST',
      url: `/api/projects/${project}/photos`,
      headers: { ...person.headers, ...form.headers },
      payload: form.payload,
    });
  }

  /** Waits for the photo's jobs: processed or failed (the worker polls once a second). */
  async function settled(person: Person, id: number) {
    for (let i = 0; i < 120; i++) {
      const res = await app.inject({ method: 'GET', url: `/api/photos/${id}`, headers: person.headers });
      const photo = res.json();
      if (photo.status === 'processed' || photo.status === 'failed') return photo;
      await new Promise((r) => setTimeout(r, 250));
    }
    throw new Error(`photo ${id} was not processed`);
  }

  test('a JPEG becomes a photo with its EXIF capture time, GPS and two WebP thumbnails', async () => {
    const capturedAt = new Date('2024-05-06T07:08:09Z');
    const bytes = await jpeg({
      width: 1600,
      height: 1200,
      capturedAt,
      latitude: 40.44615,
      longitude: -79.98222,
      altitude: 253,
    });
    const res = await upload(owner, projectId, bytes, 'roof.jpg');
    assert.equal(res.statusCode, 201, res.body);
    const created = res.json();
    assert.equal(created.duplicate, false);
    assert.equal(created.mime_type, 'image/jpeg');
    assert.equal(created.size, bytes.length);
    const photo = await settled(owner, created.id);
    assert.equal(photo.status, 'processed', photo.error);
    assert.equal(photo.width, 1600);
    assert.equal(photo.height, 1200);
    assert.equal(photo.captured_at, capturedAt.toISOString());
    assert.ok(Math.abs(photo.latitude - 40.44615) < 1e-4, String(photo.latitude));
    assert.ok(Math.abs(photo.longitude + 79.98222) < 1e-4, String(photo.longitude));
    assert.ok(Math.abs(photo.altitude - 253) < 0.01);
    assert.equal(photo.exif.Make, 'Groundtruth');

    for (const [size, longSide] of [
      ['small', 256],
      ['large', 1280],
    ] as const) {
      const thumb = await app.inject({
        method: 'GET',
        url: `/api/photos/${photo.id}/thumbnail?size=${size}`,
        headers: owner.headers,
      });
      assert.equal(thumb.statusCode, 200);
      assert.equal(thumb.headers['content-type'], 'image/webp');
      assert.match(String(thumb.headers['cache-control']), /max-age/);
      const sharp = (await import('sharp')).default;
      const meta = await sharp(thumb.rawPayload).metadata();
      assert.equal(meta.format, 'webp');
      assert.equal(Math.max(meta.width!, meta.height!), longSide);
      const again = await app.inject({
        method: 'GET',
        url: `/api/photos/${photo.id}/thumbnail?size=${size}`,
        headers: { ...owner.headers, 'if-none-match': String(thumb.headers.etag) },
      });
      assert.equal(again.statusCode, 304);
    }
    const original = await app.inject({
      method: 'GET',
      url: `/api/photos/${photo.id}/original`,
      headers: owner.headers,
    });
    assert.equal(original.statusCode, 200);
    assert.deepEqual(original.rawPayload, bytes);
    assert.equal(original.headers.etag, `"${photo.sha256}"`);
  });

  test('the same bytes in the same project answer 200 with the existing photo; another project gets its own', async () => {
    const bytes = await jpeg({ seed: 7 });
    const first = await upload(owner, projectId, bytes);
    assert.equal(first.statusCode, 201, first.body);
    const second = await upload(owner, projectId, bytes, 'renamed.jpg');
    assert.equal(second.statusCode, 200, second.body);
    assert.equal(second.json().duplicate, true);
    assert.equal(second.json().id, first.json().id);
    const other = await upload(owner, await newProject(owner), bytes);
    assert.equal(other.statusCode, 201);
    assert.notEqual(other.json().id, first.json().id);
  });

  test('a truncated JPEG is stored, then marked failed with the reason; the worker goes on', async () => {
    const bytes = await jpeg({ width: 800, height: 600 });
    const res = await upload(owner, projectId, bytes.subarray(0, Math.floor(bytes.length / 2)));
    assert.equal(res.statusCode, 201, res.body);
    const photo = await settled(owner, res.json().id);
    assert.equal(photo.status, 'failed');
    assert.match(photo.error, /cannot be read/);
    const thumb = await app.inject({
      method: 'GET',
      url: `/api/photos/${photo.id}/thumbnail`,
      headers: owner.headers,
    });
    assert.equal(thumb.statusCode, 404);
    // The next photo is processed as usual.
    const next = await upload(owner, projectId, await jpeg());
    assert.equal((await settled(owner, next.json().id)).status, 'processed');
  });

  test('a photo over PHOTO_MAX_BYTES answers 413; a type that is not a photo answers 415', async () => {
    const big = Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), Buffer.alloc(LIMIT + 10, 1)]);
    const tooBig = await upload(owner, projectId, big);
    assert.equal(tooBig.statusCode, 413, tooBig.body);
    assert.equal(tooBig.json().error.code, 'payload_too_large');
    const pdf = await upload(owner, projectId, Buffer.from('%PDF-1.4\n1 0 obj\n<<>>\nendobj\n'), 'x.jpg');
    assert.equal(pdf.statusCode, 415, pdf.body);
    assert.match(pdf.json().error.message, /application\/pdf is not a supported photo type/);
    const text = await upload(owner, projectId, Buffer.from('just text'), 'x.jpg');
    assert.equal(text.statusCode, 415);
    const empty = await app.inject({
      method: 'POST',
      url: `/api/projects/${projectId}/photos`,
      headers: owner.headers,
      payload: { upload_id: 'nope' },
    });
    assert.equal(empty.statusCode, 404);
  });

  test('a finished tus upload becomes a photo by its upload id', async () => {
    const bytes = await jpeg({ seed: 99 });
    const tus = await app.inject({
      method: 'POST',
      url: '/api/uploads',
      headers: {
        ...owner.headers,
        'tus-resumable': '1.0.0',
        'upload-length': String(bytes.length),
        'upload-metadata': `filename ${Buffer.from('tus.jpg').toString('base64')}`,
        'content-type': 'application/offset+octet-stream',
      },
      payload: bytes,
    });
    assert.equal(tus.statusCode, 201, tus.body);
    const uploadId = String(tus.headers.location).split('/').pop()!;
    const res = await app.inject({
      method: 'POST',
      url: `/api/projects/${projectId}/photos`,
      headers: owner.headers,
      payload: { upload_id: uploadId },
    });
    assert.equal(res.statusCode, 201, res.body);
    assert.equal(res.json().name, 'tus.jpg');
    assert.equal((await settled(owner, res.json().id)).status, 'processed');
    const stranger404 = await app.inject({
      method: 'POST',
      url: `/api/projects/${await newProject(stranger)}/photos`,
      headers: stranger.headers,
      payload: { upload_id: uploadId },
    });
    assert.equal(stranger404.statusCode, 404);
  });

  test("another organization's photo, project and listing answer 404", async () => {
    const res = await upload(owner, projectId, await jpeg());
    const id = res.json().id;
    for (const url of [
      `/api/photos/${id}`,
      `/api/photos/${id}/original`,
      `/api/projects/${projectId}/photos`,
    ]) {
      const got = await app.inject({ method: 'GET', url, headers: stranger.headers });
      assert.equal(got.statusCode, 404, url);
    }
    const patched = await app.inject({
      method: 'PATCH',
      url: `/api/photos/${id}`,
      headers: stranger.headers,
      payload: { description: 'mine now' },
    });
    assert.equal(patched.statusCode, 404);
    assert.equal((await upload(stranger, projectId, await jpeg())).statusCode, 404);
  });

  test('listing filters by capture time and GPS box, sorts by captured_at, and pages by cursor', async () => {
    const project = await newProject(owner);
    const days = [1, 2, 3, 4, 5];
    const ids: number[] = [];
    for (const d of days) {
      const res = await upload(
        owner,
        project,
        await jpeg({
          capturedAt: new Date(Date.UTC(2024, 0, d, 12)),
          latitude: 40 + d / 10,
          longitude: -80 + d / 10,
        }),
      );
      ids.push(res.json().id);
    }
    for (const id of ids) assert.equal((await settled(owner, id)).status, 'processed');
    const list = async (query: string) => {
      const res = await app.inject({
        method: 'GET',
        url: `/api/projects/${project}/photos?${query}`,
        headers: owner.headers,
      });
      assert.equal(res.statusCode, 200, res.body);
      return res.json();
    };
    const byCapture = await list('sort=captured_at');
    assert.deepEqual(
      byCapture.results.map((p: { id: number }) => p.id),
      [...ids].reverse(),
    );
    const range = await list(
      'sort=captured_at&captured_from=2024-01-02T00:00:00Z&captured_to=2024-01-04T00:00:00Z',
    );
    assert.deepEqual(
      range.results.map((p: { id: number }) => p.id),
      [ids[2], ids[1]],
    );
    const box = await list('min_lat=40.25&max_lat=40.45&min_lon=-79.8&max_lon=-79.5');
    assert.deepEqual(box.results.map((p: { id: number }) => p.id).sort(), [ids[2], ids[3]].sort());
    const seen: number[] = [];
    let cursor: string | null = null;
    do {
      const page = await list(`sort=captured_at&limit=2${cursor ? `&cursor=${cursor}` : ''}`);
      assert.ok(page.results.length <= 2);
      seen.push(...page.results.map((p: { id: number }) => p.id));
      cursor = page.next_cursor;
    } while (cursor);
    assert.deepEqual(seen, [...ids].reverse());
    const half = await app.inject({
      method: 'GET',
      url: `/api/projects/${project}/photos?min_lat=1`,
      headers: owner.headers,
    });
    assert.equal(half.statusCode, 400);
    assert.match(half.json().error.message, /bounding box/);
    const badCursor = await app.inject({
      method: 'GET',
      url: `/api/projects/${project}/photos?cursor=abc`,
      headers: owner.headers,
    });
    assert.equal(badCursor.statusCode, 400);
  });

  test('edit and delete: the photo goes, with its thumbnails', async () => {
    const res = await upload(owner, projectId, await jpeg({ seed: 1234 }));
    const photo = await settled(owner, res.json().id);
    const patched = await app.inject({
      method: 'PATCH',
      url: `/api/photos/${photo.id}`,
      headers: owner.headers,
      payload: { description: 'north wall', latitude: 10 },
    });
    assert.equal(patched.statusCode, 400, patched.body);
    const ok = await app.inject({
      method: 'PATCH',
      url: `/api/photos/${photo.id}`,
      headers: owner.headers,
      payload: { description: 'north wall', latitude: 10, longitude: 20 },
    });
    assert.equal(ok.statusCode, 200, ok.body);
    assert.equal(ok.json().description, 'north wall');
    const del = await app.inject({
      method: 'DELETE',
      url: `/api/photos/${photo.id}`,
      headers: owner.headers,
    });
    assert.equal(del.statusCode, 204);
    const gone = await app.inject({ method: 'GET', url: `/api/photos/${photo.id}`, headers: owner.headers });
    assert.equal(gone.statusCode, 404);
  });
});
