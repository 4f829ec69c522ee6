// SQL for project groups and their projects. No access decisions here; the counts and lists of a group's
// projects take a `readable` condition from the service so nobody learns of projects they may not read.
import { type RawBuilder, type Selectable, sql } from 'kysely';
import type { Tx } from '../../db/scope.ts';
import type { ProjectGroups } from '../../db/types.ts';
import type { PageRequest } from '../../platform/http/common.schemas.ts';
import { escapeLike } from '../tenancy/index.ts';

export type Readable = (alias: string) => RawBuilder<boolean>;

export function toProjectGroup(g: Selectable<ProjectGroups>, projectCount: number, role: string) {
  return {
    id: g.id,
    organization: g.organization_id,
    title: g.title,
    description: g.description,
    created_by: g.created_by,
    created_at: g.created_at,
    updated_at: g.updated_at,
    project_count: projectCount,
    role: role as 'owner' | 'member',
  };
}

export async function insertProjectGroup(
  tx: Tx,
  g: { organizationId: number; title: string; description: string | null; createdBy: number },
) {
  return tx
    .insertInto('project_groups')
    .values({
      organization_id: g.organizationId,
      title: g.title,
      description: g.description,
      created_by: g.createdBy,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
}

export function findProjectGroup(tx: Tx, id: number) {
  return tx.selectFrom('project_groups').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function projectGroupsPage(
  tx: Tx,
  filter: { search?: string | undefined; projectId?: number | undefined },
  page: PageRequest,
) {
  let q = tx.selectFrom('project_groups as g');
  if (filter.search) q = q.where('g.title', 'ilike', `%${escapeLike(filter.search)}%`);
  if (filter.projectId !== undefined) {
    const pid = filter.projectId;
    q = q.where(({ exists, selectFrom }) =>
      exists(
        selectFrom('project_group_projects as gp')
          .select(sql.lit(1).as('one'))
          .whereRef('gp.project_group_id', '=', 'g.id')
          .where('gp.project_id', '=', pid),
      ),
    );
  }
  const { count } = await q.select((eb) => eb.fn.countAll<number>().as('count')).executeTakeFirstOrThrow();
  const rows = await q
    .selectAll('g')
    .orderBy('g.id')
    .limit(page.pageSize)
    .offset((page.page - 1) * page.pageSize)
    .execute();
  return { count: Number(count), rows };
}

/** How many projects of each group the reader may read, in one grouped query. */
export async function readableCounts(tx: Tx, groupIds: number[], readable: Readable) {
  const counts = new Map<number, number>();
  if (groupIds.length === 0) return counts;
  const { rows } = await sql<{ id: number; n: number }>`
    SELECT gp.project_group_id AS id, count(*)::int AS n
    FROM project_group_projects gp JOIN projects p ON p.id = gp.project_id
    WHERE gp.project_group_id = ANY(${groupIds}::bigint[]) AND ${readable('p')}
    GROUP BY gp.project_group_id`.execute(tx);
  for (const r of rows) counts.set(Number(r.id), Number(r.n));
  return counts;
}

export async function updateProjectGroup(
  tx: Tx,
  id: number,
  patch: { title?: string | undefined; description?: string | null | undefined },
) {
  await tx
    .updateTable('project_groups')
    .set({
      ...(patch.title !== undefined && { title: patch.title }),
      ...(patch.description !== undefined && { description: patch.description }),
      updated_at: sql<Date>`now()`,
    })
    .where('id', '=', id)
    .execute();
}

export async function deleteProjectGroup(tx: Tx, id: number): Promise<void> {
  await tx.deleteFrom('project_groups').where('id', '=', id).execute();
}

/** Adds projects to a group, set-based; those already in it are skipped. The number added. */
export async function addProjects(tx: Tx, organizationId: number, groupId: number, projectIds: number[]) {
  const { rows } = await sql<{ project_id: number }>`
    INSERT INTO project_group_projects (organization_id, project_group_id, project_id)
    SELECT ${organizationId}, ${groupId}, x FROM unnest(${projectIds}::bigint[]) AS x
    ON CONFLICT (project_group_id, project_id) DO NOTHING
    RETURNING project_id`.execute(tx);
  return rows.length;
}

export async function removeProject(tx: Tx, groupId: number, projectId: number): Promise<boolean> {
  const rows = await tx
    .deleteFrom('project_group_projects')
    .where('project_group_id', '=', groupId)
    .where('project_id', '=', projectId)
    .returning('project_id')
    .execute();
  return rows.length > 0;
}

/** One page of the group's projects the reader may read, in the order they were added. */
export async function groupProjectsPage(tx: Tx, groupId: number, readable: Readable, page: PageRequest) {
  const base = sql`FROM project_group_projects gp JOIN projects p ON p.id = gp.project_id
    WHERE gp.project_group_id = ${groupId} AND ${readable('p')}`;
  const count = await sql<{ n: number }>`SELECT count(*)::int AS n ${base}`.execute(tx);
  const { rows } = await sql<{ id: number; title: string; added_at: Date }>`
    SELECT p.id, p.title, gp.created_at AS added_at ${base}
    ORDER BY gp.created_at, p.id
    LIMIT ${page.pageSize} OFFSET ${(page.page - 1) * page.pageSize}`.execute(tx);
  return { count: Number(count.rows[0]?.n ?? 0), results: rows };
}
