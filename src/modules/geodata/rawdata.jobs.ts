// The raw data job: reads the archive in place (rawdata.archive.ts), records its image count and footprints.
// A refused or damaged archive fails the row and the job with the reason (no retry: the bytes will not change).
// Idempotent: a second run rewrites the same columns.
import { inScope, type Tx } from '../../db/scope.ts';
import type { Deps } from '../../platform/deps.ts';
import type { JobContext } from '../../platform/jobs/runner.ts';
import { BadArchive, footprintsOf, readArchive } from './rawdata.archive.ts';
import { RAW_DATA_JOB } from './rawdata.service.ts';

export function defineRawDataJob({ jobs, blobs, database }: Pick<Deps, 'jobs' | 'blobs' | 'database'>) {
  jobs.define<{ rawDataId: number }>({
    kind: RAW_DATA_JOB,
    retryLimit: 0,
    handler: async (ctx: JobContext<{ rawDataId: number }>) => {
      const scope = { organizationId: ctx.organizationId, userId: ctx.userId };
      const id = ctx.payload.rawDataId;
      const found = await inScope(database.db, scope, (tx) =>
        tx
          .selectFrom('raw_data as r')
          .innerJoin('files as f', 'f.id', 'r.file_id')
          .select(['r.id', 'f.storage_key', 'f.size_bytes'])
          .where('r.id', '=', id)
          .where('f.status', '=', 'ready')
          .executeTakeFirst(),
      );
      if (!found) return { skipped: 'the raw data or its archive is gone' };
      const set = (tx: Tx, values: Record<string, unknown>) =>
        tx
          .updateTable('raw_data')
          .set({ ...values, updated_at: new Date() })
          .where('id', '=', id)
          .execute();
      await inScope(database.db, scope, (tx) => set(tx, { status: 'processing', error: null }));
      await ctx.progress(2, 'reading the archive directory');
      try {
        const summary = await readArchive(blobs, found.storage_key, Number(found.size_bytes), (done, total) =>
          ctx.progress(2 + (95 * done) / Math.max(total, 1), `${done} of ${total} entries read`),
        );
        if (summary.imageCount === 0)
          throw new BadArchive('the archive holds no JPEG or TIFF images (decided from their bytes)');
        await inScope(database.db, scope, (tx) =>
          set(tx, {
            status: 'ready',
            image_count: summary.imageCount,
            footprints: JSON.stringify(footprintsOf(summary)),
          }),
        );
        return {
          entries: summary.entries,
          images: summary.imageCount,
          placed: summary.points.length,
          unpacked_bytes: summary.unpackedBytes,
        };
      } catch (err) {
        const reason =
          err instanceof BadArchive ? err.message : `reading the archive failed: ${(err as Error).message}`;
        await inScope(database.db, scope, (tx) =>
          set(tx, { status: 'failed', error: reason.slice(0, 4096) }),
        );
        throw err;
      }
    },
  });
}
