// Outbound calls to user-given endpoints pass the same address checks as webhooks and URL imports: the URL as
// written, and every address its host resolves to (no loopback, private or link-local targets unless
// WEBHOOK_ALLOW_PRIVATE=true). Plain HTTP calls (GCS) also re-check at connect time through guardedLookup.
import { lookup } from 'node:dns/promises';
import http from 'node:http';
import https from 'node:https';
import { isIP } from 'node:net';
import type { Readable } from 'node:stream';
import { guardedLookup, isInternalAddress, urlProblem } from '../../../platform/webhooks/address.ts';
import { ProviderError } from './types.ts';

/** Refuses an endpoint URL that points inside (unless allowed); returns it parsed. */
export async function checkEndpoint(url: string, allowPrivate: boolean, what: string): Promise<URL> {
  const problem = urlProblem(url, allowPrivate);
  if (problem) throw new ProviderError(`${what} ${problem}`);
  const u = new URL(url);
  await checkHost(u.hostname.replace(/^\[|\]$/g, ''), allowPrivate, what);
  return u;
}

/** The host's first address, refused when any address it resolves to is internal (unless allowed). */
export async function checkHost(host: string, allowPrivate: boolean, what: string): Promise<string> {
  if (!host) throw new ProviderError(`${what} is empty`);
  const addresses = isIP(host) ? [{ address: host }] : await lookup(host, { all: true }).catch(() => []);
  if (addresses.length === 0) throw new ProviderError(`${what}: ${host} does not resolve`);
  if (!allowPrivate && addresses.some((a) => isInternalAddress(a.address)))
    throw new ProviderError(`${what} points at a loopback or private address`);
  return addresses[0]!.address;
}

export interface Answer {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: Readable;
}

const TIMEOUT_MS = 30_000;

/** One HTTP request through the guarded lookup; the body is the caller's to read. */
export function request(
  url: string,
  options: {
    method?: string;
    headers?: Record<string, string>;
    body?: string | Buffer;
    allowPrivate: boolean;
  },
): Promise<Answer> {
  const u = new URL(url);
  const client = u.protocol === 'https:' ? https : http;
  return new Promise((resolve, reject) => {
    const req = client.request(
      u,
      {
        method: options.method ?? 'GET',
        headers: options.headers,
        lookup: guardedLookup(options.allowPrivate) as never,
        timeout: TIMEOUT_MS,
      },
      (res) => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: res }),
    );
    req.on('timeout', () => req.destroy(new Error('timed out')));
    req.on('error', (err: NodeJS.ErrnoException) =>
      reject(
        new ProviderError(
          err.code === 'EWEBHOOKADDRESS'
            ? 'the endpoint points at a loopback or private address'
            : `the endpoint could not be reached (${err.code ?? err.message})`,
        ),
      ),
    );
    req.end(options.body);
  });
}

export async function text(body: Readable, limit = 16 * 1024 * 1024): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const c of body) {
    size += (c as Buffer).length;
    if (size > limit) throw new ProviderError(`the answer is larger than ${limit} bytes`);
    chunks.push(c as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}
