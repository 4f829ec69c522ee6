// Blobs on local disk: DATA_DIR/blobs/sha256/ab/cd/<sha256>. Written to a temporary file, then renamed into
// place (atomic), so a crash never leaves a half-written blob under its key.
import { randomUUID } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { chmod, copyFile, link, mkdir, rename, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { assertKey, type BlobStore, keyFor } from './blob-store.ts';
import { hashFile, spool } from './spool.ts';

export function createLocalBlobStore(root: string): BlobStore {
  const tmp = path.join(root, 'tmp');
  const fileOf = (key: string) => {
    assertKey(key);
    return path.join(root, key);
  };
  return {
    kind: 'local',
    async put(source, options = {}) {
      const s = await spool(source, tmp, options.maxBytes);
      const key = keyFor(s.sha256);
      const target = fileOf(key);
      await mkdir(path.dirname(target), { recursive: true });
      await rename(s.file, target); // same bytes already there: replaced by identical bytes
      return { key, sha256: s.sha256, size: s.size };
    },
    async putFile(file) {
      const { sha256, size } = await hashFile(file);
      const key = keyFor(sha256);
      const target = fileOf(key);
      await mkdir(path.dirname(target), { recursive: true });
      try {
        // A second name for the same inode: no bytes are copied. The blob must not change afterwards, and the
        // caller's file is not written again (it only removes it).
        await link(file, target);
        await chmod(target, 0o600);
      } catch (err) {
        const code = (err as NodeJS.ErrnoException).code;
        if (code === 'EEXIST') return { key, sha256, size }; // the same bytes are stored already
        if (code !== 'EXDEV' && code !== 'EPERM' && code !== 'ENOTSUP') throw err;
        // Another file system (or no hard links there): copy into tmp, then rename into place (atomic).
        await mkdir(tmp, { recursive: true });
        const part = path.join(tmp, `${randomUUID()}.part`);
        try {
          await copyFile(file, part);
          await chmod(part, 0o600);
          await rename(part, target);
        } finally {
          await rm(part, { force: true });
        }
      }
      return { key, sha256, size };
    },
    localPath: fileOf,
    async get(key, range) {
      const file = fileOf(key);
      await stat(file); // ENOENT surfaces here, not mid-stream
      return createReadStream(
        file,
        range ? { start: range.start, ...(range.end !== undefined && { end: range.end }) } : {},
      );
    },
    async stat(key) {
      try {
        return { size: (await stat(fileOf(key))).size };
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
        throw err;
      }
    },
    async delete(key) {
      await rm(fileOf(key), { force: true });
    },
  };
}
