// Tasks of annotation projects, as Label Studio's `/api/tasks` serves them.
import { inScope, type Tx } from '../../db/scope.ts';
import { authorize } from '../../platform/access/access.ts';
import type { Action } from '../../platform/access/policy.ts';
import type { Actor } from '../../platform/auth/actor.ts';
import type { Deps } from '../../platform/deps.ts';
import { AppError } from '../../platform/errors.ts';
import { dmTasks } from './dm.fields.ts';
import { deleteTasks, insertTasks, projectTotals, toAnnotation, toPrediction, toTask } from './tasks.repo.ts';

export function createTasksService(deps: Pick<Deps, 'database' | 'config' | 'webhooks'>) {
  const { database, config, webhooks } = deps;
  const scope = (actor: Actor) => ({
    organizationId: actor.organizationId,
    userId: actor.userId,
    requireMembership: true,
  });

  /** The task's project, after checking `action` on it; another organization's task is 404. */
  async function taskProject(tx: Tx, actor: Actor, taskId: number, action: Action): Promise<number> {
    const row = await tx.selectFrom('tasks').select('project_id').where('id', '=', taskId).executeTakeFirst();
    if (!row) throw new AppError('not_found', `task ${taskId} not found`);
    await authorize(tx, actor, action, [row.project_id]).catch((err: AppError) => {
      throw err.code === 'not_found' ? new AppError('not_found', `task ${taskId} not found`) : err;
    });
    return row.project_id;
  }

  async function withDetails(tx: Tx, id: number) {
    const task = await tx.selectFrom('tasks').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
    const [annotations, predictions] = await Promise.all([
      tx.selectFrom('annotations').selectAll().where('task_id', '=', id).orderBy('id').execute(),
      tx.selectFrom('predictions').selectAll().where('task_id', '=', id).orderBy('id').execute(),
    ]);
    return {
      ...toTask(task),
      annotations: annotations.map(toAnnotation),
      predictions: predictions.map(toPrediction),
    };
  }

  return {
    async create(
      actor: Actor,
      input: { project: number; data: Record<string, unknown>; meta?: Record<string, unknown> },
    ) {
      return inScope(database.db, scope(actor), async (tx) => {
        await authorize(tx, actor, 'tasks.manage', [input.project], {
          approvalRequired: config.APPROVAL_REQUIRED,
        });
        const [row] = await insertTasks(tx, actor.organizationId!, input.project, [input], {
          userId: actor.userId,
        });
        const task = { ...toTask(row!), annotations: [], predictions: [] };
        await webhooks.emit(tx, {
          organizationId: actor.organizationId!,
          projectId: input.project,
          action: 'TASKS_CREATED',
          payload: { tasks: [task], project: { id: input.project } },
        });
        return task;
      });
    },

    get: (actor: Actor, id: number) =>
      inScope(database.db, scope(actor), async (tx) => {
        await taskProject(tx, actor, id, 'tasks.read');
        return withDetails(tx, id);
      }),

    async list(actor: Actor, projectId: number, page: number, pageSize: number, withRelated: boolean) {
      return inScope(database.db, scope(actor), async (tx) => {
        await authorize(tx, actor, 'tasks.read', [projectId]);
        const totals = await projectTotals(tx, projectId);
        // Label Studio's clients stop paging on 404 past the last page.
        if ((page - 1) * pageSize >= Math.max(totals.total, 1) && page > 1) {
          throw new AppError('not_found', `page ${page} is past the last page`);
        }
        const rows = await tx
          .selectFrom('tasks')
          .selectAll()
          .where('project_id', '=', projectId)
          .orderBy('id')
          .limit(pageSize)
          .offset((page - 1) * pageSize)
          .execute();
        return { tasks: await dmTasks(tx, rows, withRelated), ...totals };
      });
    },

    async update(
      actor: Actor,
      id: number,
      patch: { data?: Record<string, unknown>; meta?: Record<string, unknown>; is_labeled?: boolean },
    ) {
      return inScope(database.db, scope(actor), async (tx) => {
        await taskProject(tx, actor, id, 'tasks.manage');
        await tx
          .updateTable('tasks')
          .set({
            ...(patch.data !== undefined && { data: JSON.stringify(patch.data) }),
            ...(patch.meta !== undefined && { meta: JSON.stringify(patch.meta) }),
            ...(patch.is_labeled !== undefined && { is_labeled: patch.is_labeled }),
            updated_by: actor.userId,
            updated_at: new Date(),
          })
          .where('id', '=', id)
          .execute();
        return withDetails(tx, id);
      });
    },

    async remove(actor: Actor, id: number) {
      await inScope(database.db, scope(actor), async (tx) => {
        const projectId = await taskProject(tx, actor, id, 'tasks.manage');
        await deleteTasks(tx, projectId, [id]);
        await webhooks.emit(tx, {
          organizationId: actor.organizationId!,
          projectId,
          action: 'TASKS_DELETED',
          payload: { tasks: [{ id }], project: { id: projectId } },
        });
      });
    },
  };
}
