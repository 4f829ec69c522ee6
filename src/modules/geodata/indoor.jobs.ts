// Parsing an indoor data file's spreadsheet into indoor_data_rows. The sheet is read as a stream and its rows
// spooled to a temporary NDJSON file (memory stays flat, progress is reported while reading); the rows then go
// in with set-based INSERT ... SELECT statements inside one transaction together with the file's new status, so
// a sheet is queryable with all its rows or none. Idempotent: a second run finds the file no longer
// 'processing', and a run after a crash starts the insert over. A bad sheet marks the data file failed with the
// reason (the job itself succeeds: its work, judging the sheet, is done).

import { once } from 'node:events';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { Transform } from 'node:stream';
import { inScope } from '../../db/scope.ts';
import type { Deps } from '../../platform/deps.ts';
import type { JobContext } from '../../platform/jobs/runner.ts';
import { BadSheet, type Cell, readSheet, sheetFormatOf } from './indoor.parse.ts';
import { insertRows, markParsed } from './indoor.repo.ts';

export const INDOOR_PARSE_JOB = 'geodata.indoor_parse';
const RETRY_LIMIT = 2;
const INSERT_BATCH = 5000;

export interface IndoorParsePayload {
  dataId: number;
}

export function defineIndoorJobs(deps: Pick<Deps, 'database' | 'jobs' | 'blobs'>): void {
  const { database, blobs } = deps;

  async function parse(ctx: JobContext<IndoorParsePayload>) {
    const org = ctx.organizationId;
    const dataId = ctx.payload.dataId;
    const target = await inScope(database.db, { organizationId: org, userId: null }, (tx) =>
      tx
        .selectFrom('indoor_project_data as d')
        .innerJoin('files as f', 'f.id', 'd.file_id')
        .select(['d.status', 'f.storage_key', 'f.mime_type', 'f.size_bytes', 'd.original_name'])
        .where('d.id', '=', dataId)
        .executeTakeFirst(),
    );
    if (target?.status !== 'processing') return { skipped: true };
    const format = sheetFormatOf(target.mime_type);
    if (!format) {
      await fail(org, dataId, `${target.mime_type} is not a spreadsheet`);
      return { status: 'failed' };
    }
    const dir = await mkdtemp(path.join(tmpdir(), 'gt-indoor-'));
    try {
      const spool = path.join(dir, 'rows.ndjson');
      const out = createWriteStream(spool);
      let read = 0;
      let lastReport = Date.now();
      const counter = new Transform({
        transform(chunk: Buffer, _enc, done) {
          read += chunk.length;
          done(null, chunk);
        },
      });
      const source = await blobs.get(target.storage_key);
      source.on('error', (err) => counter.destroy(err));
      source.pipe(counter);
      let sheet: Awaited<ReturnType<typeof readSheet>>;
      try {
        sheet = await readSheet(counter, format, async (rows: Cell[][]) => {
          for (const r of rows) if (!out.write(`${JSON.stringify(r)}\n`)) await once(out, 'drain');
          if (Date.now() - lastReport > 1000 && target.size_bytes > 0) {
            lastReport = Date.now();
            await ctx.progress((80 * read) / target.size_bytes, `reading ${target.original_name}`);
          }
        });
      } catch (err) {
        out.destroy();
        if (!(err instanceof BadSheet)) throw err;
        await fail(org, dataId, err.message);
        return { status: 'failed', error: err.message };
      }
      out.end();
      await once(out, 'finish');
      await ctx.progress(80, `storing ${sheet.rowCount} rows`);
      await inScope(database.db, { organizationId: org, userId: null }, async (tx) => {
        await tx.deleteFrom('indoor_data_rows').where('data_id', '=', dataId).execute();
        const lines = createInterface({
          input: createReadStream(spool),
          crlfDelay: Number.POSITIVE_INFINITY,
        });
        let batch: string[] = [];
        let offset = 0;
        for await (const line of lines) {
          batch.push(line);
          if (batch.length >= INSERT_BATCH) {
            await insertRows(tx, org, dataId, offset, `[${batch.join(',')}]`);
            offset += batch.length;
            batch = [];
          }
        }
        if (batch.length) await insertRows(tx, org, dataId, offset, `[${batch.join(',')}]`);
        await markParsed(tx, dataId, {
          status: 'ready',
          error: null,
          columns: sheet.columns,
          rowCount: sheet.rowCount,
        });
      });
      return { status: 'ready', rows: sheet.rowCount, columns: sheet.columns.length };
    } catch (err) {
      if (ctx.attempt > RETRY_LIMIT) await fail(org, dataId, `parsing failed: ${(err as Error).message}`);
      throw err;
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }

  const fail = (org: number, dataId: number, reason: string) =>
    inScope(database.db, { organizationId: org, userId: null }, (tx) =>
      markParsed(tx, dataId, {
        status: 'failed',
        error: reason.slice(0, 4000),
        columns: null,
        rowCount: null,
      }),
    );

  deps.jobs.define<IndoorParsePayload>({
    kind: INDOOR_PARSE_JOB,
    retryLimit: RETRY_LIMIT,
    expireInSeconds: 3600,
    handler: parse,
  });
}
