// Geodata use cases on the project side: boundary, geo fields, publishing, campaigns, flights. D2S rules:
// Viewer reads only, Manager writes, Owner deletes and publishes (policy.ts 'geodata.*' on the project);
// another organization's or a non-member's project is invisible and answers 404.
import { createHash } from 'node:crypto';
import { inScope, type Tx } from '../../db/scope.ts';
import { authorize, effectiveRoles } from '../../platform/access/access.ts';
import type { Action } from '../../platform/access/policy.ts';
import { audit } from '../../platform/audit.ts';
import type { Actor } from '../../platform/auth/actor.ts';
import type { Deps } from '../../platform/deps.ts';
import { AppError } from '../../platform/errors.ts';
import type { PageRequest } from '../../platform/http/common.schemas.ts';
import * as repo from './geodata.repo.ts';
import type { sensors } from './geodata.schemas.ts';
import { areaM2, bboxOf, boundaryPositions, centroid, parseBoundary } from './geometry.ts';
import type { Spatial } from './spatial.ts';

export function orgOf(actor: Actor): number {
  if (actor.organizationId === null) throw new AppError('not_found', 'organization not found');
  return actor.organizationId;
}

/** The public_tokens key of a published project: public by design (its STAC is open), so not a secret. */
export const publishedProjectHash = (projectId: number) =>
  createHash('sha256').update(`published_project:${projectId}`).digest('hex');

export function runner({ database }: Pick<Deps, 'database'>) {
  return <T>(actor: Actor, fn: (tx: Tx, org: number) => Promise<T>) => {
    const org = orgOf(actor);
    return inScope(
      database.db,
      { organizationId: org, userId: actor.userId, requireMembership: true },
      (tx) => fn(tx, org),
    );
  };
}

export const record = (
  tx: Tx,
  actor: Actor,
  action: string,
  targetType: string,
  id: number,
  details: Record<string, unknown> = {},
) =>
  audit(tx, {
    organizationId: actor.organizationId!,
    actorUserId: actor.userId,
    authMethod: actor.authMethod,
    action,
    targetType,
    targetId: id,
    ip: actor.ip,
    userAgent: actor.userAgent,
    details,
  });

const bad = (field: string, message: string) =>
  new AppError('bad_request', `invalid request: ${field} ${message}`, [{ in: 'body', field, message }]);

function toLocation(r: NonNullable<Awaited<ReturnType<typeof repo.findLocation>>>, by: string) {
  return {
    project_id: r.project_id,
    geometry: r.geometry as Record<string, unknown>,
    bbox: [r.min_lon, r.min_lat, r.max_lon, r.max_lat],
    area_m2: r.area_m2,
    centroid: { type: 'Point' as const, coordinates: [r.centroid_lon, r.centroid_lat] },
    measured_by: by as 'postgis' | 'typescript',
    updated_at: r.updated_at,
  };
}

type FlightRow = repo.FlightRow;
const toFlight = (r: FlightRow) => ({
  ...r,
  acquisition_date: r.acquisition_date!,
  sensor: r.sensor as (typeof sensors)[number],
});

