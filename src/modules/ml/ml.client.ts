// Outbound JSON calls to user-given addresses (ML backends, LLM providers). The address is checked like a
// webhook's (platform/webhooks/address.ts: no loopback, private or link-local targets unless
// WEBHOOK_ALLOW_PRIVATE=true), both as written and as resolved for the connection. Redirects are not followed.
// Every call has a deadline covering the whole exchange, and the answer is read up to a size cap.
import http from 'node:http';
import https from 'node:https';
import { guardedLookup, urlProblem } from '../../platform/webhooks/address.ts';

const MAX_ANSWER_BYTES = 20 * 1024 * 1024;

export class CallError extends Error {}

export interface CallOptions {
  timeoutMs: number;
  allowPrivate: boolean;
  headers?: Record<string, string>;
  signal?: AbortSignal;
}

export interface CallResult {
  status: number;
  body: unknown;
}

export function basicAuth(user: string, password: string): Record<string, string> {
  return { authorization: `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}` };
}

/** `base` + `path`, keeping base's own path (a backend may live under a prefix). */
export function joinUrl(base: string, path: string): string {
  return `${base.replace(/\/+$/, '')}/${path.replace(/^\/+/, '')}`;
}

/** One request; answers the status and the parsed JSON (null when the body is empty or not JSON). */
export function callJson(
  method: 'GET' | 'POST',
  url: string,
  body: unknown,
  options: CallOptions,
): Promise<CallResult> {
  const problem = urlProblem(url, options.allowPrivate);
  if (problem) return Promise.reject(new CallError(`url ${problem}`));
  const target = new URL(url);
  const client = target.protocol === 'https:' ? https : http;
  const payload = body === undefined ? undefined : JSON.stringify(body);
  return new Promise((resolve, reject) => {
    let settled = false;
    const fail = (message: string) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      req.destroy();
      reject(new CallError(message));
    };
    const timer = setTimeout(() => fail(`no answer within ${options.timeoutMs} ms`), options.timeoutMs);
    const onAbort = () => fail('cancelled');
    options.signal?.addEventListener('abort', onAbort, { once: true });
    const req = client.request(
      target,
      {
        method,
        lookup: guardedLookup(options.allowPrivate) as never,
        headers: {
          accept: 'application/json',
          'user-agent': 'Groundtruth-ML/1',
          ...(payload !== undefined && {
            'content-type': 'application/json',
            'content-length': Buffer.byteLength(payload),
          }),
          ...options.headers,
        },
      },
      (res) => {
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (c: Buffer) => {
          size += c.length;
          if (size > MAX_ANSWER_BYTES) fail(`the answer is larger than ${MAX_ANSWER_BYTES} bytes`);
          else chunks.push(c);
        });
        res.on('error', (err) => fail(err.message));
        res.on('end', () => {
          if (settled) return;
          settled = true;
          clearTimeout(timer);
          options.signal?.removeEventListener('abort', onAbort);
          const text = Buffer.concat(chunks).toString('utf8');
          let parsed: unknown = null;
          try {
            parsed = text ? JSON.parse(text) : null;
          } catch {
            parsed = null;
          }
          resolve({ status: res.statusCode ?? 0, body: parsed });
        });
      },
    );
    req.on('error', (err: NodeJS.ErrnoException) =>
      fail(
        err.code === 'EWEBHOOKADDRESS'
          ? 'url points at a loopback or private address'
          : `cannot reach ${target.host} (${err.code ?? err.message})`,
      ),
    );
    req.end(payload);
  });
}
