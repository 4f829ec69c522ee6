// The references of `tasks` to its project, import record and file upload are checked once per statement
// instead of once per row. PostgreSQL's foreign keys queue an event per written row and run a lookup per
// event; at a million imported tasks those three checks cost more than writing the rows (docs/performance.md).
//
// What replaces each foreign key, with the same semantics:
// - the check: an AFTER INSERT statement trigger looks at the distinct (organization, project, import, upload)
//   tuples of the statement's rows (a transition table, shared with the onboarding trigger), locks each parent
//   FOR KEY SHARE as PostgreSQL's own check does (a concurrent delete of the parent waits for this transaction,
//   and its cascade then sees these rows; a parent deleted first is not found) and fails with SQLSTATE 23503
//   naming the missing row (its name sorts before the onboarding trigger's, so it runs first). Updates that change a reference are checked by a row trigger that fires only when
//   one of those columns changes (counter updates do not pay for it).
// - the parent side: deleting projects deletes their tasks (ON DELETE CASCADE), deleting imports or files sets
//   the tasks' reference to NULL (ON DELETE SET NULL), and changing a referenced key is refused (NO ACTION).
//   The parent and its tasks always share an organization, so the statements run under the deleting
//   transaction's tenant; cascades from organizations run as PostgreSQL's own cascade does, unrestricted.
// `updated_by` keeps its foreign key: users are not a tenant table, and a user's tasks span organizations that
// row-level security would hide from a trigger.
import { type Kysely, sql } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    CREATE FUNCTION gt_task_parent_missing(org bigint, project bigint, import bigint, upload bigint)
      RETURNS text LANGUAGE plpgsql AS $f$
    BEGIN
      PERFORM 1 FROM projects WHERE organization_id = org AND id = project FOR KEY SHARE;
      IF NOT FOUND THEN RETURN format('project %s', project); END IF;
      IF import IS NOT NULL THEN
        PERFORM 1 FROM imports WHERE organization_id = org AND id = import FOR KEY SHARE;
        IF NOT FOUND THEN RETURN format('import %s', import); END IF;
      END IF;
      IF upload IS NOT NULL THEN
        PERFORM 1 FROM files WHERE organization_id = org AND id = upload FOR KEY SHARE;
        IF NOT FOUND THEN RETURN format('file upload %s', upload); END IF;
      END IF;
      RETURN NULL;
    END $f$;

    CREATE FUNCTION gt_task_parent_violation(missing text) RETURNS void LANGUAGE plpgsql AS $f$
    BEGIN
      RAISE EXCEPTION 'insert or update on table "tasks" refers to % which does not exist', missing
        USING ERRCODE = 'foreign_key_violation', TABLE = 'tasks';
    END $f$;

    CREATE FUNCTION gt_tasks_parents_inserted() RETURNS trigger LANGUAGE plpgsql AS $f$
    DECLARE missing text;
    BEGIN
      SELECT m INTO missing
      FROM (SELECT DISTINCT organization_id, project_id, import_id, file_upload_id FROM added) n,
        LATERAL gt_task_parent_missing(n.organization_id, n.project_id, n.import_id, n.file_upload_id) m
      WHERE m IS NOT NULL LIMIT 1;
      IF missing IS NOT NULL THEN PERFORM gt_task_parent_violation(missing); END IF;
      RETURN NULL;
    END $f$;
    CREATE TRIGGER gt_check_task_parents AFTER INSERT ON tasks REFERENCING NEW TABLE AS added
      FOR EACH STATEMENT EXECUTE FUNCTION gt_tasks_parents_inserted();

    CREATE FUNCTION gt_task_parents_updated() RETURNS trigger LANGUAGE plpgsql AS $f$
    DECLARE missing text;
    BEGIN
      missing := gt_task_parent_missing(NEW.organization_id, NEW.project_id, NEW.import_id, NEW.file_upload_id);
      IF missing IS NOT NULL THEN PERFORM gt_task_parent_violation(missing); END IF;
      RETURN NULL;
    END $f$;
    CREATE TRIGGER gt_check_task_parents_updated AFTER UPDATE ON tasks FOR EACH ROW
      WHEN (OLD.organization_id IS DISTINCT FROM NEW.organization_id OR OLD.project_id IS DISTINCT FROM NEW.project_id
            OR OLD.import_id IS DISTINCT FROM NEW.import_id OR OLD.file_upload_id IS DISTINCT FROM NEW.file_upload_id)
      EXECUTE FUNCTION gt_task_parents_updated();

    CREATE FUNCTION gt_tasks_parent_deleted() RETURNS trigger LANGUAGE plpgsql AS $f$
    BEGIN
      IF TG_TABLE_NAME = 'projects' THEN
        DELETE FROM tasks t USING gone g WHERE t.organization_id = g.organization_id AND t.project_id = g.id;
      ELSIF TG_TABLE_NAME = 'imports' THEN
        UPDATE tasks t SET import_id = NULL FROM gone g
        WHERE t.import_id = g.id AND t.organization_id = g.organization_id;
      ELSE
        UPDATE tasks t SET file_upload_id = NULL FROM gone g
        WHERE t.file_upload_id = g.id AND t.organization_id = g.organization_id;
      END IF;
      RETURN NULL;
    END $f$;
    CREATE TRIGGER gt_tasks_project_deleted AFTER DELETE ON projects REFERENCING OLD TABLE AS gone
      FOR EACH STATEMENT EXECUTE FUNCTION gt_tasks_parent_deleted();
    CREATE TRIGGER gt_tasks_import_deleted AFTER DELETE ON imports REFERENCING OLD TABLE AS gone
      FOR EACH STATEMENT EXECUTE FUNCTION gt_tasks_parent_deleted();
    CREATE TRIGGER gt_tasks_file_deleted AFTER DELETE ON files REFERENCING OLD TABLE AS gone
      FOR EACH STATEMENT EXECUTE FUNCTION gt_tasks_parent_deleted();

    CREATE FUNCTION gt_tasks_parent_key_changed() RETURNS trigger LANGUAGE plpgsql AS $f$
    BEGIN
      IF EXISTS (
        SELECT 1 FROM tasks t WHERE t.organization_id = OLD.organization_id AND CASE TG_TABLE_NAME
          WHEN 'projects' THEN t.project_id = OLD.id
          WHEN 'imports' THEN t.import_id = OLD.id
          ELSE t.file_upload_id = OLD.id END
      ) THEN
        RAISE EXCEPTION 'update on table "%" would leave tasks referring to % %', TG_TABLE_NAME, TG_TABLE_NAME, OLD.id
          USING ERRCODE = 'foreign_key_violation', TABLE = TG_TABLE_NAME;
      END IF;
      RETURN NULL;
    END $f$;
    CREATE TRIGGER gt_tasks_project_key_changed AFTER UPDATE OF id, organization_id ON projects FOR EACH ROW
      WHEN (OLD.id IS DISTINCT FROM NEW.id OR OLD.organization_id IS DISTINCT FROM NEW.organization_id)
      EXECUTE FUNCTION gt_tasks_parent_key_changed();
    CREATE TRIGGER gt_tasks_import_key_changed AFTER UPDATE OF id, organization_id ON imports FOR EACH ROW
      WHEN (OLD.id IS DISTINCT FROM NEW.id OR OLD.organization_id IS DISTINCT FROM NEW.organization_id)
      EXECUTE FUNCTION gt_tasks_parent_key_changed();
    CREATE TRIGGER gt_tasks_file_key_changed AFTER UPDATE OF id, organization_id ON files FOR EACH ROW
      WHEN (OLD.id IS DISTINCT FROM NEW.id OR OLD.organization_id IS DISTINCT FROM NEW.organization_id)
      EXECUTE FUNCTION gt_tasks_parent_key_changed();

    ALTER TABLE tasks
      DROP CONSTRAINT tasks_organization_id_project_id_fkey,
      DROP CONSTRAINT tasks_organization_id_import_id_fkey,
      DROP CONSTRAINT tasks_organization_id_file_upload_id_fkey;
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  // The foreign keys come back (validated against the rows kept meanwhile), then the triggers go.
  await sql`
    ALTER TABLE tasks
      ADD CONSTRAINT tasks_organization_id_project_id_fkey FOREIGN KEY (organization_id, project_id)
        REFERENCES projects (organization_id, id) ON DELETE CASCADE,
      ADD CONSTRAINT tasks_organization_id_import_id_fkey FOREIGN KEY (organization_id, import_id)
        REFERENCES imports (organization_id, id) ON DELETE SET NULL (import_id),
      ADD CONSTRAINT tasks_organization_id_file_upload_id_fkey FOREIGN KEY (organization_id, file_upload_id)
        REFERENCES files (organization_id, id) ON DELETE SET NULL (file_upload_id);
    DROP TRIGGER gt_tasks_file_key_changed ON files;
    DROP TRIGGER gt_tasks_import_key_changed ON imports;
    DROP TRIGGER gt_tasks_project_key_changed ON projects;
    DROP TRIGGER gt_tasks_file_deleted ON files;
    DROP TRIGGER gt_tasks_import_deleted ON imports;
    DROP TRIGGER gt_tasks_project_deleted ON projects;
    DROP TRIGGER gt_check_task_parents_updated ON tasks;
    DROP TRIGGER gt_check_task_parents ON tasks;
    DROP FUNCTION gt_tasks_parent_key_changed();
    DROP FUNCTION gt_tasks_parent_deleted();
    DROP FUNCTION gt_task_parents_updated();
    DROP FUNCTION gt_tasks_parents_inserted();
    DROP FUNCTION gt_task_parent_violation(text);
    DROP FUNCTION gt_task_parent_missing(bigint, bigint, bigint, bigint);
  `.execute(db);
}
