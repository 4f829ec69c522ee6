// Statements compiled once per shape: later calls fill in their own values, and a value that does not come
// through param() is refused instead of being frozen into the shape.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { sql } from 'kysely';
import { forEachDatabase } from '../../test/harness.ts';
import { shapedStatements } from './statements.ts';

forEachDatabase('shaped statements', (ctx) => {
  test('one shape, each call its own values', async () => {
    const statements = shapedStatements<{ from: number; to: number }>();
    const run = (from: number, to: number) =>
      statements.rows<{ n: number }>(ctx.database.db, 'range', { from, to }, (param) =>
        ctx.database.db
          .selectFrom(sql<{ n: number }>`generate_series(${param('from')}::int, ${param('to')}::int)`.as('s'))
          .select(sql<number>`s`.as('n')),
      );
    assert.deepEqual(
      (await run(1, 3)).map((r) => r.n),
      [1, 2, 3],
    );
    assert.deepEqual(
      (await run(5, 6)).map((r) => r.n),
      [5, 6],
    );
  });

  test('a value from outside param() is refused', async () => {
    const statements = shapedStatements<{ a: number }>();
    const outside = 7;
    await assert.rejects(
      statements.rows(ctx.database.db, 'bad', { a: 1 }, () =>
        ctx.database.db.selectNoFrom(sql<number>`${outside}::int`.as('x')),
      ),
      /did not come from param/,
    );
  });
});
