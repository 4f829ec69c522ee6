// The tasks of an export, as PostgreSQL writes them: one line of JSON text per task in Label Studio's export
// shape (its key order), built by string concatenation in SQL, read inside one transaction (a consistent
// snapshot). On PostgreSQL the lines come from `COPY (SELECT ...) TO STDOUT`, the same machinery as a plain
// table dump; on PGlite from a cursor, a batch at a time. Either way memory holds one chunk, whatever the
// project's size, and this process never parses a task unless a converter needs its fields.
//
// Why text and not json_build_object: on PostgreSQL 15 json_build_object looks up and categorises the type
// of each of its arguments on every call, which made the query 3x slower than the same text built by `||`.
// The jsonb values (data, meta, result) come out in jsonb's own spacing (`{"a": 1, "b": 2}`); the JSON
// format takes those spaces out (export.text.ts), so its bytes are what JSON.stringify writes.
import type { Readable } from 'node:stream';
import { sql } from 'kysely';
import { to as copyTo } from 'pg-copy-streams';
import type { DatabaseKind } from '../../db/database.ts';
import type { HeldScope } from '../../db/scope.ts';

export interface TaskFilter {
  projectId: number;
  /** Label Studio's download_all_tasks=false / only_with_annotations: tasks with at least one annotation. */
  onlyAnnotated: boolean;
  ids?: number[];
  /**
   * 'task' (default): Label Studio's whole task object. 'regions': only what the image converters (COCO,
   * YOLO, VOC) read: the task's id and data (see imageKey), and per annotation its id, completed_by, result,
   * was_cancelled and created_at (in that order); about half the bytes for PostgreSQL to build and for this
   * process to parse.
   */
  fields?: 'task' | 'regions';
  /**
   * With 'regions': the data key of the image (the converters read nothing else of `data`), so `data` holds
   * only that key (`{}` when the task has none). Without it, the whole `data`.
   */
  imageKey?: string | null;
}

/** Tasks per FETCH on the cursor path (PGlite). */
const BATCH = 1000;

const int = (n: number) => {
  if (!Number.isSafeInteger(n)) throw new Error('not an id');
  return String(n);
};

