// Data manager views (Label Studio's tabs): members of a project keep their own; managers see, change and
// delete everyone's. A view's filters are checked on save (a bad filter is a 400 naming it) and the expression
// indexes its data filters need are queued for building.
import { sql } from 'kysely';
import { inScope, type Tx } from '../../db/scope.ts';
import { authorize } from '../../platform/access/access.ts';
import { allows } from '../../platform/access/policy.ts';
import type { Actor } from '../../platform/auth/actor.ts';
import type { Deps } from '../../platform/deps.ts';
import { AppError } from '../../platform/errors.ts';
import { INDEX_TASK, missingIndexes } from './dm.indexes.ts';
import { toView, type ViewRow } from './dm.repo.ts';
import { compile } from './filters/compile.ts';
import { type PreparedQuery, parsePrepared } from './filters/parse.ts';

const MAX_VIEW_BYTES = 256 * 1024;
export const MAX_VIEWS_LISTED = 1000;

export interface ViewInput {
  project?: number;
  data?: Record<string, unknown>;
  order?: number;
  selected_items?: Record<string, unknown> | null;
}

/** The prepared query a view stands for (its filters, ordering and selection). */
export function viewQuery(data: unknown, selectedItems: unknown): PreparedQuery {
  const d = (data ?? {}) as Record<string, unknown>;
  return parsePrepared(
    { filters: d.filters, ordering: d.ordering, selectedItems: selectedItems ?? undefined },
    'data',
  );
}

export function scopeOf(actor: Actor) {
  return { organizationId: actor.organizationId, userId: actor.userId, requireMembership: true };
}

