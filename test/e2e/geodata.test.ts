// The geodata screens in a real browser: a flight created through the form (pilot from the project's members)
// and found by the sensor filter; a GDAL-made GeoTIFF uploaded on the flight's page, followed until its data
// product is ready, made public (its share link answers without login), then the project published (the STAC
// collection link answers) with a short link to the public map; the flight locked. The indoor extension
// granted on the extensions screen, an indoor project created, a CSV uploaded, parsed, and its rows browsed a
// page at a time. Disk usage refreshed. The annotation project's onboarding checklist ticked by hand.
// axe-core on each screen; screenshots geodata-*.png in artefacts/e2e.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { rgbTiff } from '../../src/modules/geodata/gdal.test-kit.ts';
import { signUp } from '../http-factories.ts';
import { kind, missing, startWorld, type World } from './world.ts';

describe(`geodata screens end to end [${kind}]`, { skip: missing ? `skipped: ${missing}` : false }, () => {
  let world: World;
  before(async () => {
    world = await startWorld();
  });
  after(async () => {
    await world?.close();
  });

  test('flight, GeoTIFF to a public data product, publishing, indoor rows, disk usage, onboarding', async () => {
    const { app } = world;
    await signUp(app); // the instance's first user (superuser); the owner below is an ordinary one
    const owner = await signUp(app);
    const created = await app.inject({
      method: 'POST',
      url: '/api/projects',
      headers: owner.headers,
      payload: { title: 'Field 9' },
    });
    assert.equal(created.statusCode, 201, created.body);
    const projectId = created.json().id as number;
    const modules = await app.inject({
      method: 'PUT',
      url: `/api/projects/${projectId}/modules`,
      headers: owner.headers,
      payload: { enabled: ['annotation', 'geodata'] },
    });
    assert.equal(modules.statusCode, 200, modules.body);

    const { context, page } = await world.newContext();
    await world.signIn(page, owner);

    // A flight through the form; the list's sensor filter finds it, and another sensor does not.
    await page.goto(`/projects/${projectId}/geodata`);
    await page.getByRole('heading', { name: 'Field 9 · geodata' }).waitFor();
    await page.getByRole('button', { name: 'New flight' }).click();
    await page.getByLabel('Name', { exact: true }).fill('North block');
    await page.getByLabel('Acquisition date').fill('2026-06-01');
    await page.getByLabel('Platform').fill('M300');
    await page.getByLabel('Sensor', { exact: true }).selectOption('Multispectral');
    assert.equal(
      await page.getByLabel('Pilot').locator('option:checked').textContent(),
      `Test Person (${owner.username})`,
      'the pilot is picked from the project members',
    );
    await page.getByRole('button', { name: 'Create flight' }).click();
    const flightLink = page.getByRole('link', { name: 'North block (2026-06-01)' });
    await flightLink.waitFor();
    await page.getByLabel('Sensor filter').selectOption('Thermal');
    await page.getByText('No flights match.').waitFor();
    await page.getByLabel('Sensor filter').selectOption('Multispectral');
    await flightLink.waitFor();
    await world.accessible(page, 'the geodata page');
    assert.ok((await world.overflow(page)) <= 0, 'the geodata page fits the window');
    await world.snap(page, 'geodata-flights');

    // A GeoTIFF on the flight's page becomes a ready data product, then a public one with a share link.
    await flightLink.click();
    await page.getByRole('heading', { name: 'Flight North block (2026-06-01)' }).waitFor();
    const tiff = await rgbTiff({ size: 64, epsg: 4326, bounds: [10, 50, 10.01, 50.01], rgb: [20, 160, 60] });
    await page
      .getByLabel('GeoTIFF file')
      .setInputFiles({ name: 'north.tif', mimeType: 'image/tiff', buffer: tiff });
    await page.getByRole('button', { name: 'Upload', exact: true }).click();
    await page.getByRole('cell', { name: /ortho north\.tif/ }).waitFor();
    await page.locator('.state-ready').waitFor({ timeout: 60_000 });
    await page.getByRole('link', { name: 'Download north.tif' }).waitFor();
    await page.getByRole('link', { name: 'Cloud-optimised GeoTIFF' }).waitFor();
    await page.getByLabel('Status filter').selectOption('failed');
    await page.getByText('No data products match').waitFor();
    await page.getByLabel('Status filter').selectOption('');
    await page.getByRole('checkbox', { name: 'Public' }).check();
    const share = page.getByRole('link', { name: 'Share link' });
    await share.waitFor();
    const shareUrl = (await share.getAttribute('href')) as string;
    const anonymous = await app.inject({ method: 'GET', url: shareUrl });
    assert.equal(anonymous.statusCode, 200, `the share link answers without login: ${anonymous.body}`);
    assert.equal(anonymous.json().original_name, 'north.tif');
    await world.accessible(page, 'the flight page');
    await world.snap(page, 'geodata-flight');

    // A second flight, deleted from its page (owners; the project is not published yet).
    const spare = await app.inject({
      method: 'POST',
      url: `/api/projects/${projectId}/flights`,
      headers: owner.headers,
      payload: {
        name: 'Spare',
        acquisition_date: '2026-06-02',
        altitude: 60,
        side_overlap: 60,
        forward_overlap: 70,
        sensor: 'RGB',
        platform: 'M300',
        pilot_id: owner.id,
      },
    });
    assert.equal(spare.statusCode, 201, spare.body);
    await page.goto(`/flights/${spare.json().id}`);
    page.once('dialog', (d) => void d.accept());
    await page.getByRole('button', { name: 'Delete flight' }).click();
    await page.getByRole('heading', { name: 'Field 9 · geodata' }).waitFor();
    await flightLink.waitFor();
    assert.equal(await page.getByRole('link', { name: 'Spare (2026-06-02)' }).count(), 0);
    const gone = await app.inject({
      method: 'GET',
      url: `/api/flights/${spare.json().id}`,
      headers: owner.headers,
    });
    assert.equal(gone.statusCode, 404);

    // Publishing: the STAC collection link and a short link to the public map.
    await page.getByRole('button', { name: 'Publish', exact: true }).click();
    const stac = page.getByRole('link', { name: 'STAC collection' });
    await stac.waitFor();
    const collection = await app.inject({ method: 'GET', url: (await stac.getAttribute('href')) as string });
    assert.equal(collection.statusCode, 200, collection.body);
    assert.equal(collection.json().type, 'Collection');
    await page.getByRole('button', { name: 'Short link to the public map' }).click();
    const short = page.locator('a[href^="/sl/"]');
    await short.waitFor();
    const followed = await app.inject({ method: 'GET', url: (await short.getAttribute('href')) as string });
    assert.equal(followed.statusCode, 303);
    assert.equal(followed.headers.location, `/public/projects/${projectId}`);
    await world.accessible(page, 'the published geodata page');
    await world.snap(page, 'geodata-published');

    // Locking the flight: the upload goes, and the API refuses changes.
    await flightLink.click();
    page.once('dialog', (d) => void d.accept());
    await page.getByRole('button', { name: 'Lock read-only' }).click();
    await page.getByText('This flight is locked: no new data products.').waitFor();
    assert.equal(await page.getByLabel('GeoTIFF file').count(), 0);

    // The indoor extension granted on the extensions screen, then an indoor project with a parsed CSV.
    await page.goto('/extensions');
    await page.getByText('You have no extensions').waitFor();
    await page.getByLabel('Extension', { exact: true }).selectOption({ label: 'indoor' });
    await page.getByLabel('To', { exact: true }).selectOption({ label: `Test Person (${owner.username})` });
    await page.getByRole('button', { name: 'Grant' }).click();
    await page.getByRole('cell', { name: 'indoor', exact: true }).waitFor();
    await page.getByText('yours', { exact: true }).waitFor();
    await page.getByLabel('Extension', { exact: true }).selectOption({ label: 'breedbase' });
    await page.getByRole('button', { name: 'Grant' }).click();
    await page.getByRole('cell', { name: 'breedbase', exact: true }).waitFor();
    await world.accessible(page, 'the extensions page');
    await world.snap(page, 'geodata-extensions');

    // With the breedbase extension, a Breedbase connection on the project (its secret never shown back).
    await page.goto(`/projects/${projectId}/geodata`);
    await page.getByRole('button', { name: 'Add a connection' }).click();
    await page.getByLabel('Breedbase URL').fill('https://breedbase.example.org');
    await page.getByLabel('Trial ids').fill('T1, T2');
    await page.getByLabel('Password or token').fill('s3cret-token');
    await page.getByRole('button', { name: 'Connect' }).click();
    await page.getByRole('cell', { name: 'https://breedbase.example.org' }).waitFor();
    await page.getByRole('cell', { name: 'T1, T2' }).waitFor();
    assert.equal(await page.getByText('s3cret-token').count(), 0);

    await page.goto('/indoor');
    await page.getByRole('button', { name: 'New indoor project' }).click();
    await page.getByLabel('Title', { exact: true }).fill('Growth chamber 2');
    await page.getByRole('button', { name: 'Create indoor project' }).click();
    await page.getByRole('heading', { name: 'Growth chamber 2' }).waitFor();
    const csv = [
      'plant,height_cm,treatment',
      ...Array.from({ length: 120 }, (_, i) => `P${i + 1},${i + 10},${i % 2 ? 'dry' : 'wet'}`),
    ].join('\n');
    await page.getByLabel('Spreadsheet or image').setInputFiles({
      name: 'heights.csv',
      mimeType: 'text/csv',
      buffer: Buffer.from(csv),
    });
    await page.getByRole('button', { name: 'Upload', exact: true }).click();
    await page.getByRole('button', { name: 'Browse rows of heights.csv' }).click({ timeout: 60_000 });
    await page.getByRole('heading', { name: 'Rows of heights.csv' }).waitFor();
    const rowsTable = page.getByRole('table', { name: 'Rows of heights.csv' });
    await rowsTable.getByRole('cell', { name: 'P1', exact: true }).waitFor();
    await page.getByText('Page 1 of 3 (120)').waitFor();
    await page.getByRole('button', { name: 'Next' }).click();
    await rowsTable.getByRole('cell', { name: 'P51', exact: true }).waitFor();
    await page.getByLabel('Sort by').selectOption('-height_cm');
    await rowsTable.getByRole('cell', { name: 'P120', exact: true }).waitFor();
    await page.getByLabel('Column', { exact: true }).selectOption('treatment');
    await page.getByLabel('Contains').fill('dry');
    await page.getByRole('button', { name: 'Filter rows' }).click();
    await page.getByText('Page 1 of 2 (60)').waitFor();
    await world.accessible(page, 'the indoor project page');
    await world.snap(page, 'geodata-indoor');

    // Disk usage: a snapshot taken on demand, its job followed, the owner's row listed.
    await page.goto('/disk-usage');
    await page.getByText('No snapshot taken yet.').waitFor();
    await page.getByRole('button', { name: 'Refresh now' }).click();
    await page.getByText(/Snapshot of .*organization: /).waitFor({ timeout: 30_000 });
    await page.getByRole('cell', { name: owner.email }).waitFor();
    await world.accessible(page, 'the disk usage page');

    // The onboarding checklist of the annotation project: a step ticked by hand, then every step.
    await page.goto(`/projects/${projectId}/labeling`);
    const summary = page.locator('.onboarding summary');
    await summary.waitFor();
    const before = (await summary.textContent()) ?? '';
    const doneBefore = Number(/(\d+) of 5/.exec(before)?.[1]);
    await page.getByRole('checkbox', { name: 'Invite collaborators' }).check();
    await page.getByText(`Getting started: ${doneBefore + 1} of 5 steps done`).waitFor();
    await world.accessible(page, 'the labeling screen with its checklist');
    await world.snap(page, 'geodata-onboarding');
    const state = await app.inject({
      method: 'GET',
      url: `/api/projects/${projectId}/onboarding`,
      headers: owner.headers,
    });
    assert.equal(state.json().steps.find((s: { code: string }) => s.code === 'IE').finished, true);
    await page.getByRole('button', { name: 'Mark every step done' }).click();
    await page.getByText('Getting started: 5 of 5 steps done').waitFor();

    await context.close();

    // At phone width the geodata, flight and rows screens fit (their tables scroll inside themselves).
    const phone = await world.newContext(390, 800);
    await world.signIn(phone.page, owner);
    for (const [url, heading] of [
      ['/indoor', 'Indoor projects'],
      [`/projects/${projectId}/geodata`, 'Field 9 · geodata'],
    ] as const) {
      await phone.page.goto(url);
      await phone.page.getByRole('heading', { name: heading }).waitFor();
      assert.ok((await world.overflow(phone.page)) <= 0, `${url} fits a phone`);
    }
    await phone.page.getByRole('link', { name: 'North block (2026-06-01)' }).click();
    await phone.page.getByRole('heading', { name: 'Flight North block (2026-06-01)' }).waitFor();
    assert.ok((await world.overflow(phone.page)) <= 0, 'the flight page fits a phone');
    await world.snap(phone.page, 'geodata-flight-phone');
    await phone.context.close();
    assert.deepEqual(world.problems, []);
  });
});
