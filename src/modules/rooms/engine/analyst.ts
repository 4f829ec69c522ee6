// The built-in analyst: a deterministic interpreter of a documented set of questions over the room's tables.
// It resolves column names fuzzily, writes DuckDB SQL from quoted identifiers and escaped literals only, and
// says plainly when it does not understand. No model is involved; the LLM answerer (llm-answerer.ts) sits
// behind the same `Plan` (question in, SQL out, checked by sql-guard before it runs) and takes the questions
// this one marks `unsure`.

export interface ColumnInfo {
  name: string;
  type: string;
}

export interface TableInfo {
  /** The SQL name of the table (a view over the file). */
  name: string;
  fileName: string;
  columns: ColumnInfo[];
}

export type ChartHint = 'bar' | 'line' | 'point' | 'histogram' | 'none';

export type Plan =
  | {
      kind: 'sql';
      sql: string;
      explain: string;
      chart: ChartHint;
      /** SQL someone other than this analyst wrote (a person, a model): checked before it runs. */
      userSql?: boolean;
      source?: 'llm';
    }
  | { kind: 'text'; text: string; unsure?: boolean; error?: string };

export const QUESTIONS = [
  'columns — the tables and their columns',
  'describe — a summary of every column (SUMMARIZE)',
  'how many rows',
  'count by <column>',
  'sum|average|min|max of <column> [by <column>]',
  'top <N> <column> [by <number column>]',
  'rows where <column> <op> <value> (op: =, !=, >, >=, <, <=, contains)',
  '<column> between <a> and <b>',
  'histogram of <column>',
  '<column> against <column> (also "vs")',
  '<number column> over time',
  'a read-only query in a ```sql block',
  'show slices | show slice <N> along x|y|z (over a .mhd volume)',
];

const quote = (id: string) => `"${id.replaceAll('"', '""')}"`;
const literal = (v: string) => (/^-?\d+(\.\d+)?$/.test(v) ? v : `'${v.replaceAll("'", "''")}'`);
const norm = (s: string) => s.toLowerCase().replace(/[^a-z0-9]/g, '');

const isNumeric = (t: string) =>
  /^(TINYINT|SMALLINT|INTEGER|BIGINT|HUGEINT|UTINYINT|USMALLINT|UINTEGER|UBIGINT|FLOAT|DOUBLE|REAL|DECIMAL)/i.test(
    t,
  );
const isTemporal = (t: string) => /^(DATE|TIMESTAMP|TIME)/i.test(t);

function distance(a: string, b: string): number {
  const d = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let prev = d[0]!;
    d[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const tmp = d[j]!;
      d[j] = Math.min(d[j]! + 1, d[j - 1]! + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = tmp;
    }
  }
  return d[b.length]!;
}

