// Kysely's Migrator over the static migration list. On PostgreSQL it takes an advisory lock and runs the whole
// batch in one transaction, so two processes starting together migrate once and a failure changes nothing.
import type { Kysely } from 'kysely';
import { type Migration, type MigrationResult, Migrator, NO_MIGRATIONS } from 'kysely/migration';
import { migrations } from './migrations/index.ts';
import type { DB } from './types.ts';

export class MigrationError extends Error {}

function migrator(db: Kysely<DB>, list: Record<string, Migration> = migrations): Migrator {
  return new Migrator({ db, provider: { getMigrations: async () => list } });
}

function check(results: MigrationResult[] | undefined, error: unknown): string[] {
  if (error) {
    const failed = results?.find((r) => r.status === 'Error')?.migrationName;
    const reason = error instanceof Error ? error.message : String(error);
    throw new MigrationError(
      failed ? `migration ${failed} failed: ${reason}` : `migration failed: ${reason}`,
    );
  }
  return (results ?? [])
    .filter((r) => r.status === 'Success')
    .map((r) => `${r.direction} ${r.migrationName}`);
}

/** Applies every pending migration of `list` (the product's own list unless a test passes another). */
export async function migrateToLatest(db: Kysely<DB>, list?: Record<string, Migration>): Promise<string[]> {
  const { results, error } = await migrator(db, list).migrateToLatest();
  return check(results, error);
}

export async function migrateDown(db: Kysely<DB>): Promise<string[]> {
  const { results, error } = await migrator(db).migrateDown();
  return check(results, error);
}

export async function migrateAllDown(db: Kysely<DB>): Promise<string[]> {
  const { results, error } = await migrator(db).migrateTo(NO_MIGRATIONS);
  return check(results, error);
}

export interface MigrationStatus {
  name: string;
  executedAt: Date | null;
}

export async function migrationStatus(db: Kysely<DB>): Promise<MigrationStatus[]> {
  const list = await migrator(db).getMigrations();
  return list.map((m) => ({ name: m.name, executedAt: m.executedAt ?? null }));
}

/** Names of known migrations not yet applied; empty when the schema is current. */
export async function pendingMigrations(db: Kysely<DB>): Promise<string[]> {
  return (await migrationStatus(db)).filter((m) => !m.executedAt).map((m) => m.name);
}
