// The unit of work's membership check (db/scope.ts) as a function: the anonymous DO block it replaces was
// compiled by PL/pgSQL on every request that asked for it (0.3-0.6 ms each here); a function's body is
// compiled once per connection. It runs as the caller, after the scope's settings, so the tenant policies apply.
import { type Kysely, sql } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    CREATE FUNCTION gt_require_member(org bigint, member bigint) RETURNS boolean
      LANGUAGE plpgsql STABLE SET search_path = public AS $f$
    BEGIN
      IF NOT EXISTS (SELECT 1 FROM organization_members WHERE organization_id = org AND user_id = member) THEN
        RAISE EXCEPTION 'not a member' USING ERRCODE = 'GT404';
      END IF;
      RETURN true;
    END $f$;
    REVOKE ALL ON FUNCTION gt_require_member(bigint, bigint) FROM PUBLIC;
    GRANT EXECUTE ON FUNCTION gt_require_member(bigint, bigint) TO groundtruth_app;
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`DROP FUNCTION gt_require_member(bigint, bigint)`.execute(db);
}
