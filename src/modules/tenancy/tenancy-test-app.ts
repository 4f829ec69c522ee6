// Test-only: the app as createTestApp builds it, plus the teams and workspaces routes while the tenancy
// module does not register them yet (once it does, this adds nothing).
import { randomBytes } from 'node:crypto';
import { createTestApp } from '../../../test/app.ts';
import { inOrg, type Person, signUp } from '../../../test/http-factories.ts';
import { loadConfig } from '../../config.ts';
import type { Database } from '../../db/database.ts';
import { inScope } from '../../db/scope.ts';
import type { App } from '../../platform/http/app-types.ts';
import { teamsRoutes } from './teams.routes.ts';
import { workspacesRoutes } from './workspaces.routes.ts';

export async function buildTestApp(database: Database, env: Record<string, string> = {}): Promise<App> {
  const app = await createTestApp(database, env);
  if (!app.hasRoute({ method: 'POST', url: '/api/teams' })) {
    const config = loadConfig({ LOG_LEVEL: 'silent', SECRET_KEY: randomBytes(32).toString('hex'), ...env });
    const deps = { config, database };
    teamsRoutes(app, deps);
    workspacesRoutes(app, deps);
  }
  await app.ready();
  return app;
}

/** Adds `userId` to organization `organizationId` as its owner would (invitations have their own tests). */
export async function joinOrganization(
  database: Database,
  organizationId: number,
  ownerId: number,
  userId: number,
  role: 'owner' | 'admin' | 'member' = 'member',
): Promise<void> {
  await inScope(database.db, { organizationId, userId: ownerId }, (tx) =>
    tx
      .insertInto('organization_members')
      .values({ organization_id: organizationId, user_id: userId, role })
      .onConflict((oc) => oc.columns(['organization_id', 'user_id']).doUpdateSet({ role }))
      .execute(),
  );
}

/** The audit actions recorded on one target, oldest first. */
export async function auditActions(
  database: Database,
  organizationId: number,
  targetType: string,
  targetId: number,
): Promise<string[]> {
  const rows = await inScope(database.db, { organizationId, userId: null }, (tx) =>
    tx
      .selectFrom('audit_log')
      .select('action')
      .where('target_type', '=', targetType)
      .where('target_id', '=', String(targetId))
      .orderBy('id')
      .execute(),
  );
  return rows.map((r) => r.action);
}

/**
 * Runs `fn` (requests that change a group's members) while another session holds the group's member rows
 * locked, then lets go: the requests pile up on the lock and then race, which makes a lost-update bug
 * (deciding "not the last owner" from a stale read) show deterministically. PostgreSQL only: PGlite has one
 * session, so there is nothing to race there and `fn` simply runs.
 */
export async function racingOnLockedMembers<T>(
  database: Database,
  organizationId: number,
  table: 'team_members' | 'workspace_members',
  groupId: number,
  fn: () => Promise<T>,
): Promise<T> {
  if (database.kind !== 'postgres') return fn();
  const column = table === 'team_members' ? 'team_id' : 'workspace_id';
  const client = await database.pool.connect();
  try {
    await client.query('BEGIN');
    await client.query(`SELECT set_config('app.organization_id', $1, true)`, [String(organizationId)]);
    await client.query(`SELECT 1 FROM ${table} WHERE ${column} = $1 FOR UPDATE`, [groupId]);
    const pending = fn();
    await new Promise((resolve) => setTimeout(resolve, 300));
    await client.query('COMMIT');
    return await pending;
  } finally {
    client.release();
  }
}

/** Organizations with people in them, and requests as those people. */
export function tenancyKit(getApp: () => App, getDatabase: () => Database) {
  /** The owner's personal organization with more people joined to it; `as(p)` acts in it via the header. */
  async function organization(extra: ('member' | 'admin')[] = []) {
    const owner = await signUp(getApp());
    const people: Person[] = [];
    for (const role of extra) {
      const p = await signUp(getApp());
      await joinOrganization(getDatabase(), owner.orgId, owner.id, p.id, role);
      people.push(p);
    }
    const as = (p: Person) => inOrg(p, owner.orgId);
    return { owner, people, orgId: owner.orgId, as };
  }

  function call(method: string, url: string, headers: Record<string, string>, payload?: object) {
    return getApp().inject({
      method: method as 'GET',
      url,
      headers,
      ...(payload === undefined ? {} : { payload }),
    });
  }

  return { organization, call };
}
