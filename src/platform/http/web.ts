// Serves the built web UI (web/dist) at `/`: hashed assets with a year-long immutable cache, brotli or gzip
// when the browser takes it (files compressed at build time, scripts/web-build.ts), any other GET outside /api
// answered with index.html plus the address's preloads (web-preloads.ts; the UI's router takes over).
// Unknown /api paths stay JSON 404s.
import { existsSync, statSync } from 'node:fs';
import path from 'node:path';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance, FastifyReply } from 'fastify';
import { AppError } from '../errors.ts';
import { shellHtml } from './web-preloads.ts';

export const webDist = path.resolve(import.meta.dirname, '../../../web/dist');

// Same origin only; inline styles for React's style attributes; blob: workers and images for later modules
// (map tiles, photo previews).
const CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob:",
  "worker-src 'self' blob:",
  "connect-src 'self'",
  "frame-ancestors 'none'",
  "base-uri 'self'",
  "form-action 'self'",
].join('; ');

const NOT_BUILT = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Groundtruth</title></head>
<body><main><h1>Groundtruth</h1><p>The web UI is not built. Run <code>npm run build:web</code> (it also runs on
<code>npm install</code> and <code>npm start</code>), then reload. The API is at <a href="/api/docs">/api/docs</a>.</p>
</main></body></html>`;

function isFile(file: string): boolean {
  try {
    return statSync(file).isFile();
  } catch {
    return false;
  }
}

function htmlHeaders(reply: FastifyReply): FastifyReply {
  return reply
    .header('cache-control', 'no-cache')
    .header('content-security-policy', CSP)
    .header('x-content-type-options', 'nosniff')
    .header('referrer-policy', 'same-origin');
}

export async function registerWebUi(app: FastifyInstance, root: string = webDist): Promise<void> {
  // preCompressed: `x.js.br` / `x.js.gz` beside `x.js` are sent for an Accept-Encoding that allows them.
  await app.register(fastifyStatic, { root, serve: false, preCompressed: true });
  app.get('/*', { schema: { hide: true }, config: { auth: 'none' } }, async (request, reply) => {
    let pathname: string;
    try {
      pathname = decodeURIComponent(request.url.split('?')[0] ?? '/');
    } catch {
      throw new AppError('bad_request', 'the path is not valid percent-encoding');
    }
    if (pathname === '/api' || pathname.startsWith('/api/')) {
      throw new AppError('not_found', `no route for ${request.method} ${pathname}`);
    }
    const relative = path.normalize(pathname).replace(/^([/\\])+/, '');
    const file = path.join(root, relative);
    if (relative && !relative.startsWith('..') && file.startsWith(root + path.sep) && isFile(file)) {
      const hashed = relative.startsWith(`assets${path.sep}`);
      return reply.sendFile(relative, root, {
        maxAge: hashed ? '365d' : 0,
        immutable: hashed,
        cacheControl: true,
      });
    }
    // A path that names a missing file (has an extension) is a 404, not the app shell.
    if (path.extname(relative) && !relative.endsWith('.html')) {
      throw new AppError('not_found', `no file ${pathname}`);
    }
    if (!existsSync(path.join(root, 'index.html'))) {
      return htmlHeaders(reply).type('text/html; charset=utf-8').send(NOT_BUILT);
    }
    return htmlHeaders(reply)
      .type('text/html; charset=utf-8')
      .send(shellHtml(root, request.url, request.headers.cookie));
  });
}
