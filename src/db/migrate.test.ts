// Migrations: all up, rows in every table, all down, all up again; a failing migration changes nothing; two
// processes migrating at once apply each migration once; the committed table types match the live schema.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { sql } from 'kysely';
import { createFullTenant } from '../../test/factories.ts';
import { createTestDatabase, forEachDatabase } from '../../test/harness.ts';
import { migrateAllDown, migrateToLatest, migrationStatus, pendingMigrations } from './migrate.ts';
import { migrations } from './migrations/index.ts';
import { generateTableTypes } from './typegen.ts';

forEachDatabase('migrations', (ctx) => {
  const tableCounts = async () => {
    const { rows } = await sql<{ table: string }>`
      SELECT c.relname AS table FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE n.nspname = 'public' AND c.relkind = 'r' AND c.relname NOT LIKE 'kysely_%' ORDER BY 1`.execute(
      ctx.database.db,
    );
    const counts: Record<string, number> = {};
    for (const { table } of rows) {
      const r = await sql<{ n: number }>`SELECT count(*)::int AS n FROM ${sql.table(table)}`.execute(
        ctx.database.db,
      );
      counts[table] = r.rows[0]!.n;
    }
    return counts;
  };

  test('the template is fully migrated', async () => {
    assert.deepEqual(await pendingMigrations(ctx.database.db), []);
    const status = await migrationStatus(ctx.database.db);
    assert.deepEqual(
      status.map((m) => m.name),
      Object.keys(migrations),
    );
  });

  test('committed src/db/types.ts matches the live schema (run `npm run db:types` after a migration)', async () => {
    const committed = readFileSync(new URL('./types.ts', import.meta.url), 'utf8');
    assert.equal(await generateTableTypes(ctx.database.db), committed);
  });

  test('all up with rows in every table, all down, all up again', async () => {
    await createFullTenant(ctx.database);
    const before = await tableCounts();
    assert.ok(Object.keys(before).length >= 20, 'core tables exist');
    for (const [table, n] of Object.entries(before)) assert.ok(n > 0, `${table} has rows`);

    const down = await migrateAllDown(ctx.database.db);
    assert.deepEqual(
      down,
      Object.keys(migrations)
        .toReversed()
        .map((m) => `Down ${m}`),
    );
    assert.deepEqual(await tableCounts(), {}, 'every table is gone after all down');

    const up = await migrateToLatest(ctx.database.db);
    assert.deepEqual(
      up,
      Object.keys(migrations).map((m) => `Up ${m}`),
    );
    const after = await tableCounts();
    assert.deepEqual(Object.keys(after), Object.keys(before));
    await createFullTenant(ctx.database); // the re-created schema takes data again, policies included
  });

  test('a failing migration rolls back and leaves the schema as it was', async () => {
    const broken = {
      ...migrations,
      '9999_broken': {
        async up(db: Parameters<typeof migrateToLatest>[0]) {
          await sql`CREATE TABLE half_done (id int)`.execute(db);
          await sql`ALTER TABLE no_such_table ADD COLUMN x int`.execute(db);
        },
        async down() {},
      },
    };
    await assert.rejects(
      migrateToLatest(ctx.database.db, broken),
      /migration 9999_broken failed: .*no_such_table/,
    );
    const exists = await sql`SELECT to_regclass('public.half_done') AS t`.execute(ctx.database.db);
    assert.deepEqual(exists.rows, [{ t: null }]);
    assert.deepEqual(await pendingMigrations(ctx.database.db), []);
  });
});

test('two processes migrating one empty PostgreSQL database at once apply each migration once', async (t) => {
  if (!(process.env.GT_TEST_KINDS ?? '').includes('postgres'))
    return t.skip('PostgreSQL is not part of this run');
  const first = await createTestDatabase('postgres', { empty: true });
  // A second, independent pool on the same database stands in for a second process.
  const { connectPostgres } = await import('./database.ts');
  const url = `${(first.pool.options as { connectionString: string }).connectionString}`;
  const second = await connectPostgres(url, 2, 5000);
  try {
    const [a, b] = await Promise.all([migrateToLatest(first.db), migrateToLatest(second.db)]);
    assert.equal(a.length + b.length, Object.keys(migrations).length, 'each migration ran exactly once');
    const { rows } = await sql<{ n: number }>`SELECT count(*)::int AS n FROM kysely_migration`.execute(
      first.db,
    );
    assert.equal(rows[0]!.n, Object.keys(migrations).length);
  } finally {
    await second.close();
    await first.close();
  }
});
