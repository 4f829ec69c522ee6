// Workspace billing (workspaces_workspacebillingembeddings): per workspace and calendar month (UTC), the tasks and
// the annotations (not cancelled) created in the workspace's projects, and their cost at the organization's
// rates. One set-based statement recomputes a whole organization-month and upserts it, so the job is idempotent:
// running it twice, or again after more work landed, leaves exactly the current counts.
// The billing currency is that of the most recently changed task or annotation rate; rates in other currencies
// are not converted (there is no exchange-rate source), and without a rate the cost is 0 and the currency null.
import { sql } from 'kysely';
import Type from 'typebox';
import { inScope, type Tx } from '../../db/scope.ts';
import { authorize } from '../../platform/access/access.ts';
import type { Actor } from '../../platform/auth/actor.ts';
import { actorOf } from '../../platform/auth/plugin.ts';
import type { Deps } from '../../platform/deps.ts';
import type { App } from '../../platform/http/app-types.ts';
import {
  Id,
  Paged,
  PageQuery,
  type PageRequest,
  pagedBody,
  pageOf,
  Timestamp,
} from '../../platform/http/common.schemas.ts';
import { errors } from '../../platform/http/schemas.ts';
import { auditTrail, organizationWork } from '../../platform/unit-of-work.ts';

export const BILLING_JOB = 'orders.workspace_billing';
const Month = Type.String({
  pattern: '^[0-9]{4}-(0[1-9]|1[0-2])$',
  description: 'YYYY-MM (UTC)',
  examples: ['2026-11'],
});

const BillingRow = Type.Object({
  workspace: Id,
  month: Type.String(),
  tasks_count: Type.Integer(),
  annotations_count: Type.Integer(),
  cost: Type.String(),
  currency: Type.Union([Type.String(), Type.Null()]),
  computed_at: Timestamp,
});
const BillingQuery = Type.Object({
  ...PageQuery.properties,
  month: Type.Optional(Month),
  workspace: Type.Optional(Id),
});
const ComputeBody = Type.Object({ month: Month }, { additionalProperties: false });

/** Recomputes one organization-month (the unit of work's organization). Returns the workspaces written. */
export async function computeMonth(tx: Tx, organizationId: number, month: string): Promise<number> {
  const start = `${month}-01`;
  const { rows } = await sql<{ n: string }>`
    WITH bounds AS (
      SELECT (${start}::date)::timestamp AT TIME ZONE 'UTC' AS lo,
             ((${start}::date) + interval '1 month')::timestamp AT TIME ZONE 'UTC' AS hi
    ),
    currency AS (
      SELECT currency_code FROM payment_rates WHERE unit IN ('task', 'annotation')
      ORDER BY updated_at DESC, id DESC LIMIT 1
    ),
    rates AS (
      SELECT max(amount) FILTER (WHERE unit = 'task') AS per_task,
             max(amount) FILTER (WHERE unit = 'annotation') AS per_annotation
      FROM payment_rates WHERE currency_code = (SELECT currency_code FROM currency)
    ),
    task_counts AS (
      SELECT p.workspace_id, count(*) AS n
      FROM tasks t JOIN projects p ON p.id = t.project_id, bounds b
      WHERE p.workspace_id IS NOT NULL AND t.created_at >= b.lo AND t.created_at < b.hi
      GROUP BY p.workspace_id
    ),
    annotation_counts AS (
      SELECT p.workspace_id, count(*) AS n
      FROM annotations a JOIN projects p ON p.id = a.project_id, bounds b
      WHERE p.workspace_id IS NOT NULL AND NOT a.was_cancelled AND a.created_at >= b.lo AND a.created_at < b.hi
      GROUP BY p.workspace_id
    ),
    written AS (
      INSERT INTO workspace_billing
        (organization_id, workspace_id, month, tasks_count, annotations_count, cost, currency_code, computed_at)
      SELECT ${organizationId}::bigint, w.id, ${start}::date,
             coalesce(tc.n, 0), coalesce(ac.n, 0),
             coalesce(tc.n, 0) * coalesce(r.per_task, 0) + coalesce(ac.n, 0) * coalesce(r.per_annotation, 0),
             (SELECT currency_code FROM currency), now()
      FROM workspaces w
      CROSS JOIN rates r
      LEFT JOIN task_counts tc ON tc.workspace_id = w.id
      LEFT JOIN annotation_counts ac ON ac.workspace_id = w.id
      ON CONFLICT (workspace_id, month) DO UPDATE SET
        tasks_count = excluded.tasks_count,
        annotations_count = excluded.annotations_count,
        cost = excluded.cost,
        currency_code = excluded.currency_code,
        computed_at = excluded.computed_at,
        updated_at = now()
      RETURNING 1
    )
    SELECT count(*) AS n FROM written`.execute(tx);
  return Number(rows[0]?.n ?? 0);
}

