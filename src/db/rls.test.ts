// Tenant isolation inside the database: under organization A, no query reaches a row of organization B, even
// naming its key. The list of tenant tables comes from the catalog, so a table added later is covered too.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { sql } from 'kysely';
import { createFullTenant } from '../../test/factories.ts';
import { forEachDatabase } from '../../test/harness.ts';
import { inScope, readScope } from './scope.ts';

interface TenantTable {
  table: string;
  pk: string[];
  /** Whether the application role may read it at all. */
  granted: boolean;
}

forEachDatabase('row-level security', (ctx) => {
  async function tenantTables(): Promise<TenantTable[]> {
    const { rows } = await sql<TenantTable>`
      SELECT c.relname AS table, has_table_privilege('groundtruth_app', c.oid, 'SELECT') AS granted,
        array(SELECT a.attname::text FROM pg_index i JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = ANY (i.indkey)
              WHERE i.indrelid = c.oid AND i.indisprimary ORDER BY a.attnum) AS pk
      FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE n.nspname = 'public' AND c.relkind = 'r'
        AND EXISTS (SELECT 1 FROM pg_attribute a WHERE a.attrelid = c.oid AND a.attname = 'organization_id' AND NOT a.attisdropped)
      ORDER BY 1`.execute(ctx.database.db);
    return rows;
  }

  test('every table with organization_id has forced RLS, a policy, and a NOT NULL organization_id', async () => {
    const { rows } = await sql<{
      table: string;
      enabled: boolean;
      forced: boolean;
      policies: number;
      notnull: boolean;
    }>`
      SELECT c.relname AS table, c.relrowsecurity AS enabled, c.relforcerowsecurity AS forced,
        (SELECT count(*)::int FROM pg_policy p WHERE p.polrelid = c.oid) AS policies,
        (SELECT a.attnotnull FROM pg_attribute a WHERE a.attrelid = c.oid AND a.attname = 'organization_id') AS notnull
      FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE n.nspname = 'public' AND c.relkind = 'r'
        AND EXISTS (SELECT 1 FROM pg_attribute a WHERE a.attrelid = c.oid AND a.attname = 'organization_id')`.execute(
      ctx.database.db,
    );
    assert.ok(rows.length >= 14, `expected the core tenant tables, found ${rows.length}`);
    for (const r of rows) {
      assert.deepEqual(
        {
          table: r.table,
          enabled: r.enabled,
          forced: r.forced,
          notnull: r.notnull,
          hasPolicy: r.policies > 0,
        },
        { table: r.table, enabled: true, forced: true, notnull: true, hasPolicy: true },
      );
    }
  });

  test('the application role owns no table and is not a superuser', async () => {
    const who = await inScope(ctx.database.db, { organizationId: null, userId: null }, (tx) =>
      sql<{ user: string; superuser: boolean; bypass: boolean; owned: number }>`
        SELECT current_user AS user, r.rolsuper AS superuser, r.rolbypassrls AS bypass,
          (SELECT count(*)::int FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
           WHERE n.nspname = 'public' AND c.relowner = r.oid) AS owned
        FROM pg_roles r WHERE r.rolname = current_user`.execute(tx),
    );
    assert.deepEqual(who.rows[0], { user: 'groundtruth_app', superuser: false, bypass: false, owned: 0 });
  });

  test('under organization A, rows of organization B cannot be read, updated or deleted by key', async () => {
    const a = await createFullTenant(ctx.database);
    const b = await createFullTenant(ctx.database);
    const tables = await tenantTables();
    for (const { table, pk, granted } of tables) {
      if (!granted) {
        // Reached only through SECURITY DEFINER functions (e.g. room_tokens): the application role may not
        // even name it.
        await assert.rejects(
          inScope(ctx.database.db, { organizationId: a.org.id, userId: a.org.owner.id }, (tx) =>
            sql`SELECT 1 FROM ${sql.table(table)}`.execute(tx),
          ),
          /permission denied/,
          `${table}: the application role must not read it`,
        );
        continue;
      }
      // B's rows, read as the owner (outside RLS) so the test knows their keys.
      const { rows: bRows } = await sql<Record<string, unknown>>`
        SELECT * FROM ${sql.table(table)} WHERE organization_id = ${b.org.id}`.execute(ctx.database.db);
      assert.ok(bRows.length > 0, `fixture has no ${table} row for organization B`);
      const key = bRows[0]!;
      const where = sql.join(
        pk.map((col) => sql`${sql.ref(col)} = ${key[col]}`),
        sql` AND `,
      );
      const seen = await inScope(
        ctx.database.db,
        { organizationId: a.org.id, userId: a.org.owner.id },
        async (tx) => {
          const read = await sql`SELECT * FROM ${sql.table(table)} WHERE ${where}`.execute(tx);
          const all = await sql<{ n: number }>`
          SELECT count(*)::int AS n FROM ${sql.table(table)} WHERE organization_id <> ${a.org.id}`.execute(
            tx,
          );
          const updated =
            await sql`UPDATE ${sql.table(table)} SET organization_id = organization_id WHERE ${where}`.execute(
              tx,
            );
          const deleted = await sql`DELETE FROM ${sql.table(table)} WHERE ${where}`.execute(tx);
          return {
            read: read.rows.length,
            others: all.rows[0]!.n,
            updated: Number(updated.numAffectedRows),
            deleted: Number(deleted.numAffectedRows),
          };
        },
      );
      assert.deepEqual(seen, { read: 0, others: 0, updated: 0, deleted: 0 }, `table ${table} leaked`);
      const still = await sql`SELECT 1 FROM ${sql.table(table)} WHERE ${where}`.execute(ctx.database.db);
      assert.equal(still.rows.length, 1, `${table}: B's row must be untouched`);
    }
  });

  test('A sees its own rows, and no tenant is set means no rows', async () => {
    const a = await createFullTenant(ctx.database);
    const own = await inScope(ctx.database.db, { organizationId: a.org.id, userId: a.org.owner.id }, (tx) =>
      tx.selectFrom('projects').select(['id', 'organization_id']).execute(),
    );
    assert.deepEqual(own, [{ id: a.project.id, organization_id: a.org.id }]);
    const none = await inScope(ctx.database.db, { organizationId: null, userId: null }, (tx) =>
      sql<{ n: number }>`SELECT (SELECT count(*) FROM projects) + (SELECT count(*) FROM audit_log)
        + (SELECT count(*) FROM organizations) + (SELECT count(*) FROM organization_members) AS n`.execute(
        tx,
      ),
    );
    assert.equal(Number(none.rows[0]!.n), 0);
  });

  test('readScope answers under the scope, refuses writes, and checks membership', async () => {
    const a = await createFullTenant(ctx.database);
    const b = await createFullTenant(ctx.database);
    const scope = { organizationId: a.org.id, userId: a.org.owner.id, requireMembership: true };
    const own = await readScope(ctx.database, scope, (tx) =>
      tx.selectFrom('projects').select('id').execute(),
    );
    assert.deepEqual(own, [{ id: a.project.id }]);
    await assert.rejects(
      readScope(ctx.database, scope, (tx) =>
        tx.updateTable('projects').set({ title: 'changed' }).where('id', '=', a.project.id).execute(),
      ),
      /read-only transaction/,
    );
    const title = await inScope(ctx.database.db, scope, (tx) =>
      tx.selectFrom('projects').select('title').where('id', '=', a.project.id).executeTakeFirstOrThrow(),
    );
    assert.notEqual(title.title, 'changed');
    await assert.rejects(
      readScope(ctx.database, { ...scope, userId: b.org.owner.id }, (tx) =>
        tx.selectFrom('projects').select('id').execute(),
      ),
      (err: { status?: number; code?: string }) => err.code === 'not_found',
    );
    // On PostgreSQL the reads are pipelined (the opener and the first query go out together): each still sees
    // only its own organization, also right after a refused opener on the same connections.
    assert.equal(Boolean(ctx.database.readPool), ctx.database.kind === 'postgres');
    const scopeB = { organizationId: b.org.id, userId: b.org.owner.id, requireMembership: true };
    const many = await Promise.all(
      Array.from({ length: 12 }, (_, i) =>
        readScope(ctx.database, i % 2 ? scopeB : scope, (tx) =>
          tx.selectFrom('projects').select('id').execute(),
        ),
      ),
    );
    many.forEach((rows, i) => {
      assert.deepEqual(rows, [{ id: i % 2 ? b.project.id : a.project.id }]);
    });
    if (ctx.database.readPool) {
      // A read's transaction left open for the next read is ended within a few milliseconds when none comes.
      const name = (ctx.database.readPool as unknown as { options: { application_name: string } }).options
        .application_name;
      const open = async () =>
        Number(
          (
            await ctx.database.pool.query(
              `SELECT count(*) AS n FROM pg_stat_activity WHERE application_name = $1 AND state LIKE 'idle in transaction%'`,
              [name],
            )
          ).rows[0].n,
        );
      await readScope(ctx.database, scope, (tx) => tx.selectFrom('projects').select('id').execute());
      await new Promise((r) => setTimeout(r, 100));
      assert.equal(await open(), 0);
    }
  });

  test('under A, a row cannot be written into B', async () => {
    const a = await createFullTenant(ctx.database);
    const b = await createFullTenant(ctx.database);
    const scope = { organizationId: a.org.id, userId: a.org.owner.id };
    await assert.rejects(
      inScope(ctx.database.db, scope, (tx) =>
        tx
          .insertInto('projects')
          .values({ organization_id: b.org.id, title: 'x', slug: 'intruder' })
          .execute(),
      ),
      /row-level security/,
    );
    await assert.rejects(
      inScope(ctx.database.db, scope, (tx) =>
        tx
          .updateTable('projects')
          .set({ organization_id: b.org.id })
          .where('id', '=', a.project.id)
          .execute(),
      ),
      /row-level security/,
    );
    // A composite foreign key also refuses pointing A's row at B's team.
    await assert.rejects(
      inScope(ctx.database.db, scope, (tx) =>
        tx.updateTable('projects').set({ team_id: b.teamId }).where('id', '=', a.project.id).execute(),
      ),
      /foreign key/,
    );
  });

  test("a user sees B's organization only as a member of it", async () => {
    const a = await createFullTenant(ctx.database);
    const b = await createFullTenant(ctx.database);
    const visible = await inScope(
      ctx.database.db,
      { organizationId: a.org.id, userId: a.org.owner.id },
      (tx) => tx.selectFrom('organizations').select('id').where('id', 'in', [a.org.id, b.org.id]).execute(),
    );
    assert.deepEqual(visible, [{ id: a.org.id }]);
  });
});
