// The data manager's filter functions. Under forced row-level security PostgreSQL only turns a WHERE clause into
// an index condition when every function in it is LEAKPROOF (otherwise it must run after the tenant policy), and
// `data ->> 'key'` is not. These wrappers are leakproof in fact (they never raise, whatever the data), so a filter
// on a task's data value can use an expression index on (project_id, dm_text(data, 'key'), id). The indexes
// themselves are created per data key when a view first needs them (see annotation/dm.indexes.ts).
// Marking a function LEAKPROOF needs a superuser; without one the functions are created plain: filters still
// work, but a data filter then scans the project's tasks instead of an index.
import { type Kysely, sql } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  const { rows } = await sql<{ su: boolean }>`
    SELECT rolsuper AS su FROM pg_roles WHERE rolname = current_user`.execute(db);
  const leakproof = rows[0]?.su ? 'LEAKPROOF' : '';
  // SET search_path keeps the planner from inlining the body (inlined, it would be the leaky operator again).
  await sql
    .raw(`
    CREATE FUNCTION dm_text(data jsonb, key text) RETURNS text
      LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE ${leakproof} SET search_path = pg_catalog
      AS $f$ SELECT data ->> key $f$;
    -- A data value as a number when it is one (a JSON number or a numeric string, Label Studio is lenient):
    -- at most 15 significant digits each side, so the cast can never fail or overflow.
    CREATE FUNCTION dm_num(data jsonb, key text) RETURNS double precision
      LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE ${leakproof} SET search_path = pg_catalog
      AS $f$ SELECT CASE WHEN (data ->> key) ~ '^\\s*[-+]?[0-9]{1,15}(\\.[0-9]{1,15})?\\s*$'
                          THEN (data ->> key)::double precision END $f$;
    -- Ordering on a data value follows jsonb order (numbers as numbers, strings as text).
    CREATE FUNCTION dm_value(data jsonb, key text) RETURNS jsonb
      LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE ${leakproof} SET search_path = pg_catalog
      AS $f$ SELECT data -> key $f$;
    GRANT EXECUTE ON FUNCTION dm_text(jsonb, text), dm_num(jsonb, text), dm_value(jsonb, text) TO groundtruth_app;
  `)
    .execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  // Indexes built on these functions go with them.
  await sql`
    DROP FUNCTION dm_value(jsonb, text) CASCADE;
    DROP FUNCTION dm_num(jsonb, text) CASCADE;
    DROP FUNCTION dm_text(jsonb, text) CASCADE;
  `.execute(db);
}
