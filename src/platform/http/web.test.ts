// The web UI route: files from the build directory with the right caching, the app shell for client-side
// routes, JSON 404s under /api, nothing outside the build directory, and a plain page when nothing is built.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import Fastify, { type FastifyInstance } from 'fastify';
import { registerErrorHandling } from './error-handler.ts';
import { registerWebUi } from './web.ts';

async function appServing(root: string): Promise<FastifyInstance> {
  const app = Fastify({ logger: false, routerOptions: { ignoreTrailingSlash: true } });
  registerErrorHandling(app);
  app.get('/api/ping', async () => ({ ok: true }));
  await registerWebUi(app, root);
  return app;
}

describe('web UI route', () => {
  let dir: string;
  let app: FastifyInstance;
  before(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'gt-web-'));
    const dist = path.join(dir, 'dist');
    mkdirSync(path.join(dist, 'assets'), { recursive: true });
    writeFileSync(path.join(dist, 'index.html'), '<!doctype html><title>shell</title><div id="root"></div>');
    writeFileSync(path.join(dist, 'assets', 'index-abc123.js'), 'console.log(1)');
    writeFileSync(path.join(dist, 'robots.txt'), 'User-agent: *');
    writeFileSync(path.join(dir, 'secret.txt'), 'outside the build');
    app = await appServing(dist);
  });
  after(async () => {
    await app.close();
    rmSync(dir, { recursive: true, force: true });
  });

  test('/ and client-side routes answer the app shell, never cached, with a CSP', async () => {
    for (const url of ['/', '/projects', '/projects/12?tab=members', '/accept-invite?token=abc']) {
      const res = await app.inject({ method: 'GET', url });
      assert.equal(res.statusCode, 200, url);
      assert.match(res.headers['content-type'] as string, /^text\/html/);
      assert.match(res.body, /<title>shell<\/title>/);
      assert.equal(res.headers['cache-control'], 'no-cache');
      assert.match(res.headers['content-security-policy'] as string, /script-src 'self'/);
      assert.equal(res.headers['x-content-type-options'], 'nosniff');
    }
  });

  test('hashed assets are cached for a year; other files are revalidated', async () => {
    const asset = await app.inject({ method: 'GET', url: '/assets/index-abc123.js' });
    assert.equal(asset.statusCode, 200);
    assert.equal(asset.body, 'console.log(1)');
    assert.match(asset.headers['content-type'] as string, /javascript/);
    assert.equal(asset.headers['cache-control'], 'public, max-age=31536000, immutable');
    const robots = await app.inject({ method: 'GET', url: '/robots.txt' });
    assert.equal(robots.statusCode, 200);
    assert.equal(robots.headers['cache-control'], 'public, max-age=0');
    const head = await app.inject({ method: 'HEAD', url: '/assets/index-abc123.js' });
    assert.equal(head.statusCode, 200);
  });

  test('a missing file is a 404, not the shell', async () => {
    const res = await app.inject({ method: 'GET', url: '/assets/index-gone.js' });
    assert.equal(res.statusCode, 404);
    assert.equal(res.json().error.code, 'not_found');
  });

  test('unknown /api paths stay JSON 404s; API routes still answer', async () => {
    for (const url of ['/api/nothing-here', '/api', '/api/projects/1/whatever']) {
      const res = await app.inject({ method: 'GET', url });
      assert.equal(res.statusCode, 404, url);
      assert.equal(res.json().error.code, 'not_found');
      assert.match(res.json().error.message, /no route for GET/);
    }
    assert.deepEqual((await app.inject({ method: 'GET', url: '/api/ping' })).json(), { ok: true });
    const post = await app.inject({ method: 'POST', url: '/projects' });
    assert.equal(post.statusCode, 404, 'only GET and HEAD reach the UI route');
  });

  test('nothing outside the build directory is served', async () => {
    for (const url of [
      '/../secret.txt',
      '/assets/../../secret.txt',
      '/%2e%2e/secret.txt',
      '/..%2fsecret.txt',
    ]) {
      const res = await app.inject({ method: 'GET', url });
      assert.ok(!res.body.includes('outside the build'), `${url} leaked a file`);
    }
  });

  test('a malformed percent-encoding is a 400, not a 500', async () => {
    // Fastify's router refuses most before the route runs; the route's own check covers the rest.
    for (const url of ['/projects/%E0%A4%A', '/%zz', '/assets/%']) {
      const res = await app.inject({ method: 'GET', url });
      assert.equal(res.statusCode, 400, url);
    }
  });

  test('without a build, a page says how to build the UI', async () => {
    const empty = mkdtempSync(path.join(tmpdir(), 'gt-web-empty-'));
    const bare = await appServing(empty);
    try {
      const res = await bare.inject({ method: 'GET', url: '/' });
      assert.equal(res.statusCode, 200);
      assert.match(res.body, /npm run build:web/);
    } finally {
      await bare.close();
      rmSync(empty, { recursive: true, force: true });
    }
  });
});
