// The data manager in Chromium over a project of 1M tasks (made set-based with SQL, as bench/dm.bench.ts
// does), against the API call alone: the same page request made with fetch() from the same page.
//   first_rows_page_load: load the data manager's address in a fresh browser context until the first row shows
//   first_rows_page_load_without_preloads: the same with the HTML's preload links removed (paired baseline)
//   page_load_first_paint: the same load until the app's first frame (first contentful paint: the entry chunk
//                          downloaded, parsed and run, React's first render), the floor of any first row
//   floor_static_first_paint: a fresh context's first paint of a static page (no script; HTML from the bench)
//   floor_entry_chunk_run:    the same page with the app's entry chunk alone (no #root: it runs, renders
//                             nothing), until it has run: what any first row costs before React renders
//   first_rows_in_app:    click the Data tab (app loaded, on another tab) until the first row shows
//   interactive:          in-app first rows plus a row's checkbox ticked
//   deep_scroll:  scroll to a row deep in the project until that row's data shows (one new page fetched)
// Times are taken in the page (performance.now, checked every animation frame), not by polling from here.
// Target: ratio <= 2. Also prints the production bundle sizes per chunk. BENCH_DM_TASKS shrinks the project.
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { performance } from 'node:perf_hooks';
import pg from 'pg';
import { buildWeb, bundleSizes } from '../scripts/web-build.ts';
import { launchChromium } from '../test/e2e/browser.ts';
import { startServer } from './load.ts';
import { dropScratch, median, scratchPostgres } from './pg.ts';

const TASKS = Number(process.env.BENCH_DM_TASKS ?? 1_000_000);
const ROUNDS = Number(process.env.BENCH_DM_ROUNDS ?? 5);
const PAGE = 100;
const ROW_PX = 32;
const emptyQuery = JSON.stringify({ filters: { conjunction: 'and', items: [] }, ordering: [] });

