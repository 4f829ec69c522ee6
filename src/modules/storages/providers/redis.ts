// Redis: keys under the prefix are the objects (SCAN, so a large database is read a page at a time), string
// values their content. The host is resolved and checked once, and the client connects to that address.
import { Readable } from 'node:stream';
import { Redis } from 'ioredis';
import { checkHost } from './net.ts';
import { type Network, ProviderError, type ProviderOptions, type StorageClient, str } from './types.ts';

export async function redisClient(o: ProviderOptions, net: Network): Promise<StorageClient> {
  const host = str(o.settings.host) ?? '127.0.0.1';
  const port = Number(o.settings.port ?? 6379);
  const db = Number(o.settings.db ?? 0);
  if (!Number.isInteger(port) || port < 1 || port > 65535) throw new ProviderError('port must be 1-65535');
  if (!Number.isInteger(db) || db < 0 || db > 15) throw new ProviderError('db must be 0-15');
  const address = await checkHost(host, net.allowPrivate, 'host');
  const client = new Redis({
    host: address,
    port,
    db,
    password: o.credentials.password || undefined,
    lazyConnect: true,
    maxRetriesPerRequest: 1,
    connectTimeout: 10_000,
    retryStrategy: () => null,
  });
  client.on('error', () => {});
  try {
    await client.connect();
  } catch (err) {
    client.disconnect();
    throw new ProviderError(`redis could not be reached (${(err as Error).message})`);
  }
  const globEscape = (s: string) => s.replace(/[*?[\]\\]/g, '\\$&');
  const start = `redis://${host}:${port}/${db}/`;
  return {
    uri: (key) => `${start}${key}`,
    keyOf: (uri) => (uri.startsWith(start) && uri.length > start.length ? uri.slice(start.length) : null),
    async *pages(pageSize) {
      // SCAN's COUNT is a hint: one call may answer more keys than asked (a small keyspace comes back whole), so
      // the keys are held until a page is full and handed out at most pageSize at a time.
      let cursor = '0';
      let held: string[] = [];
      do {
        const [next, keys] = await client.scan(
          cursor,
          'MATCH',
          `${globEscape(o.prefix)}*`,
          'COUNT',
          pageSize,
        );
        cursor = next;
        held = held.concat(keys);
        while (held.length >= pageSize) {
          yield held.slice(0, pageSize);
          held = held.slice(pageSize);
        }
      } while (cursor !== '0');
      if (held.length > 0) yield held;
    },
    async get(key) {
      const value = await client.getBuffer(key);
      if (value === null) return null;
      return { body: Readable.from([value]), contentType: null, size: value.length };
    },
    async put(key, body) {
      await client.set(key, body);
    },
    async remove(key) {
      await client.del(key);
    },
    presign: async () => null,
    async close() {
      client.disconnect();
    },
  };
}
