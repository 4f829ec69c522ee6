// Helpers for the import and export tests: projects with a label config, members with a project role.
import assert from 'node:assert/strict';
import type { Person } from '../../../test/http-factories.ts';
import type { Database } from '../../db/database.ts';
import { inScope } from '../../db/scope.ts';
import type { App } from '../../platform/http/app-types.ts';

export const IMAGE_CONFIG = `<View>
  <Image name="image" value="$image"/>
  <RectangleLabels name="label" toName="image"><Label value="Car"/><Label value="Airplane"/></RectangleLabels>
</View>`;

export const TEXT_CONFIG = `<View>
  <Text name="text" value="$text"/>
  <Choices name="sentiment" toName="text"><Choice value="pos"/><Choice value="neg"/></Choices>
</View>`;

/** A project of `owner` with `labelConfig` (written directly: the config endpoints are another slice). */
export async function projectWithConfig(app: App, database: Database, owner: Person, labelConfig: string) {
  const res = await app.inject({
    method: 'POST',
    url: '/api/projects',
    headers: owner.headers,
    payload: { title: 'Import me' },
  });
  assert.equal(res.statusCode, 201, res.body);
  const id = res.json().id as number;
  await inScope(database.db, { organizationId: owner.orgId, userId: owner.id }, (tx) =>
    tx
      .insertInto('annotation_settings')
      .values({ organization_id: owner.orgId, project_id: id, label_config: labelConfig })
      .onConflict((oc) => oc.column('project_id').doUpdateSet({ label_config: labelConfig }))
      .execute(),
  );
  return id;
}

/** Makes `person` a member of `owner`'s organization with `role` on the project. */
export async function addProjectMember(
  app: App,
  database: Database,
  owner: Person,
  projectId: number,
  person: Person,
  role: string,
) {
  await inScope(database.db, { organizationId: owner.orgId, userId: owner.id }, (tx) =>
    tx
      .insertInto('organization_members')
      .values({ organization_id: owner.orgId, user_id: person.id, role: 'member' })
      .onConflict((oc) => oc.doNothing())
      .execute(),
  );
  const res = await app.inject({
    method: 'POST',
    url: `/api/projects/${projectId}/members`,
    headers: owner.headers,
    payload: { user_id: person.id, role },
  });
  assert.ok(res.statusCode < 300, res.body);
}

/** Waits (bounded) until `check` returns a value. */
// biome-ignore lint/suspicious/noExplicitAny: the answers are JSON bodies
export async function eventually(check: () => Promise<any>, what: string): Promise<any> {
  for (let i = 0; i < 600; i++) {
    const v = await check();
    if (v !== null && v !== undefined) return v;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`timed out waiting for ${what}`);
}
