// End to end in a real browser: the built UI served by the real app on a test database. A person signs up,
// creates a project, invites a second person who accepts, adds them to the project, creates an API key and
// reads the audit log. Each main page is screenshotted into artefacts/e2e (git-ignored) and checked with
// axe-core (no serious violations), at desktop width and, for the main list, at phone width.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { buildWeb } from '../../scripts/web-build.ts';
import { buildApp } from '../../src/app.ts';
import { loadConfig } from '../../src/config.ts';
import type { Database } from '../../src/db/database.ts';
import { inScope } from '../../src/db/scope.ts';
import type { App } from '../../src/platform/http/app-types.ts';
import { unique } from '../factories.ts';
import { createTestDatabase, kinds } from '../harness.ts';
import { PASSWORD, signUp } from '../http-factories.ts';
import { browserMissing, launchChromium, seriousViolations } from './browser.ts';

const artefacts = path.resolve(import.meta.dirname, '../../artefacts/e2e');
const missing = browserMissing();
if (missing && process.env.CI) throw new Error(`e2e tests need Chromium in CI: ${missing}`);
// One database kind is enough for the browser flow (the API suites cover both); PostgreSQL when it runs.
const kind = kinds.includes('postgres') ? 'postgres' : 'pglite';

describe(`web UI end to end [${kind}]`, { skip: missing ? `skipped: ${missing}` : false }, () => {
  let database: Database;
  let app: App;
  let browser: Browser;
  let base: string;
  const problems: string[] = [];
  let openGate: () => void = () => {};
  const gate = new Promise<void>((resolve) => {
    openGate = resolve;
  });

  before(async () => {
    mkdirSync(artefacts, { recursive: true });
    assert.ok(await buildWeb({ ifStale: true, quiet: true }), 'the web UI could not be built');
    database = await createTestDatabase(kind);
    const config = loadConfig({ LOG_LEVEL: 'silent', SECRET_KEY: randomBytes(32).toString('hex') });
    app = await buildApp({ config, database });
    // A job whose progress the jobs panel shows live; it finishes when the test opens the gate.
    app.jobs.define({
      kind: 'e2e.tiling',
      handler: async (job) => {
        await job.progress(40, 'tiling the orthomosaic');
        await gate;
        return { tiles: 12 };
      },
    });
    await app.jobs.start({ work: true });
    base = await app.listen({ port: 0, host: '127.0.0.1' });
    browser = await launchChromium();
  });

  after(async () => {
    openGate();
    await browser?.close();
    await app?.close();
    await database?.close();
  });

  async function newContext(width = 1280, height = 860): Promise<{ context: BrowserContext; page: Page }> {
    const context = await browser.newContext({ baseURL: base, viewport: { width, height } });
    context.setDefaultTimeout(15_000);
    const page = await context.newPage();
    // Console errors include CSP violations and failed chunk loads; a 4xx the UI shows on purpose is not one.
    page.on('console', (msg) => {
      if (msg.type() === 'error' && !/status of 4\d\d/.test(msg.text()))
        problems.push(`console: ${msg.text()}`);
    });
    page.on('pageerror', (err) => problems.push(`page error: ${err.message}`));
    return { context, page };
  }

  async function snap(page: Page, name: string): Promise<void> {
    await page.screenshot({ path: path.join(artefacts, `${name}.png`), fullPage: true });
  }

  async function accessible(page: Page, name: string): Promise<void> {
    const serious = await seriousViolations(page);
    assert.deepEqual(
      serious.map(
        (v) => `${v.id} (${v.impact}): ${v.help} at ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`,
      ),
      [],
      `axe found serious violations on ${name}`,
    );
  }

  async function mailedToken(to: string, kindOfMail: string): Promise<string> {
    const row = await database.db
      .selectFrom('mail_outbox')
      .select('body')
      .where('to_address', '=', to)
      .where('kind', '=', kindOfMail)
      .orderBy('id', 'desc')
      .executeTakeFirstOrThrow();
    const token = /token=([A-Za-z0-9_-]+)/.exec(row.body)?.[1];
    assert.ok(token, `no token in the ${kindOfMail} mail`);
    return token;
  }

  test('sign up, create a project, add a member, create an API key, see the audit log', async () => {
    const username = unique('alice');
    const email = `${username.toLowerCase()}@example.test`;
    const { context, page } = await newContext();

    // Signed out: the shell sends to sign-in; the sign-up form reports the API's own validation message.
    await page.goto('/projects');
    await page.getByRole('heading', { name: 'Sign in' }).waitFor();
    await snap(page, '01-sign-in');
    await accessible(page, 'sign in');
    await page.getByRole('link', { name: 'Create an account' }).click();
    await page.getByRole('heading', { name: 'Create an account' }).waitFor();
    await page.getByLabel('Email').fill(email);
    await page.getByLabel('Username').fill(username);
    await page.getByLabel('Password').fill('short');
    await page.getByRole('button', { name: 'Create account' }).click();
    const refusal = await page.getByRole('alert').textContent();
    assert.match(refusal ?? '', /password/i, 'the API says which password rule failed');
    await snap(page, '02-sign-up-error');
    await accessible(page, 'sign up');
    await page.getByLabel('Password').fill(PASSWORD);
    await page.getByRole('button', { name: 'Create account' }).click();

    // Projects: empty state, then create one.
    await page.getByRole('heading', { name: 'Projects' }).waitFor();
    await page.getByText('No projects yet').waitFor();
    await snap(page, '03-projects-empty');
    await page.getByRole('button', { name: 'New project' }).click();
    await page.getByRole('form', { name: 'New project' }).getByLabel('Title').fill('Coastal survey 2026');
    await page
      .getByRole('form', { name: 'New project' })
      .getByLabel('Description')
      .fill('Drone flights over the dunes');
    await page.getByRole('button', { name: 'Create project' }).click();
    await page.getByRole('heading', { name: 'Coastal survey 2026' }).waitFor();
    const projectUrl = page.url();
    assert.match(projectUrl, /\/projects\/\d+$/);

    // Settings and modules are saved through the API.
    const saved = page.waitForResponse((r) => r.url().endsWith('/modules') && r.request().method() === 'PUT');
    await page.getByRole('checkbox', { name: 'Annotation' }).check();
    assert.equal((await saved).status(), 200);
    await page.reload();
    await page.getByRole('heading', { name: 'Coastal survey 2026' }).waitFor();
    assert.ok(
      await page.getByRole('checkbox', { name: 'Annotation' }).isChecked(),
      'the module stays enabled',
    );

    // A second person joins the organization through an invitation link.
    await page.getByRole('link', { name: 'Members' }).click();
    await page.getByRole('heading', { name: /^Members of / }).waitFor();
    const bob = await signUp(app);
    await page.getByLabel('Email to invite').fill(bob.email);
    await page.getByRole('button', { name: 'Send invitation' }).click();
    await page.getByText(`Invitation sent to ${bob.email}`).waitFor();
    await snap(page, '04-members');
    await accessible(page, 'members');
    const inviteToken = await mailedToken(bob.email, 'invitation');

    const bobSide = await newContext();
    await bobSide.page.goto(`/accept-invite?token=${inviteToken}`);
    await bobSide.page.getByRole('link', { name: 'Sign in' }).click();
    await bobSide.page.getByLabel('Email or username').fill(bob.username);
    await bobSide.page.getByLabel('Password').fill('Wrong-Password1');
    await bobSide.page.getByRole('button', { name: 'Sign in' }).click();
    const wrong = await bobSide.page.getByRole('alert').textContent();
    assert.ok(wrong && wrong.length > 5, 'a wrong password shows the API message');
    await bobSide.page.getByLabel('Password').fill(PASSWORD);
    await bobSide.page.getByRole('button', { name: 'Sign in' }).click();
    await bobSide.page.getByRole('button', { name: 'Accept invitation' }).click();
    await bobSide.page.getByText('You joined the organization as Member').waitFor();
    await snap(bobSide.page, '05-invitation-accepted');
    await accessible(bobSide.page, 'accept invitation');
    // Bob now acts in Alice's organization and can switch back to his own.
    await bobSide.page.getByRole('button', { name: 'Go to projects' }).click();
    const switcher = bobSide.page.getByRole('combobox', { name: 'Organization' });
    await bobSide.page.getByRole('heading', { name: 'Projects' }).waitFor();
    assert.equal(await switcher.locator('option:checked').textContent(), `${username}'s organization`);
    assert.equal(await switcher.locator('option').count(), 2);
    await switcher.selectOption({ label: `${bob.username}'s organization` });
    await bobSide.page.getByRole('link', { name: 'Members', exact: true }).click();
    await bobSide.page.getByRole('heading', { name: `Members of ${bob.username}'s organization` }).waitFor();
    await bobSide.context.close();

    // Back on the project: add Bob as an annotator.
    await page.goto(projectUrl);
    await page.getByRole('heading', { name: 'Coastal survey 2026' }).waitFor();
    const addForm = page.getByRole('form', { name: 'Add a member' });
    await addForm
      .getByLabel('Person')
      .selectOption({ label: `Test Person (${bob.username}) — ${bob.email}` });
    await addForm.getByLabel('Role').selectOption('annotator');
    await addForm.getByRole('button', { name: 'Add member' }).click();
    await page.getByRole('row', { name: new RegExp(bob.username) }).waitFor();
    await snap(page, '06-project');
    await accessible(page, 'project');

    // An API key, shown once, that works.
    await page.getByRole('link', { name: 'API keys' }).click();
    await page.getByLabel('Key name').fill('CI uploader');
    await page.getByRole('button', { name: 'Create key' }).click();
    const key = await page.getByLabel('New API key').inputValue();
    assert.match(key, /^gt_/);
    const me = await app.inject({
      method: 'GET',
      url: '/api/users/me',
      headers: { authorization: `Bearer ${key}` },
    });
    assert.equal(me.statusCode, 200);
    const alice = me.json() as { id: number; username: string; active_organization: number };
    assert.equal(alice.username, username);
    await page.getByRole('row', { name: /CI uploader/ }).waitFor();
    await snap(page, '07-api-keys');
    await accessible(page, 'API keys');

    // The audit log lists what happened.
    await page.getByRole('link', { name: 'Audit log' }).click();
    await page.getByRole('heading', { name: 'Audit log' }).waitFor();
    const log = page.getByRole('table', { name: 'Audit log' });
    await log.waitFor();
    const text = (await log.textContent()) ?? '';
    for (const action of ['invitation', 'member'])
      assert.match(text, new RegExp(action), `audit log shows ${action}`);
    await snap(page, '08-audit-log');
    await accessible(page, 'audit log');

    // The other screens render, with their empty states, and pass the axe check.
    for (const [link, heading, shot] of [
      ['Teams', 'Teams', '09-teams'],
      ['Workspaces', 'Workspaces', '10-workspaces'],
      ['Project groups', 'Project groups', '10b-project-groups'],
    ] as const) {
      await page.getByRole('link', { name: link, exact: true }).click();
      await page.getByRole('heading', { name: heading, exact: true }).waitFor();
      await page
        .locator('[role=status]')
        .first()
        .waitFor({ state: 'detached' })
        .catch(() => {});
      await snap(page, shot);
      await accessible(page, heading);
    }
    await page.getByRole('link', { name: 'Teams', exact: true }).click();
    await page.getByLabel('Team name').fill('Field crew');
    await page.getByRole('button', { name: 'Create team' }).click();
    await page.getByRole('heading', { name: 'Field crew' }).waitFor();
    await page.getByRole('button', { name: 'Members', exact: true }).click();
    await page.getByRole('combobox', { name: /^Role of .* in Field crew$/ }).waitFor();
    await snap(page, '11-team-members');
    await accessible(page, 'team members');

    // The jobs panel follows a running job's progress until it finishes.
    const scope = { organizationId: alice.active_organization, userId: alice.id };
    await inScope(database.db, scope, (tx) =>
      app.jobs.enqueue(tx, 'e2e.tiling', { ...scope, payload: {}, message: 'queued by the e2e test' }),
    );
    await page.getByRole('link', { name: 'Jobs', exact: true }).click();
    await page.getByRole('heading', { name: 'Jobs', exact: true }).waitFor();
    await page.getByText('tiling the orthomosaic').waitFor();
    assert.equal(await page.getByRole('progressbar').first().getAttribute('value'), '40');
    await snap(page, '12-jobs-running');
    await accessible(page, 'jobs');
    openGate();
    await page.locator('.state-succeeded').waitFor();

    // Keyboard: the skip link is the first stop and moves focus to the page.
    await page.goto('/projects');
    await page.getByRole('link', { name: 'Coastal survey 2026' }).waitFor();
    await page.keyboard.press('Tab');
    assert.equal(await page.evaluate('document.activeElement?.textContent'), 'Skip to content');
    await snap(page, '13-projects');
    await accessible(page, 'projects');

    // Phone width.
    await page.setViewportSize({ width: 390, height: 844 });
    await page.getByRole('link', { name: 'Coastal survey 2026' }).waitFor();
    await snap(page, '14-projects-phone');
    await accessible(page, 'projects at phone width');
    const overflow = (await page.evaluate(
      'document.documentElement.scrollWidth - window.innerWidth',
    )) as number;
    assert.ok(overflow <= 0, `the page scrolls sideways by ${overflow}px at phone width`);
    await page.goto(projectUrl);
    await page.getByRole('heading', { name: 'Coastal survey 2026' }).waitFor();
    await snap(page, '15-project-phone');
    await accessible(page, 'project at phone width');
    const sideways = (await page.evaluate(
      'document.documentElement.scrollWidth - window.innerWidth',
    )) as number;
    assert.ok(sideways <= 0, `the project page scrolls sideways by ${sideways}px at phone width`);

    // An expired session (the access cookie gone) is renewed with the refresh cookie without a sign-in.
    await page.setViewportSize({ width: 1280, height: 860 });
    await context.clearCookies({ name: 'gt_access' });
    await page.goto('/api-keys');
    await page.getByRole('row', { name: /CI uploader/ }).waitFor();
    assert.ok(
      (await context.cookies()).some((c) => c.name === 'gt_access'),
      'a new access cookie was set',
    );

    // Signing out ends the session: the shell sends back to sign-in, and stays there on reload.
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByRole('heading', { name: 'Sign in' }).waitFor();
    await page.goto('/projects');
    await page.getByRole('heading', { name: 'Sign in' }).waitFor();
    await context.close();

    assert.deepEqual(problems, [], 'no console errors, page errors or CSP violations');
  });

  test('password reset by email, then sign-in by a magic link', async () => {
    const carol = await signUp(app);
    const { context, page } = await newContext();

    await page.goto('/signin');
    await page.getByRole('link', { name: 'Forgot your password?' }).click();
    await page.getByLabel('Email').fill(carol.email);
    await page.getByRole('button', { name: 'Send reset link' }).click();
    await page.getByText(`If an account uses ${carol.email}`).waitFor();
    await snap(page, '16-reset-requested');
    await accessible(page, 'password reset request');
    await page.goto(`/reset-password?token=${await mailedToken(carol.email, 'password_reset')}`);
    await page.getByLabel('New password').fill('Another-Pass7');
    await page.getByRole('button', { name: 'Set password' }).click();
    await page.getByText('Your password is changed').waitFor();
    await accessible(page, 'password reset');

    // The link works once: the API's refusal is shown.
    await page.goto(`/reset-password?token=${await mailedToken(carol.email, 'password_reset')}`);
    await page.getByLabel('New password').fill('Third-Pass88');
    await page.getByRole('button', { name: 'Set password' }).click();
    assert.match((await page.getByRole('alert').textContent()) ?? '', /invalid|used|expired/i);

    await page.goto('/signin');
    await page.getByRole('link', { name: 'Email me a sign-in link' }).click();
    await page.getByLabel('Email').fill(carol.email);
    await page.getByRole('button', { name: 'Send link' }).click();
    await page.getByText(`If an account uses ${carol.email}`).waitFor();
    await page.goto(`/magic-link?token=${await mailedToken(carol.email, 'magic_link')}`);
    await snap(page, '17-magic-link');
    await accessible(page, 'magic link');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Projects' }).waitFor();
    assert.equal(await page.locator('.user-name').textContent(), carol.username);
    await context.close();
    assert.deepEqual(problems, [], 'no console errors, page errors or CSP violations');
  });
});
