// "Which projects may this person read", as one SQL condition for lists. It mirrors effectiveRoles
// (src/platform/access/access.ts) for projects: a person has a role on a project of an organization they belong
// to when they are its owner or admin, a direct project member, a member of the project's team, or a member of a
// team given a role on the project or on one of its tags (team_projects, team_tags). Every project
// role may read (project.read lists them all; a test keeps that true), so "readable" is "has any role". The
// test 'list and GET agree' proves the two stay in step; change both together.
import { type RawBuilder, sql } from 'kysely';

/**
 * True for the rows of `projects AS <alias>` that `userId` may read. The member and team parts are uncorrelated
 * IN subqueries so PostgreSQL runs each once (hashed, by the user_id indexes) rather than once per project.
 */
export function readableProjects(userId: number, alias = 'p'): RawBuilder<boolean> {
  const p = (column: string) => sql.ref(`${alias}.${column}`);
  return sql<boolean>`EXISTS (
    SELECT 1 FROM organization_members om
    WHERE om.organization_id = ${p('organization_id')} AND om.user_id = ${userId}
      AND (
        om.role IN ('owner', 'admin')
        OR ${p('id')} IN (SELECT pm.project_id FROM project_members pm WHERE pm.user_id = ${userId})
        OR ${p('team_id')} IN (SELECT tm.team_id FROM team_members tm WHERE tm.user_id = ${userId})
        OR ${p('id')} IN (
          SELECT tp.project_id FROM team_projects tp
          JOIN team_members gm ON gm.team_id = tp.team_id
          WHERE gm.user_id = ${userId}
        )
        OR ${p('id')} IN (
          SELECT pt.project_id FROM project_tags pt
          JOIN team_tags tt ON tt.tag_id = pt.tag_id
          JOIN team_members gm ON gm.team_id = tt.team_id
          WHERE gm.user_id = ${userId}
        )
      )
  )`;
}
