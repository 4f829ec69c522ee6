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

/** What readScope needs of the database: the Kysely, and on PostgreSQL the pipelined pool for reads. */
export interface ReadTarget {
  db: Kysely<DB>;
  readPool?: Pool;
}

/**
 * inScope for reads: a READ ONLY transaction (a write in it fails), answered as soon as `fn` has its result;
 * the COMMIT, which has nothing to make durable, finishes after the caller has moved on (on PostgreSQL, with
 * the next read on the connection or a few milliseconds later). On PostgreSQL the opening statements and `fn`'s first query go out together on a
 * pipelined connection (no cursors or COPY in `fn` there).
 */
export function readScope<T>(target: ReadTarget, scope: Scope, fn: (tx: Tx) => Promise<T>): Promise<T> {
  if (target.readPool) return pipelinedRead(target.readPool, scope, fn);
  return new Promise<T>((resolve, reject) => {
    let answered = false;
    target.db
      .connection()
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

interface ClientHandle {
  tx: Tx;
  /** An opener to send with the next query, in the same write (pipelinedRead), and its outcome once sent. */
  pending: string | null;
  opened: Promise<Error | null> | null;
  /**
   * The last read's transaction is still open (pipelinedRead): the next read's opener ends it ("COMMIT; BEGIN
   * ..."), or `parked` does when no read comes first.
   */
  unfinished: boolean;
  parked: NodeJS.Timeout | null;
}

/** How long a finished read's transaction may wait for the next read on its connection to end it. */
const PARK_MS = 5;

const handles = new WeakMap<PoolClient, ClientHandle>();

/**
 * A Kysely over one checked-out client, made once per pooled connection and kept with it (Kysely "releases"
 * its connection after each query; this one stays). A pending opener goes out corked together with the next
 * query: one write, and the server reads both at once.
 */
function handleOf(client: PoolClient): ClientHandle {
  let handle = handles.get(client);
  if (!handle) {
    const h: ClientHandle = {
      tx: null as never,
      pending: null,
      opened: null,
      unfinished: false,
      parked: null,
    };
    const query = (text: string, values?: unknown[]) => {
      if (h.pending === null) return client.query(text, values);
      const stream = (client as unknown as { connection?: { stream?: { cork(): void; uncork(): void } } })
        .connection?.stream;
      stream?.cork();
      try {
        sendOpener(client, h);
        return client.query(text, values);
      } finally {
        stream?.uncork();
      }
    };
    h.tx = new Kysely<DB>({
      dialect: new PostgresDialect({
        pool: { connect: async () => ({ query, release: () => {} }), end: async () => {} } as never,
      }),
    });
    handles.set(client, h);
    handle = h;
  }
  return handle;
}

function sendOpener(client: PoolClient, h: ClientHandle): Promise<Error | null> {
  if (h.pending !== null) {
    const text = h.pending;
    h.pending = null;
    h.opened = client.query(text).then(
      () => null,
      (err: Error) => err,
    );
  }
  return h.opened ?? Promise.resolve(null);
}

/**
 * Back to the pool with the read's READ ONLY transaction still open: it holds nothing to make durable, and the
 * next read on this connection ends it in its own opener, which saves a statement and a wake-up of the server
 * per read. A connection that no read takes within PARK_MS ends it by itself.
 */
function park(client: PoolClient, h: ClientHandle): void {
  h.unfinished = true;
  h.parked = setTimeout(() => {
    h.parked = null;
    if (!h.unfinished) return;
    h.unfinished = false;
    client.query('COMMIT').catch(() => {});
  }, PARK_MS);
  h.parked.unref();
  client.release();
}

async function pipelinedRead<T>(pool: Pool, scope: Scope, fn: (tx: Tx) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  const h = handleOf(client);
  if (h.parked) clearTimeout(h.parked);
  h.parked = null;
  // The opener waits for `fn`'s first statement and goes out with it, unanswered: on a pipelined connection
  // the statement follows the opener without a round trip between. If any opening statement fails, the
  // transaction is aborted and every statement behind it fails too ("current transaction is aborted"); and
  // nothing `fn` got is returned unless the opener succeeded. The opener first ends the previous read's
  // transaction, if it is still open (`park`); every setting is then made anew, for this transaction only.
  const previous = h.unfinished;
  h.unfinished = false;
  h.pending = `${previous ? 'COMMIT; ' : ''}${opener(scope, true)}`;
  h.opened = null;
  const finish = (command: 'COMMIT' | 'ROLLBACK') =>
    client.query(command).then(
      () => client.release(),
      (err: Error) => client.release(err),
    );
  let result: T;
  try {
    result = await fn(h.tx);
  } catch (err) {
    const failed = h.opened ? await h.opened : null;
    if (h.pending !== null) {
      // `fn` failed before its first statement: nothing was sent, the previous read's transaction is as it was.
      h.pending = null;
      if (previous) park(client, h);
      else client.release();
    } else void finish('ROLLBACK');
    throw failed ? openerError(failed) : err;
  }
  // A `fn` that sent nothing still has its membership checked before it answers.
  const failed = await sendOpener(client, h);
  if (failed) {
    void finish('ROLLBACK');
    throw openerError(failed);
  }
  park(client, h);
  return result;
}

function openerError(err: Error): Error {
  if ((err as { code?: string }).code === NOT_A_MEMBER)
    return new AppError('not_found', 'organization not found');
  return err;
}

async function open(conn: Tx, scope: Scope, readOnly: boolean): Promise<void> {
  try {
    await sql.raw(opener(scope, readOnly)).execute(conn);
  } catch (err) {
    await sql.raw('ROLLBACK').execute(conn);
    throw openerError(err as Error);
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
    throw openerError(err as Error);
  }
  // Stays with the caller until end().
  const tx = handleOf(client).tx;
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
