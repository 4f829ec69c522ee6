// SQL for projects, their likes and enabled modules. No access decisions here (see projects.access.ts for the
// list condition the service applies).
import { sql } from 'kysely';
import type { Tx } from '../../db/scope.ts';
import type { PageRequest } from '../../platform/http/common.schemas.ts';
import { readableProjects } from './projects.access.ts';
import { type ModuleName, moduleNames } from './projects.schemas.ts';

/** A PostgreSQL error's SQLSTATE (23505 unique violation, 23503 foreign key violation). */
export function pgCode(err: unknown): string | undefined {
  return (err as { code?: string } | null)?.code;
}

export interface ProjectValues {
  title: string;
  slug: string;
  description: string | null;
  visibility: 'public' | 'private';
  status: 'active' | 'completed' | 'archived';
  teamId: number | null;
  workspaceId: number | null;
}

/**
 * Projects with what every answer shows: the creator, enabled modules and bookmarks, for a set of ids in one
 * statement (the subqueries use the primary keys of project_modules and project_likes).
 */
export async function loadProjects(tx: Tx, userId: number, ids: readonly number[]) {
  if (ids.length === 0) return [];
  return tx
    .selectFrom('projects as p')
    .leftJoin('users as u', 'u.id', 'p.created_by')
    .select([
      'p.id',
      'p.title',
      'p.slug',
      'p.description',
      'p.visibility',
      'p.status',
      'p.organization_id',
      'p.team_id',
      'p.workspace_id',
      'p.created_by',
      'p.created_at',
      'p.updated_at',
      'u.username as creator_username',
      'u.email as creator_email',
      'u.first_name as creator_first_name',
      'u.last_name as creator_last_name',
      sql<string[]>`coalesce((
        SELECT array_agg(m.module ORDER BY m.module) FROM project_modules m
        WHERE m.project_id = p.id AND m.enabled), '{}')`.as('modules'),
      sql<number>`(SELECT count(*) FROM project_likes l WHERE l.project_id = p.id)`.as('like_count'),
      sql<boolean>`EXISTS (
        SELECT 1 FROM project_likes l WHERE l.project_id = p.id AND l.user_id = ${userId})`.as('liked'),
    ])
    .where('p.id', 'in', ids as number[])
    .execute();
}

export type LoadedProject = Awaited<ReturnType<typeof loadProjects>>[number];

export interface ProjectFilter {
  workspace?: number | undefined;
  team?: number | undefined;
  visibility?: 'public' | 'private' | undefined;
  search?: string | undefined;
  liked?: boolean | undefined;
}

export function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (c) => `\\${c}`);
}

/** The ids of one page of the projects `userId` may read, newest first (projects_org_created_idx). */
export async function readableProjectsPage(
  tx: Tx,
  organizationId: number,
  userId: number,
  filter: ProjectFilter,
  page: PageRequest,
) {
  let q = tx
    .selectFrom('projects as p')
    .where('p.organization_id', '=', organizationId)
    .where(readableProjects(userId));
  if (filter.workspace !== undefined) q = q.where('p.workspace_id', '=', filter.workspace);
  if (filter.team !== undefined) q = q.where('p.team_id', '=', filter.team);
  if (filter.visibility !== undefined) q = q.where('p.visibility', '=', filter.visibility);
  if (filter.search) q = q.where('p.title', 'ilike', `%${escapeLike(filter.search)}%`);
  if (filter.liked !== undefined) {
    const likedByMe = sql<boolean>`EXISTS (
      SELECT 1 FROM project_likes l WHERE l.project_id = p.id AND l.user_id = ${userId})`;
    q = q.where(filter.liked ? likedByMe : sql<boolean>`NOT ${likedByMe}`);
  }
  const { count } = await q.select((eb) => eb.fn.countAll<number>().as('count')).executeTakeFirstOrThrow();
  const rows = await q
    .select('p.id')
    .orderBy('p.created_at', 'desc')
    .orderBy('p.id', 'desc')
    .limit(page.pageSize)
    .offset((page.page - 1) * page.pageSize)
    .execute();
  return { count: Number(count), ids: rows.map((r) => r.id) };
}

/**
 * The first free slug of the form `base`, `base-2`, `base-3`, ... in the organization. Another transaction may
 * take it before we insert; insertProject then reports the conflict and the caller asks again.
 */
export async function freeSlug(tx: Tx, organizationId: number, base: string): Promise<string> {
  const rows = await tx
    .selectFrom('projects')
    .select('slug')
    .where('organization_id', '=', organizationId)
    .where((eb) => eb.or([eb('slug', '=', base), eb('slug', 'like', `${base}-%`)]))
    .execute();
  const taken = new Set(rows.map((r) => r.slug));
  if (!taken.has(base)) return base;
  for (let n = 2; ; n++) if (!taken.has(`${base}-${n}`)) return `${base}-${n}`;
}

