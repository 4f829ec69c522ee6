// Task imports (Label Studio's POST /api/projects/{id}/import and /reimport). Every import is one
// transaction: tasks are streamed from the body, the uploaded files or a URL into a staging table and moved
// into the project at the end, so a failure, a bad task or a killed server leaves none of them. Imports
// larger than IMPORT_INLINE_MAX_BYTES are stored as file uploads first and run as a background job with a
// user-visible job row; the answer names the import and the job to follow. The transaction itself is in
// import.run.ts.
import type { Readable } from 'node:stream';
import { inScope } from '../../db/scope.ts';
import { authorize } from '../../platform/access/access.ts';
import type { Actor } from '../../platform/auth/actor.ts';
import type { Deps } from '../../platform/deps.ts';
import { AppError } from '../../platform/errors.ts';
import type { JobContext } from '../../platform/jobs/runner.ts';
import { memberScope } from '../../platform/unit-of-work.ts';
import { detectMimeType, findFile, insertFile, storeWithHead } from '../files/index.ts';
import { fetchImportUrl, formatFromContentType } from './import.fetch.ts';
import { byteLimit, FORMAT_EXTENSIONS, formatOf, type ImportFormat, jsonBatches } from './import.parse.ts';
import type { ImportRow } from './import.repo.ts';
import { createImportRunner, type ImportSummary, type Source, summaryOf, toImport } from './import.run.ts';

export type { ImportSummary } from './import.run.ts';

export const IMPORT_JOB = 'annotation.import';

export interface ImportOptions {
  commit: boolean;
  returnTaskIds: boolean;
  /** Data fields whose values become the task's predictions (Label Studio's preannotated_from_fields). */
  preannotatedFromFields: string[];
}

/** A file upload an import reads (data_import_fileupload). */
interface Upload {
  id: number;
  name: string;
  storageKey: string;
  size: number;
  format: ImportFormat;
}

const foundFormats = (uploads: Upload[]) => {
  const out: Record<string, number> = {};
  for (const u of uploads) {
    const ext = Object.entries(FORMAT_EXTENSIONS).find(([, f]) => f === u.format)?.[0] ?? `.${u.format}`;
    out[ext] = (out[ext] ?? 0) + 1;
  }
  return out;
};

