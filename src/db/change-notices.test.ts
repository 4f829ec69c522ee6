// The read cache relies on the database announcing every change to a tenant table (migration 0014): a table
// added without the trigger would let cached answers go stale, so the catalog is checked here.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { sql } from 'kysely';
import { forEachDatabase } from '../../test/harness.ts';
import { inScope } from './scope.ts';

forEachDatabase('change notices', (ctx) => {
  test('every table with organization_id, and users, api_keys and organizations, announce changes', async () => {
    const { rows } = await sql<{ table: string }>`
      SELECT c.relname AS table FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p')
        AND (c.relname IN ('users', 'api_keys', 'organizations') OR EXISTS (
          SELECT 1 FROM pg_attribute a
          WHERE a.attrelid = c.oid AND a.attname = 'organization_id' AND NOT a.attisdropped))
        AND NOT EXISTS (SELECT 1 FROM pg_trigger t WHERE t.tgrelid = c.oid AND t.tgname = 'gt_changed')
      ORDER BY 1`.execute(ctx.database.db);
    assert.deepEqual(
      rows.map((r) => r.table),
      [],
      'tables without the gt_changed trigger (see changeNotices in helpers.ts)',
    );
  });

  test("a write in an organization's unit of work announces that organization, once per statement", async () => {
    const heard: string[] = [];
    const stop = ctx.database.changes.subscribe((payload) => heard.push(payload));
    try {
      const org = await ctx.database.db
        .insertInto('organizations')
        .values({ name: 'Announced', slug: `announced-${Date.now()}` })
        .returning('id')
        .executeTakeFirstOrThrow();
      heard.length = 0;
      await inScope(ctx.database.db, { organizationId: org.id, userId: null }, async (tx) => {
        await sql`INSERT INTO teams (organization_id, name) SELECT ${org.id}, 'team ' || g FROM generate_series(1, 50) g`.execute(
          tx,
        );
      });
      // Once when the statement ran and once when its connection went back after COMMIT.
      assert.deepEqual(heard, [`org:${org.id}`, `org:${org.id}`]);
      heard.length = 0;
      await ctx.database.db.updateTable('users').set({ last_login: new Date() }).execute();
      assert.deepEqual(heard, [], 'a login time is not a change');
    } finally {
      stop();
    }
  });
});
