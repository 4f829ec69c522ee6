// Rooms in a real browser: create a room, upload a CSV to it, ask a question, see the bot's answer arrive live
// with its table and a Vega-Lite chart drawn (an svg), pin it to the dashboard, move the panel (the layout is
// saved through the API), and open the read-only shared dashboard without an account.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { signUp } from '../http-factories.ts';
import { kind, missing, startWorld, type World } from './world.ts';

const CSV =
  'region,amount,day\nnorth,10,2024-01-01\nsouth,20,2024-01-02\nnorth,5,2024-01-02\neast,7,2024-01-03\n';

describe(`rooms screens end to end [${kind}]`, { skip: missing ? `skipped: ${missing}` : false }, () => {
  let world: World;
  before(async () => {
    world = await startWorld();
  });
  after(async () => {
    await world?.close();
  });

  test('create a room, upload a CSV, ask, see the chart, pin it, share the dashboard', async () => {
    const { app } = world;
    const owner = await signUp(app);
    const h = owner.headers;
    const { context, page } = await world.newContext();
    await world.signIn(page, owner);

    // Rooms: empty, then a new chat room; its share link is shown once.
    await page.getByRole('link', { name: 'Rooms', exact: true }).click();
    await page.getByRole('heading', { name: 'Rooms', exact: true }).waitFor();
    await page.getByText('No rooms yet').waitFor();
    await world.snap(page, 'rooms-01-empty');
    await world.accessible(page, 'rooms, empty');
    await page.getByLabel('Room name').fill('Sales 2024');
    await page.getByRole('button', { name: 'Create room' }).click();
    const shareUrl = await page.getByLabel(/Read-only link/).inputValue();
    assert.match(shareUrl, /\/shared\/rooms\/[A-Za-z0-9_-]{20,}$/);
    await page.getByRole('link', { name: 'Sales 2024' }).waitFor();
    await world.accessible(page, 'rooms');
    await page.getByRole('link', { name: 'Open it' }).click();
    await page.getByRole('heading', { name: 'Sales 2024' }).waitFor();
    const roomId = Number(/\/rooms\/(\d+)$/.exec(page.url())?.[1]);
    assert.ok(roomId > 0);
    await page.getByRole('status').filter({ hasText: 'Live' }).waitFor();

    // A CSV into the room.
    await page
      .getByLabel('Data file (CSV, TSV, Parquet, JSON)')
      .setInputFiles({ name: 'sales.csv', mimeType: 'text/csv', buffer: Buffer.from(CSV) });
    await page.getByRole('button', { name: 'Add file' }).click();
    await page.getByText('sales.csv').waitFor();
    const files = await app.inject({ method: 'GET', url: `/api/rooms/${roomId}/files`, headers: h });
    assert.deepEqual(
      (files.json() as { name: string }[]).map((f) => f.name),
      ['sales.csv'],
    );

    // Ask; the answer arrives over the WebSocket with a table and a chart drawn by vega.
    await page.getByRole('textbox', { name: 'Question' }).fill('average amount by region');
    await page.getByRole('button', { name: 'Ask' }).click();
    const answer = page.getByRole('listitem', { name: 'Answer' }).last();
    await answer.waitFor();
    await answer.locator('.rm-chart-box[data-ready] svg').waitFor();
    assert.ok(
      (await answer.locator('.rm-chart-box svg .mark-rect path, .rm-chart-box svg path').count()) > 0,
    );
    const table = answer.getByRole('table');
    assert.match((await table.textContent()) ?? '', /south.*20/s);
    await world.snap(page, 'rooms-02-chat-chart');
    await world.accessible(page, 'room chat');

    // Pin the answer to the dashboard.
    await answer.getByRole('button', { name: 'Pin to dashboard' }).click();
    await answer.getByRole('button', { name: 'Pinned to the dashboard' }).waitFor();
    await page.getByRole('link', { name: 'Dashboard', exact: true }).click();
    await page.getByRole('heading', { name: 'Dashboard', exact: true }).waitFor();
    const panel = page.locator('.rm-panel').first();
    await panel.locator('.rm-chart-box[data-ready] svg').waitFor();
    const panels = await app.inject({ method: 'GET', url: `/api/rooms/${roomId}/panels`, headers: h });
    const pinned = panels.json().results[0] as { id: number; layout: { x: number; w: number } };
    assert.equal(pinned.layout.x, 0);

    // Move it right and widen it from the keyboard; the layout is saved.
    await panel.locator('.rm-handle').focus();
    const saved = page.waitForResponse(
      (r) => r.url().endsWith(`/panels/${pinned.id}`) && r.request().method() === 'PATCH',
    );
    await page.keyboard.press('ArrowRight');
    assert.equal((await saved).status(), 200);
    const widened = page.waitForResponse(
      (r) => r.url().endsWith(`/panels/${pinned.id}`) && r.request().method() === 'PATCH',
    );
    await page.keyboard.press('Shift+ArrowRight');
    assert.equal((await widened).status(), 200);
    const moved = await app.inject({
      method: 'GET',
      url: `/api/rooms/${roomId}/panels/${pinned.id}`,
      headers: h,
    });
    assert.deepEqual(
      { x: moved.json().layout.x, w: moved.json().layout.w },
      { x: 1, w: pinned.layout.w + 1 },
    );

    // Drag it with the mouse by its title bar: it lands further right.
    const head = panel.locator('.rm-handle');
    const box = await head.boundingBox();
    assert.ok(box);
    const dragged = page.waitForResponse(
      (r) => r.url().endsWith(`/panels/${pinned.id}`) && r.request().method() === 'PATCH',
    );
    await page.mouse.move(box.x + 20, box.y + box.height / 2);
    await page.mouse.down();
    await page.mouse.move(box.x + 120, box.y + box.height / 2, { steps: 8 });
    await page.mouse.move(box.x + 220, box.y + box.height / 2, { steps: 8 });
    await page.mouse.up();
    assert.equal((await dragged).status(), 200);
    const afterDrag = await app.inject({
      method: 'GET',
      url: `/api/rooms/${roomId}/panels/${pinned.id}`,
      headers: h,
    });
    assert.ok(afterDrag.json().layout.x > 1, `dragged to x=${afterDrag.json().layout.x}`);
    await world.snap(page, 'rooms-03-dashboard');
    await world.accessible(page, 'room dashboard');

    // Phone width: the chat fits.
    await page.setViewportSize({ width: 375, height: 812 });
    await page.getByRole('link', { name: 'Chat', exact: true }).click();
    await page.getByRole('listitem', { name: 'Answer' }).last().locator('.rm-chart-box svg').waitFor();
    await world.snap(page, 'rooms-04-chat-phone');
    await world.accessible(page, 'room chat at phone width');
    assert.ok((await world.overflow(page)) <= 0, 'the chat does not scroll sideways at 375 px');
    await context.close();

    // Anyone with the link sees the dashboard read-only, without signing in.
    const visitor = await world.newContext();
    await visitor.page.goto(new URL(shareUrl).pathname);
    await visitor.page.getByRole('heading', { name: 'Sales 2024' }).waitFor();
    await visitor.page.locator('.rm-panel .rm-chart-box[data-ready] svg').first().waitFor();
    // The chart is drawn at the panel's size (vega follows its container).
    const drawn = (await visitor.page.evaluate(
      "document.querySelector('.rm-panel .rm-chart-box svg')?.getBoundingClientRect().height ?? 0",
    )) as number;
    assert.ok(drawn > 100, `the shared panel's chart is ${drawn}px tall`);
    assert.equal(await visitor.page.locator('.rm-handle').count(), 0, 'the shared view cannot move panels');
    await world.snap(visitor.page, 'rooms-05-shared-dashboard');
    await world.accessible(visitor.page, 'shared dashboard');
    // A wrong token is the API's 404, shown as its message.
    await visitor.page.goto('/shared/rooms/not-a-real-token-not-a-real-token');
    assert.match(
      (await visitor.page.getByRole('alert').textContent()) ?? '',
      /no shared room has this token/,
    );
    await visitor.context.close();
    assert.deepEqual(world.problems, [], 'no console errors, page errors or CSP violations');
  });
});
