// Blobs are content-addressed and shared by every organization, while each organization sees only its own
// files rows (RLS). blob_refs counts live references across all organizations (kept by a trigger that runs as
// the owner), so deleting a file removes its blob only when nobody else's file still uses it. Plus the indexes
// behind "find a file by its tus upload" and "my files, newest first".
import { type Kysely, sql } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    CREATE TABLE blob_refs (
      storage_key text PRIMARY KEY CHECK (length(storage_key) BETWEEN 1 AND 1024),
      refs integer NOT NULL DEFAULT 0 CHECK (refs >= 0)
    );
    REVOKE INSERT, UPDATE, DELETE, TRUNCATE ON blob_refs FROM groundtruth_app;
    GRANT SELECT ON blob_refs TO groundtruth_app;
    CREATE FUNCTION gt_count_blob_refs() RETURNS trigger
      LANGUAGE plpgsql SECURITY DEFINER SET search_path = public AS $f$
    BEGIN
      IF TG_OP IN ('UPDATE', 'DELETE') AND OLD.status <> 'deleted' THEN
        UPDATE blob_refs SET refs = refs - 1 WHERE storage_key = OLD.storage_key;
      END IF;
      IF TG_OP IN ('INSERT', 'UPDATE') AND NEW.status <> 'deleted' THEN
        INSERT INTO blob_refs (storage_key, refs) VALUES (NEW.storage_key, 1)
          ON CONFLICT (storage_key) DO UPDATE SET refs = blob_refs.refs + 1;
      END IF;
      RETURN NULL;
    END $f$;
    CREATE TRIGGER files_blob_refs AFTER INSERT OR DELETE OR UPDATE OF status, storage_key ON files
      FOR EACH ROW EXECUTE FUNCTION gt_count_blob_refs();
    -- Count what exists already, across organizations (the owner lifts forced RLS for this one statement).
    ALTER TABLE files NO FORCE ROW LEVEL SECURITY;
    INSERT INTO blob_refs (storage_key, refs)
      SELECT storage_key, count(*) FROM files WHERE status <> 'deleted' GROUP BY 1;
    ALTER TABLE files FORCE ROW LEVEL SECURITY;
    CREATE INDEX files_tus_id_idx ON files (organization_id, (metadata ->> 'tus_id')) WHERE metadata ? 'tus_id';
    CREATE INDEX files_org_uploader_created_idx ON files (organization_id, uploaded_by, created_at DESC)
      WHERE parent_file_id IS NULL AND status <> 'deleted';
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`
    DROP INDEX files_org_uploader_created_idx;
    DROP INDEX files_tus_id_idx;
    DROP TRIGGER files_blob_refs ON files;
    DROP FUNCTION gt_count_blob_refs();
    DROP TABLE blob_refs;
  `.execute(db);
}
