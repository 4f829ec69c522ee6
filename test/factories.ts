// Test data builders. Each test makes its own organizations and users (unique names), so tests share nothing.
// Until the identity services exist these write through the application role, under RLS, like the app does.
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import type { Database } from '../src/db/database.ts';
import { enterOrganization, inScope, type Tx } from '../src/db/scope.ts';
import { fillOrderTables } from './factories.orders.ts';

let counter = 0;
export function unique(prefix: string): string {
  counter += 1;
  return `${prefix}_${process.pid.toString(36)}${counter}${randomBytes(3).toString('hex')}`;
}

const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');

export interface UserRow {
  id: number;
  email: string;
  username: string;
}

export async function createUser(
  database: Database,
  fields: Partial<{ email: string; username: string }> = {},
) {
  const username = fields.username ?? unique('user');
  const email = fields.email ?? `${username}@example.test`;
  return inScope(database.db, { organizationId: null, userId: null }, (tx) =>
    tx
      .insertInto('users')
      .values({ email, username, first_name: 'Test', last_name: username })
      .returning(['id', 'email', 'username'])
      .executeTakeFirstOrThrow(),
  );
}

export interface OrgFixture {
  id: number;
  slug: string;
  owner: UserRow;
}

/** An organization owned by `owner` (a new user when not given). */
export async function createOrganization(database: Database, owner?: UserRow): Promise<OrgFixture> {
  const user = owner ?? (await createUser(database));
  const slug = unique('org').toLowerCase().replaceAll('_', '-');
  const org = await inScope(database.db, { organizationId: null, userId: user.id }, async (tx) => {
    const row = await tx
      .insertInto('organizations')
      .values({ name: `Org ${slug}`, slug, created_by: user.id })
      .returning(['id', 'slug'])
      .executeTakeFirstOrThrow();
    await enterOrganization(tx, row.id);
    await tx
      .insertInto('organization_members')
      .values({ organization_id: row.id, user_id: user.id, role: 'owner' })
      .execute();
    return row;
  });
  return { ...org, owner: user };
}

export async function createProject(database: Database, org: OrgFixture, fields: { title?: string } = {}) {
  const title = fields.title ?? unique('Project');
  const slug = title
    .toLowerCase()
    .replaceAll('_', '-')
    .replace(/[^a-z0-9-]/g, '');
  return inScope(database.db, { organizationId: org.id, userId: org.owner.id }, async (tx) => {
    const project = await tx
      .insertInto('projects')
      .values({ organization_id: org.id, title, slug, created_by: org.owner.id })
      .returning(['id', 'title', 'slug'])
      .executeTakeFirstOrThrow();
    await tx
      .insertInto('project_members')
      .values({ organization_id: org.id, project_id: project.id, user_id: org.owner.id, role: 'owner' })
      .execute();
    return project;
  });
}

/**
 * One row in every table of the core schema for a new organization: what the isolation and migration tests
 * need to prove that nothing leaks and nothing is left out.
 */
