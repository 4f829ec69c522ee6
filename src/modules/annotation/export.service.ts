// Exports: the synchronous one (Label Studio's GET /api/projects/{id}/export, streamed from a database
// cursor through the converters while the client reads) and snapshots (data_export_export rows whose JSON
// file is written to the blob store by a job; other formats are converted from it by a second job, one
// data_export_convertedformat row each). Who may export: the project's owners, managers and reviewers
// (`tasks.export`); annotators and viewers see tasks but do not take the project's data away in bulk.
import { createHash } from 'node:crypto';
import { PassThrough, Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { Selectable } from 'kysely';
import { type HeldScope, holdScope, inScope, type Tx } from '../../db/scope.ts';
import type { ExportConversions, Exports } from '../../db/types.ts';
import { authorize } from '../../platform/access/access.ts';
import type { Actor } from '../../platform/auth/actor.ts';
import type { Deps } from '../../platform/deps.ts';
import { AppError } from '../../platform/errors.ts';
import type { JobContext } from '../../platform/jobs/runner.ts';
import { memberScope } from '../../platform/unit-of-work.ts';
import { EXPORT_CONVERTERS, type ExportContext, type ExportTask } from './export/index.ts';
import { exportLines, type TaskFilter } from './export.repo.ts';
import { jsonArrayOf, parsedTasks } from './export.text.ts';
import { jsonValues } from './import.parse.ts';
import { projectLabelConfig } from './import.repo.ts';
import { exportCategories, type LabelConfig } from './label-config/index.ts';

export const EXPORT_JOB = 'annotation.export';
export const CONVERT_JOB = 'annotation.export.convert';

export type ExportType = keyof typeof EXPORT_CONVERTERS;
export const EXPORT_TYPES = Object.keys(EXPORT_CONVERTERS) as ExportType[];

/** The converters' view of a label config. */
export function exportContext(config: LabelConfig | null): ExportContext {
  if (!config) return { categories: [], imageKey: null, controls: {} };
  const image = config.objects.find((o) => o.type.toLowerCase() === 'image');
  const tagged = config.controls.find((c) => c.resultType === 'labels');
  const text = config.objects.find((o) => o.type === 'Text' && tagged?.toName.includes(o.name));
  const keypointControls = config.controls.filter((c) => c.resultType === 'keypointlabels');
  const keypoints = keypointControls.length
    ? keypointControls
        .flatMap((c) => c.labels.map((l) => ({ l, i: Number(c.labelsAttrs[l]?.model_index ?? Number.NaN) })))
        .sort((a, b) => (Number.isNaN(a.i) ? 1e9 : a.i) - (Number.isNaN(b.i) ? 1e9 : b.i))
        .map((x) => x.l)
    : undefined;
  return {
    categories: exportCategories(config),
    imageKey: image?.value ?? null,
    textKey: text?.value ?? null,
    controls: Object.fromEntries(config.controls.map((c) => [c.name, c.resultType])),
    ...(keypoints && { keypoints }),
  };
}

/** The formats that read only the task's data and its annotations' regions (export.repo.ts `fields`). */
const IMAGE_FORMATS: readonly string[] = ['COCO', 'YOLO', 'VOC'];

function converterOf(type: string) {
  const c = EXPORT_CONVERTERS[type as keyof typeof EXPORT_CONVERTERS];
  if (!c) throw new AppError('bad_request', `unknown export type ${type}`);
  return c;
}

function toExport(e: Selectable<Exports>, conversions: Selectable<ExportConversions>[]) {
  return {
    id: e.id,
    project: e.project_id,
    title: e.title,
    status: e.status as 'created' | 'in_progress' | 'failed' | 'completed',
    md5: e.md5,
    counters: e.counters as Record<string, number>,
    task_filter_options: e.task_filter_options as Record<string, unknown>,
    annotation_filter_options: e.annotation_filter_options as Record<string, unknown>,
    serialization_options: e.serialization_options as Record<string, unknown>,
    error: e.error,
    job: e.job_id,
    created_by: e.created_by === null ? null : { id: e.created_by },
    created_at: e.created_at,
    finished_at: e.finished_at,
    converted_formats: conversions.map((c) => ({ id: c.id, export_type: c.export_type, status: c.status })),
  };
}

async function md5Of(stream: Readable, into: PassThrough): Promise<string> {
  const hash = createHash('md5');
  stream.on('data', (chunk: Buffer) => hash.update(chunk));
  await pipeline(stream, into);
  return hash.digest('hex');
}

export function createExportService(deps: Pick<Deps, 'database' | 'config' | 'jobs' | 'blobs'>) {
  const { database, config, jobs, blobs } = deps;
  const access = { approvalRequired: config.APPROVAL_REQUIRED };
  const scope = memberScope;

  const labelConfig = projectLabelConfig;

  /**
   * Reads the task lines of `filter` (export.repo.ts) through `read`, on `held`: the unit of work commits
   * when the reader is done. A reader that stops early, or fails, rolls it back; on PostgreSQL by closing the
   * connection, because a COPY may still be streaming on it.
   */
  async function* readLines<T>(
    held: HeldScope,
    filter: TaskFilter,
    read: (lines: AsyncIterable<Buffer>) => AsyncIterable<T>,
  ): AsyncGenerator<T> {
    let ok = false;
    try {
      yield* read(exportLines(held, database.kind, filter));
      ok = true;
    } finally {
      if (ok) await held.end(true);
      else if (database.kind === 'postgres') held.abandon();
      else await held.end(false);
    }
  }

  /** The tasks of `filter`, parsed for a converter, with the project's export context. */
  async function openTasks(who: { organizationId: number; userId: number | null }, filter: TaskFilter) {
    const held = await holdScope(database.pool, { ...who, requireMembership: false });
    let ctx: ExportContext;
    try {
      ctx = exportContext(await labelConfig(held.tx, filter.projectId));
    } catch (err) {
      await held.end(false);
      throw err;
    }
    // For a caller that gives up before reading (a generator never started has no `finally` to run).
    const close = () => held.end(false);
    const lines = filter.fields === 'regions' ? { ...filter, imageKey: ctx.imageKey } : filter;
    return { ctx, tasks: readLines(held, lines, parsedTasks), close };
  }

  /** The JSON format: PostgreSQL's task lines passed through into a JSON list (export.text.ts). */
  async function jsonStream(
    who: { organizationId: number; userId: number | null },
    filter: TaskFilter,
    onRow?: (n: number) => void,
  ): Promise<Readable> {
    const held = await holdScope(database.pool, { ...who, requireMembership: false });
    const bytes = readLines(held, filter, (lines) => jsonArrayOf(lines, onRow));
    // Chunks of about a megabyte go out as they come (the COPY's own chunking).
    return Readable.from(bytes, { objectMode: false, highWaterMark: 1024 * 1024 });
  }

  async function getRow(tx: Tx, projectId: number, exportId: number) {
    const row = await tx
      .selectFrom('exports')
      .selectAll()
      .where('id', '=', exportId)
      .where('project_id', '=', projectId)
      .executeTakeFirst();
    if (!row) throw new AppError('not_found', `export ${exportId} not found`);
    return row;
  }

  const conversionsOf = (tx: Tx, ids: number[]) =>
    ids.length
      ? tx.selectFrom('export_conversions').selectAll().where('export_id', 'in', ids).orderBy('id').execute()
      : Promise.resolve([]);

  return {
    /** The easy export: a stream of the chosen format, read from the database while the client reads it. */
    async stream(actor: Actor, projectId: number, type: string, options: { all: boolean; ids?: number[] }) {
      const converter = converterOf(type);
      await inScope(database.db, scope(actor), (tx) =>
        authorize(tx, actor, 'tasks.export', [projectId], access),
      );
      const who = { organizationId: actor.organizationId!, userId: actor.userId };
      const filter = { projectId, onlyAnnotated: !options.all, ...(options.ids && { ids: options.ids }) };
      if (converter === EXPORT_CONVERTERS.JSON) {
        const stream = await jsonStream(who, filter);
        return { stream, contentType: converter.contentType, extension: converter.extension };
      }
      const fields = IMAGE_FORMATS.includes(type) ? 'regions' : 'task';
      const { ctx, tasks, close } = await openTasks(who, { ...filter, fields });
      let stream: Readable;
      try {
        stream = converter.convert(tasks, ctx);
      } catch (err) {
        await close();
        throw err instanceof Error && !(err instanceof AppError)
          ? new AppError('bad_request', err.message)
          : err;
      }
      return { stream, contentType: converter.contentType, extension: converter.extension };
    },

    async create(
      actor: Actor,
      projectId: number,
      body: {
        title?: string;
        task_filter_options?: Record<string, unknown>;
        annotation_filter_options?: Record<string, unknown>;
        serialization_options?: Record<string, unknown>;
      },
    ) {
      return inScope(database.db, scope(actor), async (tx) => {
        await authorize(tx, actor, 'tasks.export', [projectId], access);
        const row = await tx
          .insertInto('exports')
          .values({
            organization_id: actor.organizationId!,
            project_id: projectId,
            title: body.title ?? '',
            task_filter_options: JSON.stringify(body.task_filter_options ?? {}),
            annotation_filter_options: JSON.stringify(body.annotation_filter_options ?? {}),
            serialization_options: JSON.stringify(body.serialization_options ?? {}),
            created_by: actor.userId,
          })
          .returningAll()
          .executeTakeFirstOrThrow();
        const job = await jobs.enqueue(tx, EXPORT_JOB, {
          organizationId: actor.organizationId!,
          userId: actor.userId,
          projectId,
          payload: { export_id: row.id },
          message: `export ${row.id}`,
        });
        const updated = await tx
          .updateTable('exports')
          .set({ job_id: job.id })
          .where('id', '=', row.id)
          .returningAll()
          .executeTakeFirstOrThrow();
        return toExport(updated, []);
      });
    },

    async list(actor: Actor, projectId: number, page: { page: number; pageSize: number }) {
      return inScope(database.db, scope(actor), async (tx) => {
        await authorize(tx, actor, 'tasks.export', [projectId], access);
        const rows = await tx
          .selectFrom('exports')
          .selectAll()
          .where('project_id', '=', projectId)
          .orderBy('created_at', 'desc')
          .orderBy('id', 'desc')
          .limit(page.pageSize)
          .offset((page.page - 1) * page.pageSize)
          .execute();
        const conversions = await conversionsOf(
          tx,
          rows.map((r) => r.id),
        );
        return rows.map((r) =>
          toExport(
            r,
            conversions.filter((c) => c.export_id === r.id),
          ),
        );
      });
    },

    async get(actor: Actor, projectId: number, exportId: number) {
      return inScope(database.db, scope(actor), async (tx) => {
        await authorize(tx, actor, 'tasks.export', [projectId], access);
        const row = await getRow(tx, projectId, exportId);
        return toExport(row, await conversionsOf(tx, [row.id]));
      });
    },

    async remove(actor: Actor, projectId: number, exportId: number) {
      await inScope(database.db, scope(actor), async (tx) => {
        await authorize(tx, actor, 'tasks.export', [projectId], access);
        await getRow(tx, projectId, exportId);
        // The blobs stay: the store is content-addressed and shared, so they go with the blob sweep.
        await tx.deleteFrom('exports').where('id', '=', exportId).execute();
      });
    },

    /** Starts converting a finished snapshot into another format (Label Studio's /convert). */
    async convert(actor: Actor, projectId: number, exportId: number, type: string) {
      converterOf(type);
      return inScope(database.db, scope(actor), async (tx) => {
        await authorize(tx, actor, 'tasks.export', [projectId], access);
        const row = await getRow(tx, projectId, exportId);
        if (row.status !== 'completed')
          throw new AppError('conflict', `export ${exportId} is not finished yet`);
        const existing = await tx
          .selectFrom('export_conversions')
          .selectAll()
          .where('export_id', '=', exportId)
          .where('export_type', '=', type)
          .executeTakeFirst();
        if (existing && existing.status !== 'failed')
          return { export_type: type, converted_format: existing.id };
        const conv =
          existing ??
          (await tx
            .insertInto('export_conversions')
            .values({ organization_id: actor.organizationId!, export_id: exportId, export_type: type })
            .returningAll()
            .executeTakeFirstOrThrow());
        await tx
          .updateTable('export_conversions')
          .set({ status: 'created', error: null })
          .where('id', '=', conv.id)
          .execute();
        await jobs.enqueue(tx, CONVERT_JOB, {
          organizationId: actor.organizationId!,
          userId: actor.userId,
          projectId,
          payload: { conversion_id: conv.id },
          message: `convert export ${exportId} to ${type}`,
        });
        return { export_type: type, converted_format: conv.id };
      });
    },

    /** A snapshot's file: JSON as written, another format once its conversion has finished (404 before). */
    async download(actor: Actor, projectId: number, exportId: number, type: string) {
      const converter = converterOf(type);
      const key = await inScope(database.db, scope(actor), async (tx) => {
        await authorize(tx, actor, 'tasks.export', [projectId], access);
        const row = await getRow(tx, projectId, exportId);
        if (type === 'JSON') {
          if (row.status !== 'completed' || !row.storage_key)
            throw new AppError('not_found', `export ${exportId} is not finished yet`);
          return row.storage_key;
        }
        const conv = await tx
          .selectFrom('export_conversions')
          .selectAll()
          .where('export_id', '=', exportId)
          .where('export_type', '=', type)
          .executeTakeFirst();
        if (conv?.status !== 'completed' || !conv.storage_key)
          throw new AppError('not_found', `export ${exportId} has no finished ${type} conversion`);
        return conv.storage_key;
      });
      return {
        stream: await blobs.get(key),
        contentType: converter.contentType,
        extension: converter.extension,
      };
    },

    /** Writes a snapshot's JSON into the blob store. Safe to run again: a finished export is left alone. */
    async runExport(job: JobContext<{ export_id: number }>) {
      const who = { organizationId: job.organizationId, userId: job.userId };
      const row = await inScope(database.db, who, async (tx) => {
        const r = await tx
          .selectFrom('exports')
          .selectAll()
          .where('id', '=', job.payload.export_id)
          .executeTakeFirst();
        if (!r || r.status === 'completed') return null;
        await tx.updateTable('exports').set({ status: 'in_progress' }).where('id', '=', r.id).execute();
        return r;
      });
      if (!row) return { skipped: true };
      const options = row.task_filter_options as { only_with_annotations?: boolean; annotated?: string };
      const onlyAnnotated = options.only_with_annotations === true || options.annotated === 'only';
      let count = 0;
      try {
        const json = await jsonStream(who, { projectId: row.project_id, onlyAnnotated }, (n) => {
          count = n;
        });
        const out = new PassThrough();
        const stored = blobs.put(out);
        const md5 = await md5Of(json, out);
        const blob = await stored;
        await inScope(database.db, who, (tx) =>
          tx
            .updateTable('exports')
            .set({
              status: 'completed',
              md5,
              storage_key: blob.key,
              counters: JSON.stringify({ task_number: count }),
              finished_at: new Date(),
              error: null,
            })
            .where('id', '=', row.id)
            .execute(),
        );
        return { task_number: count };
      } catch (err) {
        await inScope(database.db, who, (tx) =>
          tx
            .updateTable('exports')
            .set({ status: 'failed', error: (err as Error).message.slice(0, 2000) })
            .where('id', '=', row.id)
            .execute(),
        ).catch(() => {});
        throw err;
      }
    },

    /** Converts a snapshot's JSON (streamed back from the blob store) into one more format. */
    async runConvert(job: JobContext<{ conversion_id: number }>) {
      const who = { organizationId: job.organizationId, userId: job.userId };
      const found = await inScope(database.db, who, async (tx) => {
        const conv = await tx
          .selectFrom('export_conversions')
          .selectAll()
          .where('id', '=', job.payload.conversion_id)
          .executeTakeFirst();
        if (!conv || conv.status === 'completed') return null;
        const snapshot = await tx
          .selectFrom('exports')
          .selectAll()
          .where('id', '=', conv.export_id)
          .executeTakeFirstOrThrow();
        await tx
          .updateTable('export_conversions')
          .set({ status: 'in_progress' })
          .where('id', '=', conv.id)
          .execute();
        return { conv, snapshot, ctx: exportContext(await labelConfig(tx, snapshot.project_id)) };
      });
      if (!found) return { skipped: true };
      const { conv, snapshot, ctx } = found;
      try {
        const source = await blobs.get(snapshot.storage_key!);
        const tasks = jsonValues(source) as AsyncIterable<ExportTask>;
        const out = new PassThrough();
        const stored = blobs.put(out);
        await pipeline(converterOf(conv.export_type).convert(tasks, ctx), out);
        const blob = await stored;
        await inScope(database.db, who, (tx) =>
          tx
            .updateTable('export_conversions')
            .set({ status: 'completed', storage_key: blob.key, error: null, updated_at: new Date() })
            .where('id', '=', conv.id)
            .execute(),
        );
        return { export_type: conv.export_type };
      } catch (err) {
        await inScope(database.db, who, (tx) =>
          tx
            .updateTable('export_conversions')
            .set({ status: 'failed', error: (err as Error).message.slice(0, 2000), updated_at: new Date() })
            .where('id', '=', conv.id)
            .execute(),
        ).catch(() => {});
        throw err;
      }
    },
  };
}

export type ExportService = ReturnType<typeof createExportService>;
