// Embedded PostgreSQL (PGlite) in DATA_DIR. PGlite is single-process, so the directory is locked by a pid file.
import {
  accessSync,
  closeSync,
  constants,
  mkdirSync,
  openSync,
  readFileSync,
  rmSync,
  writeSync,
} from 'node:fs';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { pg_trgm } from '@electric-sql/pglite/contrib/pg_trgm';
import { createPgConfig } from '@electric-sql/pglite/node-postgres';
import { StartupError } from '../platform/errors.ts';

// Extensions the migrations create (they ship inside PGlite and are loaded on demand).
const extensions = { pg_trgm };

export interface EmbeddedDatabase {
  pglite: PGlite;
  pgConfig: ReturnType<typeof createPgConfig>;
  release(): Promise<void>;
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Takes DATA_DIR/pglite.lock; a stale lock (its process gone) is taken over. */
function lockDataDir(lockPath: string): () => void {
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(lockPath, 'wx');
      writeSync(fd, String(process.pid));
      closeSync(fd);
      return () => rmSync(lockPath, { force: true });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      const holder = Number.parseInt(readFileSync(lockPath, 'utf8'), 10);
      if (Number.isFinite(holder) && holder !== process.pid && processAlive(holder)) {
        throw new StartupError(
          `data directory ${path.dirname(lockPath)} is in use by process ${holder}; stop it or set DATA_DIR`,
        );
      }
      rmSync(lockPath, { force: true });
    }
  }
  throw new StartupError(`could not lock data directory ${path.dirname(lockPath)}`);
}

export async function openEmbedded(dataDir: string): Promise<EmbeddedDatabase> {
  const dir = path.resolve(dataDir);
  try {
    mkdirSync(dir, { recursive: true });
    accessSync(dir, constants.W_OK);
  } catch (err) {
    throw new StartupError(`DATA_DIR ${dir} is not writable (${(err as NodeJS.ErrnoException).code})`);
  }
  const unlock = lockDataDir(path.join(dir, 'pglite.lock'));
  try {
    const pglite = await PGlite.create(path.join(dir, 'pgdata'), { extensions });
    return {
      pglite,
      pgConfig: createPgConfig(pglite),
      async release() {
        await pglite.close();
        unlock();
      },
    };
  } catch (err) {
    unlock();
    throw new StartupError(`cannot open the embedded database in ${dir}: ${(err as Error).message}`);
  }
}

/** An in-memory or directory-backed PGlite without a lock, for tests that own their directory. */
export async function openEmbeddedUnlocked(dir: string): Promise<EmbeddedDatabase> {
  const pglite = await PGlite.create(dir, { extensions });
  return { pglite, pgConfig: createPgConfig(pglite), release: () => pglite.close() };
}
