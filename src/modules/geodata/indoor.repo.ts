// SQL of indoor projects, their data files and the parsed rows. No access decisions here; every query runs in
// a tenant unit of work (RLS).
import { sql } from 'kysely';
import type { Tx } from '../../db/scope.ts';
import type { PageRequest } from '../../platform/http/common.schemas.ts';
import type { Column } from './indoor.parse.ts';

const likeEscape = (s: string) => s.replace(/[\\%_]/g, (c) => `\\${c}`);

/** Indoor projects with the caller's role on each (the rule of access.ts effectiveRoles, as SQL). */
function visibleProjects(tx: Tx, userId: number, orgRole: string) {
  const admin = orgRole === 'owner' || orgRole === 'admin';
  return tx
    .selectFrom('indoor_projects as p')
    .leftJoin('team_members as tm', (j) =>
      j.onRef('tm.team_id', '=', 'p.team_id').on('tm.user_id', '=', userId),
    )
    .where((eb) =>
      admin
        ? eb.lit(true)
        : eb.or([
            eb('p.created_by', '=', userId),
            eb('p.team_id', 'is', null),
            eb('tm.user_id', 'is not', null),
          ]),
    )
    .selectAll('p')
    .select(
      sql<string>`CASE WHEN ${admin} OR p.created_by IS NOT DISTINCT FROM ${userId}::bigint THEN 'owner'
        ELSE coalesce(tm.role, 'viewer') END`.as('role'),
    );
}

export type ProjectRow = NonNullable<
  Awaited<ReturnType<ReturnType<typeof visibleProjects>['executeTakeFirst']>>
>;

export async function findProject(tx: Tx, userId: number, orgRole: string, id: number) {
  return visibleProjects(tx, userId, orgRole).where('p.id', '=', id).executeTakeFirst();
}

export async function listProjects(
  tx: Tx,
  userId: number,
  orgRole: string,
  q: { search?: string | undefined; teamId?: number | undefined },
  page: PageRequest,
): Promise<{ count: number; rows: ProjectRow[] }> {
  let base = visibleProjects(tx, userId, orgRole);
  if (q.search) base = base.where('p.title', 'ilike', `%${likeEscape(q.search)}%`);
  if (q.teamId !== undefined) base = base.where('p.team_id', '=', q.teamId);
  const rows = await base
    .select(sql<number>`count(*) OVER ()`.as('total'))
    .orderBy('p.id', 'desc')
    .limit(page.pageSize)
    .offset((page.page - 1) * page.pageSize)
    .execute();
  if (rows.length || page.page === 1) return { count: Number(rows[0]?.total ?? 0), rows };
  const { count } = await visibleProjects(tx, userId, orgRole)
    .clearSelect()
    .select((eb) => eb.fn.countAll<number>().as('count'))
    .$if(!!q.search, (b) => b.where('p.title', 'ilike', `%${likeEscape(q.search ?? '')}%`))
    .$if(q.teamId !== undefined, (b) => b.where('p.team_id', '=', q.teamId!))
    .executeTakeFirstOrThrow();
  return { count: Number(count), rows: [] };
}

const dataRow = (tx: Tx) =>
  tx
    .selectFrom('indoor_project_data as d')
    .leftJoin('files as f', (j) => j.onRef('f.id', '=', 'd.file_id').on('f.status', '<>', 'deleted'))
    .selectAll('d')
    .select(['f.mime_type', 'f.size_bytes', 'f.storage_key']);

export type DataRow = NonNullable<Awaited<ReturnType<ReturnType<typeof dataRow>['executeTakeFirst']>>>;

export const findData = (tx: Tx, id: number) => dataRow(tx).where('d.id', '=', id).executeTakeFirst();

export async function listData(
  tx: Tx,
  projectId: number,
  f: { fileType?: string | undefined },
  page: PageRequest,
): Promise<{ count: number; rows: DataRow[] }> {
  let q = dataRow(tx).where('d.indoor_project_id', '=', projectId);
  if (f.fileType) q = q.where('d.file_type', '=', f.fileType);
  const rows = await q
    .select(sql<number>`count(*) OVER ()`.as('total'))
    .orderBy('d.id', 'desc')
    .limit(page.pageSize)
    .offset((page.page - 1) * page.pageSize)
    .execute();
  if (rows.length || page.page === 1) return { count: Number(rows[0]?.total ?? 0), rows };
  let c = tx.selectFrom('indoor_project_data').where('indoor_project_id', '=', projectId);
  if (f.fileType) c = c.where('file_type', '=', f.fileType);
  const { count } = await c.select((eb) => eb.fn.countAll<number>().as('count')).executeTakeFirstOrThrow();
  return { count: Number(count), rows: [] };
}

