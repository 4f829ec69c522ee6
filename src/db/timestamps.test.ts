// The fast timestamptz parser answers exactly what node-postgres's own (postgres-date) answers, for the server's
// output in any session time zone and for the forms it hands back to postgres-date.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import pg from 'pg';
import { forEachDatabase } from '../../test/harness.ts';
import { parseTimestamptz } from './timestamps.ts';

const reference = pg.types.getTypeParser(pg.types.builtins.TIMESTAMPTZ, 'text') as (s: string) => unknown;
const same = (a: unknown, b: unknown) =>
  assert.equal(String(a instanceof Date ? a.getTime() : a), String(b instanceof Date ? b.getTime() : b));

test('timestamptz text: the same instants as postgres-date', () => {
  for (const text of [
    '2024-01-10 05:00:00+00',
    '2024-01-10 05:00:00.1+00',
    '2024-01-10 05:00:00.123456+00',
    '2024-01-10 05:00:00.999999-03',
    '2024-12-31 23:59:59.5+05:30',
    '2024-01-10 05:00:00+05:30:15',
    '2024-02-29 12:00:00.04-09:30',
    '0099-01-01 00:00:00+00',
    '2024-01-10 05:00:00+00 BC',
    '10000-01-01 00:00:00+00',
    'infinity',
    '-infinity',
  ]) {
    same(parseTimestamptz(text), reference(text));
  }
});

forEachDatabase('timestamps', (ctx) => {
  test('timestamptz from the server in several session time zones', async () => {
    const client = await ctx.database.pool.connect();
    try {
      for (const zone of ['UTC', 'Asia/Kolkata', 'America/St_Johns', 'Pacific/Chatham']) {
        await client.query(`SET TIME ZONE '${zone}'`);
        const { rows } = await client.query(
          `SELECT v::text AS text, v, extract(epoch FROM v) * 1000 AS ms FROM (VALUES
           (timestamptz '2024-01-10 05:00:00.123456+00'), (timestamptz '1999-12-31 23:59:59+14'),
           (timestamptz '2024-07-01 12:00:00-09:30')) AS t(v)`,
        );
        for (const row of rows) {
          assert.ok(row.v instanceof Date, zone);
          assert.equal(row.v.getTime(), Math.floor(Number(row.ms)), `${zone} ${row.text}`);
          same(parseTimestamptz(row.text), reference(row.text));
        }
      }
    } finally {
      await client.query('RESET TIME ZONE');
      client.release();
    }
  });
});
