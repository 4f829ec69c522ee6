// Units of work. Tenant work runs in a transaction as the application role `groundtruth_app` (which owns no
// table, so row-level security always applies) with the organization and user set for that transaction only.
// The opening statements go to the server in one round trip.
import { Kysely, PostgresDialect, sql } from 'kysely';
import type { Pool, PoolClient } from 'pg';
import { AppError } from '../platform/errors.ts';
import type { DB } from './types.ts';

export const APP_ROLE = 'groundtruth_app';
const NOT_A_MEMBER = 'GT404';

export interface Scope {
  /** The organization the work acts in; null for a person's own, tenant-less work (their account, keys). */
  organizationId: number | null;
  userId: number | null;
  /** Refuse (404) unless userId is a member of organizationId, checked inside the transaction. */
  requireMembership?: boolean;
}

/** The unit of work's handle: a Kysely bound to the transaction's connection. Do not nest transactions. */
export type Tx = Kysely<DB>;

function idLiteral(value: number | null, name: string): string {
  if (value === null) return '';
  if (!Number.isSafeInteger(value) || value < 1) throw new AppError('bad_request', `invalid ${name}`);
  return String(value);
}

function opener(scope: Scope, readOnly = false): string {
  const org = idLiteral(scope.organizationId, 'organization id');
  const user = idLiteral(scope.userId, 'user id');
  let text = `${readOnly ? 'BEGIN READ ONLY' : 'BEGIN'}; SELECT set_config('role', '${APP_ROLE}', true), set_config('app.organization_id', '${org}', true), set_config('app.user_id', '${user}', true);`;
  if (scope.requireMembership && org && user) {
    // Migration 0027; raises GT404 (NOT_A_MEMBER) when the user is not a member of the organization.
    text += ` SELECT gt_require_member(${org}, ${user});`;
  }
  return text;
}

/** Runs `fn` in one transaction as the application role, scoped to `scope`. */
export async function inScope<T>(db: Kysely<DB>, scope: Scope, fn: (tx: Tx) => Promise<T>): Promise<T> {
  return db.connection().execute(async (conn) => {
    await open(conn, scope, false);
    let result: T;
    try {
      result = await fn(conn);
    } catch (err) {
      await sql.raw('ROLLBACK').execute(conn);
      throw err;
    }
    await sql.raw('COMMIT').execute(conn);
    return result;
  });
}

/**
 * inScope for reads: a READ ONLY transaction (a write in it fails), answered as soon as `fn` has its result;
 * the COMMIT, which has nothing to make durable, finishes after the caller has moved on, before the connection
 * goes back to the pool.
 */
export function readScope<T>(db: Kysely<DB>, scope: Scope, fn: (tx: Tx) => Promise<T>): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    let answered = false;
    db.connection()
      .execute(async (conn) => {
        await open(conn, scope, true);
        let result: T;
        try {
          result = await fn(conn);
        } catch (err) {
          await sql.raw('ROLLBACK').execute(conn);
          throw err;
        }
        answered = true;
        resolve(result);
        await sql.raw('COMMIT').execute(conn);
      })
      .catch((err) => {
        // A failed COMMIT after the answer leaves nothing behind: the transaction could not write.
        if (!answered) reject(err);
      });
  });
}

async function open(conn: Tx, scope: Scope, readOnly: boolean): Promise<void> {
  try {
    await sql.raw(opener(scope, readOnly)).execute(conn);
  } catch (err) {
    await sql.raw('ROLLBACK').execute(conn);
    if ((err as { code?: string }).code === NOT_A_MEMBER)
      throw new AppError('not_found', 'organization not found');
    throw err;
  }
}

/** Moves a running unit of work into another organization (e.g. one it has just created). */
export async function enterOrganization(tx: Tx, organizationId: number): Promise<void> {
  await sql`SELECT set_config('app.organization_id', ${String(organizationId)}, true)`.execute(tx);
}

/**
 * A unit of work on a connection of its own, held for as long as the caller needs it: a database cursor
 * streamed to a client, or a COPY. `tx` is a Kysely over that connection; `client` is the raw node-postgres
 * client (for pg-copy-streams). The caller must `end(true|false)` it: commit or roll back, then release.
 */
export interface HeldScope {
  tx: Tx;
  client: PoolClient;
  end(commit: boolean): Promise<void>;
  /**
   * Closes the connection instead of ending the transaction in-band (the server rolls it back): for a
   * reader that stopped inside a `COPY ... TO STDOUT`, where the connection can take no other statement.
   */
  abandon(): void;
}

export async function holdScope(pool: Pool, scope: Scope): Promise<HeldScope> {
  const client = await pool.connect();
  try {
    await client.query(opener(scope));
  } catch (err) {
    await client.query('ROLLBACK').catch(() => {});
    client.release();
    if ((err as { code?: string }).code === NOT_A_MEMBER)
      throw new AppError('not_found', 'organization not found');
    throw err;
  }
  // Kysely "releases" its connection after each query; this one stays with the caller until end().
  const shared = { query: client.query.bind(client), release: () => {} };
  const tx = new Kysely<DB>({
    dialect: new PostgresDialect({ pool: { connect: async () => shared, end: async () => {} } as never }),
  });
  let ended = false;
  return {
    tx,
    client,
    async end(commit) {
      if (ended) return;
      ended = true;
      try {
        await client.query(commit ? 'COMMIT' : 'ROLLBACK');
        client.release();
      } catch (err) {
        // A connection that failed mid-statement is not returned to the pool for reuse.
        client.release(err as Error);
        if (commit) throw err;
      }
    },
    abandon() {
      if (ended) return;
      ended = true;
      client.release(new Error('abandoned mid-statement'));
    },
  };
}
