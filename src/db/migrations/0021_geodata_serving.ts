// Serving geodata: a published project is listed in public_tokens (kind 'published_project', keyed by the hash
// of its id), so the unauthenticated STAC routes find its organization the way share tokens do. A data product points at the Cloud Optimized GeoTIFF its job wrote (a files row, companion of
// the uploaded original, so the blob store's lifetime rules keep it), which the tile and download routes read.
import { type Kysely, sql } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    ALTER TABLE data_products ADD COLUMN cog_file_id bigint;
    ALTER TABLE data_products ADD CONSTRAINT data_products_cog_file_fk
      FOREIGN KEY (organization_id, cog_file_id) REFERENCES files (organization_id, id) ON DELETE SET NULL (cog_file_id);
    CREATE INDEX data_products_cog_file_idx ON data_products (cog_file_id) WHERE cog_file_id IS NOT NULL;
    ALTER TABLE public_tokens DROP CONSTRAINT public_tokens_kind_check;
    ALTER TABLE public_tokens ADD CONSTRAINT public_tokens_kind_check
      CHECK (kind IN ('short_link', 'data_product', 'published_project'));
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  // Published-project entries are derived from geodata_projects.is_published (publishing again writes them);
  // the old schema cannot hold them. The COG's files row stays (a companion of the original upload); only the pointer to it goes.
  await sql`
    DELETE FROM public_tokens WHERE kind = 'published_project';
    ALTER TABLE public_tokens DROP CONSTRAINT public_tokens_kind_check;
    ALTER TABLE public_tokens ADD CONSTRAINT public_tokens_kind_check CHECK (kind IN ('short_link', 'data_product'));
    DROP INDEX IF EXISTS data_products_cog_file_idx;
    ALTER TABLE data_products DROP CONSTRAINT IF EXISTS data_products_cog_file_fk;
    ALTER TABLE data_products DROP COLUMN IF EXISTS cog_file_id;
  `.execute(db);
}
