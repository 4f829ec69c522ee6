// Photos in a real browser: upload several photos at once (tus, with progress), see their thumbnails, filter,
// open one with a detection drawn over it and confirm it, then work the review queue with the keyboard.
// Detections come from an outside model through the API (POST /api/photos/{id}/detections), as a model
// server would post them; the built-in image-quality detector also runs on every photo.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import sharp from 'sharp';
import { signUp } from '../http-factories.ts';
import { kind, missing, startWorld, type World } from './world.ts';

/** A noisy JPEG (sharp, not blurred, well exposed), different each time. */
async function jpeg(seed: number): Promise<Buffer> {
  const w = 320;
  const h = 240;
  const raw = Buffer.alloc(w * h * 3);
  let s = seed * 2654435761;
  for (let i = 0; i < raw.length; i++) {
    s = (s * 1103515245 + 12345) >>> 0;
    raw[i] = 40 + (s >>> 24) * 0.7;
  }
  return sharp(raw, { raw: { width: w, height: h, channels: 3 } })
    .jpeg({ quality: 85 })
    .toBuffer();
}

describe(`photos screens end to end [${kind}]`, { skip: missing ? `skipped: ${missing}` : false }, () => {
  let world: World;
  before(async () => {
    world = await startWorld();
  });
  after(async () => {
    await world?.close();
  });

  test('upload photos, see thumbnails, open one, confirm a detection, review with keys', async () => {
    const { app } = world;
    const owner = await signUp(app);
    const h = owner.headers;
    const created = await app.inject({
      method: 'POST',
      url: '/api/projects',
      headers: h,
      payload: { title: 'Roof inspection' },
    });
    assert.equal(created.statusCode, 201, created.body);
    const projectId = created.json().id as number;
    const modules = await app.inject({
      method: 'PUT',
      url: `/api/projects/${projectId}/modules`,
      headers: h,
      payload: { enabled: ['photos'] },
    });
    assert.equal(modules.statusCode, 200, modules.body);

    const { context, page } = await world.newContext();
    await world.signIn(page, owner);

    // The project page links to its photos; the gallery starts empty.
    await page.goto(`/projects/${projectId}`);
    await page.getByRole('link', { name: 'Photos', exact: true }).click();
    await page.getByRole('heading', { name: 'Photos · Roof inspection' }).waitFor();
    await page.getByText('No photos yet').waitFor();
    await world.snap(page, 'photos-01-empty');
    await world.accessible(page, 'photo gallery, empty');

    // Three photos at once through tus; each row reaches "Uploaded".
    const names = ['north-wall.jpg', 'south-wall.jpg', 'chimney.jpg'];
    const files = await Promise.all(
      names.map(async (name, i) => ({ name, mimeType: 'image/jpeg', buffer: await jpeg(i + 1) })),
    );
    await page.getByLabel('Choose photos').setInputFiles(files);
    await page.getByText('3 of 3 uploaded.').waitFor();
    assert.equal(await page.locator('.ph-progress li').filter({ hasText: 'Uploaded' }).count(), 3);
    for (const bar of await page.getByRole('progressbar').all())
      assert.equal(
        await bar.getAttribute('value'),
        await bar.getAttribute('max'),
        'each upload went to 100%',
      );

    // Thumbnails appear once the job has made them (the gallery polls while photos are processing).
    const thumbs = page.locator('.ph-thumb img');
    await world.until(
      page,
      "[...document.querySelectorAll('.ph-thumb img')].filter((i) => i.complete && i.naturalWidth > 0).length === 3",
      30_000,
    );
    assert.equal(await thumbs.count(), 3);
    await world.snap(page, 'photos-02-gallery');
    await world.accessible(page, 'photo gallery');

    const list = await app.inject({ method: 'GET', url: `/api/projects/${projectId}/photos`, headers: h });
    const photos = list.json().results as { id: number; name: string; status: string }[];
    assert.deepEqual(photos.map((p) => p.name).sort(), [...names].sort());
    assert.ok(photos.every((p) => p.status === 'processed'));
    const byName = new Map(photos.map((p) => [p.name, p.id]));

    // A model finds a crack on the north wall and rust on the chimney.
    const detect = async (photoId: number, label: string, confidence: number) => {
      const res = await app.inject({
        method: 'POST',
        url: `/api/photos/${photoId}/detections`,
        headers: h,
        payload: {
          detection_type: 'damage',
          model_name: 'e2e-damage',
          processing_time_ms: 12,
          confidence,
          results: { regions: [{ label, box: { x: 0.2, y: 0.3, width: 0.4, height: 0.25 }, confidence }] },
        },
      });
      assert.equal(res.statusCode, 201, res.body);
      return res.json().id as number;
    };
    const crack = await detect(byName.get('north-wall.jpg')!, 'crack', 0.42);
    const rust = await detect(byName.get('chimney.jpg')!, 'rust', 0.31);

    // Open the north wall: the box and its label are drawn over the image; confirm it.
    await page.getByRole('link', { name: 'Open north-wall.jpg' }).click();
    await page.getByRole('heading', { name: 'north-wall.jpg' }).waitFor();
    await page.locator('.ph-label', { hasText: 'crack 42%' }).waitFor();
    assert.equal((await page.locator('.ph-overlay rect').count()) >= 1, true, 'a box is drawn');
    await world.snap(page, 'photos-03-photo-with-detection');
    await world.accessible(page, 'photo view');
    const review = page.getByRole('form', { name: `Review detection ${crack}` });
    await review.getByRole('button', { name: 'Confirm' }).click();
    await page.locator('.ph-detection', { hasText: 'crack' }).locator('.state-confirmed').waitFor();
    const confirmed = await app.inject({ method: 'GET', url: `/api/detections/${crack}`, headers: h });
    assert.equal(confirmed.json().status, 'confirmed');
    // Confirming made "crack" an AI tag of the photo, shown in its tag list; add a tag of our own.
    await page.locator('.ph-tag-list', { hasText: 'crack' }).waitFor();
    await page.getByLabel('New tag').fill('north side');
    await page.getByRole('button', { name: 'Add tag' }).click();
    await page.locator('.ph-tag-list', { hasText: 'north side' }).waitFor();

    // The gallery filters by tag.
    await page.getByRole('link', { name: 'Photos' }).first().click();
    await page.getByRole('heading', { name: 'Photos · Roof inspection' }).waitFor();
    await page.getByLabel('Tag', { exact: true }).selectOption({ label: 'north side' });
    await world.until(page, "document.querySelectorAll('.ph-card').length === 1");
    assert.equal(
      await page
        .locator('.ph-card')
        .textContent()
        .then((t) => t?.includes('north-wall.jpg')),
      true,
    );
    await page.getByRole('button', { name: 'Clear filters' }).click();
    await world.until(page, "document.querySelectorAll('.ph-card').length === 3");

    // The review queue, by keyboard: the rust detection (lowest confidence of ours) is rejected with R.
    await page.getByRole('link', { name: 'Review queue' }).click();
    await page.getByRole('heading', { name: 'Review queue' }).waitFor();
    const heading = page.locator('#rq-h');
    await heading.waitFor();
    // Quality findings of the built-in detector may come first; skip to ours with N.
    for (let i = 0; i < 10 && !((await heading.textContent()) ?? '').includes('rust'); i++) {
      const before = (await heading.textContent()) ?? '';
      await page.keyboard.press('n');
      await world.until(page, `document.querySelector('#rq-h')?.textContent !== ${JSON.stringify(before)}`);
    }
    assert.match((await heading.textContent()) ?? '', /rust/);
    await world.snap(page, 'photos-04-review-queue');
    await world.accessible(page, 'review queue');
    await page.keyboard.press('r');
    await page.getByText(`Detection ${rust} rejected.`).waitFor({ state: 'attached' });
    const rejected = await app.inject({ method: 'GET', url: `/api/detections/${rust}`, headers: h });
    assert.equal(rejected.json().status, 'rejected');
    assert.equal(rejected.json().user_feedback.feedback, 'rejected in the review queue');

    // A file that is not a photo: its row shows the API's refusal, the others stay.
    await page.goto(`/projects/${projectId}/photos`);
    await page.getByLabel('Choose photos').setInputFiles({
      name: 'notes.jpg',
      mimeType: 'image/jpeg',
      buffer: Buffer.from('not a photo at all\n'),
    });
    await page
      .locator('.ph-progress li', { hasText: 'notes.jpg' })
      .getByText(/not a supported photo type/)
      .waitFor();
    await world.accessible(page, 'photo gallery with a failed upload');

    // Phone width: the gallery fits and stays accessible.
    await page.setViewportSize({ width: 375, height: 812 });
    await page.goto(`/projects/${projectId}/photos`);
    await page.getByRole('heading', { name: 'Photos · Roof inspection' }).waitFor();
    await world.until(page, "document.querySelectorAll('.ph-card').length === 3");
    await world.snap(page, 'photos-05-gallery-phone');
    await world.accessible(page, 'photo gallery at phone width');
    assert.ok((await world.overflow(page)) <= 0, 'the gallery does not scroll sideways at 375 px');
    await page.goto(`/photos/${byName.get('north-wall.jpg')}`);
    await page.locator('.ph-label', { hasText: 'crack' }).waitFor();
    await world.snap(page, 'photos-06-photo-phone');
    assert.ok((await world.overflow(page)) <= 0, 'the photo view does not scroll sideways at 375 px');

    // Another organization's photo is the API's 404, shown as its message.
    const stranger = await signUp(app);
    const strangerSide = await world.newContext();
    await world.signIn(strangerSide.page, stranger);
    await strangerSide.page.goto(`/photos/${byName.get('north-wall.jpg')}`);
    assert.match((await strangerSide.page.getByRole('alert').textContent()) ?? '', /not found/i);
    await strangerSide.context.close();
    await context.close();
    assert.deepEqual(world.problems, [], 'no console errors, page errors or CSP violations');
  });
});