export function createViewsService(deps: Pick<Deps, 'database' | 'config' | 'jobs'>) {
  const { database, config, jobs } = deps;

  function check(input: ViewInput): void {
    if (input.data !== undefined && JSON.stringify(input.data).length > MAX_VIEW_BYTES)
      throw new AppError('validation_failed', `data: at most ${MAX_VIEW_BYTES} bytes`);
    viewQuery(input.data, input.selected_items);
  }

  async function queueIndexes(tx: Tx, actor: Actor, projectId: number, view: ViewRow): Promise<void> {
    const q = compile(projectId, viewQuery(view.data, null));
    const missing = await missingIndexes(tx, q.needs);
    if (missing.length) await jobs.enqueueTasks(tx, INDEX_TASK, actor.organizationId!, missing);
  }

  /** The view, after checking the actor may act on it: their own needs `own`, another's needs `manage`. */
  async function load(tx: Tx, actor: Actor, id: number, write: boolean): Promise<ViewRow> {
    const view = await tx.selectFrom('dm_views').selectAll().where('id', '=', id).executeTakeFirst();
    if (!view) throw new AppError('not_found', `view ${id} not found`);
    const roles = await authorize(tx, actor, 'dm.views.own', [view.project_id]).catch((err: AppError) => {
      throw err.code === 'not_found' ? new AppError('not_found', `view ${id} not found`) : err;
    });
    if (view.user_id !== actor.userId && !allows('dm.views.manage', roles.get(view.project_id) ?? null)) {
      if (!write) throw new AppError('not_found', `view ${id} not found`);
      throw new AppError('forbidden', "only the project's managers change or delete another person's view");
    }
    return view;
  }

  return {
    async list(actor: Actor, projectId: number) {
      return inScope(database.db, scopeOf(actor), async (tx) => {
        const roles = await authorize(tx, actor, 'dm.views.own', [projectId]);
        const all = allows('dm.views.manage', roles.get(projectId) ?? null);
        let q = tx.selectFrom('dm_views').selectAll().where('project_id', '=', projectId);
        if (!all) q = q.where('user_id', '=', actor.userId);
        const rows = await q.orderBy('order').orderBy('id').limit(MAX_VIEWS_LISTED).execute();
        return rows.map(toView);
      });
    },

    async create(actor: Actor, input: ViewInput & { project: number }) {
      check(input);
      return inScope(database.db, scopeOf(actor), async (tx) => {
        await authorize(tx, actor, 'dm.views.own', [input.project], {
          approvalRequired: config.APPROVAL_REQUIRED,
        });
        const row = await tx
          .insertInto('dm_views')
          .values({
            organization_id: actor.organizationId!,
            project_id: input.project,
            user_id: actor.userId,
            order: input.order ?? 0,
            data: JSON.stringify(input.data ?? {}),
            selected_items: input.selected_items ? JSON.stringify(input.selected_items) : null,
          })
          .returningAll()
          .executeTakeFirstOrThrow();
        await queueIndexes(tx, actor, input.project, row);
        return toView(row);
      });
    },

    get: (actor: Actor, id: number) =>
      inScope(database.db, scopeOf(actor), async (tx) => toView(await load(tx, actor, id, false))),

    async update(actor: Actor, id: number, input: ViewInput) {
      check(input);
      return inScope(database.db, scopeOf(actor), async (tx) => {
        const view = await load(tx, actor, id, true);
        if (input.project !== undefined && input.project !== view.project_id)
          throw new AppError('validation_failed', 'project: a view cannot move to another project');
        const row = await tx
          .updateTable('dm_views')
          .set({
            ...(input.data !== undefined && { data: JSON.stringify(input.data) }),
            ...(input.order !== undefined && { order: input.order }),
            ...(input.selected_items !== undefined && {
              selected_items: input.selected_items ? JSON.stringify(input.selected_items) : null,
            }),
            updated_at: new Date(),
          })
          .where('id', '=', id)
          .returningAll()
          .executeTakeFirstOrThrow();
        await queueIndexes(tx, actor, view.project_id, row);
        return toView(row);
      });
    },

    async remove(actor: Actor, id: number) {
      await inScope(database.db, scopeOf(actor), async (tx) => {
        await load(tx, actor, id, true);
        await tx.deleteFrom('dm_views').where('id', '=', id).execute();
      });
    },

    /** Label Studio's "reset": deletes the actor's own views of the project; returns how many. */
    async reset(actor: Actor, projectId: number) {
      return inScope(database.db, scopeOf(actor), async (tx) => {
        await authorize(tx, actor, 'dm.views.own', [projectId]);
        const r = await tx
          .deleteFrom('dm_views')
          .where('project_id', '=', projectId)
          .where('user_id', '=', actor.userId)
          .executeTakeFirst();
        return Number(r.numDeletedRows);
      });
    },

    /** Sets the order of views (their position in `ids`); another person's view needs a manager. */
    async reorder(actor: Actor, projectId: number, ids: number[]) {
      return inScope(database.db, scopeOf(actor), async (tx) => {
        const roles = await authorize(tx, actor, 'dm.views.own', [projectId]);
        const manager = allows('dm.views.manage', roles.get(projectId) ?? null);
        const rows = await tx
          .selectFrom('dm_views')
          .select(['id', 'user_id'])
          .where('project_id', '=', projectId)
          .where('id', 'in', ids.length ? ids : [0])
          .execute();
        const found = new Map(rows.map((r) => [r.id, r.user_id]));
        for (const [i, id] of ids.entries()) {
          if (!found.has(id))
            throw new AppError('validation_failed', `ids[${i}]: view ${id} is not in project ${projectId}`);
          if (found.get(id) !== actor.userId && !manager)
            throw new AppError('forbidden', "only the project's managers reorder another person's view");
        }
        if (new Set(ids).size !== ids.length) throw new AppError('validation_failed', 'ids: each view once');
        if (ids.length) {
          await sql`
            UPDATE dm_views v SET "order" = o.ord - 1, updated_at = now()
            FROM unnest(${ids}::bigint[]) WITH ORDINALITY AS o(id, ord)
            WHERE v.id = o.id AND v.project_id = ${projectId}`.execute(tx);
        }
      });
    },

    /** A view's prepared query, for listing tasks or running an action through it (any project member). */
    async loadForProject(tx: Tx, projectId: number, viewId: number): Promise<ViewRow> {
      const view = await tx.selectFrom('dm_views').selectAll().where('id', '=', viewId).executeTakeFirst();
      if (!view) throw new AppError('not_found', `view ${viewId} not found`);
      if (view.project_id !== projectId)
        throw new AppError('validation_failed', `view: view ${viewId} belongs to another project`);
      return view;
    },
  };
}

export type ViewsService = ReturnType<typeof createViewsService>;
