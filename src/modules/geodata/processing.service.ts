// The photogrammetry hook: a manager starts a processing run of a raw data archive and hands its one-time token
// to an external runner (a NodeODM script, see README). With the token alone the runner downloads the archive,
// reports status and delivers products, which go through the ordinary data product path (COG job for rasters,
// COPC header for point clouds) on the run's flight, created on behalf of whoever started the run. The token is
// kept only as a SHA-256 (processing_runs and public_tokens), expires after RUN_TOKEN_DAYS and dies when the
// run ends (done or failed). Nothing here runs photogrammetry itself.
import { createHash, randomBytes } from 'node:crypto';
import type { Readable } from 'node:stream';
import { sql } from 'kysely';
import { enterOrganization, inScope, type Tx } from '../../db/scope.ts';
import { audit } from '../../platform/audit.ts';
import type { Actor } from '../../platform/auth/actor.ts';
import type { Deps } from '../../platform/deps.ts';
import { AppError } from '../../platform/errors.ts';
import type { PageRequest } from '../../platform/http/common.schemas.ts';
import { insertFile, markDeleted, storeWithHead } from '../files/index.ts';
import { record, runner } from './geodata.service.ts';
import type { ProductsService } from './products.service.ts';
import { fileOf, type RawDataService } from './rawdata.service.ts';

export const RUN_TOKEN_DAYS = 7;
/** A delivered product streams into the blob store; as large as a tus upload. */
export const RUN_PRODUCT_MAX_BYTES = 5 * 1024 ** 3;

const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');

const runRow = (tx: Tx) =>
  tx
    .selectFrom('processing_runs as p')
    .selectAll('p')
    .select(
      sql<number[]>`coalesce((SELECT array_agg(d.id ORDER BY d.id) FROM data_products d
        WHERE d.processing_run_id = p.id), '{}')`.as('data_product_ids'),
    );

type RunRow = NonNullable<Awaited<ReturnType<ReturnType<typeof runRow>['executeTakeFirst']>>>;

const toRun = (r: RunRow) => ({
  id: r.id,
  raw_data_id: r.raw_data_id,
  flight_id: r.flight_id,
  status: r.status as 'waiting',
  progress: r.progress,
  message: r.message,
  token_expires_at: r.token_expires_at,
  data_product_ids: r.data_product_ids.map(Number),
  created_by: r.created_by,
  created_at: r.created_at,
  updated_at: r.updated_at,
  finished_at: r.finished_at,
});

const gone = () =>
  new AppError('not_found', 'processing run not found: the token is unknown, expired, or its run has ended');

