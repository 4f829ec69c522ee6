// The app shell's preloads (dist/preloads.json filled from the address) and the precompressed assets.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { brotliCompressSync, brotliDecompressSync, gzipSync } from 'node:zlib';
import Fastify, { type FastifyInstance } from 'fastify';
import { registerErrorHandling } from './error-handler.ts';
import { registerWebUi } from './web.ts';

const html =
  '<!doctype html><html><head><title>shell</title><script type="module" src="/assets/index-e1.js"></script></head><body><div id="root"></div></body></html>';
const table = [
  {
    path: '/projects/:id/labeling',
    modules: ['/assets/Layout-a1.js', '/assets/DataManager-b2.js'],
    styles: ['/assets/Layout-c3.css'],
    fetch: [
      { url: '/api/users/me', unlessSearch: [] },
      { url: '/api/tasks?project={id}&page=1&query=%7B%7D', unlessSearch: ['view'] },
    ],
  },
];
const signedIn = { cookie: 'gt_csrf=x; gt_access=eyJabc.def' };

describe('web UI shell preloads and compression', () => {
  let dir: string;
  let dist: string;
  let app: FastifyInstance;
  before(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'gt-web-preload-'));
    dist = path.join(dir, 'dist');
    mkdirSync(path.join(dist, 'assets'), { recursive: true });
    writeFileSync(path.join(dist, 'index.html'), html);
    writeFileSync(path.join(dist, 'preloads.json'), JSON.stringify(table));
    const script = Buffer.from(`console.log(${JSON.stringify('x'.repeat(4000))})`);
    writeFileSync(path.join(dist, 'assets', 'index-e1.js'), script);
    writeFileSync(path.join(dist, 'assets', 'index-e1.js.br'), brotliCompressSync(script));
    writeFileSync(path.join(dist, 'assets', 'index-e1.js.gz'), gzipSync(script));
    writeFileSync(path.join(dist, 'assets', 'plain-d4.js'), 'console.log(2)');
    app = Fastify({ logger: false });
    registerErrorHandling(app);
    await registerWebUi(app, dist);
  });
  after(async () => {
    await app.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const shell = (url: string, headers: Record<string, string> = {}) =>
    app.inject({ method: 'GET', url, headers });

  test('a signed-in load of the data manager announces its chunks and first requests, with the id', async () => {
    const res = await shell('/projects/42/labeling', signedIn);
    assert.equal(res.statusCode, 200);
    assert.match(res.headers['content-type'] as string, /^text\/html/);
    assert.equal(res.headers['cache-control'], 'no-cache');
    const body = res.body;
    assert.match(body, /<link rel="modulepreload" crossorigin href="\/assets\/Layout-a1\.js">/);
    assert.match(body, /<link rel="modulepreload" crossorigin href="\/assets\/DataManager-b2\.js">/);
    assert.match(body, /<link rel="preload" as="style" crossorigin href="\/assets\/Layout-c3\.css">/);
    assert.match(body, /<link rel="preload" as="fetch" crossorigin href="\/api\/users\/me">/);
    assert.ok(body.includes('href="/api/tasks?project=42&amp;page=1&amp;query=%7B%7D"'), body);
    assert.ok(body.indexOf('rel="preload"') < body.indexOf('</head>'), 'the links are in the head');
    assert.match(body, /<div id="root"><\/div>/);
    // A trailing slash is the same address.
    assert.match((await shell('/projects/42/labeling/', signedIn)).body, /project=42&amp;/);
  });

  test('without a session only the chunks are announced; a saved view leaves out the first page', async () => {
    const anonymous = (await shell('/projects/42/labeling')).body;
    assert.match(anonymous, /rel="modulepreload"/);
    assert.doesNotMatch(anonymous, /as="fetch"/);
    const view = (await shell('/projects/42/labeling?view=7', signedIn)).body;
    assert.match(view, /href="\/api\/users\/me"/);
    assert.doesNotMatch(view, /\/api\/tasks/);
  });

  test('other addresses, and params that are not plain ids, get the shell unchanged', async () => {
    for (const url of [
      '/projects',
      '/projects/42',
      '/projects/42/labeling/label',
      '/projects/4%222/labeling',
      '/projects/a.b/labeling',
    ]) {
      const res = await shell(url, signedIn);
      assert.equal(res.statusCode, 200, url);
      assert.equal(res.body, html, url);
    }
  });

  test('a rebuild while the server runs is picked up (the table is read again with index.html)', async () => {
    const next = [{ ...table[0], modules: ['/assets/Layout-z9.js'] }];
    writeFileSync(path.join(dist, 'preloads.json'), JSON.stringify(next));
    writeFileSync(path.join(dist, 'index.html'), html.replace('shell', 'shell 2'));
    const later = new Date(Date.now() + 5000);
    utimesSync(path.join(dist, 'index.html'), later, later);
    const body = (await shell('/projects/1/labeling', signedIn)).body;
    assert.match(body, /shell 2/);
    assert.match(body, /Layout-z9\.js/);
    assert.doesNotMatch(body, /Layout-a1\.js/);
  });

  test('assets go brotli or gzip as the browser accepts, with the type and a year-long cache', async () => {
    const br = await shell('/assets/index-e1.js', { 'accept-encoding': 'gzip, deflate, br' });
    assert.equal(br.statusCode, 200);
    assert.equal(br.headers['content-encoding'], 'br');
    assert.match(br.headers['content-type'] as string, /javascript/);
    assert.match(br.headers.vary as string, /accept-encoding/i);
    assert.equal(br.headers['cache-control'], 'public, max-age=31536000, immutable');
    assert.match(brotliDecompressSync(br.rawPayload).toString(), /^console\.log\("x{4000}"\)$/);
    const gz = await shell('/assets/index-e1.js', { 'accept-encoding': 'gzip' });
    assert.equal(gz.headers['content-encoding'], 'gzip');
    const identity = await shell('/assets/index-e1.js');
    assert.equal(identity.headers['content-encoding'], undefined);
    assert.equal(identity.body.length, 4000 + 'console.log("")'.length);
    // A file without a compressed copy is sent as it is.
    const plain = await shell('/assets/plain-d4.js', { 'accept-encoding': 'br' });
    assert.equal(plain.statusCode, 200);
    assert.equal(plain.headers['content-encoding'], undefined);
    assert.equal(plain.body, 'console.log(2)');
  });
});
