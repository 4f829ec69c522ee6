// End to end in a real browser: a project with a boundary, a flight and a GDAL-made GeoTIFF processed into a
// COG; the signed-in map draws its tile layer (tile requests answered 200 and the canvas shows the raster's
// colour), then the published project's public map does the same without login. Screenshots in artefacts/e2e.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { buildWeb } from '../../scripts/web-build.ts';
import { buildApp } from '../../src/app.ts';
import { loadConfig } from '../../src/config.ts';
import type { Database } from '../../src/db/database.ts';
import { multipart } from '../../src/modules/files/files.test-kit.ts';
import { rgbTiff } from '../../src/modules/geodata/gdal.test-kit.ts';
import type { App } from '../../src/platform/http/app-types.ts';
import { createTestDatabase, kinds } from '../harness.ts';
import { PASSWORD, type Person, signUp } from '../http-factories.ts';
import { browserMissing, launchChromium, WEBGL_ARGS } from './browser.ts';

const artefacts = path.resolve(import.meta.dirname, '../../artefacts/e2e');
const missing = browserMissing();
if (missing && process.env.CI) throw new Error(`e2e tests need Chromium in CI: ${missing}`);
const kind = kinds.includes('postgres') ? 'postgres' : 'pglite';
const COLOUR = [200, 30, 40];

describe(`map end to end [${kind}]`, { skip: missing ? `skipped: ${missing}` : false }, () => {
  let database: Database;
  let app: App;
  let browser: Browser;
  let base: string;
  let owner: Person;
  let projectId: number;

  const send = async (method: 'POST' | 'PUT', url: string, payload: object | undefined, status: number) => {
    const res = await app.inject({ method, url, headers: owner.headers, ...(payload && { payload }) });
    assert.equal(res.statusCode, status, `${url}: ${res.body}`);
    return res.json();
  };

  before(async () => {
    mkdirSync(artefacts, { recursive: true });
    assert.ok(await buildWeb({ ifStale: true, quiet: true }), 'the web UI could not be built');
    database = await createTestDatabase(kind);
    const config = loadConfig({ LOG_LEVEL: 'silent', SECRET_KEY: randomBytes(32).toString('hex') });
    app = await buildApp({ config, database });
    await app.jobs.start({ work: true });
    base = await app.listen({ port: 0, host: '127.0.0.1' });
    browser = await launchChromium(WEBGL_ARGS);
    await signUp(app);
    owner = await signUp(app);
    projectId = (await send('POST', '/api/projects', { title: 'Field 7', description: 'Maize' }, 201)).id;
    const ring = [
      [10, 50],
      [10.01, 50],
      [10.01, 50.01],
      [10, 50.01],
      [10, 50],
    ];
    await send(
      'PUT',
      `/api/projects/${projectId}/location`,
      { geometry: { type: 'Polygon', coordinates: [ring] } },
      200,
    );
    const flight = await send(
      'POST',
      `/api/projects/${projectId}/flights`,
      {
        acquisition_date: '2026-06-01',
        altitude: 40,
        side_overlap: 70,
        forward_overlap: 80,
        sensor: 'RGB',
        platform: 'M300',
        pilot_id: owner.id,
      },
      201,
    );
    const tiff = await rgbTiff({
      size: 128,
      epsg: 4326,
      bounds: [10, 50, 10.01, 50.01],
      rgb: COLOUR as never,
    });
    const body = await multipart([{ name: 'ortho.tif', bytes: tiff, type: 'image/tiff' }]);
    const file = await app.inject({
      method: 'POST',
      url: '/api/files',
      headers: { ...owner.headers, ...body.headers },
      payload: body.payload,
    });
    const product = await send(
      'POST',
      `/api/flights/${flight.id}/data-products`,
      { file_id: file.json().id, data_type: 'ortho' },
      202,
    );
    for (let i = 0; i < 600; i++) {
      const job = await app.inject({
        method: 'GET',
        url: `/api/jobs/${product.job_id}`,
        headers: owner.headers,
      });
      if (job.json().state === 'succeeded') break;
      assert.notEqual(job.json().state, 'failed', job.body);
      await new Promise((r) => setTimeout(r, 100));
    }
  });

  after(async () => {
    await browser?.close();
    await app?.close();
    await database?.close();
  });

  /** Pixels of the map canvas near the raster's colour (the canvas keeps its drawing buffer). */
  const colouredPixels = (page: Page) =>
    page.evaluate(`(() => {
      const c = document.querySelector('.maplibregl-canvas');
      if (!c) return 0;
      const t = document.createElement('canvas');
      t.width = c.width; t.height = c.height;
      const g = t.getContext('2d');
      g.drawImage(c, 0, 0);
      const d = g.getImageData(0, 0, t.width, t.height).data;
      let n = 0;
      for (let i = 0; i < d.length; i += 4)
        if (Math.abs(d[i] - ${COLOUR[0]}) < 8 && Math.abs(d[i + 1] - ${COLOUR[1]}) < 8 && Math.abs(d[i + 2] - ${COLOUR[2]}) < 8) n++;
      return n;
    })()`) as Promise<number>;

  async function tilesDrawn(page: Page, url: string, shot: string) {
    const tiles: number[] = [];
    page.on('console', (m) => m.type() === 'error' && console.log(`console: ${m.text()}`));
    page.on('pageerror', (e) => console.log(`page error: ${e.message}`));
    page.on('response', (r) => {
      if (/\/tiles\/\d+\/\d+\/\d+\.png/.test(r.url())) tiles.push(r.status());
    });
    await page.goto(url);
    await page.locator('.maplibregl-canvas').waitFor();
    let coloured = 0;
    for (let i = 0; i < 100 && coloured < 1000; i++) {
      await page.waitForTimeout(200);
      coloured = await colouredPixels(page);
    }
    await page.screenshot({ path: path.join(artefacts, `${shot}.png`), fullPage: true });
    assert.ok(tiles.length > 0, 'the map asked for tiles');
    assert.ok(
      tiles.every((s) => s === 200 || s === 304),
      `tile answers: ${tiles.join(',')}`,
    );
    assert.ok(coloured >= 1000, `the canvas shows the raster (${coloured} pixels of its colour)`);
  }

  test('the signed-in project map draws the data product as a tile layer', async () => {
    const context = await browser.newContext({ baseURL: base, viewport: { width: 1280, height: 860 } });
    context.setDefaultTimeout(20_000);
    const page = await context.newPage();
    await page.goto('/signin');
    await page.getByLabel('Email or username').fill(owner.email);
    await page.getByLabel('Password').fill(PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Projects' }).waitFor();
    await tilesDrawn(page, `/projects/${projectId}/map`, 'map');
    await page.getByRole('heading', { name: 'Field 7 · map' }).waitFor();
    await page.getByRole('button', { name: 'Publish' }).click();
    await page.getByRole('link', { name: 'public map' }).waitFor();
    await context.close();
  });

  test('the published project map draws without login', async () => {
    const context = await browser.newContext({ baseURL: base, viewport: { width: 1280, height: 860 } });
    context.setDefaultTimeout(20_000);
    const page = await context.newPage();
    await tilesDrawn(page, `/public/projects/${projectId}`, 'map-public');
    await page.getByRole('heading', { name: 'Field 7' }).waitFor();
    await context.close();
  });
});