/** The column a person meant: exact, then normalized, then prefix/substring, then a small edit distance. */
export function resolveColumn(table: TableInfo, said: string): ColumnInfo | null {
  const s = said.trim().replace(/^["'`]|["'`]$/g, '');
  const n = norm(s);
  if (!n) return null;
  const cols = table.columns;
  const found =
    cols.find((c) => c.name === s) ??
    cols.find((c) => norm(c.name) === n) ??
    cols.find((c) => norm(c.name) === n.replace(/s$/, '')) ??
    cols.find((c) => norm(c.name).startsWith(n) || n.startsWith(norm(c.name))) ??
    cols.find((c) => norm(c.name).includes(n));
  if (found) return found;
  let best: ColumnInfo | null = null;
  let bestD = Math.max(1, Math.floor(n.length / 4));
  for (const c of cols) {
    const dd = distance(norm(c.name), n);
    if (dd <= bestD) {
      best = c;
      bestD = dd;
    }
  }
  return best;
}

const aggregates: Record<string, string> = {
  sum: 'sum',
  total: 'sum',
  average: 'avg',
  avg: 'avg',
  mean: 'avg',
  min: 'min',
  minimum: 'min',
  max: 'max',
  maximum: 'max',
  median: 'median',
};

function help(tables: TableInfo[], what: string): Plan {
  const cols = tables.map((t) => `${t.name}: ${t.columns.map((c) => c.name).join(', ')}`).join('; ');
  return {
    kind: 'text',
    unsure: true,
    text: `${what} I answer these questions: ${QUESTIONS.join('; ')}. Columns: ${cols}.`,
  };
}

/** The table a question is about: one it names (by table or file name), else the first. */
function pickTable(q: string, tables: TableInfo[]): { table: TableInfo; rest: string } {
  for (const t of tables) {
    const re = new RegExp(
      `\\b(in|from|of)\\s+(${t.name}|${t.fileName.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')})\\b`,
      'i',
    );
    if (re.test(q)) return { table: t, rest: q.replace(re, ' ') };
  }
  return { table: tables[0]!, rest: q };
}

export function interpret(question: string, tables: TableInfo[], maxRows: number): Plan {
  const fenced = /```sql\s*([\s\S]*?)```/i.exec(question);
  if (fenced) {
    return {
      kind: 'sql',
      sql: fenced[1]!.trim(),
      explain: 'I ran your SQL',
      chart: 'bar',
      userSql: true,
    };
  }
  if (tables.length === 0)
    return {
      kind: 'text',
      text: 'This room has no data yet: attach a CSV, TSV, Parquet, JSON, Excel or shapefile dataset (POST /api/rooms/{id}/files) and ask again.',
    };
  const raw = question.trim().replace(/[?!.]+$/, '');
  const { table, rest } = pickTable(raw, tables);
  const q = rest.trim().replace(/\s+/g, ' ');
  const t = quote(table.name);
  const col = (said: string) => resolveColumn(table, said);
  const unknown = (said: string) =>
    help(tables, `I could not find a column like "${said.trim()}" in ${table.name}.`);
  let m: RegExpExecArray | null;

  if (/^(columns|schema|fields|what columns|which columns|show columns|tables)\b/i.test(q)) {
    return {
      kind: 'text',
      text: tables
        .map(
          (tb) => `${tb.name} (${tb.fileName}): ${tb.columns.map((c) => `${c.name} ${c.type}`).join(', ')}`,
        )
        .join('\n'),
    };
  }
  if (/^(describe|summary|summarize|overview|profile)\b/i.test(q)) {
    return {
      kind: 'sql',
      sql: `SUMMARIZE ${t}`,
      explain: `I summarized every column of ${table.name}`,
      chart: 'none',
    };
  }
  if (/^(how many rows|count rows|row count|count|how many records|number of rows)$/i.test(q)) {
    return {
      kind: 'sql',
      sql: `SELECT count(*) AS rows FROM ${t}`,
      explain: `I counted the rows of ${table.name}`,
      chart: 'none',
    };
  }
  m = /^(?:count|number of \w+|how many \w+)\s+(?:of rows\s+)?(?:by|per|for each)\s+(.+)$/i.exec(q);
  if (m) {
    const c = col(m[1]!);
    if (!c) return unknown(m[1]!);
    return {
      kind: 'sql',
      sql: `SELECT ${quote(c.name)}, count(*) AS count FROM ${t} GROUP BY 1 ORDER BY count DESC, 1 LIMIT ${maxRows}`,
      explain: `I counted the rows of ${table.name} for each ${c.name}`,
      chart: isTemporal(c.type) ? 'line' : 'bar',
    };
  }
  m =
    /^(?:what is the |the )?(sum|total|average|avg|mean|min|minimum|max|maximum|median)\s+(?:of\s+)?(.+?)(?:\s+(?:by|per|for each)\s+(.+))?$/i.exec(
      q,
    );
  if (m) {
    const fn = aggregates[m[1]!.toLowerCase()]!;
    const c = col(m[2]!);
    if (!c) return unknown(m[2]!);
    if (!isNumeric(c.type) && fn !== 'min' && fn !== 'max')
      return { kind: 'text', text: `${c.name} is ${c.type}, not a number: I cannot take its ${m[1]}.` };
    const alias = quote(`${fn}_${c.name}`);
    if (!m[3])
      return {
        kind: 'sql',
        sql: `SELECT ${fn}(${quote(c.name)}) AS ${alias} FROM ${t}`,
        explain: `I computed the ${m[1]} of ${c.name} over ${table.name}`,
        chart: 'none',
      };
    const g = col(m[3]);
    if (!g) return unknown(m[3]);
    const order = isTemporal(g.type) ? '1' : `${alias} DESC NULLS LAST, 1`;
    return {
      kind: 'sql',
      sql: `SELECT ${quote(g.name)}, ${fn}(${quote(c.name)}) AS ${alias} FROM ${t} GROUP BY 1 ORDER BY ${order} LIMIT ${maxRows}`,
      explain: `I computed the ${m[1]} of ${c.name} for each ${g.name}`,
      chart: isTemporal(g.type) ? 'line' : 'bar',
    };
  }
  m = /^(?:top|largest|highest|biggest)\s+(\d{1,4})\s+(.+?)(?:\s+by\s+(.+))?$/i.exec(q);
  if (m) {
    const n = Math.min(Number(m[1]), maxRows);
    const c = col(m[2]!);
    if (!c) return unknown(m[2]!);
    if (m[3]) {
      const v = col(m[3]);
      if (!v) return unknown(m[3]);
      return {
        kind: 'sql',
        sql: `SELECT ${quote(c.name)}, sum(${quote(v.name)}) AS ${quote(`sum_${v.name}`)} FROM ${t} GROUP BY 1 ORDER BY 2 DESC NULLS LAST LIMIT ${n}`,
        explain: `I took the ${n} values of ${c.name} with the largest total ${v.name}`,
        chart: 'bar',
      };
    }
    if (isNumeric(c.type))
      return {
        kind: 'sql',
        sql: `SELECT * FROM ${t} ORDER BY ${quote(c.name)} DESC NULLS LAST LIMIT ${n}`,
        explain: `I took the ${n} rows with the largest ${c.name}`,
        chart: 'none',
      };
    return {
      kind: 'sql',
      sql: `SELECT ${quote(c.name)}, count(*) AS count FROM ${t} GROUP BY 1 ORDER BY count DESC, 1 LIMIT ${n}`,
      explain: `I took the ${n} most frequent values of ${c.name}`,
      chart: 'bar',
    };
  }
  m =
    /^(?:rows |show rows |show |filter |records )?(?:where|with)\s+(.+?)\s*(>=|<=|!=|<>|=|>|<|\bis not\b|\bis\b|\bcontains\b)\s*(.+)$/i.exec(
      q,
    );
  if (m) {
    const c = col(m[1]!);
    if (!c) return unknown(m[1]!);
    const op = m[2]!.toLowerCase();
    const value = m[3]!.trim().replace(/^["']|["']$/g, '');
    if (
      (op === '>' || op === '<' || op === '>=' || op === '<=') &&
      isNumeric(c.type) &&
      !/^-?\d+(\.\d+)?$/.test(value)
    )
      return { kind: 'text', text: `${c.name} is a number: "${value}" is not one.` };
    const cond =
      op === 'contains'
        ? `CAST(${quote(c.name)} AS VARCHAR) ILIKE ${literal(`%${value.replace(/[%_\\]/g, '\\$&')}%`)} ESCAPE '\\'`
        : `${quote(c.name)} ${op === 'is' ? '=' : op === 'is not' || op === '<>' ? '!=' : op} ${isNumeric(c.type) ? literal(value) : `'${value.replaceAll("'", "''")}'`}`;
    return {
      kind: 'sql',
      sql: `SELECT * FROM ${t} WHERE ${cond} LIMIT ${maxRows}`,
      explain: `I filtered ${table.name} to the rows where ${c.name} ${op} ${value}`,
      chart: 'none',
    };
  }
  m = /^(?:rows where |where )?(.+?)\s+between\s+(\S+)\s+and\s+(\S+)$/i.exec(q);
  if (m) {
    const c = col(m[1]!);
    if (!c) return unknown(m[1]!);
    return {
      kind: 'sql',
      sql: `SELECT * FROM ${t} WHERE ${quote(c.name)} BETWEEN ${literal(m[2]!)} AND ${literal(m[3]!)} LIMIT ${maxRows}`,
      explain: `I filtered ${table.name} to the rows where ${c.name} is between ${m[2]} and ${m[3]}`,
      chart: 'none',
    };
  }
  m = /^(?:histogram|distribution)\s+(?:of\s+)?(.+)$/i.exec(q);
  if (m) {
    const c = col(m[1]!);
    if (!c) return unknown(m[1]!);
    if (!isNumeric(c.type))
      return {
        kind: 'sql',
        sql: `SELECT ${quote(c.name)}, count(*) AS count FROM ${t} GROUP BY 1 ORDER BY count DESC LIMIT ${maxRows}`,
        explain: `${c.name} is not a number, so I counted each of its values`,
        chart: 'bar',
      };
    const x = quote(c.name);
    return {
      kind: 'sql',
      sql:
        `WITH b AS (SELECT min(${x})::DOUBLE AS lo, greatest((max(${x}) - min(${x}))::DOUBLE / 20, 1e-12) AS w FROM ${t}) ` +
        `SELECT lo + w * least(floor((${x} - lo) / w), 19) AS bin_start, count(*) AS count FROM ${t}, b ` +
        `WHERE ${x} IS NOT NULL GROUP BY 1 ORDER BY 1`,
      explain: `I split ${c.name} into 20 equal bins and counted the rows in each`,
      chart: 'histogram',
    };
  }
  m = /^(.+?)\s+over\s+time$/i.exec(q);
  if (m) {
    const v = col(m[1]!);
    if (!v) return unknown(m[1]!);
    const time = table.columns.find((c) => isTemporal(c.type));
    if (!time)
      return { kind: 'text', text: `${table.name} has no date or time column to put ${v.name} against.` };
    const fn = isNumeric(v.type) ? `sum(${quote(v.name)})` : 'count(*)';
    return {
      kind: 'sql',
      sql: `SELECT ${quote(time.name)}, ${fn} AS ${quote(isNumeric(v.type) ? `sum_${v.name}` : 'count')} FROM ${t} GROUP BY 1 ORDER BY 1 LIMIT ${maxRows}`,
      explain: `I summed ${v.name} for each ${time.name}`,
      chart: 'line',
    };
  }
  m = /^(?:plot |chart )?(.+?)\s+(?:against|vs\.?|versus)\s+(.+)$/i.exec(q);
  if (m) {
    const y = col(m[1]!);
    const x = col(m[2]!);
    if (!y) return unknown(m[1]!);
    if (!x) return unknown(m[2]!);
    return {
      kind: 'sql',
      sql: `SELECT ${quote(x.name)}, ${quote(y.name)} FROM ${t} USING SAMPLE ${maxRows} ROWS`,
      explain: `I took a sample of ${maxRows} rows of ${x.name} and ${y.name}`,
      chart: isTemporal(x.type) ? 'line' : 'point',
    };
  }
  if (/\bslice\b/i.test(q))
    return {
      kind: 'text',
      text: 'Slices are shown for a volume (a .mhd with its .raw or .zraw): this room has none.',
    };
  return help(tables, 'I did not understand the question.');
}
