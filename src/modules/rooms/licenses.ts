// Licenses: the catalog of plans, an organization's active license and its seats, and the limits they set.
// An organization without a license has the free plan, whose limits come from config (FREE_PLAN_*).
// Seats: with a license, every room member holds a seat of it (given on joining a room while seats are free);
// without one, the distinct people in the organization's rooms count against FREE_PLAN_SEATS.
import { sql } from 'kysely';
import type { Config } from '../../config.ts';
import { inScope, type Tx } from '../../db/scope.ts';
import { authorize } from '../../platform/access/access.ts';
import type { Actor } from '../../platform/auth/actor.ts';
import type { Deps } from '../../platform/deps.ts';
import { AppError } from '../../platform/errors.ts';
import type { PageRequest } from '../../platform/http/common.schemas.ts';

export interface PlanLimits {
  code: string;
  name: string;
  max_rooms: number;
  max_storage_bytes: number;
  max_seats: number;
  max_rows_per_query: number;
}

interface Effective {
  plan: PlanLimits;
  licenseId: number | null;
}

const planColumns = [
  'c.code',
  'c.name',
  'c.max_rooms',
  'c.max_storage_bytes',
  'c.max_seats',
  'c.max_rows_per_query',
] as const;

const toPlan = (r: PlanLimits): PlanLimits => ({ ...r, max_storage_bytes: Number(r.max_storage_bytes) });

export function freePlan(config: Config): PlanLimits {
  return {
    code: 'free',
    name: 'Free',
    max_rooms: config.FREE_PLAN_ROOMS,
    max_storage_bytes: config.FREE_PLAN_STORAGE_BYTES,
    max_seats: config.FREE_PLAN_SEATS,
    max_rows_per_query: config.FREE_PLAN_ROWS_PER_QUERY,
  };
}

const limitError = (limit: string, message: string, max: number) =>
  new AppError('license_limit', message, { limit, max });

