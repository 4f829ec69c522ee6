// What cloud storages (src/modules/storages) read and write of the annotation tables: tasks created from
// bucket objects, the data key an object URL goes under, and annotations in the shape an export writes.
import { sql } from 'kysely';
import type { Tx } from '../../db/scope.ts';
import { projectLabelConfig } from './import.repo.ts';
import { toAnnotation, toTask } from './tasks.repo.ts';

export { insertTasks } from './tasks.repo.ts';

/** The data key an object's URL goes under: the label config's first, else Label Studio's "$undefined$". */
export async function projectDataKey(tx: Tx, projectId: number): Promise<string> {
  const config = await projectLabelConfig(tx, projectId);
  return config?.dataKeys[0] ?? '$undefined$';
}

/** The project of a task the scope can see, or null. */
export async function taskProject(tx: Tx, taskId: number): Promise<number | null> {
  const row = await tx.selectFrom('tasks').select('project_id').where('id', '=', taskId).executeTakeFirst();
  return row?.project_id ?? null;
}

export type ExportedAnnotation = Omit<ReturnType<typeof toAnnotation>, 'task'> & {
  task: ReturnType<typeof toTask>;
};

/**
 * Annotations with their task (Label Studio writes one JSON object per annotation): the given ids, or the
 * project's next page after `afterId` (keyset, by id).
 */
export async function annotationsForExport(
  tx: Tx,
  projectId: number,
  select: { ids: number[] } | { afterId: number; limit: number },
): Promise<ExportedAnnotation[]> {
  let q = tx
    .selectFrom('annotations as a')
    .innerJoin('tasks as t', 't.id', 'a.task_id')
    .selectAll('a')
    .select(sql<Record<string, unknown>>`to_jsonb(t)`.as('task_row'))
    .where('a.project_id', '=', projectId)
    .orderBy('a.id');
  if ('ids' in select) {
    if (select.ids.length === 0) return [];
    q = q.where('a.id', 'in', select.ids);
  } else q = q.where('a.id', '>', select.afterId).limit(select.limit);
  const rows = await q.execute();
  return rows.map(({ task_row, ...a }) => {
    const t = task_row as never as Parameters<typeof toTask>[0];
    return { ...toAnnotation(a), task: toTask(t) };
  });
}
