// SQL for a team's roles on projects (team_projects) and on tags (team_tags). No access decisions here; RLS
// confines every query to the unit of work's organization.
import { sql } from 'kysely';
import type { Tx } from '../../db/scope.ts';
import type { PageRequest } from '../../platform/http/common.schemas.ts';

const page = (q: PageRequest) => ({ limit: q.pageSize, offset: (q.page - 1) * q.pageSize });

export interface GrantRow {
  team_id: number;
  team_name: string;
  project_id: number;
  project_title: string;
  role: string;
  created_by: number | null;
  created_at: Date;
  updated_at: Date;
}

export function toGrant(r: GrantRow) {
  return {
    team: { id: r.team_id, name: r.team_name },
    project: { id: r.project_id, title: r.project_title },
    role: r.role as 'owner' | 'manager' | 'annotator' | 'reviewer' | 'viewer',
    created_by: r.created_by,
    created_at: r.created_at,
    updated_at: r.updated_at,
  };
}

function grants(tx: Tx) {
  return tx
    .selectFrom('team_projects as g')
    .innerJoin('teams as t', 't.id', 'g.team_id')
    .innerJoin('projects as p', 'p.id', 'g.project_id');
}
const grantColumns = [
  'g.team_id',
  't.name as team_name',
  'g.project_id',
  'p.title as project_title',
  'g.role',
  'g.created_by',
  'g.created_at',
  'g.updated_at',
] as const;

/** One page of the grants on a project (by team id), or of a team's grants (by project id). */
export async function grantsPage(tx: Tx, by: { projectId: number } | { teamId: number }, q: PageRequest) {
  const base =
    'projectId' in by
      ? grants(tx).where('g.project_id', '=', by.projectId)
      : grants(tx).where('g.team_id', '=', by.teamId);
  const { count } = await base.select((eb) => eb.fn.countAll<number>().as('count')).executeTakeFirstOrThrow();
  const { limit, offset } = page(q);
  const rows = await base
    .select(grantColumns)
    .orderBy('projectId' in by ? 'g.team_id' : 'g.project_id')
    .limit(limit)
    .offset(offset)
    .execute();
  return { count: Number(count), results: rows.map(toGrant) };
}

/** The grant of `teamId` on `projectId`, locked until the transaction ends. */
export async function findGrant(tx: Tx, projectId: number, teamId: number) {
  return tx
    .selectFrom('team_projects')
    .select('role')
    .where('project_id', '=', projectId)
    .where('team_id', '=', teamId)
    .forUpdate()
    .executeTakeFirst();
}

export async function readGrant(tx: Tx, projectId: number, teamId: number) {
  const row = await grants(tx)
    .select(grantColumns)
    .where('g.project_id', '=', projectId)
    .where('g.team_id', '=', teamId)
    .executeTakeFirstOrThrow();
  return toGrant(row);
}

export async function upsertGrant(
  tx: Tx,
  g: { organizationId: number; projectId: number; teamId: number; role: string; by: number },
): Promise<void> {
  await tx
    .insertInto('team_projects')
    .values({
      organization_id: g.organizationId,
      project_id: g.projectId,
      team_id: g.teamId,
      role: g.role,
      created_by: g.by,
    })
    .onConflict((oc) =>
      oc.columns(['team_id', 'project_id']).doUpdateSet({ role: g.role, updated_at: sql<Date>`now()` }),
    )
    .execute();
}

export async function deleteGrant(tx: Tx, projectId: number, teamId: number): Promise<void> {
  await tx
    .deleteFrom('team_projects')
    .where('project_id', '=', projectId)
    .where('team_id', '=', teamId)
    .execute();
}

export interface TagGrantRow {
  team_id: number;
  team_name: string;
  tag_id: number;
  tag_title: string;
  role: string;
  created_by: number | null;
  created_at: Date;
  updated_at: Date;
}

export function toTagGrant(r: TagGrantRow) {
  return {
    team: { id: r.team_id, name: r.team_name },
    tag: { id: r.tag_id, title: r.tag_title },
    role: r.role as 'owner' | 'manager' | 'annotator' | 'reviewer' | 'viewer',
    created_by: r.created_by,
    created_at: r.created_at,
    updated_at: r.updated_at,
  };
}

function tagGrants(tx: Tx) {
  return tx
    .selectFrom('team_tags as g')
    .innerJoin('teams as t', 't.id', 'g.team_id')
    .innerJoin('tags as tg', 'tg.id', 'g.tag_id')
    .select([
      'g.team_id',
      't.name as team_name',
      'g.tag_id',
      'tg.title as tag_title',
      'g.role',
      'g.created_by',
      'g.created_at',
      'g.updated_at',
    ]);
}

export async function tagGrantsPage(tx: Tx, teamId: number, q: PageRequest) {
  const { count } = await tx
    .selectFrom('team_tags')
    .where('team_id', '=', teamId)
    .select((eb) => eb.fn.countAll<number>().as('count'))
    .executeTakeFirstOrThrow();
  const { limit, offset } = page(q);
  const rows = await tagGrants(tx)
    .where('g.team_id', '=', teamId)
    .orderBy('g.tag_id')
    .limit(limit)
    .offset(offset)
    .execute();
  return { count: Number(count), results: rows.map(toTagGrant) };
}

export async function readTagGrant(tx: Tx, teamId: number, tagId: number) {
  const row = await tagGrants(tx)
    .where('g.team_id', '=', teamId)
    .where('g.tag_id', '=', tagId)
    .executeTakeFirst();
  return row ? toTagGrant(row) : undefined;
}

export async function upsertTagGrant(
  tx: Tx,
  g: { organizationId: number; teamId: number; tagId: number; role: string; by: number },
): Promise<void> {
  await tx
    .insertInto('team_tags')
    .values({
      organization_id: g.organizationId,
      team_id: g.teamId,
      tag_id: g.tagId,
      role: g.role,
      created_by: g.by,
    })
    .onConflict((oc) =>
      oc.columns(['team_id', 'tag_id']).doUpdateSet({ role: g.role, updated_at: sql<Date>`now()` }),
    )
    .execute();
}

export async function deleteTagGrant(tx: Tx, teamId: number, tagId: number): Promise<boolean> {
  const rows = await tx
    .deleteFrom('team_tags')
    .where('team_id', '=', teamId)
    .where('tag_id', '=', tagId)
    .returning('tag_id')
    .execute();
  return rows.length > 0;
}

/** Whether a row with this id exists in the organization (RLS hides everyone else's). */
export async function exists(tx: Tx, table: 'teams' | 'tags', id: number): Promise<boolean> {
  const row = await tx.selectFrom(table).select('id').where('id', '=', id).executeTakeFirst();
  return row !== undefined;
}
