// Raw data (D2S): a flight's image archive (ZIP), uploaded in one multipart request or as a finished tus upload.
// The archive is kept whole as one file (an ODM runner fetches it whole); its images are not unpacked into
// blobs. A job (rawdata.jobs.ts) reads it and records the image count and footprints. D2S rules through the
// geodata actions: viewers read, managers upload, owners delete; a read-only flight takes no new raw data.
import type { Readable } from 'node:stream';
import type { Tx } from '../../db/scope.ts';
import { authorize } from '../../platform/access/access.ts';
import type { Actor } from '../../platform/auth/actor.ts';
import type { Deps } from '../../platform/deps.ts';
import { AppError } from '../../platform/errors.ts';
import type { PageRequest } from '../../platform/http/common.schemas.ts';
import {
  findByUploadId,
  hasBlobRefs,
  insertFile,
  keysInUseHere,
  markDeleted,
  storeWithHead,
  unreferencedKeys,
} from '../files/index.ts';
import type { GeodataService } from './geodata.service.ts';
import { record, runner } from './geodata.service.ts';

export const RAW_DATA_JOB = 'geodata.raw_data';
/** A multipart archive, as POST /api/files takes; larger archives go through tus (/api/uploads, 5 GiB). */
export const RAW_MULTIPART_MAX_BYTES = 100 * 1024 ** 2;

/** A ZIP by its bytes: a local file header, or the end record of an empty archive. */
export const isZip = (head: Buffer) =>
  head.length >= 4 && (head.readUInt32LE(0) === 0x04034b50 || head.readUInt32LE(0) === 0x06054b50);

const rawColumns = [
  'r.id',
  'r.project_id',
  'r.flight_id',
  'r.original_name',
  'r.file_id',
  'r.status',
  'r.job_id',
  'r.error',
  'r.image_count',
  'r.footprints',
  'r.created_by',
  'r.created_at',
  'r.updated_at',
  'f.size_bytes',
  'f.sha256',
  'f.storage_key',
  'j.state as job_state',
  'j.progress as job_progress',
] as const;

export const rawRow = (tx: Tx) =>
  tx
    .selectFrom('raw_data as r')
    .leftJoin('files as f', (j) => j.onRef('f.id', '=', 'r.file_id').on('f.status', '=', 'ready'))
    .leftJoin('jobs as j', 'j.id', 'r.job_id')
    .select(rawColumns);

export type RawRow = NonNullable<Awaited<ReturnType<ReturnType<typeof rawRow>['executeTakeFirst']>>>;

export function toRawData(r: RawRow) {
  return {
    id: r.id,
    project_id: r.project_id,
    flight_id: r.flight_id,
    original_name: r.original_name,
    file_id: r.file_id,
    size_bytes: r.size_bytes === null ? null : Number(r.size_bytes),
    sha256: r.sha256,
    status: r.status as 'pending',
    error: r.error,
    image_count: r.image_count,
    footprints: r.footprints as Record<string, unknown> | null,
    job: r.job_id ? { id: r.job_id, state: r.job_state ?? 'queued', progress: r.job_progress ?? 0 } : null,
    file_url: `/api/raw-data/${r.id}/file`,
    created_by: r.created_by,
    created_at: r.created_at,
    updated_at: r.updated_at,
  };
}

const notFound = (id: number) => new AppError('not_found', `raw data ${id} not found`);

