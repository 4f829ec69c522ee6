// SQL of the geodata module's project-side tables (boundary, geo fields, campaigns, flights). No policy here.
import { sql } from 'kysely';
import type { Tx } from '../../db/scope.ts';
import type { PageRequest } from '../../platform/http/common.schemas.ts';
import type { Bbox } from './geometry.ts';

const dateText = (column: string) => sql<string | null>`to_char(${sql.ref(column)}, 'YYYY-MM-DD')`;

export interface LocationValues extends Bbox {
  geometry: unknown;
  area_m2: number;
  centroid_lon: number;
  centroid_lat: number;
}

export async function upsertLocation(tx: Tx, org: number, projectId: number, v: LocationValues) {
  const values = { ...v, geometry: JSON.stringify(v.geometry) };
  return tx
    .insertInto('locations')
    .values({ organization_id: org, project_id: projectId, ...values })
    .onConflict((oc) => oc.column('project_id').doUpdateSet({ ...values, updated_at: new Date() }))
    .returningAll()
    .executeTakeFirstOrThrow();
}

export const findLocation = (tx: Tx, projectId: number) =>
  tx.selectFrom('locations').selectAll().where('project_id', '=', projectId).executeTakeFirst();

export const deleteLocation = (tx: Tx, projectId: number) =>
  tx.deleteFrom('locations').where('project_id', '=', projectId).executeTakeFirst();

export async function geoFields(tx: Tx, projectId: number) {
  return tx
    .selectFrom('geodata_projects')
    .select([
      'project_id',
      dateText('planting_date').as('planting_date'),
      dateText('harvest_date').as('harvest_date'),
      'is_published',
      'published_at',
    ])
    .where('project_id', '=', projectId)
    .executeTakeFirst();
}

export async function upsertGeoFields(
  tx: Tx,
  org: number,
  projectId: number,
  patch: { planting_date?: string | null; harvest_date?: string | null; published_by?: number | null },
  publish?: boolean,
) {
  const set: Record<string, unknown> = { ...patch, updated_at: new Date() };
  if (publish !== undefined) {
    set.is_published = publish;
    set.published_at = publish ? new Date() : null;
  }
  await tx
    .insertInto('geodata_projects')
    .values({ organization_id: org, project_id: projectId, ...set })
    .onConflict((oc) => oc.column('project_id').doUpdateSet(set))
    .execute();
}

export async function isPublished(tx: Tx, projectId: number): Promise<boolean> {
  const row = await tx
    .selectFrom('geodata_projects')
    .select('is_published')
    .where('project_id', '=', projectId)
    .executeTakeFirst();
  return row?.is_published ?? false;
}

const campaignColumns = [
  'id',
  'project_id',
  'title',
  'description',
  'lead_id',
  'form_data',
  'template',
  'is_active',
  'created_at',
  'updated_at',
] as const;

export async function insertCampaign(
  tx: Tx,
  org: number,
  projectId: number,
  userId: number,
  v: {
    title: string;
    description: string | null;
    lead_id: number | null;
    form_data: object;
    template: object;
  },
) {
  return tx
    .insertInto('campaigns')
    .values({
      organization_id: org,
      project_id: projectId,
      created_by: userId,
      ...v,
      form_data: JSON.stringify(v.form_data),
      template: JSON.stringify(v.template),
    })
    .returning(campaignColumns)
    .executeTakeFirstOrThrow();
}

export async function campaignsPage(tx: Tx, projectId: number, page: PageRequest) {
  const { count } = await tx
    .selectFrom('campaigns')
    .select((eb) => eb.fn.countAll<number>().as('count'))
    .where('project_id', '=', projectId)
    .executeTakeFirstOrThrow();
  const rows = await tx
    .selectFrom('campaigns')
    .select(campaignColumns)
    .where('project_id', '=', projectId)
    .orderBy('id', 'desc')
    .limit(page.pageSize)
    .offset((page.page - 1) * page.pageSize)
    .execute();
  return { count: Number(count), rows };
}

export const campaignProject = (tx: Tx, id: number) =>
  tx.selectFrom('campaigns').select(['id', 'project_id']).where('id', '=', id).executeTakeFirst();

const flightSelect = (tx: Tx) =>
  tx
    .selectFrom('flights')
    .select([
      'id',
      'project_id',
      'campaign_id',
      'name',
      dateText('acquisition_date').as('acquisition_date'),
      'altitude',
      'side_overlap',
      'forward_overlap',
      'sensor',
      'platform',
      'pilot_id',
      'read_only',
      'created_at',
      'updated_at',
    ]);

export type FlightRow = NonNullable<Awaited<ReturnType<typeof findFlight>>>;

export const findFlight = (tx: Tx, id: number) => flightSelect(tx).where('id', '=', id).executeTakeFirst();

export interface FlightValues {
  name?: string | null | undefined;
  campaign_id?: number | null | undefined;
  acquisition_date?: string | undefined;
  altitude?: number | undefined;
  side_overlap?: number | undefined;
  forward_overlap?: number | undefined;
  sensor?: string | undefined;
  platform?: string | undefined;
  pilot_id?: number | undefined;
  read_only?: boolean | undefined;
}

const defined = (v: object) => Object.fromEntries(Object.entries(v).filter(([, x]) => x !== undefined));

export async function insertFlight(tx: Tx, org: number, projectId: number, userId: number, v: FlightValues) {
  const { id } = await tx
    .insertInto('flights')
    .values({
      organization_id: org,
      project_id: projectId,
      created_by: userId,
      ...(defined(v) as Required<Pick<FlightValues, 'acquisition_date'>> & Record<string, never>),
    } as never)
    .returning('id')
    .executeTakeFirstOrThrow();
  return (await findFlight(tx, id))!;
}

export async function updateFlight(tx: Tx, id: number, v: FlightValues) {
  await tx
    .updateTable('flights')
    .set({ ...defined(v), updated_at: new Date() } as never)
    .where('id', '=', id)
    .execute();
  return (await findFlight(tx, id))!;
}

export const deleteFlight = (tx: Tx, id: number) =>
  tx.deleteFrom('flights').where('id', '=', id).executeTakeFirst();

export interface FlightFilter {
  date_from?: string | undefined;
  date_to?: string | undefined;
  sensor?: string | undefined;
}

export async function flightsPage(tx: Tx, projectId: number, f: FlightFilter, page: PageRequest) {
  let q = tx.selectFrom('flights').where('project_id', '=', projectId);
  if (f.sensor) q = q.where('sensor', '=', f.sensor);
  if (f.date_from) q = q.where('acquisition_date', '>=', sql<Date>`${f.date_from}::date`);
  if (f.date_to) q = q.where('acquisition_date', '<=', sql<Date>`${f.date_to}::date`);
  const { count } = await q.select((eb) => eb.fn.countAll<number>().as('count')).executeTakeFirstOrThrow();
  const ids = await q
    .select('id')
    .orderBy('acquisition_date', 'desc')
    .orderBy('id', 'desc')
    .limit(page.pageSize)
    .offset((page.page - 1) * page.pageSize)
    .execute();
  const rows = ids.length
    ? await flightSelect(tx)
        .where(
          'id',
          'in',
          ids.map((r) => r.id),
        )
        .orderBy('acquisition_date', 'desc')
        .orderBy('id', 'desc')
        .execute()
    : [];
  return { count: Number(count), rows };
}