export async function createFullTenant(database: Database) {
  const org = await createOrganization(database);
  const member = await createUser(database);
  const project = await createProject(database, org);
  const userId = org.owner.id;
  await inScope(database.db, { organizationId: null, userId }, async (tx) => {
    await tx
      .insertInto('api_keys')
      .values({ user_id: userId, name: 'ci', prefix: 'gt_abcd', key_hash: sha256(randomUUID()) })
      .execute();
    await tx
      .insertInto('refresh_tokens')
      .values({
        user_id: userId,
        token_hash: sha256(randomUUID()),
        family_id: randomUUID(),
        expires_at: new Date(Date.now() + 86400e3),
      })
      .execute();
  });
  await inScope(database.db, { organizationId: null, userId }, async (tx) => {
    await tx
      .insertInto('mail_outbox')
      .values({ to_address: 'x@example.test', kind: 'welcome', subject: 'Hi', body: 'Hello' })
      .execute();
    await tx
      .insertInto('rate_limits')
      .values({ key: `test:${randomUUID()}`, window_start: new Date(), hits: 1 })
      .execute();
  });
  const ids = await inScope(database.db, { organizationId: org.id, userId }, async (tx) => {
    const o = org.id;
    await tx
      .insertInto('organization_members')
      .values({ organization_id: o, user_id: member.id, role: 'member' })
      .execute();
    const team = await tx
      .insertInto('teams')
      .values({ organization_id: o, name: 'Field crew', created_by: userId })
      .returning('id')
      .executeTakeFirstOrThrow();
    await tx
      .insertInto('team_members')
      .values({ organization_id: o, team_id: team.id, user_id: member.id, role: 'manager' })
      .execute();
    const ws = await tx
      .insertInto('workspaces')
      .values({ organization_id: o, title: 'Main', created_by: userId })
      .returning('id')
      .executeTakeFirstOrThrow();
    await tx
      .insertInto('workspace_members')
      .values({ organization_id: o, workspace_id: ws.id, user_id: member.id })
      .execute();
    await tx
      .updateTable('projects')
      .set({ team_id: team.id, workspace_id: ws.id })
      .where('id', '=', project.id)
      .execute();
    await tx
      .insertInto('project_members')
      .values({ organization_id: o, project_id: project.id, user_id: member.id, role: 'annotator' })
      .execute();
    await tx
      .insertInto('project_likes')
      .values({ organization_id: o, project_id: project.id, user_id: member.id })
      .execute();
    await tx
      .insertInto('project_modules')
      .values({ organization_id: o, project_id: project.id, module: 'annotation' })
      .execute();
    const token = await tx
      .insertInto('single_use_tokens')
      .values({
        purpose: 'invitation',
        token_hash: sha256(randomUUID()),
        payload: JSON.stringify({ organization_id: o }),
        expires_at: new Date(Date.now() + 7 * 86400e3),
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    await tx
      .insertInto('invitations')
      .values({
        organization_id: o,
        email: 'invitee@example.test',
        token_id: token.id,
        invited_by: userId,
        expires_at: new Date(Date.now() + 7 * 86400e3),
      })
      .execute();
    await tx
      .insertInto('audit_log')
      .values({
        organization_id: o,
        actor_user_id: userId,
        auth_method: 'session',
        action: 'project.create',
        target_type: 'project',
        target_id: String(project.id),
      })
      .execute();
    await tx
      .insertInto('jobs')
      .values({ organization_id: o, project_id: project.id, created_by: userId, kind: 'import' })
      .execute();
    const file = await tx
      .insertInto('files')
      .values({
        organization_id: o,
        project_id: project.id,
        uploaded_by: userId,
        storage_key: `blobs/${randomUUID()}`,
        original_name: 'scan.mhd',
        mime_type: 'text/plain',
        size_bytes: 10,
        sha256: sha256('x'),
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    await tx
      .insertInto('files')
      .values({
        organization_id: o,
        project_id: project.id,
        parent_file_id: file.id,
        storage_key: `blobs/${randomUUID()}`,
        original_name: 'scan.raw',
        mime_type: 'application/octet-stream',
        size_bytes: 20,
        sha256: sha256('y'),
      })
      .execute();
    const hook = await tx
      .insertInto('webhooks')
      .values({
        organization_id: o,
        project_id: project.id,
        url: 'https://hooks.example.test/in',
        secret: randomBytes(24).toString('hex'),
        actions: ['TASKS_CREATED'],
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    await tx
      .insertInto('webhook_deliveries')
      .values({
        organization_id: o,
        webhook_id: hook.id,
        action: 'TASKS_CREATED',
        payload: JSON.stringify({ action: 'TASKS_CREATED' }),
      })
      .execute();
    await tx
      .insertInto('short_links')
      .values({
        organization_id: o,
        code: randomBytes(6).toString('hex'),
        target_url: '/api/projects/1',
        created_by: userId,
      })
      .execute();
    await fillAnnotationTables(tx, o, project.id, userId, file.id);
    await fillMlTables(tx, o, project.id, userId);
    await fillPhotoTables(tx, o, project.id, userId, file.id);
    await fillRoomTables(tx, o, userId, file.id);
    await fillGeodataTables(tx, o, project.id, team.id, userId, file.id);
    await fillOrderTables(tx, o, { projectId: project.id, userId, fileId: file.id, workspaceId: ws.id });
    await fillGroupTables(tx, o, project.id, team.id, userId);
    return { teamId: team.id, workspaceId: ws.id, webhookId: hook.id, fileId: file.id };
  });
  return { org, member, project, ...ids };
}

/** One row in each annotation-module table, for the isolation and migration tests. */
async function fillAnnotationTables(tx: Tx, o: number, projectId: number, userId: number, fileId: number) {
  const p = { organization_id: o, project_id: projectId };
  await tx
    .insertInto('annotation_settings')
    .values({ ...p, label_config: '<View><Text name="t" value="$text"/></View>' })
    .execute();
  const imp = await tx
    .insertInto('imports')
    .values({ ...p, created_by: userId, file_upload_ids: [fileId] })
    .returning('id')
    .executeTakeFirstOrThrow();
  const task = await tx
    .insertInto('tasks')
    .values({
      ...p,
      inner_id: 1,
      data: JSON.stringify({ text: 'hello' }),
      import_id: imp.id,
      file_upload_id: fileId,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  const t = { ...p, task_id: task.id };
  const ann = await tx
    .insertInto('annotations')
    .values({ ...t, completed_by: userId, result: JSON.stringify([]) })
    .returning('id')
    .executeTakeFirstOrThrow();
  await tx
    .insertInto('predictions')
    .values({ ...t, result: JSON.stringify([]), score: 0.5, model_version: 'v1' })
    .execute();
  // Cloud storages (modules/storages): an import storage with a linked task, an export storage with a
  // written annotation.
  const storages = await tx
    .insertInto('storages')
    .values([
      { ...p, direction: 'import', type: 's3', bucket: 'in', credentials: 'v1.a.b.c' },
      { ...p, direction: 'export', type: 'gcs', bucket: 'out' },
    ])
    .returning('id')
    .execute();
  await tx
    .insertInto('storage_import_links')
    .values({ organization_id: o, storage_id: storages[0]!.id, task_id: task.id, key: 'a.jpg' })
    .execute();
  await tx
    .insertInto('storage_export_links')
    .values({ organization_id: o, storage_id: storages[1]!.id, annotation_id: ann.id, key: String(ann.id) })
    .execute();
  await tx
    .insertInto('annotation_drafts')
    .values({ ...t, user_id: userId, annotation_id: ann.id })
    .execute();
  await tx
    .insertInto('task_locks')
    .values({ ...t, user_id: userId, expire_at: new Date(Date.now() + 60_000) })
    .execute();
  await tx
    .insertInto('task_comments')
    .values({ ...t, annotation_id: ann.id, user_id: userId, text: 'check this' })
    .execute();
  const flag = await tx
    .insertInto('flags')
    .values({ organization_id: o, title: 'blurry' })
    .returning('id')
    .executeTakeFirstOrThrow();
  await tx
    .insertInto('task_flags')
    .values({ organization_id: o, task_id: task.id, flag_id: flag.id, created_by: userId })
    .execute();
  const tag = await tx
    .insertInto('tags')
    .values({ organization_id: o, title: 'pilot' })
    .returning('id')
    .executeTakeFirstOrThrow();
  await tx
    .insertInto('project_tags')
    .values({ ...p, tag_id: tag.id })
    .execute();
  const label = await tx
    .insertInto('label_library')
    .values({ organization_id: o, title: 'Car', value: JSON.stringify({ value: 'Car' }), created_by: userId })
    .returning('id')
    .executeTakeFirstOrThrow();
  await tx
    .insertInto('label_links')
    .values({ ...p, label_id: label.id, from_name: 'label' })
    .execute();
  await tx.insertInto('project_summaries').values(p).execute();
  await tx
    .insertInto('dm_views')
    .values({ ...p, user_id: userId, data: JSON.stringify({ title: 'Default' }) })
    .execute();
  const exp = await tx
    .insertInto('exports')
    .values({ ...p, created_by: userId })
    .returning('id')
    .executeTakeFirstOrThrow();
  await tx
    .insertInto('export_conversions')
    .values({ organization_id: o, export_id: exp.id, export_type: 'COCO' })
    .execute();
  await tx
    .insertInto('label_stream_history')
    .values({ ...p, user_id: userId, data: JSON.stringify([task.id]) })
    .execute();
}

/** One row in each ML table (migration 0017). */
async function fillMlTables(tx: Tx, o: number, projectId: number, userId: number) {
  const p = { organization_id: o, project_id: projectId };
  const task = await tx
    .selectFrom('tasks')
    .select('id')
    .where('project_id', '=', projectId)
    .executeTakeFirstOrThrow();
  const backend = await tx
    .insertInto('ml_backends')
    .values({ ...p, url: 'https://ml.example.test', title: 'fake', created_by: userId })
    .returning('id')
    .executeTakeFirstOrThrow();
  const pj = await tx
    .insertInto('ml_prediction_jobs')
    .values({ ...p, ml_backend_id: backend.id, selection: JSON.stringify({ task_ids: [task.id] }) })
    .returning('id')
    .executeTakeFirstOrThrow();
  await tx
    .insertInto('ml_train_jobs')
    .values({ organization_id: o, ml_backend_id: backend.id, created_by: userId })
    .execute();
  const connection = await tx
    .insertInto('model_provider_connections')
    .values({ ...p, provider: 'OpenAI', api_key: 'v1.sealed', api_key_hint: 'abcd' })
    .returning('id')
    .executeTakeFirstOrThrow();
  const iface = await tx
    .insertInto('model_interfaces')
    .values({ ...p, title: 'Mood', created_by: userId })
    .returning('id')
    .executeTakeFirstOrThrow();
  await tx
    .insertInto('model_interface_projects')
    .values({ ...p, model_interface_id: iface.id })
    .execute();
  const version = await tx
    .insertInto('third_party_model_versions')
    .values({
      ...p,
      model_interface_id: iface.id,
      connection_id: connection.id,
      title: 'mood-v1',
      provider: 'OpenAI',
      provider_model_id: 'gpt-4o-mini',
      prompt: 'Mood of {text}?',
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  const run = await tx
    .insertInto('model_runs')
    .values({
      ...p,
      model_interface_id: iface.id,
      model_version_id: version.id,
      selection: JSON.stringify({ task_ids: [task.id] }),
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  await tx
    .insertInto('ml_task_errors')
    .values([
      { organization_id: o, prediction_job_id: pj.id, task_id: task.id, error: 'timeout' },
      { organization_id: o, model_run_id: run.id, task_id: task.id, error: 'timeout' },
    ])
    .execute();
}

/** One row in each photos table (migration 0010), and a job role. */
async function fillPhotoTables(tx: Tx, o: number, projectId: number, userId: number, fileId: number) {
  const p = { organization_id: o, project_id: projectId };
  await tx
    .updateTable('organization_members')
    .set({ job_role: 'project_manager' })
    .where('organization_id', '=', o)
    .where('user_id', '=', userId)
    .execute();
  const photo = await tx
    .insertInto('photos')
    .values({
      ...p,
      file_id: fileId,
      uploaded_by: userId,
      storage_key: `blobs/${randomUUID()}`,
      original_name: 'roof.jpg',
      mime_type: 'image/jpeg',
      size_bytes: 10,
      sha256: sha256('photo'),
      captured_at: new Date('2024-05-06T07:08:09Z'),
      latitude: 40.44,
      longitude: -79.99,
      exif: JSON.stringify({ Make: 'Test' }),
      status: 'processed',
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  const detector = await tx
    .insertInto('photo_detectors')
    .values({ ...p, name: 'quality', kind: 'image_quality', created_by: userId })
    .returning('id')
    .executeTakeFirstOrThrow();
  const detection = await tx
    .insertInto('detections')
    .values({
      ...p,
      photo_id: photo.id,
      detector_id: detector.id,
      detection_type: 'damage',
      model_name: 'test',
      results: JSON.stringify({ regions: [{ label: 'crack', box: { x: 0, y: 0, width: 1, height: 1 } }] }),
      confidence: 0.5,
      processing_time_ms: 12,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  await tx
    .insertInto('detection_history')
    .values({
      organization_id: o,
      detection_id: detection.id,
      action: 'corrected',
      previous_results: JSON.stringify({ regions: [] }),
      changed_by: userId,
    })
    .execute();
  const tag = await tx
    .insertInto('photo_tag_catalog')
    .values({ ...p, name: 'crack', source: 'ai', color: '#ff0000' })
    .returning('id')
    .executeTakeFirstOrThrow();
  await tx
    .insertInto('photo_tags')
    .values({
      organization_id: o,
      photo_id: photo.id,
      tag_id: tag.id,
      source: 'ai',
      detection_id: detection.id,
    })
    .execute();
  await tx
    .insertInto('photo_share_links')
    .values({
      ...p,
      token_hash: sha256(randomUUID()),
      photo_ids: [photo.id],
      created_by: userId,
      expires_at: new Date(Date.now() + 86400e3),
    })
    .execute();
}

/** One row in each rooms table (migration 0015). */
async function fillRoomTables(tx: Tx, o: number, userId: number, fileId: number) {
  const room = await tx
    .insertInto('rooms')
    .values({ organization_id: o, name: 'Room', owner_id: userId })
    .returning('id')
    .executeTakeFirstOrThrow();
  await sql`SELECT gt_set_room_token(${room.id}::bigint, ${sha256(randomUUID())})`.execute(tx);
  await tx
    .insertInto('room_members')
    .values({ organization_id: o, room_id: room.id, user_id: userId, role: 'OWNER' })
    .execute();
  const question = await tx
    .insertInto('messages')
    .values({ organization_id: o, room_id: room.id, author_id: userId, kind: 'user', text: 'count by x' })
    .returning('id')
    .executeTakeFirstOrThrow();
  await tx
    .insertInto('messages')
    .values({
      organization_id: o,
      room_id: room.id,
      author_id: userId,
      kind: 'bot',
      text: 'ok',
      reply_to: question.id,
    })
    .execute();
  const panel = await tx
    .insertInto('dashboard_panels')
    .values({
      organization_id: o,
      room_id: room.id,
      name: 'P',
      layout: JSON.stringify({ x: 0, y: 0, w: 1, h: 1 }),
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  await tx
    .insertInto('room_data_refs')
    .values({ organization_id: o, room_id: room.id, file_id: fileId, panel_id: panel.id })
    .execute();
  const catalog = await tx
    .selectFrom('license_catalog')
    .select('id')
    .where('code', '=', 'team')
    .executeTakeFirstOrThrow();
  const license = await tx
    .insertInto('licenses')
    .values({ organization_id: o, catalog_id: catalog.id })
    .returning('id')
    .executeTakeFirstOrThrow();
  await tx
    .insertInto('license_seats')
    .values({ organization_id: o, license_id: license.id, user_id: userId })
    .execute();
}

/** One row in each geodata-module table, for the isolation and migration tests. */
async function fillGeodataTables(
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

/** Group access and project groups (migration 0019): one row in each. */
async function fillGroupTables(tx: Tx, o: number, projectId: number, teamId: number, userId: number) {
  const tag = await tx
    .insertInto('tags')
    .values({ organization_id: o, title: 'group access' })
    .returning('id')
    .executeTakeFirstOrThrow();
  await tx
    .insertInto('team_projects')
    .values({
      organization_id: o,
      team_id: teamId,
      project_id: projectId,
      role: 'annotator',
      created_by: userId,
    })
    .execute();
  await tx
    .insertInto('team_tags')
    .values({ organization_id: o, team_id: teamId, tag_id: tag.id, role: 'viewer', created_by: userId })
    .execute();
  const group = await tx
    .insertInto('project_groups')
    .values({ organization_id: o, title: 'Season 2026', created_by: userId })
    .returning('id')
    .executeTakeFirstOrThrow();
  await tx
    .insertInto('project_group_projects')
    .values({ organization_id: o, project_group_id: group.id, project_id: projectId })
    .execute();
  await tx
    .updateTable('invitations')
    .set({
      team_roles: JSON.stringify([{ team_id: teamId, role: 'manager' }]),
      project_roles: JSON.stringify([{ project_id: projectId, role: 'reviewer' }]),
    })
    .where('organization_id', '=', o)
    .execute();
}