if (!(await buildWeb({ ifStale: true, quiet: true }))) throw new Error('the web UI could not be built');
const database = await scratchPostgres('dmscroll');
const env = { DATABASE_URL: database.url, SECRET_KEY: randomBytes(32).toString('hex'), DB_POOL_MAX: '4' };
const app = await startServer('app', env);
const owner = new pg.Client({ connectionString: database.url });
const browser = await launchChromium();
try {
  await owner.connect();
  const setupContext = await browser.newContext({ baseURL: app.url });
  const req = setupContext.request;
  const ok = async (r: Awaited<ReturnType<typeof req.post>>) => {
    if (!r.ok()) throw new Error(`${r.url()}: ${r.status()} ${await r.text()}`);
    return r.json() as Promise<Record<string, unknown>>;
  };
  // The context's cookies are the session; writes carry the CSRF cookie back as a header.
  await ok(
    await req.post('/api/auth/signup', {
      data: { email: 'scroll@example.test', username: 'scroll', password: 'Bench-Pass1' },
    }),
  );
  const csrf = (await setupContext.cookies()).find((c) => c.name === 'gt_csrf')?.value ?? '';
  const headers = { 'x-csrf-token': csrf };
  const labelConfig =
    '<View><Image name="image" value="$image"/><Choices name="ok" toName="image"><Choice value="ok"/></Choices></View>';
  const project = (
    await ok(
      await req.post('/api/projects', {
        data: { title: 'Scroll bench', label_config: labelConfig },
        headers,
      }),
    )
  ).id as number;
  await ok(await req.put(`/api/projects/${project}/modules`, { data: { enabled: ['annotation'] }, headers }));

  const t0 = performance.now();
  const org = (await owner.query('SELECT organization_id AS o FROM projects WHERE id = $1', [project]))
    .rows[0].o;
  await owner.query(
    `INSERT INTO tasks (organization_id, project_id, inner_id, data, total_annotations, is_labeled, created_at)
     SELECT $1, $2, i, jsonb_build_object(
              'image', 'https://cdn.example.test/flight-' || (i / 1000) || '/img-' || i || '.jpg',
              'site', 'site-' || (i % 100), 'camera', 'DJI-' || (i % 7)),
            (i % 3 = 0)::int, i % 3 = 0, now() - make_interval(secs => i)
     FROM generate_series(1, ${TASKS}) i`,
    [org, project],
  );
  await owner.query(
    // The project's counters as the rows have them (every third task carries one annotation).
    `UPDATE annotation_settings SET task_number = task_number + $2, next_inner_id = $2 + 1,
       total_annotations_number = $3, finished_task_number = $3, num_tasks_with_annotations = $3
     WHERE project_id = $1`,
    [project, TASKS, Math.floor(TASKS / 3)],
  );
  await owner.query('VACUUM ANALYZE tasks');
  console.log(`setup: ${TASKS} tasks in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  const state = await setupContext.storageState();

  /** The API call alone, from the page: the data manager's own request for `page`. */
  const apiCall = (page: import('playwright-core').Page, p: number) => {
    const q = new URLSearchParams({
      project: String(project),
      page: String(p),
      page_size: String(PAGE),
      fields: 'task_only',
      query: emptyQuery,
    });
    return page.evaluate(`(async () => {
      const start = performance.now();
      const r = await fetch('/api/tasks?${q}', { credentials: 'same-origin' });
      const body = await r.json();
      if (!r.ok || body.tasks.length === 0) throw new Error('unexpected answer ' + r.status);
      return performance.now() - start;
    })()`) as Promise<number>;
  };

  /** In the page: ms from `since` (page clock) until `selector` is in the DOM, checked every frame. */
  const appears = (page: import('playwright-core').Page, selector: string, since: string) =>
    page.evaluate(`new Promise((resolve, reject) => {
      const from = ${since};
      const limit = performance.now() + 60000;
      const check = () => {
        if (document.querySelector(${JSON.stringify(selector)})) resolve(performance.now() - from);
        else if (performance.now() > limit) reject(new Error('not shown: ' + ${JSON.stringify(selector)}));
        else requestAnimationFrame(check);
      };
      check();
    })`) as Promise<number>;

  // The built index.html's entry script and the modulepreloads of the chunks it imports, if split.
  const entryTags = (
    readFileSync(new URL('../web/dist/index.html', import.meta.url), 'utf8').match(
      /<script type="module"[^>]*><\/script>|<link rel="modulepreload"[^>]*>/g,
    ) ?? []
  ).join('');
  /** ms from navigation start in a fresh context: a static page's first paint, or its entry chunk run. */
  const floor = async (withEntry: boolean) => {
    const context = await browser.newContext({ baseURL: app.url, storageState: state });
    const page = await context.newPage();
    const script = `<script>addEventListener('error', () => { window.__ran = performance.now(); });</script>
      ${entryTags}`;
    await page.route('**/__floor', (route) =>
      route.fulfill({
        contentType: 'text/html',
        body: `<!doctype html><html><head><title>floor</title>${withEntry ? script : ''}</head><body><p>floor</p></body></html>`,
      }),
    );
    await page.goto('/__floor', { waitUntil: 'commit' });
    const ms = (await page.evaluate(
      withEntry
        ? `new Promise((resolve) => { const check = () => window.__ran ? resolve(window.__ran) : requestAnimationFrame(check); check(); })`
        : `new Promise((resolve) => { const check = () => { const e = performance.getEntriesByName('first-contentful-paint')[0]; e ? resolve(e.startTime) : requestAnimationFrame(check); }; check(); })`,
    )) as number;
    await context.close();
    return ms;
  };
  const floorStatic: number[] = [];
  const floorEntry: number[] = [];

  const cold: number[] = [];
  const firstPaint: number[] = [];
  const inApp: number[] = [];
  const interactive: number[] = [];
  const firstApi: number[] = [];
  const deep: number[] = [];
  const deepApi: number[] = [];
  /** The same fresh load with the HTML's preload links taken out (the page as it was before them). */
  const withoutPreloads = async () => {
    const context = await browser.newContext({
      baseURL: app.url,
      storageState: state,
      viewport: { width: 1280, height: 900 },
    });
    const page = await context.newPage();
    await page.route(`**/projects/${project}/labeling`, async (route) => {
      const response = await route.fetch();
      const body = (await response.text()).replace(/<link rel="(modulepreload|preload)"[^>]*>\s*/g, '');
      await route.fulfill({ response, body });
    });
    await page.goto(`/projects/${project}/labeling`, { waitUntil: 'commit' });
    const ms = await appears(page, 'tbody tr[data-task]', '0');
    await context.close();
    return ms;
  };
  const coldBare: number[] = [];

  for (let round = 0; round < ROUNDS; round++) {
    floorStatic.push(await floor(false));
    floorEntry.push(await floor(true));
    coldBare.push(await withoutPreloads());
    const context = await browser.newContext({
      baseURL: app.url,
      storageState: state,
      viewport: { width: 1280, height: 900 },
    });
    context.setDefaultTimeout(60_000);
    const page = await context.newPage();
    // A fresh load of the data manager's address: from navigation start (page clock) to the first row.
    await page.goto(`/projects/${project}/labeling`, { waitUntil: 'commit' });
    cold.push(await appears(page, 'tbody tr[data-task]', '0'));
    firstPaint.push(
      (await page.evaluate(
        `performance.getEntriesByName('first-contentful-paint')[0]?.startTime ?? NaN`,
      )) as number,
    );
    if (process.env.BENCH_DM_TRACE && (round === 0 || process.env.BENCH_DM_TRACE === 'all')) {
      // Where a page load's time goes: each request's start and end on the page clock and who asked for it
      // (`link`: a preload from the HTML; a request fetched twice shows twice).
      const trace = (await page.evaluate(`performance.getEntriesByType('navigation').concat(
        performance.getEntriesByType('resource')).map((e) =>
          Math.round(e.startTime) + '-' + Math.round(e.responseEnd) + ' ' + e.initiatorType + ' ' +
          e.name.replace(location.origin, '').slice(0, 90))`)) as string[];
      console.log(
        `round ${round}, first row at ${cold.at(-1)?.toFixed(0)} ms, first paint at ${firstPaint.at(-1)?.toFixed(0)} ms`,
      );
      console.log(trace.join('\n'));
    }
    // Inside the app: from the click on the Data tab (on another tab) to the first row.
    await page.getByRole('navigation', { name: 'Labeling' }).getByRole('link', { name: 'Export' }).click();
    await page.getByRole('button', { name: 'Download export' }).waitFor();
    await page.evaluate(`window.__t = performance.now();
      [...document.querySelectorAll('nav[aria-label=Labeling] a')].find((a) => a.textContent === 'Data').click()`);
    inApp.push(await appears(page, 'tbody tr[data-task]', 'window.__t'));
    // Interactive: a row's checkbox ticks and the selection count follows.
    await page.evaluate(`window.__t = performance.now();
      document.querySelector('tbody tr[data-task] input[type=checkbox]').click()`);
    const click = await appears(page, 'tbody tr[data-task] input:checked', 'window.__t');
    interactive.push(inApp.at(-1)! + click);
    firstApi.push(await apiCall(page, 1));

    // Deep rows, each on a page no one fetched yet.
    const row = Math.floor(((round + 1) / (ROUNDS + 1)) * TASKS) + 37;
    await page.evaluate(`window.__t = performance.now();
      document.querySelector('.dm-scroller').scrollTop = ${row * ROW_PX}`);
    deep.push(await appears(page, `tbody tr[aria-rowindex="${row + 2}"][data-task]`, 'window.__t'));
    deepApi.push(await apiCall(page, Math.floor((row + 5 * PAGE) / PAGE) + 1));
    await context.close();
  }
  const line = (name: string, ui: number[], api: number[]) => {
    const u = median(ui);
    const a = median(api);
    console.log(`${name}: ${u.toFixed(0)} ms vs API call ${a.toFixed(0)} ms (ratio ${(u / a).toFixed(2)})`);
  };
  line('dm_first_rows_page_load', cold, firstApi);
  line('dm_first_rows_page_load_without_preloads', coldBare, firstApi);
  console.log(
    `  per round, with / without preloads: ${cold.map((c, i) => `${c.toFixed(0)}/${coldBare[i]?.toFixed(0)}`).join(' ')} ms`,
  );
  line('dm_page_load_first_paint', firstPaint, firstApi);
  line('dm_floor_static_first_paint', floorStatic, firstApi);
  line('dm_floor_entry_chunk_run', floorEntry, firstApi);
  line('dm_first_rows_in_app', inApp, firstApi);
  line('dm_interactive', interactive, firstApi);
  line('dm_deep_scroll', deep, deepApi);

  console.log(
    `load average ${loadavg()
      .map((n) => n.toFixed(2))
      .join(' ')}`,
  );
  console.log('bundle (production build, per chunk; brotli: the precompressed file the server sends):');
  for (const f of bundleSizes())
    console.log(
      `  ${f.file}: ${(f.bytes / 1024).toFixed(1)} kB (gzip ${(f.gzip / 1024).toFixed(1)} kB, brotli ${(f.br / 1024).toFixed(1)} kB)`,
    );
  await setupContext.close();
} finally {
  await browser.close();
  await owner.end();
  await app.stop();
  await database.close();
  await dropScratch('dmscroll');
}
