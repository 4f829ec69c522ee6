// Imports by URL: the file is fetched by the server, so the address is checked like a webhook's (no
// loopback, private or link-local targets unless WEBHOOK_ALLOW_PRIVATE=true), both as written and as
// resolved for the connection itself. Redirects are not followed (each hop would need the same checks).
import http from 'node:http';
import https from 'node:https';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { AppError } from '../../platform/errors.ts';
import { guardedLookup, urlProblem } from '../../platform/webhooks/address.ts';

export interface Fetched {
  stream: Readable;
  name: string;
  contentType: string | null;
}

const TIMEOUT_MS = 30_000;

export function fetchImportUrl(url: string, allowPrivate: boolean): Promise<Fetched> {
  const problem = urlProblem(url, allowPrivate);
  if (problem) throw new AppError('bad_request', `url ${problem}`);
  const u = new URL(url);
  const client = u.protocol === 'https:' ? https : http;
  return new Promise((resolve, reject) => {
    const req = client.get(
      u,
      { lookup: guardedLookup(allowPrivate) as never, timeout: TIMEOUT_MS },
      (res) => {
        const status = res.statusCode ?? 0;
        if (status < 200 || status >= 300) {
          res.resume();
          reject(new AppError('bad_request', `fetching the url answered HTTP ${status}`));
          return;
        }
        const base = path.posix.basename(decodeURIComponent(u.pathname)) || 'import';
        resolve({ stream: res, name: base, contentType: res.headers['content-type'] ?? null });
      },
    );
    req.on('timeout', () => req.destroy(new Error('timed out')));
    req.on('error', (err: NodeJS.ErrnoException) => {
      reject(
        new AppError(
          'bad_request',
          err.code === 'EWEBHOOKADDRESS'
            ? 'url points at a loopback or private address'
            : `the url could not be fetched (${err.code ?? err.message})`,
        ),
      );
    });
  });
}

/** The import format of a fetched file: from its name, else from its content type. */
export function formatFromContentType(contentType: string | null): string | null {
  const t = contentType?.split(';')[0]?.trim().toLowerCase();
  if (!t) return null;
  if (t === 'application/json') return '.json';
  if (t === 'application/x-ndjson' || t === 'application/jsonl') return '.jsonl';
  if (t === 'text/csv') return '.csv';
  if (t === 'text/tab-separated-values') return '.tsv';
  if (t === 'text/plain') return '.txt';
  return null;
}
