// Upload sessions (D2S upload): a session records what a tus upload will become (a flight's data product or raw
// data, a project's vector layer) and creates that upload itself, stamped with the caller as its owner, so the
// client only PATCHes bytes to /api/uploads/{id} (tus-js-client's `uploadUrl`). The files module turns the
// finished upload into a files row as for any tus upload; POST /api/upload-sessions/{id}/complete then creates
// the target through the products and vector-layer services (idempotent: a target already made from the file is
// found again). Raw data is only recorded: its processing is another module's.
import { randomBytes } from 'node:crypto';
import { FileStore } from '@tus/file-store';
import { Upload } from '@tus/server';
import type { Selectable } from 'kysely';
import { inScope, type Tx } from '../../db/scope.ts';
import type { UploadSessions } from '../../db/types.ts';
import { authorize } from '../../platform/access/access.ts';
import type { Actor } from '../../platform/auth/actor.ts';
import type { Deps } from '../../platform/deps.ts';
import { AppError } from '../../platform/errors.ts';
import type { PageRequest } from '../../platform/http/common.schemas.ts';
import {
  findByUploadId,
  TUS_ORG_KEY,
  TUS_OWNER_KEY,
  UPLOAD_MAX_BYTES,
  uploadsDirectory,
} from '../files/index.ts';
import type { GeodataService } from './geodata.service.ts';
import { orgOf, record } from './geodata.service.ts';
import type { createProductsService } from './products.service.ts';
import type { VectorImport } from './vectors.import.ts';

type Row = Selectable<UploadSessions>;
type Products = ReturnType<typeof createProductsService>;

const bad = (field: string, message: string) =>
  new AppError('bad_request', `invalid request: ${field} ${message}`, [{ in: 'body', field, message }]);