export function createProcessingService(
  deps: Pick<Deps, 'database' | 'blobs' | 'config'>,
  raw: RawDataService,
  products: ProductsService,
) {
  const run = runner(deps);
  const { blobs } = deps;
  const base = deps.config.PUBLIC_URL?.replace(/\/+$/, '') ?? '';

  /** A call by run token: the token finds its organization, `fn` runs there under RLS with the live run. */
  async function withToken<T>(token: string, fn: (tx: Tx, run: RunRow) => Promise<T>): Promise<T> {
    return inScope(deps.database.db, { organizationId: null, userId: null }, async (tx) => {
      const hash = sha256(token);
      await sql`SELECT set_config('app.token_hash', ${hash}, true)`.execute(tx);
      const hit = await tx
        .selectFrom('public_tokens')
        .select('organization_id')
        .where('token_hash', '=', hash)
        .where('kind', '=', 'processing_run')
        .executeTakeFirst();
      if (!hit) throw gone();
      await sql`SELECT set_config('app.token_hash', '', true)`.execute(tx);
      await enterOrganization(tx, hit.organization_id);
      const row = await runRow(tx)
        .where('p.token_hash', '=', hash)
        .where('p.status', 'in', ['waiting', 'running'])
        .where('p.token_expires_at', '>', sql<Date>`now()`)
        .forUpdate()
        .executeTakeFirst();
      if (!row) throw gone();
      return fn(tx, row);
    });
  }

  /** Whoever started the run: the products are theirs, made under their project role (a scoped credential). */
  const starterOf = (r: RunRow, ip: string, userAgent: string | null): Actor => {
    if (r.created_by === null)
      throw new AppError('forbidden', 'the person who started this processing run is no longer a user');
    return {
      userId: r.created_by,
      organizationId: r.organization_id,
      isSuperuser: false,
      isStaff: false,
      isApproved: true,
      authMethod: 'api_key',
      apiKeyId: null,
      ip,
      userAgent,
    };
  };

  async function end(tx: Tx, id: number) {
    await tx
      .deleteFrom('public_tokens')
      .where('kind', '=', 'processing_run')
      .where('target_id', '=', id)
      .execute();
  }

  return {
    async start(actor: Actor, rawId: number) {
      return run(actor, async (tx, org) => {
        const row = await raw.rawIn(tx, actor, rawId, 'geodata.write');
        if (row.status !== 'ready')
          throw new AppError(
            'conflict',
            `raw data ${rawId} is ${row.status}: a processing run needs an archive that has been read`,
            { status: row.status },
          );
        fileOf(row);
        const flight = await tx
          .selectFrom('flights')
          .select('read_only')
          .where('id', '=', row.flight_id)
          .executeTakeFirstOrThrow();
        if (flight.read_only)
          throw new AppError('bad_request', `flight ${row.flight_id} is read-only: it takes no new products`);
        const token = randomBytes(32).toString('base64url');
        const hash = sha256(token);
        const { id } = await tx
          .insertInto('processing_runs')
          .values({
            organization_id: org,
            project_id: row.project_id,
            flight_id: row.flight_id,
            raw_data_id: rawId,
            token_hash: hash,
            token_expires_at: sql<Date>`now() + make_interval(days => ${RUN_TOKEN_DAYS})`,
            created_by: actor.userId,
          })
          .returning('id')
          .executeTakeFirstOrThrow();
        await tx
          .insertInto('public_tokens')
          .values({ token_hash: hash, kind: 'processing_run', organization_id: org, target_id: id })
          .execute();
        await record(tx, actor, 'geodata.processing_start', 'processing_run', id, { raw_data_id: rawId });
        const r = (await runRow(tx).where('p.id', '=', id).executeTakeFirst())!;
        const at = `${base}/api/processing/${token}`;
        return {
          ...toRun(r),
          archive_url: `${at}/archive`,
          callback_url: `${at}/products`,
          status_url: `${at}/status`,
        };
      });
    },

    async list(actor: Actor, rawId: number, page: PageRequest) {
      return run(actor, async (tx) => {
        await raw.rawIn(tx, actor, rawId, 'geodata.read');
        const { count } = await tx
          .selectFrom('processing_runs')
          .select((eb) => eb.fn.countAll<number>().as('count'))
          .where('raw_data_id', '=', rawId)
          .executeTakeFirstOrThrow();
        const rows = await runRow(tx)
          .where('p.raw_data_id', '=', rawId)
          .orderBy('p.id', 'desc')
          .limit(page.pageSize)
          .offset((page.page - 1) * page.pageSize)
          .execute();
        return { count: Number(count), results: rows.map(toRun) };
      });
    },

    /** The archive a runner downloads (range reads allowed). */
    async archive(token: string) {
      return withToken(token, async (tx, r) => {
        const row = await tx
          .selectFrom('raw_data as r')
          .innerJoin('files as f', 'f.id', 'r.file_id')
          .select(['f.storage_key', 'f.size_bytes', 'f.sha256', 'r.original_name'])
          .where('r.id', '=', r.raw_data_id)
          .where('f.status', '=', 'ready')
          .executeTakeFirst();
        if (!row) throw new AppError('conflict', 'the archive of this run has been deleted');
        return { ...row, size_bytes: Number(row.size_bytes) };
      });
    },

    async setStatus(
      token: string,
      body: { status: 'running' | 'failed' | 'done'; message?: string; progress?: number },
    ) {
      return withToken(token, async (tx, r) => {
        const ended = body.status !== 'running';
        const updated = await tx
          .updateTable('processing_runs')
          .set({
            status: body.status,
            ...(body.message !== undefined && { message: body.message }),
            progress: body.status === 'done' ? 100 : (body.progress ?? r.progress),
            updated_at: new Date(),
            ...(ended && { token_hash: null, finished_at: new Date() }),
          })
          .where('id', '=', r.id)
          .returning(['id', 'status', 'progress', 'message'])
          .executeTakeFirstOrThrow();
        if (ended) await end(tx, r.id);
        await audit(tx, {
          organizationId: r.organization_id,
          actorUserId: r.created_by,
          authMethod: 'api_key',
          action: 'geodata.processing_status',
          targetType: 'processing_run',
          targetId: r.id,
          details: { status: body.status, by: 'run token' },
        });
        return { ...updated, status: updated.status as 'running' };
      });
    },

    /** Checks the token before any byte is stored. */
    async checkToken(token: string) {
      await withToken(token, async () => undefined);
    },

    /** A delivered product: stored, then registered on the run's flight as its starter would register it. */
    async deliver(
      token: string,
      dataType: string,
      source: Readable,
      name: string,
      client: { ip: string; userAgent: string | null },
    ) {
      const { blob } = await storeWithHead(blobs, source, RUN_PRODUCT_MAX_BYTES);
      const { starter, flightId, runId, fileId } = await withToken(token, async (tx, r) => {
        const starter = starterOf(r, client.ip, client.userAgent);
        const file = await insertFile(tx, {
          organizationId: r.organization_id,
          projectId: r.project_id,
          uploadedBy: starter.userId,
          parentFileId: null,
          storageKey: blob.key,
          name,
          mimeType: 'application/octet-stream',
          size: blob.size,
          sha256: blob.sha256,
          metadata: { role: 'processing_product', processing_run_id: r.id },
        });
        if (r.status === 'waiting')
          await tx
            .updateTable('processing_runs')
            .set({ status: 'running', updated_at: new Date() })
            .where('id', '=', r.id)
            .execute();
        return { starter, flightId: r.flight_id, runId: r.id, fileId: file.id };
      });
      let product: Awaited<ReturnType<ProductsService['create']>>;
      try {
        product = await products.create(starter, flightId, { file_id: fileId, data_type: dataType });
      } catch (err) {
        // Refused (not COPC, the starter lost write access...): the stored file goes, the run stays open.
        await inScope(deps.database.db, { organizationId: starter.organizationId, userId: null }, (tx) =>
          markDeleted(tx, fileId),
        );
        throw err;
      }
      await inScope(deps.database.db, { organizationId: starter.organizationId, userId: null }, (tx) =>
        tx
          .updateTable('data_products')
          .set({ processing_run_id: runId })
          .where('id', '=', product.id)
          .execute(),
      );
      return product;
    },
  };
}

export type ProcessingService = ReturnType<typeof createProcessingService>;
