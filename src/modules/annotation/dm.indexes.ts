// Expression indexes behind data manager filters on `data.<key>`. One index per (kind, key) over all tasks,
// led by project_id, so it serves every project whose tasks have that key:
//   text:  (project_id, dm_text(data, key), id)   equality, lists and text ranges, ordered by id
//   num:   (project_id, dm_num(data, key), id)    numeric comparisons and ranges
//   value: (project_id, dm_value(data, key), id)  ordering on the value (jsonb order)
// They are built by a background task when a view that needs them is saved, CONCURRENTLY on PostgreSQL so
// writers are never blocked; an invalid leftover of a failed build is dropped and rebuilt. The key is the one
// piece of client text that reaches DDL: only keys of a safe alphabet get an index (others still filter, by
// scan), and the key is written as a quoted literal that cannot contain a quote.
import { createHash } from 'node:crypto';
import { sql } from 'kysely';
import type { Database } from '../../db/database.ts';
import type { Tx } from '../../db/scope.ts';
import type { IndexNeed } from './filters/compile.ts';

export const INDEX_TASK = 'annotation.dm-index';
/** A ceiling on the number of data-key indexes, so views cannot make writes to tasks arbitrarily slow. */
export const MAX_DATA_INDEXES = 64;
const SAFE_KEY = /^[A-Za-z0-9_][A-Za-z0-9_ .:/-]{0,62}$/;
const fn = { text: 'dm_text', num: 'dm_num', value: 'dm_value' } as const;

export const indexable = (need: IndexNeed) => SAFE_KEY.test(need.key);

export function indexName(need: IndexNeed): string {
  const hash = createHash('sha256').update(need.key).digest('hex').slice(0, 16);
  return `tasks_dm_${need.kind}_${hash}`;
}

/** The needs (among `needs`) that have no valid index yet. */
export async function missingIndexes(tx: Tx, needs: IndexNeed[]): Promise<IndexNeed[]> {
  const wanted = needs.filter(indexable);
  if (wanted.length === 0) return [];
  const { rows } = await sql<{ relname: string }>`
    SELECT c.relname FROM pg_class c JOIN pg_index i ON i.indexrelid = c.oid
    WHERE c.relname = ANY(${wanted.map(indexName)}::text[]) AND i.indisvalid`.execute(tx);
  const have = new Set(rows.map((r) => r.relname));
  return wanted.filter((n) => !have.has(indexName(n)));
}

/** Builds the index for `need` unless it exists (runs as the owner, outside any transaction). Idempotent. */
export async function buildIndex(
  database: Database,
  need: IndexNeed,
): Promise<'built' | 'exists' | 'skipped'> {
  if (!indexable(need)) return 'skipped';
  const name = indexName(need);
  const db = database.db;
  const { rows } = await sql<{ valid: boolean }>`
    SELECT i.indisvalid AS valid FROM pg_class c JOIN pg_index i ON i.indexrelid = c.oid
    WHERE c.relname = ${name}`.execute(db);
  if (rows[0]?.valid) return 'exists';
  const concurrently = database.kind === 'postgres' ? 'CONCURRENTLY' : '';
  if (rows[0]) await sql.raw(`DROP INDEX ${concurrently} IF EXISTS ${name}`).execute(db);
  const { rows: count } = await sql<{ n: number }>`
    SELECT count(*)::int AS n FROM pg_class WHERE relname LIKE 'tasks\\_dm\\_%' AND relkind = 'i'`.execute(
    db,
  );
  if ((count[0]?.n ?? 0) >= MAX_DATA_INDEXES) return 'skipped';
  // SAFE_KEY admits no quote or backslash, so the literal is exact.
  const literal = `'${need.key}'`;
  await sql
    .raw(
      `CREATE INDEX ${concurrently} IF NOT EXISTS ${name} ON tasks (project_id, ${fn[need.kind]}(data, ${literal}::text), id)`,
    )
    .execute(db);
  return 'built';
}
