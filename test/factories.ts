// Test data builders. Each test makes its own organizations and users (unique names), so tests share nothing.
// Until the identity services exist these write through the application role, under RLS, like the app does.
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import type { Database } from '../src/db/database.ts';
import { enterOrganization, inScope } from '../src/db/scope.ts';
import { fillAnnotationTables } from './factories.annotation.ts';
import { fillGeodataTables } from './factories.geodata.ts';
import { fillGroupTables } from './factories.groups.ts';
import { fillMlTables } from './factories.ml.ts';
import { fillOrderTables } from './factories.orders.ts';
import { fillPhotoTables } from './factories.photos.ts';
import { fillRoomTables } from './factories.rooms.ts';

let counter = 0;
export function unique(prefix: string): string {
  counter += 1;
  return `${prefix}_${process.pid.toString(36)}${counter}${randomBytes(3).toString('hex')}`;
}

export const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');

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
