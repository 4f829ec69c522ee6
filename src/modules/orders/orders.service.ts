// Orders placed by clients: create and edit while draft, then the transitions of orders.state.ts. Staff are the
// organization's owners and admins (orders.manage); a client sees and acts on the orders they placed. An order
// someone may not see is 404. Approving creates the order's project through the projects module.
import type { Tx } from '../../db/scope.ts';
import { authorize, permitted } from '../../platform/access/access.ts';
import type { Actor } from '../../platform/auth/actor.ts';
import type { Deps } from '../../platform/deps.ts';
import { AppError } from '../../platform/errors.ts';
import type { PageRequest } from '../../platform/http/common.schemas.ts';
import { auditTrail, organizationWork } from '../../platform/unit-of-work.ts';
import { provisionProject } from '../projects/index.ts';
import {
  currencyExists,
  findOrder,
  hasSignedContract,
  type OrderInput,
  type OrderRow,
  orderColumns,
  ordersPage,
  pendingSubmission,
  submissionsPage,
} from './orders.repo.ts';
import {
  editable,
  next,
  type OrderAction,
  type OrderStatus,
  orderActions,
  partyFor,
  stampOf,
} from './orders.state.ts';

export interface TransitionInput {
  notes?: string;
  reason?: string;
  response?: string;
  workspace_id?: number;
}

/** Who the actor is to one order. */
export interface Standing {
  staff: boolean;
  client: boolean;
}

export function toOrder(r: OrderRow, who: Standing) {
  const status = r.status as OrderStatus;
  return {
    id: r.id,
    organization: r.organization_id,
    created_by: r.created_by,
    project_name: r.project_name,
    project_type: r.project_type,
    complexity: r.complexity as 'low' | 'medium' | 'high',
    timeline: r.timeline,
    additional_notes: r.additional_notes,
    currency: r.currency_code,
    total_cost: String(r.total_cost),
    status,
    is_submitted: r.submitted_at !== null,
    data_production: {
      data_collection_required: r.data_collection_required,
      estimated_data_volume: r.estimated_data_volume,
      data_format: r.data_format,
      data_type: r.data_type,
      annotation_type: r.annotation_type,
      total_annotations: r.total_annotations,
      quality_metrics: r.quality_metrics,
    },
    project: r.project_id,
    allowed_actions: orderActions.filter(
      (a) =>
        'to' in next(status, a) && (partyFor(a, status) === 'staff' ? who.staff : who.staff || who.client),
    ),
    submitted_at: r.submitted_at,
    approved_at: r.approved_at,
    rejected_at: r.rejected_at,
    completed_at: r.completed_at,
    cancelled_at: r.cancelled_at,
    created_at: r.created_at,
    updated_at: r.updated_at,
  };
}

