// Test-only builders for the organization, membership and invitation tests: rows the tests need around them
// (members, teams, projects, workspaces) made directly in the organization's scope, and mailed tokens.
import assert from 'node:assert/strict';
import type { Database } from '../../db/database.ts';
import { inScope } from '../../db/scope.ts';

type OrgRole = 'owner' | 'admin' | 'member';

/** Adds `userId` to the organization with `role`, as if they had accepted an invitation. */
export async function addMember(
  database: Database,
  organizationId: number,
  userId: number,
  role: OrgRole,
): Promise<void> {
  await inScope(database.db, { organizationId, userId: null }, (tx) =>
    tx
      .insertInto('organization_members')
      .values({ organization_id: organizationId, user_id: userId, role })
      .onConflict((oc) => oc.columns(['organization_id', 'user_id']).doUpdateSet({ role }))
      .execute(),
  );
}

/** A team, a workspace and a project in the organization. */
export async function groupsIn(database: Database, organizationId: number, label: string) {
  return inScope(database.db, { organizationId, userId: null }, async (tx) => {
    const team = await tx
      .insertInto('teams')
      .values({ organization_id: organizationId, name: `${label} team` })
      .returning('id')
      .executeTakeFirstOrThrow();
    const workspace = await tx
      .insertInto('workspaces')
      .values({ organization_id: organizationId, title: `${label} workspace` })
      .returning('id')
      .executeTakeFirstOrThrow();
    const project = await tx
      .insertInto('projects')
      .values({
        organization_id: organizationId,
        title: `${label} project`,
        slug: `${label.toLowerCase().replace(/[^a-z0-9]+/g, '-')}-p`,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    return { teamId: team.id, workspaceId: workspace.id, projectId: project.id };
  });
}

/** How many team, workspace and project memberships `userId` holds in the organization. */
export async function groupMemberships(database: Database, organizationId: number, userId: number) {
  return inScope(database.db, { organizationId, userId: null }, async (tx) => {
    const count = async (table: 'team_members' | 'workspace_members' | 'project_members') =>
      (
        await tx
          .selectFrom(table)
          .select('role')
          .where('user_id', '=', userId)
          .where('organization_id', '=', organizationId)
          .execute()
      ).map((r) => r.role);
    return {
      teams: await count('team_members'),
      workspaces: await count('workspace_members'),
      projects: await count('project_members'),
    };
  });
}

/** The token of the newest invitation mailed to `email`, read from the outbox as the invitee would. */
export async function mailedToken(database: Database, email: string): Promise<string> {
  const mail = await database.db
    .selectFrom('mail_outbox')
    .select(['body', 'kind'])
    .where('to_address', '=', email)
    .orderBy('id', 'desc')
    .executeTakeFirstOrThrow();
  assert.equal(mail.kind, 'invitation');
  const match = /\/accept-invite\?token=([A-Za-z0-9_-]+)/.exec(mail.body);
  assert.ok(match, `no invitation link in: ${mail.body}`);
  return match[1]!;
}

export function expectError(
  res: { statusCode: number; json(): unknown; body: string },
  status: number,
  code?: string,
) {
  assert.equal(res.statusCode, status, res.body);
  const body = res.json() as { error?: { code?: unknown; message?: unknown; details?: unknown } };
  assert.equal(typeof body.error?.code, 'string', res.body);
  assert.equal(typeof body.error?.message, 'string', res.body);
  assert.ok(body.error && 'details' in body.error, res.body);
  if (code) assert.equal(body.error?.code, code, res.body);
}
