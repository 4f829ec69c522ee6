// Test data: one row in each groups table for createFullTenant (test/factories.ts).
import type { Tx } from '../src/db/scope.ts';

/** Group access and project groups (migration 0019): one row in each. */
export async function fillGroupTables(tx: Tx, o: number, projectId: number, teamId: number, userId: number) {
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
