// One HTTP POST of a webhook body, signed: `X-Groundtruth-Signature: t=<unix>,v1=<hex HMAC-SHA256 of
// "<t>.<body>">` with the subscription's secret (Label Studio sends none; its receivers can ignore it).
import { createHmac } from 'node:crypto';
import http from 'node:http';
import https from 'node:https';
import { guardedLookup } from './address.ts';

export interface DeliveryResult {
  status: number;
  body: string;
}

export function signature(secret: string, timestamp: number, body: string): string {
  return `t=${timestamp},v1=${createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')}`;
}

export function deliver(
  url: string,
  headers: Record<string, string>,
  body: string,
  secret: string,
  options: { timeoutMs: number; allowPrivate: boolean },
): Promise<DeliveryResult> {
  const target = new URL(url);
  const timestamp = Math.floor(Date.now() / 1000);
  const client = target.protocol === 'https:' ? https : http;
  return new Promise((resolve, reject) => {
    const req = client.request(
      target,
      {
        method: 'POST',
        lookup: guardedLookup(options.allowPrivate) as never,
        timeout: options.timeoutMs,
        headers: {
          ...headers,
          'content-type': 'application/json',
          'content-length': Buffer.byteLength(body),
          'user-agent': 'Groundtruth-Webhooks/1',
          'x-groundtruth-signature': signature(secret, timestamp, body),
        },
      },
      (res) => {
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (c: Buffer) => {
          if (size < 4096) chunks.push(c);
          size += c.length;
        });
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            body: Buffer.concat(chunks).toString('utf8').slice(0, 4096),
          }),
        );
        res.on('error', reject);
      },
    );
    req.on('timeout', () => req.destroy(new Error(`no answer within ${options.timeoutMs} ms`)));
    req.on('error', reject);
    req.end(body);
  });
}
