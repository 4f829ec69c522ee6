// The LLM answerer: the same port as the built-in analyst (a question and the room's tables in, a Plan out).
// The model sees the tables' columns and a few sample rows and is asked for one DuckDB SELECT; what it
// writes is only a proposal: the worker checks it with sql-guard and DuckDB's own parser (one read-only
// SELECT) before it runs, inside the same sandbox as every other query.
import { type ChatMessage, chatCompletion, type LlmSettings } from '../llm-client.ts';
import type { Plan, TableInfo } from './analyst.ts';

export interface TableSample extends TableInfo {
  rows: unknown[][];
}

const MAX_CELL = 80;
const MAX_COLUMNS = 200;

function cell(v: unknown): string {
  const s = v === null || v === undefined ? 'NULL' : typeof v === 'string' ? v : JSON.stringify(v);
  return s.length > MAX_CELL ? `${s.slice(0, MAX_CELL)}…` : s;
}

export function prompt(question: string, tables: TableSample[], maxRows: number): ChatMessage[] {
  const schema = tables
    .map((t) => {
      const cols = t.columns
        .slice(0, MAX_COLUMNS)
        .map((c) => `  "${c.name}" ${c.type}`)
        .join('\n');
      const sample = t.rows.map((r) => `  ${r.map(cell).join(' | ')}`).join('\n');
      return `Table "${t.name}" (from the file ${t.fileName}):\n${cols}\nSample rows:\n${sample || '  (none)'}`;
    })
    .join('\n\n');
  return [
    {
      role: 'system',
      content:
        'You write one DuckDB SQL SELECT query that answers the question over the tables below. ' +
        'Use only these tables, by name; never file paths, read_* functions, ATTACH, COPY, INSTALL, LOAD, SET ' +
        `or any statement that writes. Return at most ${maxRows} rows. Put the query alone in a \`\`\`sql block. ` +
        'If the tables cannot answer the question, reply with one sentence saying why and no SQL.\n\n' +
        schema,
    },
    { role: 'user', content: question },
  ];
}

/** The SQL in a model's reply: a fenced block, else the whole reply when it reads as a query. */
export function extractSql(reply: string): string | null {
  const fenced = /```(?:sql|duckdb)?\s*\n?([\s\S]*?)```/i.exec(reply);
  if (fenced?.[1]?.trim()) return fenced[1].trim();
  const bare = reply.trim();
  if (/^(select|with|from|summarize)\b/i.test(bare)) return bare;
  return null;
}

export async function llmPlan(
  settings: LlmSettings,
  question: string,
  tables: TableSample[],
  maxRows: number,
): Promise<Plan> {
  const reply = await chatCompletion(settings, prompt(question, tables, maxRows));
  if (!reply.ok)
    return { kind: 'text', text: `I could not get an answer: ${reply.message}.`, error: 'llm_failed' };
  const sqlText = extractSql(reply.text);
  if (!sqlText) {
    const said = reply.text.replace(/\s+/g, ' ').trim().slice(0, 500);
    return {
      kind: 'text',
      text: said
        ? `The language model wrote no query. It said: "${said}"`
        : 'The language model answered with nothing I could use.',
      error: 'llm_no_sql',
    };
  }
  return {
    kind: 'sql',
    sql: sqlText,
    explain: `I asked the language model (${settings.model}) for a query and ran it`,
    chart: 'bar',
    userSql: true,
    source: 'llm',
  };
}
