// Runs in a worker thread: answers one question at a time per request over the room's files with a DuckDB
// instance of its own, made for that question and thrown away after it. The files are views over DuckDB's
// own readers (streamed, never loaded into JS memory); then external access is switched off except for
// exactly those paths, the configuration is locked, and the query runs under a time, row and memory limit.
import { parentPort } from 'node:worker_threads';
import { type DuckDBConnection, DuckDBInstance, StatementType } from '@duckdb/node-api';
import { interpret, type TableInfo } from './analyst.ts';
import { chartFor } from './chart.ts';
import { llmPlan, type TableSample } from './llm-answerer.ts';
import type { Answer, AskRequest, WorkerReply } from './protocol.ts';
import { refuseSql } from './sql-guard.ts';

const readers: Record<string, (p: string) => string> = {
  csv: (p) => `read_csv(${lit(p)})`,
  tsv: (p) => `read_csv(${lit(p)}, delim = '\t')`,
  parquet: (p) => `read_parquet(${lit(p)})`,
  json: (p) => `read_json_auto(${lit(p)})`,
};

function lit(s: string): string {
  return `'${s.replaceAll("'", "''")}'`;
}

const quote = (id: string) => `"${id.replaceAll('"', '""')}"`;

/** DuckDB's messages name the blob paths; people see their file names instead. */
function clean(message: string, req: AskRequest): string {
  let out = message;
  for (const f of req.files) out = out.replaceAll(f.path, f.fileName);
  // DuckDB's advice and dialect dump after the first lines is noise in a chat answer.
  out = out.split(/\nPossible solutions:|\n\s+file = /)[0]!;
  return out
    .replace(/\n\s*\n/g, '\n')
    .trim()
    .slice(0, 1500);
}

function plain(v: unknown): unknown {
  if (typeof v === 'bigint') return Number.isSafeInteger(Number(v)) ? Number(v) : v.toString();
  if (v instanceof Date)
    return Number.isNaN(v.getTime()) ? null : v.toISOString().replace('T00:00:00.000Z', '');
  if (v === null || typeof v === 'number' || typeof v === 'string' || typeof v === 'boolean') return v;
  if (Array.isArray(v)) return v.map(plain);
  if (typeof v === 'object') return String(v);
  return String(v);
}

// Blob paths are content-addressed (the bytes under a path never change), so a CSV's sniffed dialect and
// column types are found once per process and reused: later questions skip DuckDB's sniffing pass.
const sniffed = new Map<string, string>();
const SNIFF_CACHE = 1000;

