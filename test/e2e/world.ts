// What the module e2e suites share: the built UI served by the real app on a test database, Debian's
// Chromium, screenshots into artefacts/e2e, the axe check, console-error collection and signing in through the
// form. (test/e2e/web-shell.test.ts predates it and keeps its own copy.)
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { buildWeb } from '../../scripts/web-build.ts';
import { buildApp } from '../../src/app.ts';
import { loadConfig } from '../../src/config.ts';
import type { Database } from '../../src/db/database.ts';
import type { App } from '../../src/platform/http/app-types.ts';
import { createTestDatabase, kinds } from '../harness.ts';
import { PASSWORD, type Person } from '../http-factories.ts';
import { browserMissing, launchChromium, seriousViolations } from './browser.ts';

export const artefacts = path.resolve(import.meta.dirname, '../../artefacts/e2e');
export const missing = browserMissing();
if (missing && process.env.CI) throw new Error(`e2e tests need Chromium in CI: ${missing}`);
// One database kind is enough for the browser flow (the API suites cover both); PostgreSQL when it runs.
export const kind = kinds.includes('postgres') ? 'postgres' : 'pglite';

export interface World {
  app: App;
  database: Database;
  base: string;
  problems: string[];
  newContext(width?: number, height?: number): Promise<{ context: BrowserContext; page: Page }>;
  signIn(page: Page, person: Person): Promise<void>;
  snap(page: Page, name: string): Promise<void>;
  accessible(page: Page, name: string): Promise<void>;
  /**
   * Waits until a JavaScript expression is true in the page. page.evaluate of a string goes through the
   * DevTools protocol, which the page's CSP does not govern (waitForFunction's string form would need eval).
   */
  until(page: Page, expression: string, timeoutMs?: number): Promise<void>;
  /** How far the page scrolls sideways (0 or less: it fits). */
  overflow(page: Page): Promise<number>;
  close(): Promise<void>;
}

/** `env`: extra configuration (e.g. WEBHOOK_ALLOW_PRIVATE for a fake ML server on 127.0.0.1). */
export async function startWorld(env: Record<string, string> = {}): Promise<World> {
  mkdirSync(artefacts, { recursive: true });
  assert.ok(await buildWeb({ ifStale: true, quiet: true }), 'the web UI could not be built');
  const database = await createTestDatabase(kind);
  const config = loadConfig({ LOG_LEVEL: 'silent', SECRET_KEY: randomBytes(32).toString('hex'), ...env });
  const app = await buildApp({ config, database });
  await app.jobs.start({ work: true });
  const base = await app.listen({ port: 0, host: '127.0.0.1' });
  const browser: Browser = await launchChromium();
  const problems: string[] = [];

  return {
    app,
    database,
    base,
    problems,
    async newContext(width = 1280, height = 860) {
      const context = await browser.newContext({ baseURL: base, viewport: { width, height } });
      context.setDefaultTimeout(20_000);
      const page = await context.newPage();
      // Console errors include CSP violations and failed chunk loads; a 4xx the UI shows on purpose is not one.
      page.on('console', (msg) => {
        if (msg.type() === 'error' && !/status of 4\d\d/.test(msg.text()))
          problems.push(`console: ${msg.text()}`);
      });
      page.on('pageerror', (err) => problems.push(`page error: ${err.message}`));
      return { context, page };
    },
    async signIn(page, person) {
      await page.goto('/signin');
      await page.getByLabel('Email or username').fill(person.username);
      await page.getByLabel('Password').fill(PASSWORD);
      await page.getByRole('button', { name: 'Sign in' }).click();
      await page.getByRole('heading', { name: 'Projects' }).waitFor();
    },
    async snap(page, name) {
      await page.screenshot({ path: path.join(artefacts, `${name}.png`), fullPage: true });
    },
    async accessible(page, name) {
      const serious = await seriousViolations(page);
      assert.deepEqual(
        serious.map(
          (v) => `${v.id} (${v.impact}): ${v.help} at ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`,
        ),
        [],
        `axe found serious violations on ${name}`,
      );
    },
    async until(page, expression, timeoutMs = 20_000) {
      const deadline = Date.now() + timeoutMs;
      while (!(await page.evaluate(expression))) {
        if (Date.now() > deadline) throw new Error(`timed out waiting for ${expression}`);
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    },
    async overflow(page) {
      return (await page.evaluate('document.documentElement.scrollWidth - window.innerWidth')) as number;
    },
    async close() {
      await browser.close();
      await app.close();
      await database.close();
    },
  };
}
