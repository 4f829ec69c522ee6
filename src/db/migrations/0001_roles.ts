// The application role and the helpers every row-level security policy uses.
// Tenant work runs as `groundtruth_app` (set per transaction), which owns nothing, so RLS always applies.
import { type Kysely, sql } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    DO $$ BEGIN
      IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'groundtruth_app') THEN
        CREATE ROLE groundtruth_app NOLOGIN NOSUPERUSER NOBYPASSRLS;
      END IF;
    END $$;
    -- The migrating (owner) role must be able to switch into the application role.
    DO $$ BEGIN
      IF NOT pg_has_role(current_user, 'groundtruth_app', 'MEMBER') THEN
        EXECUTE format('GRANT groundtruth_app TO %I', current_user);
      END IF;
    END $$;
    GRANT USAGE ON SCHEMA public TO groundtruth_app;
    ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO groundtruth_app;
    ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT USAGE, SELECT ON SEQUENCES TO groundtruth_app;

    -- '' (a setting reset at transaction end) and NULL both mean "no tenant": no row matches.
    CREATE FUNCTION gt_current_org_id() RETURNS bigint LANGUAGE sql STABLE PARALLEL SAFE
      AS $f$ SELECT nullif(current_setting('app.organization_id', true), '')::bigint $f$;
    CREATE FUNCTION gt_current_user_id() RETURNS bigint LANGUAGE sql STABLE PARALLEL SAFE
      AS $f$ SELECT nullif(current_setting('app.user_id', true), '')::bigint $f$;
    GRANT EXECUTE ON FUNCTION gt_current_org_id(), gt_current_user_id() TO groundtruth_app;
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  // The role is cluster-wide and may serve other databases, so it stays; its rights here go.
  await sql`
    DROP FUNCTION IF EXISTS gt_current_user_id();
    DROP FUNCTION IF EXISTS gt_current_org_id();
    ALTER DEFAULT PRIVILEGES IN SCHEMA public REVOKE USAGE, SELECT ON SEQUENCES FROM groundtruth_app;
    ALTER DEFAULT PRIVILEGES IN SCHEMA public REVOKE SELECT, INSERT, UPDATE, DELETE ON TABLES FROM groundtruth_app;
    REVOKE USAGE ON SCHEMA public FROM groundtruth_app;
  `.execute(db);
}