/** A string as an SQL literal, whatever the server's standard_conforming_strings (an E'' string). */
const literal = (text: string) => `E'${text.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;

/** `{"key": value}` of the task's data, or `{}` when it has no such key (or is not an object). */
const dataKey = (key: string) =>
  `coalesce('{' || to_json(${literal(key)}::text)::text || ':' || (t.data -> ${literal(key)})::text || '}', '{}')`;

/** A timestamp as JavaScript's toISOString writes it (milliseconds, truncated, UTC), or JSON null. */
const iso = (col: string) =>
  `coalesce('"' || to_char(${col} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') || '"', 'null')`;
/** Any value as json_build_object would write it (timestamps with microseconds and offset, text escaped). */
const js = (col: string) => `coalesce(to_json(${col})::text, 'null')`;
const num = (col: string) => `coalesce(${col}::text, 'null')`;

const ANNOTATION = `'{"id":' || a.id || ',"completed_by":' || ${num('a.completed_by')}
  || ',"result":' || a.result::text || ',"was_cancelled":' || a.was_cancelled || ',"ground_truth":' || a.ground_truth
  || ',"created_at":' || ${js('a.created_at')} || ',"updated_at":' || ${js('a.updated_at')}
  || ',"lead_time":' || ${js('a.lead_time')} || ',"result_count":' || a.result_count
  || ',"task":' || a.task_id || ',"project":' || a.project_id || ',"updated_by":' || ${num('a.updated_by')}
  || ',"parent_prediction":' || ${num('a.parent_prediction_id')}
  || ',"parent_annotation":' || ${num('a.parent_annotation_id')}
  || ',"last_action":' || ${js('a.last_action')} || '}'`;

/** The annotation fields the item reader uses (cancelled or not, newest first, regions) and VOC's annotator. */
const ANNOTATION_REGIONS = `'{"id":' || a.id || ',"completed_by":' || ${num('a.completed_by')} || ',"result":' || a.result::text || ',"was_cancelled":' || a.was_cancelled
  || ',"created_at":' || ${js('a.created_at')} || '}'`;

const PREDICTION = `'{"id":' || p.id || ',"model_version":' || ${js('p.model_version')}
  || ',"result":' || p.result::text || ',"score":' || ${js('p.score')} || ',"task":' || p.task_id
  || ',"project":' || p.project_id || ',"created_at":' || ${js('p.created_at')}
  || ',"updated_at":' || ${js('p.updated_at')} || '}'`;

const TASK = `'{"id":' || t.id || ',"annotations":' || coalesce(a.j, '[]') || ',"drafts":[],"predictions":'
      || coalesce(p.j, '[]') || ',"data":' || t.data::text || ',"meta":' || t.meta::text
      || ',"created_at":' || ${iso('t.created_at')} || ',"updated_at":' || ${iso('t.updated_at')}
      || ',"inner_id":' || t.inner_id || ',"total_annotations":' || t.total_annotations
      || ',"cancelled_annotations":' || t.cancelled_annotations || ',"total_predictions":' || t.total_predictions
      || ',"comment_count":' || t.comment_count || ',"unresolved_comment_count":' || t.unresolved_comment_count
      || ',"last_comment_updated_at":' || ${iso('t.last_comment_updated_at')}
      || ',"project":' || t.project_id || ',"updated_by":' || ${num('t.updated_by')}
      || ',"comment_authors":[],"file_upload":' || ${num('t.file_upload_id')} || '}'`;

const PREDICTIONS = `LEFT JOIN LATERAL (
      SELECT '[' || string_agg(${PREDICTION}, ',' ORDER BY p.id) || ']' AS j
      FROM predictions p WHERE p.task_id = t.id AND t.total_predictions > 0
    ) p ON TRUE`;

/**
 * One row per task, column `j`: the task's Label Studio JSON on one line (JSON text never holds a raw
 * newline: jsonb and to_json escape them). The project's annotations are aggregated per task in one pass
 * joined in task order (a merge join on a large project: 26% faster at 1M tasks than a lookup per task);
 * predictions are looked up per task, only for tasks whose counter says they have any (most have none).
 * An annotation belongs to its task's project (it is written with it and moves only within it). COPY and
 * DECLARE take no bind parameters, so the integers are checked and inlined.
 */
export function exportTextQuery(f: TaskFilter): string {
  const where = [`t.project_id = ${int(f.projectId)}`];
  if (f.onlyAnnotated) where.push('(t.total_annotations + t.cancelled_annotations) > 0');
  const annotationsWhere = [`a.project_id = ${int(f.projectId)}`];
  if (f.ids) {
    const ids = `ANY('{${f.ids.map(int).join(',')}}'::bigint[])`;
    where.push(`t.id = ${ids}`);
    annotationsWhere.push(`a.task_id = ${ids}`);
  }
  const regions = f.fields === 'regions';
  const task = regions
    ? `'{"id":' || t.id || ',"annotations":' || coalesce(a.j, '[]') || ',"data":' || ${f.imageKey ? dataKey(f.imageKey) : 't.data::text'} || '}'`
    : TASK;
  return `
    SELECT ${task} AS j
    FROM tasks t
    LEFT JOIN (
      SELECT a.task_id, '[' || string_agg(${regions ? ANNOTATION_REGIONS : ANNOTATION}, ',' ORDER BY a.id) || ']' AS j
      FROM annotations a WHERE ${annotationsWhere.join(' AND ')}
      GROUP BY a.task_id
    ) a ON a.task_id = t.id
    ${regions ? '' : PREDICTIONS}
    WHERE ${where.join(' AND ')}
    ORDER BY t.id`;
}

/**
 * The tasks' lines as bytes, each ended by "\n", in chunks of whatever size the transport gives. Runs on
 * `held` (whose transaction the caller ends). On PostgreSQL, stopping early leaves the connection inside the
 * COPY: the caller must `abandon()` it rather than roll back (see `copying`).
 */
export function exportLines(held: HeldScope, kind: DatabaseKind, filter: TaskFilter): AsyncIterable<Buffer> {
  return kind === 'postgres' ? copyLines(held, filter) : cursorLines(held, filter);
}

async function* copyLines(held: HeldScope, filter: TaskFilter): AsyncGenerator<Buffer> {
  // JIT compiles this string-building plan for about a second and wins nothing back (measured).
  await held.client.query('SET LOCAL jit = off');
  // CSV with a delimiter and quote that JSON text cannot hold (control characters are escaped in it), so
  // no value is ever quoted or escaped: the bytes are the JSON lines as PostgreSQL wrote them.
  const stream: Readable = held.client.query(
    copyTo(
      `COPY (${exportTextQuery(filter)}) TO STDOUT WITH (FORMAT csv, DELIMITER E'\\x01', QUOTE E'\\x02')`,
      { highWaterMark: 1024 * 1024 },
    ),
  );
  yield* stream as AsyncIterable<Buffer>;
}

async function* cursorLines(held: HeldScope, filter: TaskFilter): AsyncGenerator<Buffer> {
  await sql.raw(`DECLARE export_lines NO SCROLL CURSOR FOR ${exportTextQuery(filter)}`).execute(held.tx);
  for (;;) {
    const { rows } = await held.client.query<{ j: string }>(`FETCH ${BATCH} FROM export_lines`);
    if (rows.length === 0) break;
    let text = '';
    for (const r of rows) text += `${r.j}\n`;
    yield Buffer.from(text);
  }
  await held.client.query('CLOSE export_lines');
}
