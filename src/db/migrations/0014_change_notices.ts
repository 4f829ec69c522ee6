// Change notices for the in-process read cache (src/platform/cache). Every write to a tenant table says which
// organization changed, twice: a NOTICE on the writing connection (so the writing process drops what it
// cached before its own COMMIT returns) and a NOTIFY on channel gt_changed (delivered at commit to every other
// process that LISTENs). Statement-level triggers: a COPY of a million rows costs one notice, not a million.
// Row-level RLS guarantees that application-role writes touch only the current organization's rows, so the
// organization comes from the transaction's setting; writes made outside a scope (owner connections, cascades
// from person-level work) carry '*' and drop everything.
// Tables created by later migrations get the trigger from `changeNotices(table)` in helpers.ts; a test checks
// that every table with organization_id has it.
import { type Kysely, sql } from 'kysely';
import { changeNotices } from './helpers.ts';

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    CREATE FUNCTION gt_announce(payload text) RETURNS void LANGUAGE plpgsql AS $f$
    BEGIN
      RAISE NOTICE USING MESSAGE = 'gt_changed ' || payload, ERRCODE = 'GT100';
      -- The NOTIFY names the writing connection's application_name, so a process can skip its own changes
      -- (it has already applied them from the notice).
      PERFORM pg_notify('gt_changed', payload || '|' || coalesce(current_setting('application_name', true), ''));
    END $f$;

    CREATE FUNCTION gt_tenant_changed() RETURNS trigger LANGUAGE plpgsql AS $f$
    BEGIN
      PERFORM gt_announce('org:' || coalesce(nullif(current_setting('app.organization_id', true), ''), '*'));
      RETURN NULL;
    END $f$;

    -- A person's account: who they are shows in other people's answers (names, flags), so any change other
    -- than a login time or password hash drops everything.
    CREATE FUNCTION gt_user_changed() RETURNS trigger LANGUAGE plpgsql AS $f$
    BEGIN
      IF TG_OP = 'DELETE' OR (to_jsonb(OLD) - 'last_login' - 'password_hash' - 'updated_at')
          IS DISTINCT FROM (to_jsonb(NEW) - 'last_login' - 'password_hash' - 'updated_at') THEN
        PERFORM gt_announce('*');
      END IF;
      RETURN NULL;
    END $f$;
    CREATE TRIGGER gt_changed AFTER UPDATE OR DELETE ON users
      FOR EACH ROW EXECUTE FUNCTION gt_user_changed();

    -- Revoking, renaming or deleting a key is rare: it drops everything, so a key's cached lookup needs no
    -- owner known before it is read. Recording a key's use (last_used_at) is not a change.
    CREATE FUNCTION gt_api_key_changed() RETURNS trigger LANGUAGE plpgsql AS $f$
    BEGIN
      IF TG_OP = 'DELETE' OR (to_jsonb(OLD) - 'last_used_at') IS DISTINCT FROM (to_jsonb(NEW) - 'last_used_at') THEN
        PERFORM gt_announce('*');
      END IF;
      RETURN NULL;
    END $f$;
    CREATE TRIGGER gt_changed AFTER UPDATE OR DELETE ON api_keys
      FOR EACH ROW EXECUTE FUNCTION gt_api_key_changed();

    CREATE FUNCTION gt_organization_changed() RETURNS trigger LANGUAGE plpgsql AS $f$
    BEGIN
      PERFORM gt_announce('org:' || OLD.id);
      RETURN NULL;
    END $f$;
    CREATE TRIGGER gt_changed AFTER UPDATE OR DELETE ON organizations
      FOR EACH ROW EXECUTE FUNCTION gt_organization_changed();
  `.execute(db);
  const { rows } = await sql<{ table: string }>`
    SELECT c.relname AS table FROM pg_class c
    JOIN pg_namespace n ON n.oid = c.relnamespace AND n.nspname = current_schema()
    WHERE c.relkind IN ('r', 'p') AND EXISTS (
      SELECT 1 FROM pg_attribute a
      WHERE a.attrelid = c.oid AND a.attname = 'organization_id' AND NOT a.attisdropped)
    ORDER BY 1`.execute(db);
  for (const { table } of rows) await sql.raw(changeNotices(table)).execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  const { rows } = await sql<{ table: string }>`
    SELECT DISTINCT c.relname AS table FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid
    WHERE t.tgname = 'gt_changed' AND NOT t.tgisinternal ORDER BY 1`.execute(db);
  for (const { table } of rows)
    await sql.raw(`DROP TRIGGER gt_changed ON "${table.replaceAll('"', '""')}"`).execute(db);
  await sql`
    DROP FUNCTION gt_tenant_changed();
    DROP FUNCTION gt_user_changed();
    DROP FUNCTION gt_api_key_changed();
    DROP FUNCTION gt_organization_changed();
    DROP FUNCTION gt_announce(text);
  `.execute(db);
}
