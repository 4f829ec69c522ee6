// The pg-boss queue schema (`pgboss`), created with the product's schema so every database (and every test
// template) has it. pg-boss upgrades its own schema at start when its version changes; this migration installs
// the version of the pg-boss package in use. Its plan has its own BEGIN/COMMIT, removed here because the
// migrator already runs the batch in one transaction.
import { type Kysely, sql } from 'kysely';
import { getConstructionPlans } from 'pg-boss';

export const QUEUE_SCHEMA = 'pgboss';

function plan(): string {
  const text = getConstructionPlans(QUEUE_SCHEMA).trim();
  if (!text.startsWith('BEGIN;') || !text.endsWith('COMMIT;')) {
    throw new Error('unexpected pg-boss construction plan: expected it wrapped in BEGIN/COMMIT');
  }
  return text.slice('BEGIN;'.length, -'COMMIT;'.length);
}

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql.raw(plan()).execute(db);
  // Work is enqueued inside the application's own transactions (as groundtruth_app), so that a job exists
  // exactly when the change that asked for it committed.
  await sql
    .raw(`
      GRANT USAGE ON SCHEMA ${QUEUE_SCHEMA} TO groundtruth_app;
      GRANT SELECT, INSERT, UPDATE ON ALL TABLES IN SCHEMA ${QUEUE_SCHEMA} TO groundtruth_app;
      GRANT EXECUTE ON ALL FUNCTIONS IN SCHEMA ${QUEUE_SCHEMA} TO groundtruth_app;
      ALTER DEFAULT PRIVILEGES IN SCHEMA ${QUEUE_SCHEMA} GRANT SELECT, INSERT, UPDATE ON TABLES TO groundtruth_app;`)
    .execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  // Queued work is transient; the user-visible record of each job stays in the jobs table.
  await sql
    .raw(`
      ALTER DEFAULT PRIVILEGES IN SCHEMA ${QUEUE_SCHEMA} REVOKE SELECT, INSERT, UPDATE ON TABLES FROM groundtruth_app;
      DROP SCHEMA ${QUEUE_SCHEMA} CASCADE;`)
    .execute(db);
}
