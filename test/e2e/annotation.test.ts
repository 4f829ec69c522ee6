// End to end in a real browser: a person signs up, creates an annotation project, writes its label config
// (the API's validation message shown, a live preview), imports tasks from a dropped file, filters the data
// manager and saves a view, deletes a task with a selection action, labels a task in the embedded Label
// Studio frontend (chooses a label and submits: the annotation is then read back from the database), and
// downloads an export. Screenshots go to artefacts/e2e; axe-core checks each page (the Label Studio
// frontend's own markup excluded: it is a third-party widget we embed, not our page).
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { buildWeb } from '../../scripts/web-build.ts';
import { buildApp } from '../../src/app.ts';
import { loadConfig } from '../../src/config.ts';
import type { Database } from '../../src/db/database.ts';
import type { App } from '../../src/platform/http/app-types.ts';
import { unique } from '../factories.ts';
import { createTestDatabase, kinds } from '../harness.ts';
import { PASSWORD } from '../http-factories.ts';
import { type AxeViolation, browserMissing, launchChromium } from './browser.ts';

const artefacts = path.resolve(import.meta.dirname, '../../artefacts/e2e');
const missing = browserMissing();
if (missing && process.env.CI) throw new Error(`e2e tests need Chromium in CI: ${missing}`);
const kind = kinds.includes('postgres') ? 'postgres' : 'pglite';
const axeSource = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

const tasks = [
  { text: 'The survey flight over the north field went well.' },
  { text: 'Second flight: the drone lost GPS twice.' },
  { text: 'Third flight was cancelled because of wind.' },
  { text: 'A duplicate row to delete.' },
];

