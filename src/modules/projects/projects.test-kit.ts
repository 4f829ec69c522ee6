// Test helpers for the projects suites: call the API as a person, put people into organizations and teams
// (by SQL, as the invitation and teams APIs are other modules' work).
import assert from 'node:assert/strict';
import { inOrg, type Person } from '../../../test/http-factories.ts';
import type { Database } from '../../db/database.ts';
import { inScope } from '../../db/scope.ts';
import type { App } from '../../platform/http/app-types.ts';

export type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/** Calls the API as `person` acting in `orgId` (their personal organization by default). */
export function caller(app: App) {
  return (person: Person, method: Method, url: string, payload?: object, orgId = person.orgId) =>
    app.inject({
      method,
      url,
      headers: inOrg(person, orgId),
      ...(payload === undefined ? {} : { payload }),
    });
}

export async function joinOrganization(
  database: Database,
  owner: Person,
  orgId: number,
  person: Person,
  role: 'owner' | 'admin' | 'member' = 'member',
): Promise<void> {
  await inScope(database.db, { organizationId: orgId, userId: owner.id }, (tx) =>
    tx
      .insertInto('organization_members')
      .values({ organization_id: orgId, user_id: person.id, role })
      .execute(),
  );
}

export async function createTeam(
  database: Database,
  owner: Person,
  orgId: number,
  members: { person: Person; role: 'owner' | 'manager' | 'viewer' }[],
): Promise<number> {
  return inScope(database.db, { organizationId: orgId, userId: owner.id }, async (tx) => {
    const team = await tx
      .insertInto('teams')
      .values({ organization_id: orgId, name: 'Field crew', created_by: owner.id })
      .returning('id')
      .executeTakeFirstOrThrow();
    if (members.length) {
      await tx
        .insertInto('team_members')
        .values(
          members.map((m) => ({
            organization_id: orgId,
            team_id: team.id,
            user_id: m.person.id,
            role: m.role,
          })),
        )
        .execute();
    }
    return team.id;
  });
}

export async function removeTeamMember(
  database: Database,
  owner: Person,
  orgId: number,
  teamId: number,
  person: Person,
): Promise<void> {
  await inScope(database.db, { organizationId: orgId, userId: owner.id }, (tx) =>
    tx.deleteFrom('team_members').where('team_id', '=', teamId).where('user_id', '=', person.id).execute(),
  );
}

export async function createWorkspace(database: Database, owner: Person, orgId: number): Promise<number> {
  return inScope(database.db, { organizationId: orgId, userId: owner.id }, async (tx) => {
    const ws = await tx
      .insertInto('workspaces')
      .values({ organization_id: orgId, title: 'Main', created_by: owner.id })
      .returning('id')
      .executeTakeFirstOrThrow();
    return ws.id;
  });
}

/** Asserts the error shape and code of a failed call. */
export function assertError(
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