export function createGeodataService(deps: Pick<Deps, 'database'>, spatial: Spatial) {
  const run = runner(deps);

  async function flightIn(tx: Tx, actor: Actor, id: number, action: Action) {
    const flight = await repo.findFlight(tx, id);
    if (!flight) throw new AppError('not_found', `flight ${id} not found`);
    try {
      await authorize(tx, actor, action, [flight.project_id]);
    } catch (err) {
      // A flight of a project the actor cannot see is not there for them.
      if (err instanceof AppError && err.code === 'not_found')
        throw new AppError('not_found', `flight ${id} not found`);
      throw err;
    }
    return flight;
  }

  /** D2S: the pilot must be a member of the project (any role on it, direct, through its team or org admin). */
  async function checkPilot(tx: Tx, actor: Actor, projectId: number, pilotId: number) {
    const roles = await effectiveRoles(tx, { ...actor, userId: pilotId }, 'project', [projectId]);
    if (!roles.has(projectId))
      throw bad('pilot_id', `(user ${pilotId}) is not a member of project ${projectId}`);
  }

  async function checkCampaign(tx: Tx, projectId: number, campaignId: number | null | undefined) {
    if (campaignId == null) return;
    const c = await repo.campaignProject(tx, campaignId);
    if (!c || c.project_id !== projectId)
      throw bad('campaign_id', `(${campaignId}) is not a campaign of this project`);
  }

  return {
    async setLocation(actor: Actor, projectId: number, geometry: unknown) {
      return run(actor, async (tx, org) => {
        await authorize(tx, actor, 'geodata.write', [projectId]);
        const g = parseBoundary(geometry);
        const measured = await spatial.measure(tx, g);
        const [lon, lat] = centroid(g);
        const row = await repo.upsertLocation(tx, org, projectId, {
          geometry: g,
          ...bboxOf(boundaryPositions(g)),
          area_m2: measured?.area_m2 ?? areaM2(g),
          centroid_lon: measured?.centroid_lon ?? lon,
          centroid_lat: measured?.centroid_lat ?? lat,
        });
        await record(tx, actor, 'geodata.location_set', 'project', projectId, { area_m2: row.area_m2 });
        return toLocation(row, measured ? 'postgis' : 'typescript');
      });
    },

    async getLocation(actor: Actor, projectId: number) {
      return run(actor, async (tx) => {
        await authorize(tx, actor, 'geodata.read', [projectId]);
        const row = await repo.findLocation(tx, projectId);
        if (!row) throw new AppError('not_found', `project ${projectId} has no location`);
        return toLocation(row, (await spatial.postgisSchema(tx)) ? 'postgis' : 'typescript');
      });
    },

    async deleteLocation(actor: Actor, projectId: number) {
      await run(actor, async (tx) => {
        await authorize(tx, actor, 'geodata.delete', [projectId]);
        // Idempotent: removing a boundary that is not there leaves the same state.
        const r = await repo.deleteLocation(tx, projectId);
        if (r.numDeletedRows) await record(tx, actor, 'geodata.location_delete', 'project', projectId);
      });
    },

    async getGeoFields(actor: Actor, projectId: number) {
      return run(actor, async (tx) => {
        await authorize(tx, actor, 'geodata.read', [projectId]);
        return (
          (await repo.geoFields(tx, projectId)) ?? {
            project_id: projectId,
            planting_date: null,
            harvest_date: null,
            is_published: false,
            published_at: null,
          }
        );
      });
    },

    async setGeoFields(
      actor: Actor,
      projectId: number,
      patch: { planting_date?: string | null; harvest_date?: string | null },
    ) {
      return run(actor, async (tx, org) => {
        await authorize(tx, actor, 'geodata.write', [projectId]);
        const now = await repo.geoFields(tx, projectId);
        const planting =
          patch.planting_date !== undefined ? patch.planting_date : (now?.planting_date ?? null);
        const harvest = patch.harvest_date !== undefined ? patch.harvest_date : (now?.harvest_date ?? null);
        if (planting && harvest && harvest < planting)
          throw bad('harvest_date', 'must not be before planting_date');
        await repo.upsertGeoFields(tx, org, projectId, patch);
        return (await repo.geoFields(tx, projectId))!;
      });
    },

    async publish(actor: Actor, projectId: number, published: boolean) {
      return run(actor, async (tx, org) => {
        await authorize(tx, actor, 'geodata.publish', [projectId]);
        await repo.upsertGeoFields(
          tx,
          org,
          projectId,
          { published_by: published ? actor.userId : null },
          published,
        );
        // The public directory entry the STAC routes look a published project up by (stac.service.ts).
        await tx
          .deleteFrom('public_tokens')
          .where('kind', '=', 'published_project')
          .where('target_id', '=', projectId)
          .execute();
        if (published) {
          await tx
            .insertInto('public_tokens')
            .values({
              token_hash: publishedProjectHash(projectId),
              kind: 'published_project',
              organization_id: org,
              target_id: projectId,
            })
            .execute();
        }
        await record(tx, actor, published ? 'geodata.publish' : 'geodata.unpublish', 'project', projectId);
        return (await repo.geoFields(tx, projectId))!;
      });
    },

    async createCampaign(
      actor: Actor,
      projectId: number,
      body: {
        title: string;
        description?: string | null;
        lead_id?: number | null;
        form_data?: object;
        template?: object;
      },
    ) {
      return run(actor, async (tx, org) => {
        await authorize(tx, actor, 'geodata.write', [projectId]);
        if (body.lead_id != null)
          await checkPilot(tx, actor, projectId, body.lead_id).catch(() => {
            throw bad('lead_id', `(user ${body.lead_id}) is not a member of project ${projectId}`);
          });
        const row = await repo.insertCampaign(tx, org, projectId, actor.userId, {
          title: body.title,
          description: body.description ?? null,
          lead_id: body.lead_id ?? null,
          form_data: body.form_data ?? {},
          template: body.template ?? {},
        });
        return row as typeof row & { form_data: Record<string, unknown>; template: Record<string, unknown> };
      });
    },

    async listCampaigns(actor: Actor, projectId: number, page: PageRequest) {
      return run(actor, async (tx) => {
        await authorize(tx, actor, 'geodata.read', [projectId]);
        const { count, rows } = await repo.campaignsPage(tx, projectId, page);
        return {
          count,
          results: rows as ((typeof rows)[number] & {
            form_data: Record<string, unknown>;
            template: Record<string, unknown>;
          })[],
        };
      });
    },

    async createFlight(actor: Actor, projectId: number, body: repo.FlightValues & { pilot_id: number }) {
      return run(actor, async (tx, org) => {
        await authorize(tx, actor, 'geodata.write', [projectId]);
        await checkPilot(tx, actor, projectId, body.pilot_id);
        await checkCampaign(tx, projectId, body.campaign_id);
        const row = await repo.insertFlight(tx, org, projectId, actor.userId, body);
        await record(tx, actor, 'geodata.flight_create', 'flight', row.id);
        return toFlight(row);
      });
    },

    async listFlights(actor: Actor, projectId: number, filter: repo.FlightFilter, page: PageRequest) {
      return run(actor, async (tx) => {
        await authorize(tx, actor, 'geodata.read', [projectId]);
        if (filter.date_from && filter.date_to && filter.date_to < filter.date_from) {
          throw new AppError('bad_request', 'invalid request: date_to must not be before date_from');
        }
        const { count, rows } = await repo.flightsPage(tx, projectId, filter, page);
        return { count, results: rows.map(toFlight) };
      });
    },

    async getFlight(actor: Actor, id: number) {
      return run(actor, async (tx) => toFlight(await flightIn(tx, actor, id, 'geodata.read')));
    },

    async updateFlight(actor: Actor, id: number, patch: repo.FlightValues) {
      return run(actor, async (tx) => {
        const flight = await flightIn(tx, actor, id, 'geodata.write');
        if (flight.read_only)
          throw new AppError('bad_request', `flight ${id} is read-only and cannot be changed`);
        if (patch.pilot_id !== undefined) await checkPilot(tx, actor, flight.project_id, patch.pilot_id);
        await checkCampaign(tx, flight.project_id, patch.campaign_id);
        const row = await repo.updateFlight(tx, id, patch);
        if (patch.read_only) await record(tx, actor, 'geodata.flight_lock', 'flight', id);
        return toFlight(row);
      });
    },

    async deleteFlight(actor: Actor, id: number) {
      await run(actor, async (tx) => {
        const flight = await flightIn(tx, actor, id, 'geodata.delete');
        if (flight.read_only)
          throw new AppError('bad_request', `flight ${id} is read-only and cannot be deleted`);
        if (await repo.isPublished(tx, flight.project_id)) {
          throw new AppError(
            'forbidden',
            `project ${flight.project_id} is published: its flights cannot be deleted`,
          );
        }
        await repo.deleteFlight(tx, id);
        await record(tx, actor, 'geodata.flight_delete', 'flight', id);
      });
    },

    flightIn,
  };
}

export type GeodataService = ReturnType<typeof createGeodataService>;
