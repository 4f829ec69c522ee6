// Disk usage (D2S disk_usage_stats): a job takes a snapshot per organization, one set-based INSERT ... SELECT over
// the live files rows: the organization's total (user_id NULL) and one row per uploader, all with the same
// recorded_at. Owners and admins see the latest snapshot with every member's row and the history of totals;
// other members see their own row. Bytes are counted per files row (a blob shared by two rows counts twice).
import { sql } from 'kysely';
import { inScope, type Tx } from '../../db/scope.ts';
import { authorize, organizationRole } from '../../platform/access/access.ts';
import { allows } from '../../platform/access/policy.ts';
import type { Actor } from '../../platform/auth/actor.ts';
import type { Deps } from '../../platform/deps.ts';
import { AppError } from '../../platform/errors.ts';
import type { PageRequest } from '../../platform/http/common.schemas.ts';
import { orgOf, record } from './geodata.service.ts';

export const DISK_USAGE_JOB = 'geodata.disk_usage';

/** One snapshot of the organization in one statement; answers the number of rows written. */
export async function snapshotDiskUsage(tx: Tx, org: number): Promise<number> {
  const { numAffectedRows } = await sql`
    INSERT INTO disk_usage_stats (organization_id, user_id, total_bytes, file_count, recorded_at)
    SELECT ${org}, CASE WHEN GROUPING(f.uploaded_by) = 1 THEN NULL ELSE f.uploaded_by END,
           coalesce(sum(f.size_bytes), 0)::bigint, count(f.id), now()
    FROM files f
    WHERE f.organization_id = ${org} AND f.status <> 'deleted'
    GROUP BY GROUPING SETS ((), (f.uploaded_by))
    HAVING GROUPING(f.uploaded_by) = 1 OR f.uploaded_by IS NOT NULL`.execute(tx);
  return Number(numAffectedRows ?? 0);
}

const toUsage = (r: {
  user_id: number | null;
  email?: string | null;
  total_bytes: number | string;
  file_count: number | string;
  recorded_at: Date | string;
}) => ({
  user_id: r.user_id,
  email: r.email ?? null,
  total_bytes: Number(r.total_bytes),
  file_count: Number(r.file_count),
  recorded_at: r.recorded_at,
});

export function createDiskUsageService(deps: Pick<Deps, 'database' | 'jobs'>) {
  const { database, jobs } = deps;
  const run = <T>(actor: Actor, fn: (tx: Tx, org: number) => Promise<T>) => {
    const org = orgOf(actor);
    return inScope(
      database.db,
      { organizationId: org, userId: actor.userId, requireMembership: true },
      (tx) => fn(tx, org),
    );
  };

  deps.jobs.define<Record<string, never>>({
    kind: DISK_USAGE_JOB,
    retryLimit: 2,
    handler: async (ctx) => {
      const rows = await inScope(database.db, { organizationId: ctx.organizationId, userId: null }, (tx) =>
        snapshotDiskUsage(tx, ctx.organizationId),
      );
      return { rows };
    },
  });

  return {
    async refresh(actor: Actor) {
      return run(actor, async (tx, org) => {
        await authorize(tx, actor, 'disk_usage.manage', []);
        const job = await jobs.enqueue(tx, DISK_USAGE_JOB, {
          organizationId: org,
          userId: actor.userId,
          payload: {},
          message: 'disk usage snapshot',
        });
        await record(tx, actor, 'disk_usage.refresh', 'job', job.id);
        return { job_id: job.id, state: 'queued' as const };
      });
    },

    /**
     * The latest snapshot: for owners and admins the organization's total and a page of per-user rows; for
     * other members their own row. With `history`, the organization's totals over time (owners and admins).
     */
    async get(actor: Actor, history: boolean, page: PageRequest) {
      return run(actor, async (tx, org) => {
        const role = await organizationRole(tx, actor);
        if (role === null) throw new AppError('not_found', 'organization not found');
        const admin = allows('disk_usage.manage', role);
        const totals = tx
          .selectFrom('disk_usage_stats')
          .where('organization_id', '=', org)
          .where('user_id', 'is', null);
        const latest = await totals.selectAll().orderBy('recorded_at', 'desc').limit(1).executeTakeFirst();
        const base = {
          scope: (admin ? 'organization' : 'user') as 'organization' | 'user',
          recorded_at: latest?.recorded_at ?? null,
          organization: admin && latest ? toUsage(latest) : null,
        };
        if (history) {
          if (!admin) await authorize(tx, actor, 'disk_usage.manage', []);
          const { count } = await totals
            .select((eb) => eb.fn.countAll<number>().as('count'))
            .executeTakeFirstOrThrow();
          const rows = await totals
            .selectAll()
            .orderBy('recorded_at', 'desc')
            .limit(page.pageSize)
            .offset((page.page - 1) * page.pageSize)
            .execute();
          return { ...base, count: Number(count), results: rows.map(toUsage) };
        }
        if (!latest) return { ...base, count: 0, results: [] };
        let q = tx
          .selectFrom('disk_usage_stats as s')
          .leftJoin('users as u', 'u.id', 's.user_id')
          .where('s.organization_id', '=', org)
          // The snapshot's own timestamp, compared in SQL (a JS Date would drop its microseconds).
          .where(
            's.recorded_at',
            '=',
            sql<Date>`(SELECT max(recorded_at) FROM disk_usage_stats
              WHERE organization_id = ${org} AND user_id IS NULL)`,
          )
          .where('s.user_id', 'is not', null);
        if (!admin) q = q.where('s.user_id', '=', actor.userId);
        const { count } = await q
          .select((eb) => eb.fn.countAll<number>().as('count'))
          .executeTakeFirstOrThrow();
        const rows = await q
          .select(['s.user_id', 'u.email', 's.total_bytes', 's.file_count', 's.recorded_at'])
          .orderBy('s.total_bytes', 'desc')
          .orderBy('s.user_id')
          .limit(page.pageSize)
          .offset((page.page - 1) * page.pageSize)
          .execute();
        // A member with no files has no row in the snapshot: they use nothing.
        const results =
          !admin && rows.length === 0
            ? [
                toUsage({
                  user_id: actor.userId,
                  total_bytes: 0,
                  file_count: 0,
                  recorded_at: latest.recorded_at,
                }),
              ]
            : rows.map(toUsage);
        return { ...base, count: admin ? Number(count) : results.length, results };
      });
    },
  };
}

export type DiskUsageService = ReturnType<typeof createDiskUsageService>;