async function readerFor(conn: DuckDBConnection, f: AskRequest['files'][number]): Promise<string | null> {
  const reader = readers[f.format];
  if (!reader) return null;
  if (f.format !== 'csv' && f.format !== 'tsv') return reader(f.path);
  const known = sniffed.get(f.path);
  if (known) return known;
  try {
    const opts = f.format === 'tsv' ? ", delim = '\t'" : '';
    const r = await conn.runAndReadAll(`SELECT Prompt FROM sniff_csv(${lit(f.path)}${opts})`);
    const prompt = String(r.getRowsJS()[0]?.[0] ?? '');
    const expr = prompt.replace(/^\s*FROM\s+/i, '').replace(/;\s*$/, '');
    if (!/^read_csv\(/.test(expr)) return reader(f.path);
    if (sniffed.size >= SNIFF_CACHE) sniffed.delete(sniffed.keys().next().value!);
    sniffed.set(f.path, expr);
    return expr;
  } catch {
    return reader(f.path); // the query will say what is wrong with the file (with its line)
  }
}

async function setUp(conn: DuckDBConnection, req: AskRequest): Promise<TableInfo[]> {
  const tables: TableInfo[] = [];
  for (const f of req.files) {
    const reader = await readerFor(conn, f);
    if (!reader) continue;
    await conn.run(`CREATE VIEW ${quote(f.table)} AS SELECT * FROM ${reader}`);
  }
  const allowed = req.files.map((f) => lit(f.path)).join(', ');
  await conn.run(`SET allowed_paths = [${allowed}]`);
  await conn.run('SET enable_external_access = false');
  await conn.run('SET autoinstall_known_extensions = false');
  await conn.run('SET autoload_known_extensions = false');
  await conn.run('SET lock_configuration = true');
  for (const f of req.files) {
    if (!readers[f.format]) continue;
    const d = await conn.runAndReadAll(`DESCRIBE ${quote(f.table)}`);
    tables.push({
      name: f.table,
      fileName: f.fileName,
      columns: d.getRowObjectsJS().map((r) => ({ name: String(r.column_name), type: String(r.column_type) })),
    });
  }
  return tables;
}

const SAMPLE_ROWS = 3;

/** A few rows of each table for the model's prompt (after the sandbox is locked). */
async function samples(conn: DuckDBConnection, tables: TableInfo[]): Promise<TableSample[]> {
  const out: TableSample[] = [];
  for (const t of tables) {
    let rows: unknown[][] = [];
    try {
      const r = await conn.streamAndReadUntil(
        `SELECT * FROM ${quote(t.name)} LIMIT ${SAMPLE_ROWS}`,
        SAMPLE_ROWS,
      );
      rows = r
        .getRowsJS()
        .slice(0, SAMPLE_ROWS)
        .map((row) => row.map(plain));
    } catch {
      // an unreadable file still has its columns; the query will say what is wrong with it
    }
    out.push({ ...t, rows });
  }
  return out;
}

async function ask(req: AskRequest): Promise<Answer> {
  const { limits } = req;
  const instance = await DuckDBInstance.create(':memory:', {
    threads: String(limits.threads),
    memory_limit: `${limits.memoryMb}MB`,
    max_temp_directory_size: '0B',
    enable_external_access: 'true',
  });
  const conn = await instance.connect();
  let timer = setTimeout(() => conn.interrupt(), limits.timeoutMs);
  let sqlText: string | null = null;
  try {
    const skipped = req.files
      .filter((f) => !readers[f.format])
      .map(
        (f) =>
          `${f.fileName}: ${f.note ?? 'not a table format I read (CSV, TSV, Parquet, JSON, Excel, shapefiles are)'}`,
      );
    const note = skipped.length ? ` (${skipped.join('; ')})` : '';
    let tables: TableInfo[];
    try {
      tables = await setUp(conn, req);
    } catch (err) {
      return {
        text: `I could not read the room's files: ${clean((err as Error).message, req)}`,
        sql: null,
        table: null,
        chart: null,
        error: 'unreadable_file',
      };
    }
    let plan = interpret(req.question, tables, limits.maxRows);
    if (plan.kind === 'text' && plan.unsure && req.llm && tables.length > 0) {
      const builtIn = plan.text;
      plan = await llmPlan(req.llm, req.question, await samples(conn, tables), limits.maxRows);
      // the model's time is its own limit (LLM_TIMEOUT_MS); the query gets the whole query limit
      clearTimeout(timer);
      timer = setTimeout(() => conn.interrupt(), limits.timeoutMs);
      if (plan.kind === 'text') plan = { ...plan, text: `${plan.text} ${builtIn}` };
    }
    if (plan.kind === 'text')
      return { text: plan.text + note, sql: null, table: null, chart: null, error: plan.error ?? null };
    sqlText = plan.sql;
    const whose = plan.source === 'llm' ? "the language model's SQL" : 'that SQL';
    if (plan.userSql) {
      const why = refuseSql(plan.sql);
      if (why)
        return {
          text: `I did not run ${whose}: ${why}.`,
          sql: plan.sql,
          table: null,
          chart: null,
          error: 'refused',
        };
      const statements = await conn.extractStatements(plan.sql);
      if (statements.count !== 1)
        return {
          text: `I did not run ${whose}: one statement at a time.`,
          sql: plan.sql,
          table: null,
          chart: null,
          error: 'refused',
        };
      const prepared = await statements.prepare(0);
      if (prepared.statementType !== StatementType.SELECT)
        return {
          text: `I did not run ${whose}: only read-only SELECT queries run here.`,
          sql: plan.sql,
          table: null,
          chart: null,
          error: 'refused',
        };
    }
    const reader = await conn.streamAndReadUntil(plan.sql, limits.maxRows + 1);
    const names = reader.columnNames();
    const types = reader.columnTypes().map(String);
    const all = reader.getRowsJS();
    const truncated = all.length > limits.maxRows || !reader.done;
    const rows = all.slice(0, limits.maxRows).map((r) => r.map(plain));
    const columns = names.map((name, i) => ({ name, type: types[i]! }));
    const chart = chartFor(plan.chart, columns, rows);
    const shown = truncated
      ? `the first ${rows.length} rows`
      : `${rows.length} row${rows.length === 1 ? '' : 's'}`;
    return {
      text: `${plan.explain}: ${shown}.${note}`,
      sql: plan.sql,
      table: { columns, rows, truncated },
      chart,
      error: null,
    };
  } catch (err) {
    const message = clean((err as Error).message, req);
    if (/interrupt/i.test(message))
      return {
        text: `The query ran longer than the limit of ${limits.timeoutMs / 1000} s and was stopped. Narrow the question (a filter, fewer groups) and ask again.`,
        sql: sqlText,
        table: null,
        chart: null,
        error: 'timeout',
      };
    if (/out of memory|memory limit/i.test(message))
      return {
        text: `The query needed more than the memory limit of ${limits.memoryMb} MB and was stopped.`,
        sql: sqlText,
        table: null,
        chart: null,
        error: 'memory',
      };
    return {
      text: `The query failed: ${message}`,
      sql: sqlText,
      table: null,
      chart: null,
      error: 'query_failed',
    };
  } finally {
    clearTimeout(timer);
    conn.closeSync();
    instance.closeSync();
  }
}

parentPort?.on('message', (req: AskRequest) => {
  ask(req).then(
    (answer) => parentPort!.postMessage({ id: req.id, ok: true, answer } satisfies WorkerReply),
    (err: unknown) =>
      parentPort!.postMessage({
        id: req.id,
        ok: false,
        error: clean(String((err as Error)?.message ?? err), req),
      } satisfies WorkerReply),
  );
});