export function createRawDataService(
  deps: Pick<Deps, 'database' | 'jobs' | 'blobs'>,
  geodata: GeodataService,
) {
  const run = runner(deps);
  const { blobs } = deps;

  async function rawIn(
    tx: Tx,
    actor: Actor,
    id: number,
    action: 'geodata.read' | 'geodata.write' | 'geodata.delete',
  ) {
    const row = await rawRow(tx).where('r.id', '=', id).executeTakeFirst();
    if (!row) throw notFound(id);
    try {
      await authorize(tx, actor, action, [row.project_id]);
    } catch (err) {
      if (err instanceof AppError && err.code === 'not_found') throw notFound(id);
      throw err;
    }
    return row;
  }

  async function writableFlight(tx: Tx, actor: Actor, flightId: number) {
    const flight = await geodata.flightIn(tx, actor, flightId, 'geodata.write');
    if (flight.read_only)
      throw new AppError('bad_request', `flight ${flightId} is read-only: no new raw data`);
    return flight;
  }

  /** The stored archive becomes a raw data row and its job, in one transaction. */
  async function admit(
    actor: Actor,
    flightId: number,
    file: { id: number | null; key: string; size: number; sha256: string; name: string },
  ) {
    return run(actor, async (tx, org) => {
      const flight = await writableFlight(tx, actor, flightId);
      const fileId =
        file.id ??
        (
          await insertFile(tx, {
            organizationId: org,
            projectId: flight.project_id,
            uploadedBy: actor.userId,
            parentFileId: null,
            storageKey: file.key,
            name: file.name,
            mimeType: 'application/zip',
            size: file.size,
            sha256: file.sha256,
            metadata: { role: 'raw_data' },
          })
        ).id;
      if ((await hasBlobRefs(tx)) && !(await blobs.stat(file.key)))
        throw new AppError('conflict', 'the archive was removed while it was being stored: send it again');
      const { id } = await tx
        .insertInto('raw_data')
        .values({
          organization_id: org,
          project_id: flight.project_id,
          flight_id: flightId,
          original_name: file.name,
          file_id: fileId,
          created_by: actor.userId,
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      const job = await deps.jobs.enqueue(tx, RAW_DATA_JOB, {
        organizationId: org,
        userId: actor.userId,
        projectId: flight.project_id,
        payload: { rawDataId: id },
        message: `read the images of ${file.name}`,
      });
      await tx.updateTable('raw_data').set({ job_id: job.id }).where('id', '=', id).execute();
      await record(tx, actor, 'geodata.raw_data_create', 'raw_data', id, { name: file.name });
      return toRawData((await rawRow(tx).where('r.id', '=', id).executeTakeFirst())!);
    });
  }

  /** Deletes a blob no row uses any more (a refused upload). */
  async function discard(actor: Actor, key: string) {
    await run(actor, async (tx) => {
      if (!(await hasBlobRefs(tx))) return;
      if ((await keysInUseHere(tx, [key])).size) return;
      if ((await unreferencedKeys(tx, [key])).length) await blobs.delete(key);
    });
  }

  const notZip = (what: string) =>
    new AppError(
      'unsupported_media_type',
      `${what} is not a ZIP archive: send the flight's images as a .zip`,
    );

  return {
    rawIn,

    /** Refuses early (before any byte is stored) an upload the actor may not make. */
    async checkUpload(actor: Actor, flightId: number): Promise<void> {
      await run(actor, (tx) => writableFlight(tx, actor, flightId));
    },

    async upload(actor: Actor, flightId: number, source: Readable, name: string) {
      const { blob, head } = await storeWithHead(blobs, source, RAW_MULTIPART_MAX_BYTES);
      if (!isZip(head)) {
        await discard(actor, blob.key);
        throw notZip(name);
      }
      return admit(actor, flightId, { id: null, key: blob.key, size: blob.size, sha256: blob.sha256, name });
    },

    async uploadFromTus(actor: Actor, flightId: number, uploadId: string) {
      const file = await run(actor, async (tx) => {
        await writableFlight(tx, actor, flightId);
        const row = await findByUploadId(tx, uploadId);
        return row && row.uploaded_by === actor.userId ? row : null;
      });
      if (!file) throw new AppError('not_found', `no finished upload ${uploadId} of yours`);
      const chunks: Buffer[] = [];
      for await (const c of await blobs.get(file.storage_key, { start: 0, end: 3 })) chunks.push(c as Buffer);
      if (!isZip(Buffer.concat(chunks))) throw notZip(file.original_name);
      return admit(actor, flightId, {
        id: file.id,
        key: file.storage_key,
        size: Number(file.size_bytes),
        sha256: file.sha256,
        name: file.original_name,
      });
    },

    async list(actor: Actor, flightId: number, page: PageRequest) {
      return run(actor, async (tx) => {
        await geodata.flightIn(tx, actor, flightId, 'geodata.read');
        const { count } = await tx
          .selectFrom('raw_data')
          .select((eb) => eb.fn.countAll<number>().as('count'))
          .where('flight_id', '=', flightId)
          .executeTakeFirstOrThrow();
        const rows = await rawRow(tx)
          .where('r.flight_id', '=', flightId)
          .orderBy('r.id', 'desc')
          .limit(page.pageSize)
          .offset((page.page - 1) * page.pageSize)
          .execute();
        return { count: Number(count), results: rows.map(toRawData) };
      });
    },

    async get(actor: Actor, id: number) {
      return run(actor, async (tx) => toRawData(await rawIn(tx, actor, id, 'geodata.read')));
    },

    /** The archive's file for a range download; 409 while it has none. */
    async file(actor: Actor, id: number) {
      return run(actor, async (tx) => fileOf(await rawIn(tx, actor, id, 'geodata.read')));
    },

    async remove(actor: Actor, id: number) {
      await run(actor, async (tx) => {
        const row = await rawIn(tx, actor, id, 'geodata.delete');
        // Its processing runs go with it (cascade); so do their runner tokens.
        await tx
          .deleteFrom('public_tokens')
          .where('kind', '=', 'processing_run')
          .where(
            'target_id',
            'in',
            tx.selectFrom('processing_runs').select('id').where('raw_data_id', '=', id),
          )
          .execute();
        await tx.deleteFrom('raw_data').where('id', '=', id).execute();
        await record(tx, actor, 'geodata.raw_data_delete', 'raw_data', id, { name: row.original_name });
        if (row.file_id === null) return;
        // The archive goes with its row unless something else still uses the file.
        const used = await tx
          .selectFrom('data_products')
          .select('id')
          .where('file_id', '=', row.file_id)
          .executeTakeFirst();
        if (used) return;
        const keys = await markDeleted(tx, row.file_id);
        const usedHere = await keysInUseHere(tx, keys);
        const candidates = keys.filter((k) => !usedHere.has(k));
        if (candidates.length === 0 || !(await hasBlobRefs(tx))) return;
        for (const key of await unreferencedKeys(tx, candidates)) await blobs.delete(key);
      });
    },
  };
}

export interface ArchiveFile {
  storage_key: string;
  size_bytes: number;
  sha256: string;
  original_name: string;
}

export function fileOf(row: RawRow): ArchiveFile {
  if (!row.storage_key || row.size_bytes === null || !row.sha256)
    throw new AppError('conflict', `raw data ${row.id} has no archive file any more`);
  return {
    storage_key: row.storage_key,
    size_bytes: Number(row.size_bytes),
    sha256: row.sha256,
    original_name: row.original_name,
  };
}

export type RawDataService = ReturnType<typeof createRawDataService>;