export function createLicenses(deps: Pick<Deps, 'database' | 'config'>) {
  const { database, config } = deps;
  const access = { approvalRequired: config.APPROVAL_REQUIRED };
  const scope = (actor: Actor) => {
    if (actor.organizationId === null) throw new AppError('not_found', 'organization not found');
    return { organizationId: actor.organizationId, userId: actor.userId, requireMembership: true };
  };

  async function effective(tx: Tx): Promise<Effective> {
    const row = await tx
      .selectFrom('licenses as l')
      .innerJoin('license_catalog as c', 'c.id', 'l.catalog_id')
      .select(['l.id', ...planColumns])
      .where('l.status', '=', 'active')
      .executeTakeFirst();
    if (!row) return { plan: freePlan(config), licenseId: null };
    const { id, ...plan } = row;
    return { plan: toPlan(plan), licenseId: id };
  }

  async function seatsUsed(tx: Tx, e: Effective): Promise<number> {
    if (e.licenseId !== null) {
      const r = await tx
        .selectFrom('license_seats')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('license_id', '=', e.licenseId)
        .where('released_at', 'is', null)
        .executeTakeFirstOrThrow();
      return Number(r.n);
    }
    const r = await tx
      .selectFrom('room_members')
      .select(sql<number>`count(DISTINCT user_id)`.as('n'))
      .executeTakeFirstOrThrow();
    return Number(r.n);
  }

  async function lockOrg(tx: Tx, orgId: number): Promise<void> {
    await sql`SELECT pg_advisory_xact_lock(hashtextextended(${`gt.license:${orgId}`}, 0))`.execute(tx);
  }

  async function holdsSeat(tx: Tx, e: Effective, userId: number): Promise<boolean> {
    if (e.licenseId !== null) {
      const r = await tx
        .selectFrom('license_seats')
        .select('id')
        .where('license_id', '=', e.licenseId)
        .where('user_id', '=', userId)
        .where('released_at', 'is', null)
        .executeTakeFirst();
      return !!r;
    }
    const r = await tx
      .selectFrom('room_members')
      .select('room_id')
      .where('user_id', '=', userId)
      .executeTakeFirst();
    return !!r;
  }

  async function giveSeat(tx: Tx, orgId: number, e: Effective, userId: number, by: number): Promise<void> {
    if (await holdsSeat(tx, e, userId)) return;
    const used = await seatsUsed(tx, e);
    if (used >= e.plan.max_seats)
      throw limitError(
        'seats',
        `the ${e.plan.name} plan has ${e.plan.max_seats} seats and all are taken: release a seat or take a larger plan`,
        e.plan.max_seats,
      );
    if (e.licenseId !== null)
      await tx
        .insertInto('license_seats')
        .values({ organization_id: orgId, license_id: e.licenseId, user_id: userId, assigned_by: by })
        .execute();
  }

  const licenseOut = async (tx: Tx, id: number) => {
    const row = await tx
      .selectFrom('licenses as l')
      .innerJoin('license_catalog as c', 'c.id', 'l.catalog_id')
      .select(['l.id', 'l.status', 'l.starts_at', 'l.ends_at', ...planColumns])
      .where('l.id', '=', id)
      .executeTakeFirst();
    if (!row) throw new AppError('not_found', `license ${id} not found`);
    const { code, name, max_rooms, max_storage_bytes, max_seats, max_rows_per_query, ...rest } = row;
    const used = await tx
      .selectFrom('license_seats')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('license_id', '=', id)
      .where('released_at', 'is', null)
      .executeTakeFirstOrThrow();
    return {
      ...rest,
      plan: toPlan({ code, name, max_rooms, max_storage_bytes, max_seats, max_rows_per_query }),
      seats_used: Number(used.n),
    };
  };

  return {
    effective,
    lockOrg,
    giveSeat,

    /** Refuses a new room past the plan's room limit. */
    async assertRoomAllowed(tx: Tx, orgId: number): Promise<void> {
      await lockOrg(tx, orgId);
      const e = await effective(tx);
      const r = await tx
        .selectFrom('rooms')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .executeTakeFirstOrThrow();
      if (Number(r.n) >= e.plan.max_rooms)
        throw limitError(
          'rooms',
          `the ${e.plan.name} plan allows ${e.plan.max_rooms} rooms and the organization has ${r.n}: delete a room or take a larger plan`,
          e.plan.max_rooms,
        );
    },

    /** Refuses files that would take the organization's stored bytes past the plan's storage limit. */
    async assertStorageAllowed(tx: Tx, orgId: number, addBytes: number): Promise<void> {
      await lockOrg(tx, orgId);
      const e = await effective(tx);
      const r = await tx
        .selectFrom('files')
        .select(sql<string>`coalesce(sum(size_bytes), 0)`.as('n'))
        .where('status', '<>', 'deleted')
        .executeTakeFirstOrThrow();
      const used = Number(r.n);
      if (used + addBytes > e.plan.max_storage_bytes)
        throw limitError(
          'storage_bytes',
          `the ${e.plan.name} plan stores ${e.plan.max_storage_bytes} bytes; the organization holds ${used} and this upload adds ${addBytes}: delete files or take a larger plan`,
          e.plan.max_storage_bytes,
        );
    },

    async catalog(): Promise<PlanLimits[]> {
      const rows = await database.db
        .selectFrom('license_catalog as c')
        .select([...planColumns])
        .where('c.is_active', '=', true)
        .orderBy('c.max_seats')
        .execute();
      return [freePlan(config), ...rows.map(toPlan)];
    },

    async list(actor: Actor, page: PageRequest) {
      return inScope(database.db, scope(actor), async (tx) => {
        await authorize(tx, actor, 'license.read', [], access);
        const q = tx.selectFrom('licenses');
        const { n } = await q.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
        const ids = await q
          .select('id')
          .orderBy('id', 'desc')
          .limit(page.pageSize)
          .offset((page.page - 1) * page.pageSize)
          .execute();
        const results = [];
        for (const { id } of ids) results.push(await licenseOut(tx, id));
        return { count: Number(n), results };
      });
    },

    async create(actor: Actor, planCode: string) {
      return inScope(database.db, scope(actor), async (tx) => {
        await authorize(tx, actor, 'license.manage', [], access);
        const plan = await tx
          .selectFrom('license_catalog')
          .select('id')
          .where('code', '=', planCode)
          .where('is_active', '=', true)
          .executeTakeFirst();
        if (!plan)
          throw new AppError(
            'validation_failed',
            `no plan "${planCode}" in the catalog (GET /api/license-catalog)`,
            [{ in: 'body', field: 'plan', message: 'is not a plan of the catalog' }],
          );
        await lockOrg(tx, actor.organizationId!);
        if ((await effective(tx)).licenseId !== null)
          throw new AppError('conflict', 'the organization already has an active license');
        const row = await tx
          .insertInto('licenses')
          .values({ organization_id: actor.organizationId!, catalog_id: plan.id, created_by: actor.userId })
          .returning('id')
          .executeTakeFirstOrThrow();
        // The people already in rooms keep their places: they take the new license's first seats.
        await sql`
          INSERT INTO license_seats (organization_id, license_id, user_id, assigned_by)
          SELECT DISTINCT ${actor.organizationId!}::bigint, ${row.id}::bigint, user_id, ${actor.userId}::bigint
          FROM room_members`.execute(tx);
        return licenseOut(tx, row.id);
      });
    },

    async seats(actor: Actor, licenseId: number, page: PageRequest) {
      return inScope(database.db, scope(actor), async (tx) => {
        await authorize(tx, actor, 'license.read', [], access);
        await licenseOut(tx, licenseId);
        const q = tx
          .selectFrom('license_seats')
          .where('license_id', '=', licenseId)
          .where('released_at', 'is', null);
        const { n } = await q.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
        const results = await q
          .select(['id', 'user_id', 'assigned_at'])
          .orderBy('id')
          .limit(page.pageSize)
          .offset((page.page - 1) * page.pageSize)
          .execute();
        return { count: Number(n), results };
      });
    },

    async assignSeat(actor: Actor, licenseId: number, userId: number) {
      return inScope(database.db, scope(actor), async (tx) => {
        await authorize(tx, actor, 'license.manage', [], access);
        const license = await licenseOut(tx, licenseId);
        if (license.status !== 'active') throw new AppError('conflict', `license ${licenseId} is not active`);
        const member = await tx
          .selectFrom('organization_members')
          .select('user_id')
          .where('organization_id', '=', actor.organizationId!)
          .where('user_id', '=', userId)
          .executeTakeFirst();
        if (!member) throw new AppError('not_found', `user ${userId} is not a member of this organization`);
        await lockOrg(tx, actor.organizationId!);
        const e = await effective(tx);
        await giveSeat(tx, actor.organizationId!, e, userId, actor.userId);
        return tx
          .selectFrom('license_seats')
          .select(['id', 'user_id', 'assigned_at'])
          .where('license_id', '=', licenseId)
          .where('user_id', '=', userId)
          .where('released_at', 'is', null)
          .executeTakeFirstOrThrow();
      });
    },

    async releaseSeat(actor: Actor, licenseId: number, userId: number): Promise<void> {
      await inScope(database.db, scope(actor), async (tx) => {
        await authorize(tx, actor, 'license.manage', [], access);
        await licenseOut(tx, licenseId);
        const r = await tx
          .updateTable('license_seats')
          .set({ released_at: sql`now()` })
          .where('license_id', '=', licenseId)
          .where('user_id', '=', userId)
          .where('released_at', 'is', null)
          .executeTakeFirst();
        if (Number(r.numUpdatedRows) === 0)
          throw new AppError('not_found', `user ${userId} holds no seat of license ${licenseId}`);
      });
    },
  };
}

export type Licenses = ReturnType<typeof createLicenses>;
