// SQL of imports. Tasks first go into a temporary staging table of the import's own transaction (COPY on
// PostgreSQL: COPY FROM cannot write into a table with row-level security, a temporary table has none;
// multi-row INSERTs on PGlite, whose node-postgres adapter has no COPY), then one set-based statement per
// table moves them into tasks, annotations and predictions, where RLS checks every row. The staging table
// takes its ids from the tasks sequence, so annotations and predictions know their task without a join.
// Nothing is visible before COMMIT, and a crash (or kill -9) anywhere rolls all of it back.
import type { Writable } from 'node:stream';
import type { Selectable } from 'kysely';
import { sql } from 'kysely';
import type pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import type { DatabaseKind } from '../../db/database.ts';
import type { HeldScope, Tx } from '../../db/scope.ts';
import type { Imports } from '../../db/types.ts';
import { type LabelConfig, LabelConfigError, parseLabelConfig } from './label-config/index.ts';
import { ensureSettings } from './tasks.repo.ts';

export type ImportRow = Selectable<Imports>;

export interface StagedAnnotation {
  result: unknown[];
  was_cancelled: boolean;
  ground_truth: boolean;
  lead_time: number | null;
}

export interface StagedPrediction {
  result: unknown[];
  score: number | null;
  model_version: string;
}

export interface StagedTask {
  data: Record<string, unknown>;
  meta: Record<string, unknown>;
  /**
   * The task's JSON text as imported, when it holds no annotations or predictions: staged as is (the move
   * takes data and meta out of it, by Label Studio's rules, as createTaskReader does), so a million tasks
   * are not serialized again.
   */
  text?: string;
  annotations: StagedAnnotation[] | null;
  predictions: StagedPrediction[] | null;
  fileUploadId: number | null;
}

export interface StageWriter {
  /** A promise only when the caller must wait (a buffer went out and the stream is full). */
  write(task: StagedTask): Promise<void> | undefined;
  /** Ends the COPY (or the last batch); rows are then in the staging table. */
  end(): Promise<void>;
  /** Abandons a COPY under way (CopyFail), so the connection can roll back. */
  abort(): Promise<void>;
}

const COLUMNS = 'ord, data, meta, annotations, predictions, file_upload_id, raw';

export async function createStage(tx: Tx): Promise<void> {
  const { rows } = await sql<{ seq: string }>`SELECT pg_get_serial_sequence('tasks', 'id') AS seq`.execute(
    tx,
  );
  const seq = rows[0]!.seq.replaceAll("'", "''");
  await sql
    .raw(
      `CREATE TEMP TABLE import_stage (
         id bigint NOT NULL DEFAULT nextval('${seq}'::regclass),
         ord bigint NOT NULL,
         data jsonb,
         meta jsonb,
         annotations jsonb,
         predictions jsonb,
         file_upload_id bigint,
         raw jsonb
       ) ON COMMIT DROP`,
    )
    .execute(tx);
}

/** COPY text format: JSON.stringify never writes raw tabs or newlines, so only backslashes need escaping. */
const copyField = (value: unknown): string =>
  value === null || value === undefined ? '\\N' : JSON.stringify(value).replaceAll('\\', '\\\\');

const COPY_WHITESPACE = /[\n\r\t]/g;
const COPY_ESCAPES: Record<string, string> = { '\n': '\\n', '\r': '\\r', '\t': '\\t' };

/** Imported JSON text as a COPY field: it may also hold tabs and newlines (whitespace between tokens). */
const copyText = (text: string): string => {
  const escaped = text.includes('\\') ? text.replaceAll('\\', '\\\\') : text;
  COPY_WHITESPACE.lastIndex = 0;
  return COPY_WHITESPACE.test(escaped) ? escaped.replace(COPY_WHITESPACE, (c) => COPY_ESCAPES[c]!) : escaped;
};

/** A staged task's data and meta: its own, or taken out of its imported text (see StagedTask.text). */
const STAGED_DATA = `coalesce(data, CASE WHEN raw ? 'data' THEN raw -> 'data' ELSE raw END)`;
const STAGED_META = `coalesce(meta, CASE WHEN raw ? 'data' AND jsonb_typeof(raw -> 'meta') = 'object'
  THEN raw -> 'meta' ELSE '{}'::jsonb END)`;