export function createUploadSessionsService(
  deps: Pick<Deps, 'database' | 'blobs' | 'config'>,
  geo: GeodataService,
  products: Products,
  vectors: VectorImport,
) {
  const { database, blobs } = deps;
  // Made on first use: a FileStore creates its directory as soon as it exists (the files module's does at
  // start), and a process that only builds the app (the OpenAPI script) must not leave that work behind.
  let fileStore: FileStore | null = null;
  const store = () => (fileStore ??= new FileStore({ directory: uploadsDirectory(deps.config) }));
  const run = <T>(actor: Actor, fn: (tx: Tx, org: number) => Promise<T>) => {
    const org = orgOf(actor);
    return inScope(
      database.db,
      { organizationId: org, userId: actor.userId, requireMembership: true },
      (tx) => fn(tx, org),
    );
  };

  async function own(tx: Tx, actor: Actor, id: number): Promise<Row> {
    const row = await tx
      .selectFrom('upload_sessions')
      .selectAll()
      .where('id', '=', id)
      .where('user_id', '=', actor.userId)
      .executeTakeFirst();
    if (!row) throw new AppError('not_found', `upload session ${id} not found`);
    return row;
  }

  /** The session with what the upload has received: the finished file's size, else the tus offset. */
  async function present(tx: Tx, r: Row) {
    const file = r.file_id ? null : await findByUploadId(tx, r.tus_id);
    let received: number | null;
    if (r.file_id || file) received = r.size_bytes ?? file?.size_bytes ?? null;
    else
      received = await store()
        .getUpload(r.tus_id)
        .then(
          (u) => u.offset,
          () => null,
        );
    return {
      id: r.id,
      target: r.target as 'data_product',
      flight_id: r.flight_id,
      project_id: r.project_id,
      data_type: r.data_type,
      file_name: r.file_name,
      status: r.status as 'uploading',
      size_bytes: r.size_bytes === null ? null : Number(r.size_bytes),
      bytes_received: received === null ? null : Number(received),
      upload_finished: r.file_id !== null || (file !== undefined && file !== null),
      upload_id: r.tus_id,
      upload_url: `/api/uploads/${r.tus_id}`,
      file_id: r.file_id ?? file?.id ?? null,
      target_id: r.target_id,
      error: r.error,
      created_at: r.created_at,
      updated_at: r.updated_at,
    };
  }

  /** The project a session's target belongs to, once the actor may write there (404/403 otherwise). */
  async function targetProject(
    tx: Tx,
    actor: Actor,
    b: {
      target: string;
      flight_id?: number | undefined;
      project_id?: number | undefined;
      data_type?: string | undefined;
    },
  ): Promise<number> {
    if (b.target === 'vector_layer') {
      if (!b.project_id) throw bad('project_id', 'is required for a vector layer');
      if (b.flight_id) throw bad('flight_id', 'is not used for a vector layer (give project_id)');
      await authorize(tx, actor, 'geodata.write', [b.project_id]);
      return b.project_id;
    }
    if (!b.flight_id) throw bad('flight_id', `is required for ${b.target}`);
    if (b.target === 'data_product' && !b.data_type) throw bad('data_type', 'is required for a data product');
    const flight = await geo.flightIn(tx, actor, b.flight_id, 'geodata.write');
    if (b.project_id && b.project_id !== flight.project_id)
      throw bad('project_id', `is not the project of flight ${b.flight_id}`);
    if (flight.read_only)
      throw new AppError('bad_request', `flight ${b.flight_id} is read-only: no new uploads`);
    return flight.project_id;
  }

  const setOutcome = (
    actor: Actor,
    id: number,
    v: Partial<Pick<Row, 'status' | 'file_id' | 'target_id' | 'error'>>,
  ) =>
    run(actor, async (tx) => {
      await tx
        .updateTable('upload_sessions')
        .set({ ...v, updated_at: new Date() })
        .where('id', '=', id)
        .execute();
      return present(tx, await own(tx, actor, id));
    });

  const getOne = (actor: Actor, id: number) =>
    run(actor, async (tx) => present(tx, await own(tx, actor, id)));

  return {
    async create(
      actor: Actor,
      b: {
        target: string;
        flight_id?: number | undefined;
        project_id?: number | undefined;
        data_type?: string | undefined;
        filename: string;
        size: number;
        filetype?: string | undefined;
      },
    ) {
      if (b.size > UPLOAD_MAX_BYTES)
        throw new AppError('payload_too_large', `uploads are limited to ${UPLOAD_MAX_BYTES} bytes`);
      if (b.target !== 'data_product' && b.data_type) throw bad('data_type', 'is only for a data product');
      return run(actor, async (tx, org) => {
        const projectId = await targetProject(tx, actor, b);
        const tusId = randomBytes(16).toString('hex');
        const row = await tx
          .insertInto('upload_sessions')
          .values({
            organization_id: org,
            user_id: actor.userId,
            tus_id: tusId,
            target: b.target,
            flight_id: b.target === 'vector_layer' ? null : b.flight_id!,
            project_id: projectId,
            data_type: b.data_type ?? null,
            file_name: b.filename.trim(),
            size_bytes: b.size,
          })
          .returningAll()
          .executeTakeFirstOrThrow();
        // The tus upload exists only if the session does: made last, inside the transaction.
        await store().create(
          new Upload({
            id: tusId,
            size: b.size,
            offset: 0,
            creation_date: new Date().toISOString(),
            metadata: {
              filename: b.filename.trim(),
              filetype: b.filetype ?? null,
              project_id: String(projectId),
              [TUS_OWNER_KEY]: String(actor.userId),
              [TUS_ORG_KEY]: String(org),
            },
          }),
        );
        await record(tx, actor, 'geodata.upload_session_create', 'upload_session', row.id, {
          target: b.target,
        });
        return present(tx, row);
      });
    },

    async list(actor: Actor, q: { status?: string | undefined }, page: PageRequest) {
      return run(actor, async (tx) => {
        let base = tx.selectFrom('upload_sessions').where('user_id', '=', actor.userId);
        if (q.status) base = base.where('status', '=', q.status);
        const { count } = await base
          .select((eb) => eb.fn.countAll<number>().as('count'))
          .executeTakeFirstOrThrow();
        const rows = await base
          .selectAll()
          .orderBy('id', 'desc')
          .limit(page.pageSize)
          .offset((page.page - 1) * page.pageSize)
          .execute();
        const results = [];
        for (const r of rows) results.push(await present(tx, r));
        return { count: Number(count), results };
      });
    },

    get: getOne,

    /** Creates the session's target from its finished upload. Safe to call again. */
    async complete(actor: Actor, id: number) {
      const { row, file } = await run(actor, async (tx) => {
        const row = await own(tx, actor, id);
        const file = row.status === 'completed' ? null : await findByUploadId(tx, row.tus_id);
        return { row, file };
      });
      if (row.status === 'completed') return getOne(actor, id);
      if (!file || file.uploaded_by !== actor.userId) {
        const now = await getOne(actor, id);
        throw new AppError(
          'conflict',
          `upload session ${id} is not finished: ${now.bytes_received ?? 0} of ${row.size_bytes} bytes received` +
            (now.bytes_received === null ? ' (the upload expired or was cancelled)' : ''),
          { bytes_received: now.bytes_received, size_bytes: row.size_bytes },
        );
      }
      try {
        let targetId: number | null = null;
        if (row.target === 'data_product') {
          const existing = await run(actor, (tx) =>
            tx
              .selectFrom('data_products')
              .select('id')
              .where('file_id', '=', file.id)
              .where('flight_id', '=', row.flight_id!)
              .executeTakeFirst(),
          );
          targetId =
            existing?.id ??
            (await products.create(actor, row.flight_id!, { file_id: file.id, data_type: row.data_type! }))
              .id;
        } else if (row.target === 'vector_layer') {
          const existing = await run(actor, (tx) =>
            tx.selectFrom('vector_layers').select('id').where('file_id', '=', file.id).executeTakeFirst(),
          );
          if (existing) targetId = existing.id;
          else {
            const spooled = await vectors.spool(await blobs.get(file.storage_key), file.original_name);
            const name = file.original_name.replace(/\.[^.]+$/, '').slice(0, 255) || 'upload';
            const layer = await vectors.importFile(actor, row.project_id!, spooled, name);
            targetId = layer.id;
            await run(actor, (tx) =>
              tx.updateTable('vector_layers').set({ file_id: file.id }).where('id', '=', layer.id).execute(),
            );
          }
        }
        const done = await setOutcome(actor, id, {
          status: 'completed',
          file_id: file.id,
          target_id: targetId,
          error: null,
        });
        await run(actor, (tx) =>
          record(tx, actor, 'geodata.upload_session_complete', 'upload_session', id, { target_id: targetId }),
        );
        return done;
      } catch (err) {
        // A target the services refuse (not a raster, not a vector file...) fails the session with the reason.
        if (
          err instanceof AppError &&
          err.status < 500 &&
          err.code !== 'not_found' &&
          err.code !== 'forbidden'
        )
          await setOutcome(actor, id, {
            status: 'failed',
            file_id: file.id,
            error: err.message.slice(0, 4000),
          });
        throw err;
      }
    },

    /** Cancels: an unfinished upload's bytes are discarded; the session record goes (a target made stays). */
    async remove(actor: Actor, id: number) {
      const row = await run(actor, async (tx) => {
        const row = await own(tx, actor, id);
        await tx.deleteFrom('upload_sessions').where('id', '=', id).execute();
        await record(tx, actor, 'geodata.upload_session_cancel', 'upload_session', id, {
          status: row.status,
        });
        return row;
      });
      if (row.status === 'uploading')
        await store()
          .remove(row.tus_id)
          .catch(() => undefined);
    },
  };
}

export type UploadSessionsService = ReturnType<typeof createUploadSessionsService>;
