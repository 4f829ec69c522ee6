// Local files: a directory on the server, allowed only under STORAGE_LOCAL_ROOT (unset: local storages are
// refused). Keys are paths relative to the storage's directory; any key or directory that resolves outside
// the root (.., absolute paths, symbolic links out) is refused.
import { createReadStream } from 'node:fs';
import { mkdir, opendir, realpath, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { folder, type Network, ProviderError, type ProviderOptions, type StorageClient } from './types.ts';

const inside = (root: string, p: string) =>
  p === root || p.startsWith(root.endsWith(path.sep) ? root : root + path.sep);

export async function localClient(o: ProviderOptions, net: Network): Promise<StorageClient> {
  if (!net.localRoot) throw new ProviderError('local file storages are off (set STORAGE_LOCAL_ROOT)');
  const root = await realpath(net.localRoot).catch(() => {
    throw new ProviderError('STORAGE_LOCAL_ROOT does not exist');
  });
  if (!path.isAbsolute(o.bucket)) throw new ProviderError('path must be an absolute directory');
  const dir = await realpath(o.bucket).catch(() => {
    throw new ProviderError(`path ${o.bucket} does not exist`);
  });
  if (!inside(root, dir)) throw new ProviderError(`path must be under ${root}`);
  if (!(await stat(dir)).isDirectory()) throw new ProviderError(`path ${o.bucket} is not a directory`);

  /** The absolute path of a key, or null when it leaves the directory. */
  async function resolve(key: string, mustExist: boolean): Promise<string | null> {
    if (key === '' || key.includes('\0') || path.isAbsolute(key)) return null;
    const full = path.resolve(dir, key);
    if (!inside(dir, full)) return null;
    if (!mustExist) {
      // The nearest directory that exists must really be inside (no symbolic link out of the storage).
      let up = path.dirname(full);
      for (;;) {
        const real = await realpath(up).catch(() => null);
        if (real) return inside(dir, real) ? full : null;
        up = path.dirname(up);
      }
    }
    const real = await realpath(full).catch(() => null);
    return real && inside(dir, real) ? real : null;
  }

  const start = 'local://';
  return {
    uri: (key) => `${start}${key}`,
    keyOf: (uri) => (uri.startsWith(start) && uri.length > start.length ? uri.slice(start.length) : null),
    async *pages(pageSize) {
      let page: string[] = [];
      const walk = async function* (sub: string): AsyncGenerator<string> {
        const handle = await opendir(path.join(dir, sub));
        for await (const entry of handle) {
          const rel = sub ? `${sub}/${entry.name}` : entry.name;
          if (entry.isFile()) yield rel;
          else if (entry.isDirectory() && o.recursiveScan) yield* walk(rel);
        }
      };
      // The prefix names a folder of the directory, as a bucket prefix does.
      const sub = folder(o.prefix).replace(/\/$/, '');
      if (sub && !(await resolve(sub, true))) return;
      for await (const rel of walk(sub)) {
        page.push(rel);
        if (page.length >= pageSize) {
          yield page;
          page = [];
        }
      }
      if (page.length > 0) yield page;
    },
    async get(key) {
      const full = await resolve(key, true);
      if (!full) return null;
      const s = await stat(full).catch(() => null);
      if (!s?.isFile()) return null;
      return { body: createReadStream(full), contentType: null, size: s.size };
    },
    async put(key, body) {
      const full = await resolve(key, false);
      if (!full) throw new ProviderError(`${key}: not a path inside the storage`);
      await mkdir(path.dirname(full), { recursive: true });
      await writeFile(full, body);
    },
    async remove(key) {
      const full = await resolve(key, true);
      if (full) await rm(full, { force: true });
    },
    presign: async () => null,
    async close() {},
  };
}
