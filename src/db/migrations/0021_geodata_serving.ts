// Serving geodata: a data product points at the Cloud Optimized GeoTIFF its job wrote (a files row, companion of
// the uploaded original, so the blob store's lifetime rules keep it), which the tile and download routes read.
import { type Kysely, sql } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    ALTER TABLE data_products ADD COLUMN cog_file_id bigint;
    ALTER TABLE data_products ADD CONSTRAINT data_products_cog_file_fk
      FOREIGN KEY (organization_id, cog_file_id) REFERENCES files (organization_id, id) ON DELETE SET NULL (cog_file_id);
    CREATE INDEX data_products_cog_file_idx ON data_products (cog_file_id) WHERE cog_file_id IS NOT NULL;
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  // The COG's files row stays (a companion of the original upload); only the pointer to it goes.
  await sql`
    DROP INDEX IF EXISTS data_products_cog_file_idx;
    ALTER TABLE data_products DROP CONSTRAINT IF EXISTS data_products_cog_file_fk;
    ALTER TABLE data_products DROP COLUMN IF EXISTS cog_file_id;
  `.execute(db);
}
