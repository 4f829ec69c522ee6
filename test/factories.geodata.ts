// Test data: one row in each geodata table for createFullTenant (test/factories.ts).
import { createHash, randomUUID } from 'node:crypto';
import type { Tx } from '../src/db/scope.ts';
import { sha256 } from './factories.ts';

/** One row in each geodata-module table, for the isolation and migration tests. */
export async function fillGeodataTables(
  tx: Tx,
  o: number,
  projectId: number,
  teamId: number,
  userId: number,
  fileId: number,
) {
  const p = { organization_id: o, project_id: projectId };
  const ring = [
    [10, 50],
    [10.01, 50],
    [10.01, 50.01],
    [10, 50.01],
    [10, 50],
  ];
  const box = { min_lon: 10, min_lat: 50, max_lon: 10.01, max_lat: 50.01 };
  await tx
    .insertInto('geodata_projects')
    .values({ ...p, planting_date: '2026-04-01' })
    .execute();
  await tx
    .insertInto('locations')
    .values({
      ...p,
      geometry: JSON.stringify({ type: 'Polygon', coordinates: [ring] }),
      ...box,
      area_m2: 794000,
      centroid_lon: 10.005,
      centroid_lat: 50.005,
    })
    .execute();
  const campaign = await tx
    .insertInto('campaigns')
    .values({ ...p, title: 'Season 1', created_by: userId })
    .returning('id')
    .executeTakeFirstOrThrow();
  const flight = await tx
    .insertInto('flights')
    .values({
      ...p,
      campaign_id: campaign.id,
      acquisition_date: '2026-06-01',
      altitude: 40,
      side_overlap: 75,
      forward_overlap: 80,
      sensor: 'RGB',
      platform: 'M300',
      pilot_id: userId,
      created_by: userId,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  const product = await tx
    .insertInto('data_products')
    .values({ ...p, flight_id: flight.id, data_type: 'ortho', original_name: 'ortho.tif', file_id: fileId })
    .returning('id')
    .executeTakeFirstOrThrow();
  await tx
    .insertInto('data_product_metadata')
    .values({ organization_id: o, data_product_id: product.id, category: 'stats', band: 1 })
    .execute();
  const raw = await tx
    .insertInto('raw_data')
    .values({ ...p, flight_id: flight.id, original_name: 'images.zip', file_id: fileId })
    .returning('id')
    .executeTakeFirstOrThrow();
  await tx
    .insertInto('processing_runs')
    .values({
      ...p,
      flight_id: flight.id,
      raw_data_id: raw.id,
      token_hash: createHash('sha256').update(randomUUID()).digest('hex'),
      token_expires_at: new Date(Date.now() + 7 * 86400e3),
      created_by: userId,
    })
    .execute();
  const layer = await tx
    .insertInto('vector_layers')
    .values({ ...p, name: 'plots', source_format: 'geojson', feature_count: 1 })
    .returning('id')
    .executeTakeFirstOrThrow();
  await tx
    .insertInto('vector_features')
    .values({
      organization_id: o,
      layer_id: layer.id,
      geometry: JSON.stringify({ type: 'Point', coordinates: [10, 50] }),
      min_lon: 10,
      min_lat: 50,
      max_lon: 10,
      max_lat: 50,
    })
    .execute();
  await tx
    .insertInto('file_permissions')
    .values({ organization_id: o, data_product_id: product.id, is_public: false })
    .execute();
  await tx
    .insertInto('user_styles')
    .values({ organization_id: o, user_id: userId, data_product_id: product.id, colormap: 'viridis' })
    .execute();
  const indoor = await tx
    .insertInto('indoor_projects')
    .values({ organization_id: o, team_id: teamId, title: 'Greenhouse', created_by: userId })
    .returning('id')
    .executeTakeFirstOrThrow();
  const sheet = await tx
    .insertInto('indoor_project_data')
    .values({
      organization_id: o,
      indoor_project_id: indoor.id,
      file_id: fileId,
      original_name: 'plants.csv',
      file_type: 'spreadsheet',
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  await tx
    .insertInto('indoor_data_rows')
    .values({ organization_id: o, data_id: sheet.id, row_number: 1, cells: ['p1', 'WT', '12.5'] })
    .execute();
  const ext = await tx.selectFrom('extensions').select('id').limit(1).executeTakeFirstOrThrow();
  await tx
    .insertInto('team_extensions')
    .values({ organization_id: o, team_id: teamId, extension_id: ext.id })
    .execute();
  await tx
    .insertInto('user_extensions')
    .values({ organization_id: o, user_id: userId, extension_id: ext.id })
    .execute();
  await tx
    .insertInto('breedbase_connections')
    .values({ ...p, base_url: 'https://breedbase.example.test', trial_ids: ['T1'], created_by: userId })
    .execute();
  await tx
    .insertInto('disk_usage_stats')
    .values({ organization_id: o, user_id: userId, total_bytes: 30, file_count: 2 })
    .execute();
  await tx
    .insertInto('upload_sessions')
    .values({
      organization_id: o,
      user_id: userId,
      tus_id: randomUUID(),
      target: 'data_product',
      flight_id: flight.id,
    })
    .execute();
  await tx
    .insertInto('public_tokens')
    .values({
      organization_id: o,
      kind: 'data_product',
      target_id: product.id,
      token_hash: sha256(randomUUID()),
    })
    .execute();
}
