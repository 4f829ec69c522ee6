// Indexes behind the list filters: case-insensitive substring search (ILIKE) on names (pg_trgm GIN; the extension is
// trusted, so the database owner may create it), and public projects of an organization.
import { type Kysely, sql } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    CREATE EXTENSION IF NOT EXISTS pg_trgm;
    CREATE INDEX projects_title_trgm_idx ON projects USING gin (title gin_trgm_ops);
    CREATE INDEX teams_name_trgm_idx ON teams USING gin (name gin_trgm_ops);
    CREATE INDEX workspaces_title_trgm_idx ON workspaces USING gin (title gin_trgm_ops);
    CREATE INDEX projects_org_public_idx ON projects (organization_id, created_at DESC) WHERE visibility = 'public';
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`
    DROP INDEX projects_org_public_idx;
    DROP INDEX workspaces_title_trgm_idx;
    DROP INDEX teams_name_trgm_idx;
    DROP INDEX projects_title_trgm_idx;
    DROP EXTENSION IF EXISTS pg_trgm;
  `.execute(db);
}