export function createImportService(deps: Pick<Deps, 'database' | 'config' | 'webhooks' | 'jobs' | 'blobs'>) {
  const { database, config, webhooks, jobs, blobs } = deps;
  const access = { approvalRequired: config.APPROVAL_REQUIRED };
  const scope = memberScope;

  const run = createImportRunner({ database, webhooks });

  /** Checks the actor may import into the project (404 for another organization's). */
  async function checkImport(actor: Actor, projectId: number): Promise<void> {
    await inScope(database.db, scope(actor), (tx) =>
      authorize(tx, actor, 'tasks.import', [projectId], access),
    );
  }

  /** Streams one file into the blob store and records it as a file upload of the project. */
  async function storeUpload(
    actor: Actor,
    projectId: number,
    source: Readable,
    name: string,
    declaredType: string | null,
    extraFormat: string | null = null,
  ): Promise<Upload> {
    const format = formatOf(name) ?? (extraFormat ? formatOf(`x${extraFormat}`) : null);
    if (!format) {
      source.resume();
      throw new AppError(
        'unsupported_media_type',
        `${name}: not a task file (send .json, .jsonl, .csv, .tsv or .txt)`,
      );
    }
    const { blob, head } = await storeWithHead(blobs, source, config.IMPORT_MAX_BYTES);
    const mimeType = await detectMimeType(head, name, declaredType);
    const row = await inScope(database.db, scope(actor), async (tx) => {
      await authorize(tx, actor, 'tasks.import', [projectId], access);
      return insertFile(tx, {
        organizationId: actor.organizationId!,
        projectId,
        uploadedBy: actor.userId,
        parentFileId: null,
        storageKey: blob.key,
        name,
        mimeType,
        size: blob.size,
        sha256: blob.sha256,
        metadata: { purpose: 'import' },
      });
    });
    return { id: row.id, name, storageKey: blob.key, size: blob.size, format };
  }

  async function newImport(
    actor: Actor,
    projectId: number,
    fields: { kind?: 'import' | 'reimport'; uploads: Upload[]; url?: string | null; options: ImportOptions },
  ): Promise<ImportRow> {
    return inScope(database.db, scope(actor), async (tx) => {
      await authorize(tx, actor, 'tasks.import', [projectId], access);
      return tx
        .insertInto('imports')
        .values({
          organization_id: actor.organizationId!,
          project_id: projectId,
          kind: fields.kind ?? 'import',
          status: 'in_progress',
          url: fields.url ?? null,
          file_upload_ids: fields.uploads.map((u) => u.id),
          commit_to_project: fields.options.commit,
          return_task_ids: fields.options.returnTaskIds,
          preannotated_from_fields: fields.options.preannotatedFromFields,
          could_be_tasks_list: fields.uploads.some((u) => ['csv', 'tsv', 'txt'].includes(u.format)),
          found_formats: JSON.stringify(foundFormats(fields.uploads)),
          created_by: actor.userId,
        })
        .returningAll()
        .executeTakeFirstOrThrow();
    });
  }

  async function markFailed(organizationId: number, importId: number, error: string): Promise<void> {
    await inScope(database.db, { organizationId, userId: null }, (tx) =>
      tx
        .updateTable('imports')
        .set({ status: 'failed', error: error.slice(0, 2000), updated_at: new Date() })
        .where('id', '=', importId)
        .where('status', '<>', 'completed')
        .execute(),
    ).catch(() => {});
  }

  /** Runs an import inline, recording its failure on the import row. */
  async function runRecorded(actor: Actor, row: ImportRow, sources: Source[]): Promise<ImportSummary> {
    try {
      return await run({ organizationId: actor.organizationId!, userId: actor.userId }, row, sources);
    } catch (err) {
      await markFailed(actor.organizationId!, row.id, (err as Error).message);
      throw err;
    }
  }

  const uploadSource = (u: Upload): Source => ({
    open: () => blobs.get(u.storageKey),
    format: u.format,
    fileUploadId: u.id,
  });

  /** Queues a stored import as a job; the answer says where to follow it. */
  async function queue(actor: Actor, row: ImportRow) {
    const job = await inScope(database.db, scope(actor), async (tx) => {
      const queued = await jobs.enqueue(tx, IMPORT_JOB, {
        organizationId: actor.organizationId!,
        userId: actor.userId,
        projectId: row.project_id,
        payload: { import_id: row.id },
        message: `import ${row.id}`,
      });
      await tx
        .updateTable('imports')
        .set({ job_id: queued.id, status: 'created' })
        .where('id', '=', row.id)
        .execute();
      return queued;
    });
    return {
      ...summaryOf(row),
      import: row.id,
      job: job.id,
      status: 'queued' as const,
      url: `/api/projects/${row.project_id}/imports/${row.id}`,
      job_url: `/api/jobs/${job.id}`,
    };
  }

  async function importUploads(
    actor: Actor,
    projectId: number,
    uploads: Upload[],
    options: ImportOptions,
    url?: string,
  ) {
    if (uploads.length === 0) throw new AppError('bad_request', 'no files in the request');
    const row = await newImport(actor, projectId, { uploads, options, url: url ?? null });
    const size = uploads.reduce((n, u) => n + u.size, 0);
    if (size > config.IMPORT_INLINE_MAX_BYTES)
      return { queued: true as const, body: await queue(actor, row) };
    const summary = await runRecorded(actor, row, uploads.map(uploadSource));
    return { queued: false as const, body: { ...summary, import: row.id } };
  }

  async function importUrl(actor: Actor, projectId: number, url: string, options: ImportOptions) {
    await checkImport(actor, projectId);
    const fetched = await fetchImportUrl(url, config.WEBHOOK_ALLOW_PRIVATE);
    const upload = await storeUpload(
      actor,
      projectId,
      fetched.stream,
      fetched.name,
      fetched.contentType,
      formatFromContentType(fetched.contentType),
    );
    return importUploads(actor, projectId, [upload], options, url);
  }

  return {
    checkImport,
    storeUpload,
    importUploads,
    importUrl,

    /** A JSON body: an array of tasks (streamed), or {"url": ...}. */
    async importBody(
      actor: Actor,
      projectId: number,
      body: Readable,
      length: number | null,
      options: ImportOptions,
    ) {
      await checkImport(actor, projectId);
      if (length !== null && length > config.IMPORT_MAX_BYTES)
        throw new AppError('payload_too_large', `the import is larger than ${config.IMPORT_MAX_BYTES} bytes`);
      if (length !== null && length > config.IMPORT_INLINE_MAX_BYTES) {
        // Large: keep the body as a file upload, then import it in the background.
        const upload = await storeUpload(actor, projectId, body, 'import.json', 'application/json');
        return importUploads(actor, projectId, [upload], options);
      }
      const limited = body.pipe(byteLimit(config.IMPORT_MAX_BYTES));
      body.on('error', (err) => limited.destroy(err));
      const shape: { single?: boolean } = {};
      const iterator = jsonBatches(limited, shape)[Symbol.asyncIterator]();
      const first = await iterator.next();
      if (shape.single) {
        const v = first.value?.values[0] as Record<string, unknown> | undefined;
        if (typeof v?.url !== 'string')
          throw new AppError(
            'validation_failed',
            'a JSON object body must be {"url": "..."}; send tasks as a list',
            {
              detail: 'Validation error',
              validation_errors: { url: ['This field is required.'] },
            },
          );
        return importUrl(actor, projectId, v.url, options);
      }
      async function* batches() {
        if (first.done) return;
        yield first.value;
        yield* { [Symbol.asyncIterator]: () => iterator };
      }
      const row = await newImport(actor, projectId, { uploads: [], options });
      const summary = await runRecorded(actor, row, [
        { open: () => limited, format: 'json', fileUploadId: null, batches: batches() },
      ]);
      return { queued: false as const, body: { ...summary, import: row.id } };
    },

    /** Label Studio's reimport: the project's earlier file uploads, imported again as one import. */
    async reimport(actor: Actor, projectId: number, fileUploadIds: number[], options: ImportOptions) {
      const uploads = await inScope(database.db, scope(actor), async (tx) => {
        await authorize(tx, actor, 'tasks.import', [projectId], access);
        const found: Upload[] = [];
        for (const id of new Set(fileUploadIds)) {
          const f = await findFile(tx, id);
          const format = f ? formatOf(f.original_name) : null;
          if (!f || f.project_id !== projectId || !format)
            throw new AppError('not_found', `file upload ${id} not found in project ${projectId}`);
          found.push({
            id: f.id,
            name: f.original_name,
            storageKey: f.storage_key,
            size: f.size_bytes,
            format,
          });
        }
        return found;
      });
      const row = await newImport(actor, projectId, { kind: 'reimport', uploads, options });
      const size = uploads.reduce((n, u) => n + u.size, 0);
      if (size > config.IMPORT_INLINE_MAX_BYTES)
        return { queued: true as const, body: await queue(actor, row) };
      const summary = await runRecorded(actor, row, uploads.map(uploadSource));
      return { queued: false as const, body: { ...summary, import: row.id } };
    },

    async get(actor: Actor, projectId: number, importId: number) {
      return inScope(database.db, scope(actor), async (tx) => {
        await authorize(tx, actor, 'tasks.read', [projectId], access);
        const row = await tx
          .selectFrom('imports')
          .selectAll()
          .where('id', '=', importId)
          .where('project_id', '=', projectId)
          .executeTakeFirst();
        if (!row) throw new AppError('not_found', `import ${importId} not found`);
        return toImport(row);
      });
    },

    /** The background import: idempotent (a completed import is not run twice; a failed run left nothing). */
    async runJob(ctx: JobContext<{ import_id: number }>) {
      const who = { organizationId: ctx.organizationId, userId: ctx.userId };
      const loaded = await inScope(database.db, { ...who, requireMembership: false }, async (tx) => {
        const row = await tx
          .selectFrom('imports')
          .selectAll()
          .where('id', '=', ctx.payload.import_id)
          .executeTakeFirst();
        if (!row || row.status === 'completed') return null;
        const files = row.file_upload_ids.length
          ? await tx
              .selectFrom('files')
              .selectAll()
              .where('id', 'in', row.file_upload_ids.map(Number))
              .execute()
          : [];
        await tx
          .updateTable('imports')
          .set({ status: 'in_progress', updated_at: new Date() })
          .where('id', '=', row.id)
          .execute();
        return { row, files };
      });
      if (!loaded) return { skipped: true };
      const byId = new Map(loaded.files.map((f) => [f.id, f]));
      const progress =
        database.kind === 'postgres' ? (n: number) => ctx.progress(0, `${n} tasks read`) : undefined;
      try {
        const sources: Source[] = loaded.row.file_upload_ids.map((raw) => {
          const f = byId.get(Number(raw));
          const format = f ? formatOf(f.original_name) : null;
          if (!f || !format) throw new Error(`file upload ${raw} of import ${loaded.row.id} is gone`);
          return { open: () => blobs.get(f.storage_key), format, fileUploadId: f.id };
        });
        return await run(who, loaded.row, sources, progress);
      } catch (err) {
        await markFailed(ctx.organizationId, loaded.row.id, (err as Error).message);
        throw err;
      }
    },
  };
}

export type ImportService = ReturnType<typeof createImportService>;