/** Rows a COPY carries before its rows are moved into the project while the next chunk is parsed. */
const CHUNK_ROWS = 100_000;

/** What one chunk of staged rows holds, so its move runs only the statements it needs. */
export interface Chunk {
  annotations: number;
  predictions: number;
}

/**
 * COPY into the staging table in chunks. At each chunk's end `onChunk` queues the move of the staged rows on
 * the same connection (not awaited), and the next chunk's COPY is queued behind it: while PostgreSQL moves
 * chunk k, this process parses chunk k+1 into the next COPY's buffer (corked until the COPY starts; its
 * high-water mark holds a chunk). Closing chunk k+1 waits for that COPY, so at most one chunk runs ahead.
 */
function copyWriter(held: HeldScope, mover: Mover | null): StageWriter {
  let failure: Error | null = null;
  const open = () => {
    const s = copyFrom(`COPY import_stage (${COLUMNS}) FROM STDIN`, { highWaterMark: 64 * 1024 * 1024 });
    // Submitted after the moves queued before it; until then its writes wait in its buffer.
    const submit = () => {
      held.client.query(s);
    };
    if (mover) mover.after(submit);
    else submit();
    s.on('error', (err) => {
      failure ??= err;
    });
    return s as Writable;
  };
  let stream = open();
  let ord = 0;
  let buf = '';
  let ended = false;
  let chunk: Chunk & { rows: number } = { rows: 0, annotations: 0, predictions: 0 };
  const flush = async () => {
    if (failure) throw failure;
    const text = buf;
    buf = '';
    if (!stream.write(text)) {
      await new Promise<void>((resolve, reject) => {
        const onError = (err: Error) => reject(err);
        stream.once('drain', () => {
          stream.off('error', onError);
          resolve();
        });
        stream.once('error', onError);
      });
    }
  };
  const close = async () => {
    if (buf) await flush();
    await new Promise<void>((resolve, reject) => {
      if (failure) return reject(failure);
      stream.once('error', reject);
      stream.once('finish', () => resolve());
      stream.end();
    });
  };
  const afterFlush = async () => {
    await flush();
    if (mover && chunk.rows >= CHUNK_ROWS) {
      await close();
      mover.queue(chunk, false);
      chunk = { rows: 0, annotations: 0, predictions: 0 };
      stream = open();
    }
  };
  return {
    write(t) {
      ord++;
      const file = t.fileUploadId ?? '\\N';
      buf +=
        t.text !== undefined
          ? `${ord}\t\\N\t\\N\t\\N\t\\N\t${file}\t${copyText(t.text)}\n`
          : `${ord}\t${copyField(t.data)}\t${copyField(t.meta)}\t${copyField(t.annotations)}\t${copyField(t.predictions)}\t${file}\t\\N\n`;
      chunk.rows++;
      chunk.annotations += t.annotations?.length ?? 0;
      chunk.predictions += t.predictions?.length ?? 0;
      if (buf.length >= 256 * 1024 || (mover && chunk.rows >= CHUNK_ROWS)) return afterFlush();
      return undefined;
    },
    async end() {
      await close();
      ended = true;
    },
    async abort() {
      // Ended, not destroyed: a COPY still queued behind a move would otherwise start later and hold the
      // connection. Ending it lets PostgreSQL finish it (or refuse it in the failed transaction) before the
      // ROLLBACK that follows.
      if (ended) return;
      ended = true;
      buf = '';
      if (failure) return;
      await new Promise<void>((resolve) => {
        stream.once('error', () => resolve());
        stream.once('finish', () => resolve());
        stream.end();
      });
    },
  };
}

function batchWriter(tx: Tx): StageWriter {
  let ord = 0;
  let batch: unknown[] = [];
  let bytes = 0;
  const flush = async () => {
    if (batch.length === 0) return;
    const text = `[${batch.join(',')}]`;
    batch = [];
    bytes = 0;
    await sql`
      INSERT INTO import_stage (ord, data, meta, annotations, predictions, file_upload_id, raw)
      SELECT (r ->> 'o')::bigint, r -> 'd', r -> 'm', nullif(r -> 'a', 'null'::jsonb), nullif(r -> 'p', 'null'::jsonb),
             (r ->> 'f')::bigint, r -> 'r'
      FROM jsonb_array_elements(${text}::jsonb) AS r`.execute(tx);
  };
  return {
    write(t) {
      ord++;
      const row =
        t.text !== undefined
          ? `{"o":${ord},"f":${t.fileUploadId ?? 'null'},"r":${t.text}}`
          : JSON.stringify({
              o: ord,
              d: t.data,
              m: t.meta,
              a: t.annotations,
              p: t.predictions,
              f: t.fileUploadId,
            });
      batch.push(row);
      bytes += row.length;
      if (batch.length >= 2000 || bytes >= 4 * 1024 * 1024) return flush();
      return undefined;
    },
    end: flush,
    abort: async () => {},
  };
}