/** Inserts the project; null when the slug is taken in the organization (nothing written). */
export async function insertProject(
  tx: Tx,
  organizationId: number,
  createdBy: number,
  v: ProjectValues,
): Promise<number | null> {
  const row = await tx
    .insertInto('projects')
    .values({
      organization_id: organizationId,
      title: v.title,
      slug: v.slug,
      description: v.description,
      visibility: v.visibility,
      status: v.status,
      team_id: v.teamId,
      workspace_id: v.workspaceId,
      created_by: createdBy,
    })
    // ON CONFLICT rather than catching 23505: a failed statement would abort the whole unit of work.
    .onConflict((oc) => oc.columns(['organization_id', 'slug']).doNothing())
    .returning('id')
    .executeTakeFirst();
  return row?.id ?? null;
}

export interface ProjectPatch {
  title?: string | undefined;
  slug?: string | undefined;
  description?: string | null | undefined;
  visibility?: 'public' | 'private' | undefined;
  status?: 'active' | 'completed' | 'archived' | undefined;
  teamId?: number | null | undefined;
  workspaceId?: number | null | undefined;
}

export async function updateProject(tx: Tx, id: number, patch: ProjectPatch): Promise<void> {
  const set = {
    ...(patch.title !== undefined && { title: patch.title }),
    ...(patch.slug !== undefined && { slug: patch.slug }),
    ...(patch.description !== undefined && { description: patch.description }),
    ...(patch.visibility !== undefined && { visibility: patch.visibility }),
    ...(patch.status !== undefined && { status: patch.status }),
    ...(patch.teamId !== undefined && { team_id: patch.teamId }),
    ...(patch.workspaceId !== undefined && { workspace_id: patch.workspaceId }),
  };
  if (Object.keys(set).length === 0) return;
  await tx
    .updateTable('projects')
    .set({ ...set, updated_at: sql<Date>`now()` })
    .where('id', '=', id)
    .execute();
}

export async function deleteProject(tx: Tx, id: number) {
  return tx.deleteFrom('projects').where('id', '=', id).returning(['id', 'title', 'slug']).executeTakeFirst();
}

export async function setLike(
  tx: Tx,
  organizationId: number,
  projectId: number,
  userId: number,
  liked: boolean,
) {
  if (liked) {
    await tx
      .insertInto('project_likes')
      .values({ organization_id: organizationId, project_id: projectId, user_id: userId })
      .onConflict((oc) => oc.columns(['project_id', 'user_id']).doNothing())
      .execute();
  } else {
    await tx
      .deleteFrom('project_likes')
      .where('project_id', '=', projectId)
      .where('user_id', '=', userId)
      .execute();
  }
  const { count } = await tx
    .selectFrom('project_likes')
    .select((eb) => eb.fn.countAll<number>().as('count'))
    .where('project_id', '=', projectId)
    .executeTakeFirstOrThrow();
  return { liked, like_count: Number(count) };
}

export async function moduleStates(tx: Tx, projectId: number) {
  const rows = await tx
    .selectFrom('project_modules')
    .select(['module', 'enabled'])
    .where('project_id', '=', projectId)
    .execute();
  const enabled = new Set(rows.filter((r) => r.enabled).map((r) => r.module));
  return moduleNames.map((name) => ({ name, enabled: enabled.has(name) }));
}

/**
 * Makes `enabled` exactly the enabled set, in one statement: enables (inserting when new) the listed modules
 * and disables the others. Disabled modules keep their row and settings, so enabling again restores them.
 */
export async function setModules(
  tx: Tx,
  organizationId: number,
  projectId: number,
  enabled: readonly ModuleName[],
) {
  const wanted = [...new Set(enabled)];
  await sql`
    WITH enabled AS (
      INSERT INTO project_modules (organization_id, project_id, module, enabled)
      SELECT ${organizationId}, ${projectId}, m, true FROM unnest(${wanted}::text[]) AS m
      ON CONFLICT (project_id, module) DO UPDATE SET enabled = true, updated_at = now()
        WHERE NOT project_modules.enabled
    )
    UPDATE project_modules SET enabled = false, updated_at = now()
    WHERE project_id = ${projectId} AND enabled AND module <> ALL(${wanted}::text[])`.execute(tx);
}

/** Enables one module (a create with that module's fields), keeping the others as they are. */
export async function enableModule(tx: Tx, organizationId: number, projectId: number, module: ModuleName) {
  await tx
    .insertInto('project_modules')
    .values({ organization_id: organizationId, project_id: projectId, module, enabled: true })
    .onConflict((oc) => oc.columns(['project_id', 'module']).doUpdateSet({ enabled: true }))
    .execute();
}