describe(`annotation UI end to end [${kind}]`, { skip: missing ? `skipped: ${missing}` : false }, () => {
  let database: Database;
  let app: App;
  let browser: Browser;
  let base: string;
  const problems: string[] = [];

  before(async () => {
    mkdirSync(artefacts, { recursive: true });
    assert.ok(await buildWeb({ ifStale: true, quiet: true }), 'the web UI could not be built');
    database = await createTestDatabase(kind);
    const config = loadConfig({ LOG_LEVEL: 'silent', SECRET_KEY: randomBytes(32).toString('hex') });
    app = await buildApp({ config, database });
    base = await app.listen({ port: 0, host: '127.0.0.1' });
    browser = await launchChromium();
  });

  after(async () => {
    await browser?.close();
    await app?.close();
    await database?.close();
  });

  async function newContext(width = 1280, height = 900): Promise<{ context: BrowserContext; page: Page }> {
    const context = await browser.newContext({
      baseURL: base,
      viewport: { width, height },
      acceptDownloads: true,
    });
    context.setDefaultTimeout(20_000);
    const page = await context.newPage();
    page.on('console', (msg) => {
      if (msg.type() === 'error' && !/status of 4\d\d/.test(msg.text()))
        problems.push(`console: ${msg.text()}`);
    });
    page.on('pageerror', (err) => problems.push(`page error: ${err.message}`));
    return { context, page };
  }

  const snap = (page: Page, name: string) =>
    page.screenshot({ path: path.join(artefacts, `${name}.png`), fullPage: true });

  async function accessible(page: Page, name: string): Promise<void> {
    await page.evaluate(axeSource);
    const violations = (await page.evaluate(`axe
      .run({ exclude: [['.lsf-root']] }, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] } })
      .then((r) => r.violations.map((v) => ({
        id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.map((n) => ({ target: n.target })),
      })))`)) as AxeViolation[];
    const serious = violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
    assert.deepEqual(
      serious.map(
        (v) => `${v.id} (${v.impact}): ${v.help} at ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`,
      ),
      [],
      `axe found serious violations on ${name}`,
    );
  }

  const sideways = (page: Page) =>
    page.evaluate('document.documentElement.scrollWidth - window.innerWidth') as Promise<number>;

  test('sign up, set up labels, import, filter, label a task in Label Studio, export', async () => {
    const username = unique('lena');
    const { page } = await newContext();
    try {
      await flow(page, username);
    } catch (err) {
      // What the page showed when it failed, and what the browser said.
      await snap(page, 'ann-failure').catch(() => {});
      throw new Error(`${(err as Error).message}\nbrowser: ${problems.join('\n') || 'no errors'}`, {
        cause: err,
      });
    }
    assert.deepEqual(problems, [], 'no console errors or page errors');
  });

  async function flow(page: Page, username: string): Promise<void> {
    // Sign up and create a project with the annotation module.
    await page.goto('/signup');
    await page.getByLabel('Email').fill(`${username.toLowerCase()}@example.test`);
    await page.getByLabel('Username').fill(username);
    await page.getByLabel('Password').fill(PASSWORD);
    await page.getByRole('button', { name: 'Create account' }).click();
    await page.getByRole('heading', { name: 'Projects' }).waitFor();
    await page.getByRole('button', { name: 'New project' }).click();
    await page.getByRole('form', { name: 'New project' }).getByLabel('Title').fill('Flight notes');
    await page.getByRole('button', { name: 'Create project' }).click();
    await page.getByRole('heading', { name: 'Flight notes' }).waitFor();
    const projectId = Number(/\/projects\/(\d+)$/.exec(page.url())?.[1]);
    assert.ok(projectId > 0);
    await page.getByRole('link', { name: 'Labeling' }).click();
    await page.getByRole('button', { name: 'Enable labeling' }).click();
    await page.getByRole('navigation', { name: 'Labeling' }).waitFor();

    // The data manager's empty state.
    await page.getByText('No tasks yet').waitFor();
    await snap(page, 'ann-01-data-empty');
    await accessible(page, 'empty data manager');

    // Setup: a broken config shows the API's message; a template validates and previews.
    await page.getByRole('navigation', { name: 'Labeling' }).getByRole('link', { name: 'Setup' }).click();
    const editor = page.getByLabel('Label config (XML)');
    await editor.fill('<View><Choices name="c" toName="missing"><Choice value="A"/></Choices></View>');
    const refusal = await page.getByRole('alert').first().textContent();
    assert.match(refusal ?? '', /missing/, 'the API names the unknown toName');
    await snap(page, 'ann-02-setup-error');
    await page.getByRole('button', { name: 'Text classification' }).click();
    await page.getByText('The config is valid.').waitFor();
    await page.locator('.ann-preview .lsf-root').getByText('Positive').first().waitFor();
    await page.getByRole('button', { name: 'Save label config' }).click();
    await page.getByText('Label config saved.').waitFor();
    await page.getByLabel('Allow skipping tasks').check();
    await page.getByRole('button', { name: 'Save labeling settings' }).click();
    await page.getByText('Settings saved.').waitFor();
    await snap(page, 'ann-03-setup');
    await accessible(page, 'setup');

    // Import: a file whose tasks do not fit the config is refused with the API's message; then a good one.
    await page.getByRole('navigation', { name: 'Labeling' }).getByRole('link', { name: 'Import' }).click();
    const fileInput = page.locator('input[type=file]');
    await fileInput.setInputFiles({
      name: 'wrong.json',
      mimeType: 'application/json',
      buffer: Buffer.from(JSON.stringify([{ image: 'a.jpg' }])),
    });
    await page.getByRole('button', { name: 'Import 1 file' }).click();
    const importError = await page.getByRole('alert').textContent();
    assert.ok(importError && importError.length > 10, 'a refused import shows the API message');
    await fileInput.setInputFiles({
      name: 'flights.json',
      mimeType: 'application/json',
      buffer: Buffer.from(JSON.stringify(tasks)),
    });
    await page.getByRole('button', { name: 'Import 1 file' }).click();
    await page.getByText('Imported 4 tasks').waitFor();
    await snap(page, 'ann-04-import');
    await accessible(page, 'import');

    // Data manager: four rows; a filter narrows them; the filter saved as a view opens again.
    await page.getByRole('link', { name: 'See the data' }).click();
    await page.locator('.dm-count').getByText('4 tasks', { exact: true }).waitFor();
    assert.equal(await page.locator('tbody tr[data-task]').count(), 4);
    await page.getByRole('button', { name: 'Add filter' }).click();
    await page.getByLabel('Filter 1 column').selectOption('data.text');
    await page.getByLabel('Filter 1 operator').selectOption('contains');
    await page.getByLabel('Filter 1 value').fill('flight');
    await page.locator('.dm-count').getByText('3 tasks match', { exact: true }).waitFor();
    await page.getByRole('button', { name: 'New view from these filters' }).click();
    await page.getByLabel('View name').fill('Flights');
    await page.getByRole('button', { name: 'Save as new view' }).click();
    await page.getByRole('tab', { name: 'Flights', selected: true }).waitFor();
    await page.getByRole('tab', { name: 'All tasks' }).click();
    await page.locator('.dm-count').getByText('4 tasks', { exact: true }).waitFor();
    await page.getByRole('tab', { name: 'Flights' }).click();
    await page.locator('.dm-count').getByText('3 tasks match', { exact: true }).waitFor();
    assert.equal(await page.getByLabel('Filter 1 value').inputValue(), 'flight');
    await snap(page, 'ann-05-data-view');
    await accessible(page, 'data manager with a view');

    // A selection action: delete the duplicate row.
    await page.getByRole('tab', { name: 'All tasks' }).click();
    await page.locator('.dm-count').getByText('4 tasks', { exact: true }).waitFor();
    const rows = await database.db
      .selectFrom('tasks')
      .select(['id', 'data'])
      .where('project_id', '=', projectId)
      .execute();
    const duplicate = rows.find((r) => String((r.data as { text?: string }).text).startsWith('A duplicate'));
    assert.ok(duplicate, 'the imported tasks are in the database');
    await page.getByLabel(`Select task ${duplicate.id}`).check();
    await page.getByText('1 selected').waitFor();
    await page.getByLabel('Action').selectOption('delete_tasks');
    page.once('dialog', (d) => void d.accept());
    await page.getByRole('button', { name: 'Run', exact: true }).click();
    await page.locator('.dm-count').getByText('3 tasks', { exact: true }).waitFor();

    // Labeling in the Label Studio frontend: choose a label and submit.
    await page.getByRole('link', { name: 'Label all tasks' }).click();
    const lsf = page.locator('.lsf-label .lsf-root');
    await lsf.locator('label', { hasText: 'Positive' }).first().waitFor();
    const taskText = (await page.locator('.ann-label .toolbar .muted').first().textContent()) ?? '';
    const taskId = Number(/Task (\d+)/.exec(taskText)?.[1]);
    assert.ok(taskId > 0, `the screen names the task (${taskText})`);
    await snap(page, 'ann-06-label');
    await accessible(page, 'labeling');
    await lsf.locator('label', { hasText: 'Positive' }).first().click();
    const posted = page.waitForResponse(
      (r) => r.url().endsWith(`/api/tasks/${taskId}/annotations`) && r.request().method() === 'POST',
    );
    await lsf.getByRole('button', { name: 'Submit' }).click();
    assert.equal((await posted).status(), 201);
    await page.getByText(new RegExp(`Annotation \\d+ saved on task ${taskId}`)).waitFor();
    const saved = await database.db
      .selectFrom('annotations')
      .select(['result', 'was_cancelled'])
      .where('task_id', '=', taskId)
      .execute();
    assert.equal(saved.length, 1);
    assert.equal(saved[0]!.was_cancelled, false);
    const result = saved[0]!.result as { from_name: string; type: string; value: { choices: string[] } }[];
    assert.deepEqual(
      result.map((r) => [r.from_name, r.type, r.value.choices]),
      [['sentiment', 'choices', ['Positive']]],
    );
    // The next task loads; skipping it records a cancelled annotation.
    // (A locator, not waitForFunction: the page's CSP forbids the eval that polling a string predicate uses.)
    await page
      .locator('.ann-label .toolbar .muted', { hasText: new RegExp(`^Task (?!${taskId}\\b)\\d+`) })
      .waitFor();
    await lsf.getByRole('button', { name: 'Skip' }).click();
    await page.getByText(/Task \d+ skipped\./).waitFor();
    await snap(page, 'ann-07-label-next');

    // Review: the labeled task opens with its annotation from the data manager.
    await page.goto(`/projects/${projectId}/labeling/label?task=${taskId}`);
    await page.getByRole('heading', { name: `Review task ${taskId}` }).waitFor();
    await page.getByText('1 annotation(s)').waitFor();
    await snap(page, 'ann-08-review');

    // Export: JSON with the annotation in it, downloaded through the browser.
    await page.goto(`/projects/${projectId}/labeling/export`);
    await page.getByRole('heading', { name: 'Export' }).waitFor();
    await page.getByLabel('Format').selectOption('JSON');
    const download = page.waitForEvent('download');
    await page.getByRole('button', { name: 'Download export' }).click();
    const file = await download;
    const body = JSON.parse(readFileSync(await file.path(), 'utf8')) as {
      id: number;
      annotations: { result: { value: { choices?: string[] } }[] }[];
    }[];
    const exported = body.find((t) => t.id === taskId);
    assert.deepEqual(exported?.annotations[0]?.result[0]?.value.choices, ['Positive']);
    await page.getByText(/Downloaded project-\d+-at-/).waitFor();
    await snap(page, 'ann-09-export');
    await accessible(page, 'export');

    // Phone width: the data manager and labeling fit the screen.
    await page.setViewportSize({ width: 375, height: 812 });
    await page.goto(`/projects/${projectId}/labeling`);
    await page.locator('.dm-count').getByText('3 tasks', { exact: true }).waitFor();
    // The HTML announced this load's first requests (src/platform/http/web-preloads.ts): each was made once,
    // by the preload, whose answer the app's own fetch took (a URL or credentials mismatch fetches twice).
    const requests = (await page.evaluate(`performance.getEntriesByType('resource')
      .filter((e) => e.name.includes('/api/'))
      .map((e) => e.initiatorType + ' ' + new URL(e.name).pathname)`)) as string[];
    for (const p of [
      '/api/users/me',
      `/api/projects/${projectId}`,
      '/api/tasks',
      '/api/dm/columns',
      '/api/dm/views',
    ])
      assert.deepEqual(
        requests.filter((r) => r.endsWith(` ${p}`)),
        [`link ${p}`],
        `${p} fetched once, by the preload: ${requests.join(', ')}`,
      );
    await snap(page, 'ann-10-data-phone');
    await accessible(page, 'data manager at phone width');
    assert.ok((await sideways(page)) <= 0, 'the data manager does not scroll sideways at phone width');
  }
});