export function defineBillingJob({ jobs, database }: Pick<Deps, 'jobs' | 'database'>): void {
  jobs.define<{ month: string }>({
    kind: BILLING_JOB,
    handler: async (ctx) => {
      const written = await inScope(
        database.db,
        { organizationId: ctx.organizationId, userId: ctx.userId },
        (tx) => computeMonth(tx, ctx.organizationId, ctx.payload.month),
      );
      await ctx.progress(100, `billed ${written} workspaces for ${ctx.payload.month}`);
      return { month: ctx.payload.month, workspaces: written };
    },
  });
}

export function createBillingService({ database, jobs }: Pick<Deps, 'database' | 'jobs'>) {
  const run = organizationWork(database);
  const record = auditTrail('organization');
  return {
    compute: (actor: Actor, month: string) =>
      run(actor, async (tx, organizationId) => {
        await authorize(tx, actor, 'billing.manage', []);
        const job = await jobs.enqueue(tx, BILLING_JOB, {
          organizationId,
          userId: actor.userId,
          payload: { month },
          message: `workspace billing for ${month}`,
        });
        await record(tx, actor, 'billing.compute', organizationId, { month, job_id: job.id });
        return { job_id: job.id };
      }),

    list: (actor: Actor, filter: { month?: string; workspace?: number }, p: PageRequest) =>
      run(actor, async (tx) => {
        await authorize(tx, actor, 'billing.manage', []);
        let q = tx.selectFrom('workspace_billing');
        if (filter.month !== undefined) q = q.where('month', '=', sql<Date>`${`${filter.month}-01`}::date`);
        if (filter.workspace !== undefined) q = q.where('workspace_id', '=', filter.workspace);
        const { n } = await q.select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow();
        const rows = await q
          .select([
            'workspace_id',
            sql<string>`to_char(month, 'YYYY-MM')`.as('month'),
            'tasks_count',
            'annotations_count',
            'cost',
            'currency_code',
            'computed_at',
          ])
          .orderBy('month', 'desc')
          .orderBy('workspace_id')
          .limit(p.pageSize)
          .offset((p.page - 1) * p.pageSize)
          .execute();
        return {
          count: Number(n),
          results: rows.map((r) => ({
            workspace: r.workspace_id,
            month: r.month,
            tasks_count: r.tasks_count,
            annotations_count: r.annotations_count,
            cost: String(r.cost),
            currency: r.currency_code,
            computed_at: r.computed_at,
          })),
        };
      }),
  };
}

export function billingRoutes(app: App, billing: ReturnType<typeof createBillingService>): void {
  const tags = ['billing'];
  app.get(
    '/api/billing/workspaces',
    {
      schema: {
        tags,
        summary: 'Monthly usage and cost per workspace (newest month first)',
        querystring: BillingQuery,
        response: { 200: Paged(BillingRow), ...errors(400, 401, 403, 404) },
      },
    },
    async (request) => {
      const page = pageOf(request.query);
      const { month, workspace } = request.query;
      const { count, results } = await billing.list(actorOf(request), { month, workspace }, page);
      return pagedBody(request.url, page, count, results);
    },
  );
  app.post(
    '/api/billing/workspaces/compute',
    {
      schema: {
        tags,
        summary: "Recompute a month's workspace billing (a job; safe to run again)",
        body: ComputeBody,
        response: { 202: Type.Object({ job_id: Id }), ...errors(400, 401, 403, 404) },
      },
    },
    async (request, reply) =>
      reply.status(202).send(await billing.compute(actorOf(request), request.body.month)),
  );
}