/** `mover` (PostgreSQL only) moves full chunks into the project as they are staged. */
export function stageWriter(kind: DatabaseKind, held: HeldScope, mover: Mover | null): StageWriter {
  return kind === 'postgres' ? copyWriter(held, mover) : batchWriter(held.tx);
}

export interface Totals {
  tasks: number;
  annotations: number;
  cancelled: number;
  predictions: number;
  groundTruth: number;
}

export interface Target {
  organizationId: number;
  projectId: number;
  importId: number;
  userId: number | null;
}

export interface Mover {
  /** Queues the move of what is staged now (on the import's connection, in order); errors surface in finish. */
  queue(chunk: Chunk, wantIds: boolean): void;
  /** Runs `fn` once everything queued so far has run (the next COPY is submitted this way). */
  after(fn: () => void): void;
  /** Waits for every queued move, then adds the import to the project's counters. */
  finish(totals: Totals): Promise<{ taskIds: number[] }>;
}

/**
 * Moves staged tasks into the project, chunk by chunk: the settings row is locked first (it orders imports
 * and single creates, and reserves inner ids), then each chunk goes into tasks, annotations and predictions
 * with one set-based statement per table and the staging table is emptied for the next chunk.
 *
 * Imported tasks carry no import_id or updated_by (Label Studio leaves updated_by empty too): import_id would
 * add an index entry per row and updated_by a foreign-key check per row (the project and file references are
 * checked once per statement, migration 0028). The import record keeps the counts and the file uploads;
 * tasks point at their file upload.
 */
