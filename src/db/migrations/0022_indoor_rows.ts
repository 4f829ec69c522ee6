// Upload sessions' outcome, indoor data files with their parse state, and the parsed rows of spreadsheets kept queryable (issue 9). A
// sheet's rows are one table row each (cells as text[] in column order) rather than one jsonb blob, so a
// 100k-row sheet is filtered, sorted and paged in SQL: the primary key (data_id, row_number) serves the page
// and the data file's bound, and the column types found by the parser decide how a column sorts.
import { type Kysely, sql } from 'kysely';
import { changeNotices, tenantIsolation } from './helpers.ts';

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    ALTER TABLE indoor_project_data
      ADD COLUMN status text NOT NULL DEFAULT 'ready' CHECK (status IN ('processing', 'ready', 'failed')),
      ADD COLUMN error text CHECK (length(error) <= 4000),
      ADD COLUMN job_id bigint,
      -- [{"name": "...", "type": "number" | "text"}, ...] of a parsed sheet, in order.
      ADD COLUMN columns jsonb CHECK (columns IS NULL OR jsonb_typeof(columns) = 'array'),
      ADD COLUMN row_count integer CHECK (row_count >= 0),
      ADD COLUMN width integer CHECK (width > 0),
      ADD COLUMN height integer CHECK (height > 0);

    -- What an upload session became (a data product or vector layer id), and why it failed.
    ALTER TABLE upload_sessions
      ADD COLUMN target_id bigint,
      ADD COLUMN error text CHECK (length(error) <= 4000),
      ADD COLUMN file_name text CHECK (length(file_name) BETWEEN 1 AND 1024),
      ADD COLUMN size_bytes bigint CHECK (size_bytes >= 0);

    CREATE TABLE indoor_data_rows (
      organization_id bigint NOT NULL,
      data_id bigint NOT NULL,
      row_number integer NOT NULL CHECK (row_number >= 1),
      cells text[] NOT NULL,
      PRIMARY KEY (data_id, row_number),
      FOREIGN KEY (data_id) REFERENCES indoor_project_data (id) ON DELETE CASCADE
    );
    CREATE INDEX indoor_data_rows_org_idx ON indoor_data_rows (organization_id);
    ${sql.raw(tenantIsolation('indoor_data_rows'))}
    ${sql.raw(changeNotices('indoor_data_rows'))}

    -- Sheets parsed into the old jsonb form ({"columns": [...], "rows": [[...], ...]}) move into rows.
    INSERT INTO indoor_data_rows (organization_id, data_id, row_number, cells)
      SELECT d.organization_id, d.id, t.n,
             ARRAY(SELECT jsonb_array_elements_text(CASE WHEN jsonb_typeof(t.r) = 'array' THEN t.r ELSE '[]' END))
      FROM indoor_project_data d,
           jsonb_array_elements(d.parsed->'rows') WITH ORDINALITY AS t(r, n)
      WHERE jsonb_typeof(d.parsed->'rows') = 'array';
    UPDATE indoor_project_data d SET
      columns = (SELECT jsonb_agg(jsonb_build_object('name', c, 'type', 'text') ORDER BY i)
                 FROM jsonb_array_elements_text(d.parsed->'columns') WITH ORDINALITY AS x(c, i)),
      row_count = jsonb_array_length(d.parsed->'rows'),
      parsed = NULL
    WHERE jsonb_typeof(d.parsed->'columns') = 'array' AND jsonb_typeof(d.parsed->'rows') = 'array';
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  // The old schema holds a parsed sheet as one jsonb object: the rows go back there.
  await sql`
    UPDATE indoor_project_data d SET parsed = jsonb_build_object(
      'columns', coalesce((SELECT jsonb_agg(c->>'name' ORDER BY i)
                           FROM jsonb_array_elements(d.columns) WITH ORDINALITY AS x(c, i)), '[]'::jsonb),
      'rows', coalesce((SELECT jsonb_agg(to_jsonb(r.cells) ORDER BY r.row_number)
                        FROM indoor_data_rows r WHERE r.data_id = d.id), '[]'::jsonb))
    WHERE d.columns IS NOT NULL;
    DROP TABLE indoor_data_rows;
    ALTER TABLE upload_sessions
      DROP COLUMN target_id, DROP COLUMN error, DROP COLUMN file_name, DROP COLUMN size_bytes;
    ALTER TABLE indoor_project_data
      DROP COLUMN status, DROP COLUMN error, DROP COLUMN job_id, DROP COLUMN columns, DROP COLUMN row_count,
      DROP COLUMN width, DROP COLUMN height;
  `.execute(db);
}