export function createOrdersService({ database, config }: Pick<Deps, 'database' | 'config'>) {
  const run = organizationWork(database);
  const record = auditTrail('order');
  const options = { approvalRequired: config.APPROVAL_REQUIRED };

  const isStaff = async (tx: Tx, actor: Actor) => (await permitted(tx, actor, 'orders.manage', [0])).size > 0;

  async function checkCurrency(tx: Tx, code: string | undefined) {
    if (code !== undefined && !(await currencyExists(tx, code)))
      throw new AppError('validation_failed', `currency ${code} is not a known currency`, [
        { in: 'body', field: 'currency', message: 'unknown currency (see GET /api/currencies)' },
      ]);
  }

  /** The order and who the actor is to it; invisible (another tenant, another client's order): 404. */
  async function load(tx: Tx, actor: Actor, id: number, lock = false) {
    await authorize(tx, actor, 'organization.read', []);
    const row = await findOrder(tx, id, lock);
    const who = { staff: await isStaff(tx, actor), client: row?.created_by === actor.userId };
    if (!row || !(who.staff || who.client)) throw new AppError('not_found', `order ${id} not found`);
    return { row, who };
  }

  async function create(actor: Actor, input: OrderInput & { currency: string }) {
    return run(actor, async (tx, organizationId) => {
      await authorize(tx, actor, 'orders.place', [], options);
      await checkCurrency(tx, input.currency);
      const row = await tx
        .insertInto('orders')
        .values({
          organization_id: organizationId,
          created_by: actor.userId,
          project_name: input.project_name!,
          project_type: input.project_type!,
          complexity: input.complexity!,
          currency_code: input.currency,
          ...orderColumns(input),
        })
        .returningAll()
        .executeTakeFirstOrThrow();
      await record(tx, actor, 'order.create', row.id);
      return toOrder(row, { staff: await isStaff(tx, actor), client: true });
    });
  }

  async function list(actor: Actor, filter: { status?: OrderStatus; mine?: boolean }, page: PageRequest) {
    return run(actor, async (tx) => {
      await authorize(tx, actor, 'organization.read', []);
      const staff = await isStaff(tx, actor);
      const createdBy = staff && !filter.mine ? undefined : actor.userId;
      const { count, rows } = await ordersPage(tx, { createdBy, status: filter.status }, page);
      return {
        count,
        results: rows.map((r) => toOrder(r, { staff, client: r.created_by === actor.userId })),
      };
    });
  }

  const get = (actor: Actor, id: number) =>
    run(actor, async (tx) => {
      const { row, who } = await load(tx, actor, id);
      return toOrder(row, who);
    });

  async function update(actor: Actor, id: number, input: OrderInput) {
    return run(actor, async (tx) => {
      const { row, who } = await load(tx, actor, id, true);
      if (!editable.includes(row.status as OrderStatus))
        throw new AppError(
          'conflict',
          `an order that is ${row.status} cannot be changed (only while ${editable.join(' or ')})`,
        );
      await checkCurrency(tx, input.currency);
      const updated = await tx
        .updateTable('orders')
        .set({ ...orderColumns(input), updated_at: new Date() })
        .where('id', '=', id)
        .returningAll()
        .executeTakeFirstOrThrow();
      await record(tx, actor, 'order.update', id);
      return toOrder(updated, who);
    });
  }

  /** The project of an approved order: the approving staff member owns it, the client views it. */
  async function createProject(
    tx: Tx,
    actor: Actor,
    organizationId: number,
    row: OrderRow,
    workspaceId?: number,
  ) {
    if (workspaceId !== undefined) await authorize(tx, actor, 'workspace.read', [workspaceId]);
    const members: { userId: number; role: 'owner' | 'viewer' }[] = [{ userId: actor.userId, role: 'owner' }];
    if (row.created_by !== null && row.created_by !== actor.userId)
      members.push({ userId: row.created_by, role: 'viewer' });
    const projectId = await provisionProject(tx, organizationId, {
      title: row.project_name,
      description: row.additional_notes || null,
      workspaceId: workspaceId ?? null,
      createdBy: actor.userId,
      members,
    });
    await auditTrail('project')(tx, actor, 'project.create', projectId, { order_id: row.id });
    return projectId;
  }

  async function respond(tx: Tx, actor: Actor, orderId: number, fields: Record<string, unknown>) {
    await tx
      .updateTable('order_submissions')
      .set({ ...fields, responded_by: actor.userId, responded_at: new Date(), updated_at: new Date() })
      .where('order_id', '=', orderId)
      .where('submission_status', '=', 'pending')
      .execute();
  }

  async function transition(actor: Actor, id: number, action: OrderAction, input: TransitionInput) {
    return run(actor, async (tx, organizationId) => {
      const { row, who } = await load(tx, actor, id, true);
      const status = row.status as OrderStatus;
      if (partyFor(action, status) === 'staff') await authorize(tx, actor, 'orders.manage', []);
      else await authorize(tx, actor, 'orders.place', [], options);
      const step = next(status, action);
      if ('refused' in step) throw new AppError('conflict', step.refused, { status, action });
      if (action === 'reject' && !input.reason)
        throw new AppError('validation_failed', 'a rejection needs a reason', [
          { in: 'body', field: 'reason', message: 'required when rejecting' },
        ]);
      if (action === 'start' && !(await hasSignedContract(tx, id)))
        throw new AppError(
          'conflict',
          'the order has no signed contract yet; attach one and have it signed',
          {
            status,
            action,
          },
        );
      let projectId = row.project_id;
      if (action === 'submit') {
        if (await pendingSubmission(tx, id)) throw new AppError('conflict', 'the order is already submitted');
        await tx
          .insertInto('order_submissions')
          .values({
            organization_id: organizationId,
            order_id: id,
            submitted_by: actor.userId,
            submission_notes: input.notes ?? '',
          })
          .execute();
      } else if (action === 'approve') {
        await respond(tx, actor, id, {
          submission_status: 'approved',
          approval_notes: input.notes ?? null,
          admin_response: input.response ?? null,
        });
        projectId = await createProject(tx, actor, organizationId, row, input.workspace_id);
      } else if (action === 'reject') {
        await respond(tx, actor, id, {
          submission_status: 'rejected',
          rejection_reason: input.reason,
          admin_response: input.response ?? null,
        });
      } else if (action === 'cancel' && status === 'submitted') {
        await respond(tx, actor, id, { submission_status: 'withdrawn', admin_response: input.notes ?? null });
      }
      const stamp = stampOf[step.to];
      const updated = await tx
        .updateTable('orders')
        .set({
          status: step.to,
          project_id: projectId,
          updated_at: new Date(),
          ...(stamp && { [stamp]: new Date() }),
          // Reopening a rejected order clears the verdict; the submission history keeps it.
          ...(action === 'revise' && { rejected_at: null, submitted_at: null }),
        })
        .where('id', '=', id)
        .returningAll()
        .executeTakeFirstOrThrow();
      await record(tx, actor, `order.${action}`, id, { from: status, to: step.to });
      return toOrder(updated, who);
    });
  }

  const submissions = (actor: Actor, id: number, page: PageRequest) =>
    run(actor, async (tx) => {
      await load(tx, actor, id);
      const { count, rows } = await submissionsPage(tx, id, page);
      return {
        count,
        results: rows.map((s) => ({
          id: s.id,
          order: s.order_id,
          submitted_by: s.submitted_by,
          submitted_at: s.submitted_at,
          submission_notes: s.submission_notes,
          submission_status: s.submission_status,
          admin_response: s.admin_response,
          approval_notes: s.approval_notes,
          rejection_reason: s.rejection_reason,
          responded_by: s.responded_by,
          responded_at: s.responded_at,
        })),
      };
    });

  return { create, list, get, update, transition, submissions, load, isStaff };
}

export type OrdersService = ReturnType<typeof createOrdersService>;
