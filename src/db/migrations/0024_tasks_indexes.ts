// Writing a task costs one B-tree insert per index, and an import writes a million at a time. tasks_org_idx
// (organization_id) duplicates the leading column of two indexes the table keeps anyway: the unique
// (organization_id, id) that the composite foreign keys of annotations, predictions, comments... point at,
// and (organization_id, created_at) for billing. Row-level security adds `organization_id = <current>` to
// every query, which either of those serves as well; no query filters tasks by organization alone without a
// project, and no foreign key on tasks starts at organizations (the one to projects cascades through
// (organization_id, project_id), served by the (project_id, ...) indexes).
import { type Kysely, sql } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`DROP INDEX IF EXISTS tasks_org_idx`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`CREATE INDEX IF NOT EXISTS tasks_org_idx ON tasks (organization_id)`.execute(db);
}