export async function createMover(held: HeldScope, target: Target, returnIds: boolean): Promise<Mover> {
  const { tx, client } = held;
  const { organizationId: org, projectId, userId } = target;
  await ensureSettings(tx, org, projectId);
  const { rows } = await sql<{ first: number; max: number }>`
    SELECT next_inner_id - 1 AS first, maximum_annotations AS max FROM annotation_settings
    WHERE project_id = ${projectId} FOR UPDATE`.execute(tx);
  const first = Number(rows[0]!.first);
  const maxAnn = Number(rows[0]!.max);
  const int = (n: number | null) => (n === null ? 'NULL' : String(Math.trunc(n)));
  // One statement at a time, in order, without waiting here: the caller goes on parsing meanwhile.
  let chain: Promise<unknown> = Promise.resolve();
  let failure: unknown = null;
  let labeled = 0;
  let annotated = 0;
  const taskIds: number[] = [];
  const run = <T extends pg.QueryResultRow>(text: string, then?: (rows: T[]) => void) => {
    chain = chain.then(() =>
      client.query<T>(text).then(
        (r) => then?.(r.rows),
        (err: unknown) => {
          failure ??= err;
        },
      ),
    );
  };
  return {
    after(fn) {
      chain = chain.then(fn);
    },
    queue(chunk, wantIds) {
      if (wantIds || returnIds) {
        run<{ id: number }>('SELECT id FROM import_stage ORDER BY ord', (r) => {
          for (const x of r) taskIds.push(Number(x.id));
        });
      }
      if (chunk.annotations === 0) {
        run(`
          INSERT INTO tasks (id, organization_id, project_id, inner_id, data, meta, file_upload_id, total_predictions)
          SELECT id, ${int(org)}, ${int(projectId)}, ${first} + ord, ${STAGED_DATA}, ${STAGED_META},
                 file_upload_id, coalesce(jsonb_array_length(predictions), 0)
          FROM import_stage`);
      } else {
        run<{ labeled: number; annotated: number }>(
          `
          WITH s AS (
            SELECT id, ord, ${STAGED_DATA} AS data, ${STAGED_META} AS meta, file_upload_id,
              coalesce((SELECT count(*) FROM jsonb_array_elements(annotations) a
                        WHERE a ->> 'was_cancelled' = 'false'), 0)::int AS n_ok,
              coalesce((SELECT count(*) FROM jsonb_array_elements(annotations) a
                        WHERE a ->> 'was_cancelled' = 'true'), 0)::int AS n_cancelled,
              coalesce(jsonb_array_length(predictions), 0) AS n_pred
            FROM import_stage
          ), ins AS (
            INSERT INTO tasks (id, organization_id, project_id, inner_id, data, meta, file_upload_id,
                               total_annotations, cancelled_annotations, total_predictions, is_labeled)
            SELECT id, ${int(org)}, ${int(projectId)}, ${first} + ord, data, meta, file_upload_id,
                   n_ok, n_cancelled, n_pred, n_ok >= ${maxAnn}
            FROM s
            RETURNING is_labeled, total_annotations
          )
          SELECT count(*) FILTER (WHERE is_labeled)::int AS labeled,
                 count(*) FILTER (WHERE total_annotations > 0)::int AS annotated
          FROM ins`,
          (r) => {
            labeled += r[0]!.labeled;
            annotated += r[0]!.annotated;
          },
        );
        run(`
          INSERT INTO annotations (organization_id, project_id, task_id, result, result_count, was_cancelled,
                                   ground_truth, lead_time, completed_by, updated_by, import_id)
          SELECT ${int(org)}, ${int(projectId)}, s.id, x.a -> 'result', jsonb_array_length(x.a -> 'result'),
                 (x.a ->> 'was_cancelled')::boolean, (x.a ->> 'ground_truth')::boolean,
                 (x.a ->> 'lead_time')::double precision, ${int(userId)}, ${int(userId)}, ${int(target.importId)}
          FROM import_stage s CROSS JOIN LATERAL jsonb_array_elements(s.annotations) AS x(a)
          WHERE s.annotations IS NOT NULL`);
      }
      if (chunk.predictions > 0) {
        run(`
          INSERT INTO predictions (organization_id, project_id, task_id, result, score, model_version)
          SELECT ${int(org)}, ${int(projectId)}, s.id, x.p -> 'result', (x.p ->> 'score')::double precision,
                 x.p ->> 'model_version'
          FROM import_stage s CROSS JOIN LATERAL jsonb_array_elements(s.predictions) AS x(p)
          WHERE s.predictions IS NOT NULL`);
      }
      run('TRUNCATE import_stage');
    },

    async finish(totals) {
      await chain;
      if (failure) throw failure;
      const n = totals.tasks;
      await tx
        .updateTable('annotation_settings')
        .set((eb) => ({
          next_inner_id: eb('next_inner_id', '+', n),
          task_number: eb('task_number', '+', n),
          total_annotations_number: eb('total_annotations_number', '+', totals.annotations),
          skipped_annotations_number: eb('skipped_annotations_number', '+', totals.cancelled),
          total_predictions_number: eb('total_predictions_number', '+', totals.predictions),
          num_tasks_with_annotations: eb('num_tasks_with_annotations', '+', annotated),
          finished_task_number: eb('finished_task_number', '+', labeled),
          ground_truth_number: eb('ground_truth_number', '+', totals.groundTruth),
          updated_at: new Date(),
        }))
        .where('project_id', '=', projectId)
        .execute();
      return { taskIds };
    },
  };
}

export async function stagedTaskIds(tx: Tx): Promise<number[]> {
  const { rows } = await sql<{ id: number }>`SELECT id FROM import_stage ORDER BY ord`.execute(tx);
  return rows.map((r) => r.id);
}

export async function projectConfig(tx: Tx, projectId: number): Promise<string | null> {
  const row = await tx
    .selectFrom('annotation_settings')
    .select('label_config')
    .where('project_id', '=', projectId)
    .executeTakeFirst();
  return row?.label_config ?? null;
}

/** The project's parsed label config; none, or one that no longer parses: null. */
export async function projectLabelConfig(tx: Tx, projectId: number): Promise<LabelConfig | null> {
  const xml = await projectConfig(tx, projectId);
  if (!xml) return null;
  try {
    return parseLabelConfig(xml);
  } catch (err) {
    if (err instanceof LabelConfigError) return null;
    throw err;
  }
}
