// Per-file databases. `forEachDatabase` declares a suite once per database kind of this run; each suite gets a
// fresh database copied from the migrated template (a directory copy on PGlite, CREATE DATABASE ... TEMPLATE
// on PostgreSQL), dropped when the suite ends.
import { randomBytes } from 'node:crypto';
import { cpSync, rmSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe } from 'node:test';
import {
  connectPostgres,
  type Database,
  type DatabaseKind,
  poolFromEmbedded,
  wrapPool,
} from '../src/db/database.ts';
import { openEmbeddedUnlocked } from '../src/db/pglite.ts';
import { adminQuery, databaseUrl } from './pg-admin.ts';

function runEnv(name: string): string {
  const value = process.env[name];
  if (!value)
    throw new Error(`${name} is not set: run the tests with \`npm test\` (test/run.ts prepares them)`);
  return value;
}

export const kinds = (process.env.GT_TEST_KINDS ?? 'pglite').split(',') as DatabaseKind[];

/** A database name unique to this run, so leftovers of a crashed run are found and dropped by the next. */
export function scratchDatabaseName(): string {
  return `gt_t_${runEnv('GT_TEST_RUN_ID')}_${randomBytes(5).toString('hex')}`;
}

export async function createPostgresDatabase(
  template: string | null,
): Promise<{ name: string; url: string }> {
  const name = scratchDatabaseName();
  await adminQuery(`CREATE DATABASE ${name}${template ? ` TEMPLATE ${template}` : ''}`);
  return { name, url: databaseUrl(name) };
}

export async function dropPostgresDatabase(name: string): Promise<void> {
  await adminQuery(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
}

/** A new database, migrated (from the template) unless `empty`. */
export async function createTestDatabase(
  kind: DatabaseKind,
  opts: { empty?: boolean } = {},
): Promise<Database> {
  if (kind === 'pglite') {
    const dir = path.join(runEnv('GT_TEST_RUN_DIR'), `db-${randomBytes(6).toString('hex')}`);
    if (!opts.empty) cpSync(path.join(runEnv('GT_TEST_RUN_DIR'), 'template'), dir, { recursive: true });
    const embedded = await openEmbeddedUnlocked(dir);
    return wrapPool('pglite', poolFromEmbedded(embedded), async () => {
      await embedded.release();
      rmSync(dir, { recursive: true, force: true });
    });
  }
  const { name, url } = await createPostgresDatabase(opts.empty ? null : runEnv('GT_TEST_PG_TEMPLATE'));
  return connectPostgres(url, 5, 5000, () => dropPostgresDatabase(name));
}

export interface DatabaseContext {
  kind: DatabaseKind;
  /** The suite's database; available inside tests and hooks. */
  readonly database: Database;
}

/** Declares `fn`'s tests once per database kind of this run, each with its own database. */
export function forEachDatabase(name: string, fn: (ctx: DatabaseContext) => void): void {
  for (const kind of kinds) {
    describe(`${name} [${kind}]`, () => {
      let database: Database | undefined;
      before(async () => {
        database = await createTestDatabase(kind);
      });
      after(async () => {
        await database?.close();
      });
      fn({
        kind,
        get database() {
          if (!database) throw new Error('the database is created in before(); use it inside tests');
          return database;
        },
      });
    });
  }
}
