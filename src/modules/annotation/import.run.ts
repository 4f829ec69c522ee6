// The import itself: one transaction on a connection of its own, in which the sources' tasks are read,
// checked, staged and moved into the project; the import record is completed and TASKS_CREATED emitted in the
// same transaction, so a failure, a bad task or a killed server leaves none of it.
import type { Readable } from 'node:stream';
import { holdScope } from '../../db/scope.ts';
import type { Deps } from '../../platform/deps.ts';
import { AppError } from '../../platform/errors.ts';
import { type Batch, type ImportFormat, readSource } from './import.parse.ts';
import {
  createMover,
  createStage,
  type ImportRow,
  projectLabelConfig,
  stagedTaskIds,
  stageWriter,
} from './import.repo.ts';
import { createTaskReader } from './import.tasks.ts';
import { toTask } from './tasks.repo.ts';

export interface Source {
  open(): Promise<Readable> | Readable;
  format: ImportFormat;
  fileUploadId: number | null;
  /** The source already opened and read (a JSON body, whose first value tells {url} from tasks). */
  batches?: AsyncIterable<Batch>;
}

export type ImportSummary = ReturnType<typeof summaryOf> & { task_ids?: number[] };

export function summaryOf(row: ImportRow) {
  return {
    task_count: row.task_count,
    annotation_count: row.annotation_count,
    prediction_count: row.prediction_count,
    duration: row.duration,
    // bigint[] arrives as strings (only scalar int8 is parsed as a number).
    file_upload_ids: row.file_upload_ids.map(Number),
    could_be_tasks_list: row.could_be_tasks_list,
    found_formats: row.found_formats as Record<string, number>,
    data_columns: row.data_columns as string[],
  };
}

export function toImport(row: ImportRow) {
  return {
    id: row.id,
    project: row.project_id,
    kind: row.kind as 'import' | 'reimport',
    status: row.status as 'created' | 'in_progress' | 'failed' | 'completed',
    ...summaryOf(row),
    commit_to_project: row.commit_to_project,
    url: row.url,
    error: row.error,
    job: row.job_id,
    created_by: row.created_by,
    created_at: row.created_at,
    updated_at: row.updated_at,
  };
}

export function createImportRunner({ database, webhooks }: Pick<Deps, 'database' | 'webhooks'>) {
  /**
   * The import itself, in one transaction on a connection of its own. `onTasks` gets the tasks read so far
   * (not called on PGlite, whose single connection this transaction holds).
   */
  return async function run(
    who: { organizationId: number; userId: number | null },
    row: ImportRow,
    sources: Source[],
    onTasks?: (count: number) => Promise<void>,
  ): Promise<ImportSummary> {
    const started = performance.now();
    const held = await holdScope(database.pool, { ...who, requireMembership: false });
    let committed = false;
    let writer: ReturnType<typeof stageWriter> | null = null;
    try {
      const { tx } = held;
      const cfg = await projectLabelConfig(tx, row.project_id);
      const textKey = cfg && cfg.dataKeys.length === 1 ? cfg.dataKeys[0]! : 'text';
      const reader = createTaskReader(cfg, row.preannotated_from_fields);
      await createStage(tx);
      const target = {
        organizationId: who.organizationId,
        projectId: row.project_id,
        importId: row.id,
        userId: who.userId,
      };
      const mover = row.commit_to_project ? await createMover(held, target, row.return_task_ids) : null;
      writer = stageWriter(database.kind, held, mover);
      let sinceProgress = 0;
      const w = writer;
      for (const source of sources) {
        const batches = source.batches ?? readSource(await source.open(), source.format, textKey);
        for await (const { values, texts } of batches) {
          for (let i = 0; i < values.length; i++) {
            const pending = w.write(reader.read(values[i], source.fileUploadId, texts?.[i]));
            if (pending) await pending;
          }
          sinceProgress += values.length;
          if (onTasks && sinceProgress >= 50_000) {
            sinceProgress = 0;
            await onTasks(reader.totals.tasks);
          }
        }
      }
      await w.end();
      const totals = reader.totals;
      if (totals.tasks === 0)
        throw new AppError('validation_failed', 'no tasks found in the import', {
          detail: 'Validation error',
          validation_errors: { non_field_errors: ['No tasks found'] },
        });
      const wantIds = row.return_task_ids || totals.tasks <= 100;
      let taskIds: number[] | null = null;
      if (mover) {
        mover.queue(
          { annotations: totals.annotations + totals.cancelled, predictions: totals.predictions },
          wantIds,
        );
        taskIds = (await mover.finish(totals)).taskIds;
      } else if (wantIds) {
        taskIds = await stagedTaskIds(tx);
      }
      const updated = await tx
        .updateTable('imports')
        .set({
          status: 'completed',
          task_count: totals.tasks,
          annotation_count: totals.annotations + totals.cancelled,
          prediction_count: totals.predictions,
          duration: (performance.now() - started) / 1000,
          data_columns: JSON.stringify([...reader.columns].sort()),
          error: null,
          updated_at: new Date(),
        })
        .where('id', '=', row.id)
        .returningAll()
        .executeTakeFirstOrThrow();
      if (row.commit_to_project) {
        // Label Studio sends the created tasks; past 100 the event names the import and its count instead.
        const tasks =
          taskIds && totals.tasks <= 100
            ? (
                await tx.selectFrom('tasks').selectAll().where('id', 'in', taskIds).orderBy('id').execute()
              ).map(toTask)
            : undefined;
        await webhooks.emit(tx, {
          organizationId: who.organizationId,
          projectId: row.project_id,
          action: 'TASKS_CREATED',
          payload: {
            ...(tasks ? { tasks } : { task_count: totals.tasks, import: row.id }),
            project: { id: row.project_id },
          },
        });
      }
      await held.end(true);
      committed = true;
      return { ...summaryOf(updated), ...(row.return_task_ids && taskIds ? { task_ids: taskIds } : {}) };
    } catch (err) {
      if (!committed) {
        await writer?.abort().catch(() => {});
        await held.end(false);
      }
      throw translate(err);
    }
  };
}

/** Database refusals of imported values (a \u0000 in a string, a number jsonb cannot hold) are bad input. */
function translate(err: unknown): unknown {
  const code = (err as { code?: string }).code;
  if (code && /^22/.test(code)) {
    return new AppError(
      'validation_failed',
      `a task holds a value the database refuses: ${(err as Error).message}`,
    );
  }
  return err;
}