/** One batch of parsed rows (a JSON array of cell arrays), numbered after `offset`, in one statement. */
export async function insertRows(tx: Tx, org: number, dataId: number, offset: number, json: string) {
  await sql`
    INSERT INTO indoor_data_rows (organization_id, data_id, row_number, cells)
    SELECT ${org}, ${dataId}, ${offset}::int + t.n::int,
           ARRAY(SELECT e FROM jsonb_array_elements_text(t.r) WITH ORDINALITY AS x(e, i) ORDER BY x.i)
    FROM jsonb_array_elements(${json}::jsonb) WITH ORDINALITY AS t(r, n)`.execute(tx);
}

export async function markParsed(
  tx: Tx,
  dataId: number,
  v: { status: 'ready' | 'failed'; error: string | null; columns: Column[] | null; rowCount: number | null },
) {
  await tx
    .updateTable('indoor_project_data')
    .set({
      status: v.status,
      error: v.error,
      columns: v.columns === null ? null : JSON.stringify(v.columns),
      row_count: v.rowCount,
      updated_at: sql`now()`,
    })
    .where('id', '=', dataId)
    .where('status', '=', 'processing')
    .execute();
}

export interface RowQuery {
  /** 1-based column positions with the value they must equal, or contain (case-insensitive). */
  equals: [number, string][];
  contains: [number, string][];
  sort: { column: number; numeric: boolean; desc: boolean } | null;
}

/**
 * A page of a data file's rows, filtered and ordered, with the total, in one statement. The primary key
 * (data_id, row_number) bounds the scan to this file's rows and gives the default order.
 */
export async function queryRows(
  tx: Tx,
  dataId: number,
  q: RowQuery,
  page: PageRequest,
  /** The file's row count, for an unfiltered query: the page then reads only its own rows. */
  knownCount: number | null = null,
) {
  const conditions = [
    sql`data_id = ${dataId}`,
    ...q.equals.map(([col, v]) => sql`cells[${col}::int] = ${v}`),
    ...q.contains.map(([col, v]) => sql`cells[${col}::int] ILIKE ${`%${likeEscape(v)}%`}`),
  ];
  const order = q.sort
    ? sql`${q.sort.numeric ? sql`(cells[${q.sort.column}::int])::numeric` : sql`cells[${q.sort.column}::int]`} ${sql.raw(q.sort.desc ? 'DESC' : 'ASC')} NULLS LAST, row_number`
    : sql`row_number`;
  const { rows } = await sql<{ row_number: number; cells: (string | null)[]; total: number }>`
    SELECT row_number, cells, ${knownCount === null ? sql`count(*) OVER ()` : sql`${knownCount}::bigint`} AS total
    FROM indoor_data_rows
    WHERE ${sql.join(conditions, sql` AND `)}
    ORDER BY ${order}
    LIMIT ${page.pageSize} OFFSET ${(page.page - 1) * page.pageSize}`.execute(tx);
  if (knownCount !== null) return { count: knownCount, rows };
  if (rows.length || page.page === 1) return { count: Number(rows[0]?.total ?? 0), rows };
  const { rows: c } = await sql<{ count: number }>`
    SELECT count(*) AS count FROM indoor_data_rows WHERE ${sql.join(conditions, sql` AND `)}`.execute(tx);
  return { count: Number(c[0]?.count ?? 0), rows: [] };
}

/** Marks files deleted (set-based); answers the storage keys they held. */
export async function deleteFiles(tx: Tx, ids: number[]): Promise<string[]> {
  if (ids.length === 0) return [];
  const rows = await tx
    .updateTable('files')
    .set({ status: 'deleted', deleted_at: sql`now()`, updated_at: sql`now()` })
    .where('status', '<>', 'deleted')
    .where((eb) => eb.or([eb('id', 'in', ids), eb('parent_file_id', 'in', ids)]))
    .returning('storage_key')
    .execute();
  return [...new Set(rows.map((r) => r.storage_key))];
}
