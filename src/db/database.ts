// One pg.Pool-shaped code path for both databases: PGlite through its node-postgres adapter, or a real server.
import { randomBytes } from 'node:crypto';
import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import type { Config } from '../config.ts';
import { StartupError } from '../platform/errors.ts';
import { type ChangeNotices, watchPool } from './change-notices.ts';
import { type EmbeddedDatabase, openEmbedded } from './pglite.ts';
import { parseTimestamptz } from './timestamps.ts';
import type { DB } from './types.ts';

export type DatabaseKind = 'pglite' | 'postgres';

export interface Database {
  kind: DatabaseKind;
  pool: pg.Pool;
  db: Kysely<DB>;
  /**
   * PostgreSQL only: a small pool of connections in pipeline mode for read-only units of work (scope.ts
   * readScope), which send their opening statements and their first query without waiting between them. No
   * cursors or COPY on these (node-postgres refuses them in pipeline mode).
   */
  readPool?: pg.Pool;
  /** Changes announced by the database (see change-notices.ts); the read cache listens. */
  changes: ChangeNotices;
  close(): Promise<void>;
}

// bigint ids fit in a JS number (< 2^53): Label Studio clients expect integers, not strings.
const INT8_OID = 20;
const TIMESTAMPTZ_OID = 1184;
const types = {
  getTypeParser(oid: number, format?: 'text' | 'binary') {
    if (oid === INT8_OID && format !== 'binary') return (v: string) => Number(v);
    if (oid === TIMESTAMPTZ_OID && format !== 'binary') return parseTimestamptz;
    return pg.types.getTypeParser(oid, format);
  },
};

function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    return `${u.hostname}:${u.port || 5432}${u.pathname}`;
  } catch {
    return 'DATABASE_URL';
  }
}

const watched = new WeakMap<pg.Pool, ChangeNotices>();

/** Each pool is watched once, before its first connection (connectPostgres checks one out at once). */
function changesOf(pool: pg.Pool): ChangeNotices {
  const changes = watched.get(pool) ?? watchPool(pool);
  watched.set(pool, changes);
  return changes;
}

export function wrapPool(
  kind: DatabaseKind,
  pool: pg.Pool,
  release: () => Promise<void>,
  readPool?: pg.Pool,
): Database {
  const changes = changesOf(pool);
  const db = new Kysely<DB>({ dialect: new PostgresDialect({ pool }) });
  let closed = false;
  return {
    kind,
    pool,
    db,
    ...(readPool ? { readPool } : {}),
    changes,
    async close() {
      if (closed) return;
      closed = true;
      await readPool?.end();
      await db.destroy(); // ends the pool
      await release();
    },
  };
}

export async function connectPostgres(
  url: string,
  max: number,
  timeoutMs: number,
  release: () => Promise<void> = async () => {},
): Promise<Database> {
  const settings = {
    connectionString: url,
    connectionTimeoutMillis: timeoutMs,
    idleTimeoutMillis: 30_000,
    types,
    // Unique per pool: the change feed tells its own process's changes from other processes' by it.
    application_name: `groundtruth:${randomBytes(4).toString('hex')}`,
  };
  const pool = new pg.Pool({ ...settings, max });
  // A dead pool must not crash the process on an idle-client error; the next query reports it.
  pool.on('error', () => {});
  changesOf(pool);
  // Opened lazily: a connection is made on a read's first use. Its writes are change-free (READ ONLY), so the
  // change feed does not watch it.
  const readPool = new pg.Pool({
    ...settings,
    max: Math.max(1, Math.ceil(max / 2)),
    pipeline: true,
  } as pg.PoolConfig);
  readPool.on('error', () => {});
  try {
    const client = await pool.connect();
    client.release();
  } catch (err) {
    await pool.end().catch(() => {});
    await readPool.end().catch(() => {});
    throw new StartupError(`cannot connect to PostgreSQL at ${redactUrl(url)}: ${(err as Error).message}`);
  }
  return wrapPool('postgres', pool, release, readPool);
}

export function poolFromEmbedded(embedded: EmbeddedDatabase): pg.Pool {
  // PGlite is one session: a pool of one connection serialises queries, transactions included.
  return new pg.Pool({ ...embedded.pgConfig, max: 1, types } as pg.PoolConfig);
}

export async function openDatabase(config: Config): Promise<Database> {
  if (config.DATABASE_URL) {
    return connectPostgres(config.DATABASE_URL, config.DB_POOL_MAX, config.DB_CONNECT_TIMEOUT_MS);
  }
  const embedded = await openEmbedded(config.DATA_DIR);
  return wrapPool('pglite', poolFromEmbedded(embedded), () => embedded.release());
}
