// Compiles a prepared data manager query into SQL fragments over `tasks t`: one WHERE (project, filters,
// selection) and one ORDER BY, every value a bound parameter. Column names come from a fixed list and data
// keys are parameters too, so nothing the client sends is ever spliced into the SQL text.
import { type RawBuilder, sql } from 'kysely';
import { type TaskColumnName, taskColumns } from './columns.ts';
import type { FilterItem, OrderKey, PreparedQuery } from './parse.ts';

type Sql = RawBuilder<unknown>;

/** An expression index a query would use on a data key (see dm.indexes.ts). */
export interface IndexNeed {
  kind: 'text' | 'num' | 'value';
  key: string;
}

export interface CompiledQuery {
  where: Sql;
  orderBy: Sql;
  needs: IndexNeed[];
  /** Regex filters get a statement timeout (PostgreSQL regexes cannot be bounded otherwise). */
  regexes: string[];
  /** Only the project matches: every task, so the totals are the project's counters (no count over the rows). */
  whole: boolean;
}

const TRUE = sql`TRUE`;
const FALSE = sql`FALSE`;

const likeEscape = (s: string) => s.replace(/[\\%_]/g, (c) => `\\${c}`);
const asBool = (v: unknown) => v === true || v === 'true';
const asText = (v: unknown) => String(v);
const isIntColumn = (name: string) =>
  [
    'id',
    'inner_id',
    'total_annotations',
    'cancelled_annotations',
    'total_predictions',
    'overlap',
    'comment_count',
    'unresolved_comment_count',
  ].includes(name);

/** NULL-safe negation: rows where the test is unknown (no value) count as "not matching". */
const not = (s: Sql) => sql`NOT coalesce(${s}, FALSE)`;

function scalarExpr(item: { column: FilterItem['column'] }, kind: string): Sql | null {
  const { column } = item;
  if (column.dataKey !== null) {
    if (kind === 'number') return sql`dm_num(t.data, ${column.dataKey}::text)`;
    return sql`dm_text(t.data, ${column.dataKey}::text)`;
  }
  switch (column.name as TaskColumnName) {
    case 'predictions_score':
      return sql`(SELECT avg(p.score) FROM predictions p WHERE p.task_id = t.id)`;
    case 'avg_lead_time':
      return sql`(SELECT avg(a.lead_time) FROM annotations a WHERE a.task_id = t.id)`;
    // One primary-key probe per task the other conditions leave.
    case 'file_upload':
      return sql`(SELECT f.original_name FROM files f WHERE f.organization_id = t.organization_id AND f.id = t.file_upload_id)`;
    case 'storage_filename':
      return sql`(SELECT l.key FROM storage_import_links l WHERE l.task_id = t.id ORDER BY l.id LIMIT 1)`;
    case 'annotators':
    case 'comment_authors':
    case 'ground_truth':
    case 'draft_exists':
    case 'predictions_model_versions':
    case 'annotations_results':
    case 'predictions_results':
      return null; // per-annotation facts: compiled as EXISTS below
    default:
      return sql.ref(`t.${column.name}`);
  }
}

/** A bound parameter of the right SQL type for comparisons with `expr`. */
function param(kind: string, value: unknown, intColumn: boolean): Sql {
  switch (kind) {
    case 'number':
      return intColumn ? sql`${Math.trunc(Number(value))}::bigint` : sql`${Number(value)}::float8`;
    case 'datetime':
      return sql`${new Date(value as string).toISOString()}::timestamptz`;
    case 'boolean':
      return sql`${asBool(value)}::boolean`;
    case 'user':
      return sql`${Number(value)}::bigint`;
    default:
      return sql`${asText(value)}::text`;
  }
}

/** Integer columns compared with a fractional number: move the bound so the comparison stays exact. */
function intComparison(e: Sql, op: string, value: number): Sql {
  const v = Math.max(Math.min(value, Number.MAX_SAFE_INTEGER), -Number.MAX_SAFE_INTEGER);
  const up = Math.ceil(v);
  const down = Math.floor(v);
  switch (op) {
    case 'equal':
      return Number.isInteger(v) ? sql`${e} = ${v}::bigint` : FALSE;
    case 'not_equal':
      return Number.isInteger(v) ? sql`${e} IS DISTINCT FROM ${v}::bigint` : TRUE;
    case 'less':
      return sql`${e} < ${up}::bigint`;
    case 'less_or_equal':
      return sql`${e} <= ${down}::bigint`;
    case 'greater':
      return sql`${e} > ${down}::bigint`;
    default:
      return sql`${e} >= ${up}::bigint`;
  }
}

function listParam(kind: string, values: unknown[]): Sql {
  if (kind === 'number') return sql`${values.map(Number)}::float8[]`;
  if (kind === 'user') return sql`${values.map(Number)}::bigint[]`;
  if (kind === 'boolean') return sql`${values.map(asBool)}::boolean[]`;
  if (kind === 'datetime')
    return sql`${values.map((v) => new Date(v as string).toISOString())}::timestamptz[]`;
  return sql`${values.map(asText)}::text[]`;
}

function scalarCondition(e: Sql, item: FilterItem, kind: string): Sql {
  const { operator: op, value } = item;
  const intCol = item.column.dataKey === null && isIntColumn(item.column.name);
  const p = (v: unknown) => param(kind, v, intCol);
  const stringEmpty = kind === 'string' ? sql`(${e} IS NULL OR ${e} = '')` : sql`${e} IS NULL`;
  switch (op) {
    case 'equal':
    case 'not_equal':
      if (intCol) return intComparison(e, op, Number(value));
      if (Array.isArray(value)) {
        const any = sql`${e} = ANY(${listParam(kind, value)})`;
        return op === 'equal' ? any : not(any);
      }
      return op === 'equal' ? sql`${e} = ${p(value)}` : sql`${e} IS DISTINCT FROM ${p(value)}`;
    case 'less':
    case 'less_or_equal':
    case 'greater':
    case 'greater_or_equal': {
      if (intCol) return intComparison(e, op, Number(value));
      const sym = { less: '<', less_or_equal: '<=', greater: '>', greater_or_equal: '>=' }[op];
      return sql`${e} ${sql.raw(sym)} ${p(value)}`;
    }
    case 'in':
    case 'not_in': {
      const { min, max } = value as { min: unknown; max: unknown };
      const inside = intCol
        ? sql`(${intComparison(e, 'greater_or_equal', Number(min))} AND ${intComparison(e, 'less_or_equal', Number(max))})`
        : sql`(${e} >= ${p(min)} AND ${e} <= ${p(max)})`;
      return op === 'in' ? inside : not(inside);
    }
    case 'in_list':
    case 'not_in_list': {
      const any = sql`${e} = ANY(${listParam(kind, value as unknown[])})`;
      return op === 'in_list' ? any : not(any);
    }
    case 'empty':
      return asBool(value) ? stringEmpty : sql`NOT ${stringEmpty}`;
    case 'exists':
    case 'not_exists': {
      const has =
        item.column.dataKey !== null ? sql`t.data ? ${item.column.dataKey}::text` : sql`${e} IS NOT NULL`;
      return op === 'exists' ? has : sql`NOT (${has})`;
    }
    case 'contains':
    case 'not_contains':
    case 'starts_with':
    case 'ends_with': {
      if (kind === 'user') {
        const values = Array.isArray(value) ? value : [value];
        const any = sql`${e} = ANY(${listParam(kind, values)})`;
        return op === 'not_contains' ? not(any) : any;
      }
      const s = likeEscape(asText(value));
      const pattern = op === 'starts_with' ? `${s}%` : op === 'ends_with' ? `%${s}` : `%${s}%`;
      const like = sql`${e}::text ILIKE ${pattern}::text`;
      return op === 'not_contains' ? not(like) : like;
    }
    case 'regex':
      return sql`${e} ~ ${asText(value)}::text`;
  }
}

/** Filters on facts of a task's annotations, drafts or predictions, as EXISTS over that table. */
function existsCondition(item: FilterItem): Sql {
  const { operator: op, value } = item;
  const values = Array.isArray(value) ? value : [value];
  const negative = op === 'not_equal' || op === 'not_contains' || op === 'not_in_list';
  const wrap = (inner: Sql, positive: boolean) =>
    positive ? sql`EXISTS (${inner})` : sql`NOT EXISTS (${inner})`;
  switch (item.column.name as TaskColumnName) {
    case 'annotators':
    case 'comment_authors': {
      const [table, who] =
        item.column.name === 'annotators'
          ? [sql`annotations`, sql`a.completed_by`]
          : [sql`task_comments`, sql`a.user_id`];
      if (op === 'empty' || op === 'exists' || op === 'not_exists') {
        const some = sql`SELECT 1 FROM ${table} a WHERE a.task_id = t.id AND ${who} IS NOT NULL`;
        const positive = op === 'exists' || (op === 'empty' && !asBool(value));
        return wrap(some, positive);
      }
      const ids = values.map(Number);
      return wrap(
        sql`SELECT 1 FROM ${table} a WHERE a.task_id = t.id AND ${who} = ANY(${ids}::bigint[])`,
        !negative,
      );
    }
    case 'predictions_model_versions': {
      if (op === 'empty' || op === 'exists' || op === 'not_exists') {
        const some = sql`SELECT 1 FROM predictions p WHERE p.task_id = t.id`;
        return wrap(some, op === 'exists' || (op === 'empty' && !asBool(value)));
      }
      return wrap(
        sql`SELECT 1 FROM predictions p WHERE p.task_id = t.id AND p.model_version = ANY(${values.map(asText)}::text[])`,
        !negative,
      );
    }
    case 'ground_truth':
    case 'draft_exists': {
      const inner =
        item.column.name === 'ground_truth'
          ? sql`SELECT 1 FROM annotations a WHERE a.task_id = t.id AND a.ground_truth`
          : sql`SELECT 1 FROM annotation_drafts d WHERE d.task_id = t.id`;
      const wanted =
        op === 'empty'
          ? !asBool(value)
          : op === 'exists'
            ? true
            : op === 'not_exists'
              ? false
              : asBool(value);
      return wrap(inner, op === 'not_equal' ? !wanted : wanted);
    }
    default: {
      // annotations_results / predictions_results: text search over the stacked results.
      const table = item.column.name === 'annotations_results' ? sql`annotations` : sql`predictions`;
      if (op === 'empty' || op === 'exists' || op === 'not_exists') {
        const some = sql`SELECT 1 FROM ${table} r WHERE r.task_id = t.id AND r.result <> '[]'::jsonb`;
        return wrap(some, op === 'exists' || (op === 'empty' && !asBool(value)));
      }
      const inner = scalarCondition(
        sql`r.result::text`,
        { ...item, operator: negative ? positiveOf(op) : op },
        'string',
      );
      return wrap(sql`SELECT 1 FROM ${table} r WHERE r.task_id = t.id AND ${inner}`, !negative);
    }
  }
}

function positiveOf(op: FilterItem['operator']): FilterItem['operator'] {
  return op === 'not_equal'
    ? 'equal'
    : op === 'not_contains'
      ? 'contains'
      : op === 'not_in_list'
        ? 'in_list'
        : op;
}

function condition(item: FilterItem): Sql {
  const kind = item.column.valueKind(item.type);
  const e = scalarExpr(item, kind);
  return e === null ? existsCondition(item) : scalarCondition(e, item, kind);
}

function orderExpr(key: OrderKey): Sql {
  const { column } = key;
  if (column.dataKey !== null) return sql`dm_value(t.data, ${column.dataKey}::text)`;
  switch (column.name as TaskColumnName) {
    case 'annotators':
      return sql`(SELECT min(a.completed_by) FROM annotations a WHERE a.task_id = t.id)`;
    case 'comment_authors':
      return sql`(SELECT min(c.user_id) FROM task_comments c WHERE c.task_id = t.id)`;
    case 'ground_truth':
      return sql`EXISTS (SELECT 1 FROM annotations a WHERE a.task_id = t.id AND a.ground_truth)`;
    case 'draft_exists':
      return sql`EXISTS (SELECT 1 FROM annotation_drafts d WHERE d.task_id = t.id)`;
    case 'predictions_model_versions':
      return sql`(SELECT min(p.model_version) FROM predictions p WHERE p.task_id = t.id)`;
    default:
      return scalarExpr({ column }, taskColumns[column.name as TaskColumnName].kind)!;
  }
}

function indexNeeds(q: PreparedQuery): IndexNeed[] {
  const needs = new Map<string, IndexNeed>();
  const add = (n: IndexNeed) => needs.set(`${n.kind}:${n.key}`, n);
  for (const item of q.items) {
    const key = item.column.dataKey;
    if (key === null) continue;
    const kind = item.column.valueKind(item.type);
    const ranged = ['less', 'less_or_equal', 'greater', 'greater_or_equal', 'in', 'equal', 'in_list'];
    if (kind === 'number' && ranged.includes(item.operator)) add({ kind: 'num', key });
    else if (
      ['equal', 'in_list', 'less', 'less_or_equal', 'greater', 'greater_or_equal'].includes(item.operator)
    )
      add({ kind: 'text', key });
  }
  for (const o of q.ordering) if (o.column.dataKey !== null) add({ kind: 'value', key: o.column.dataKey });
  return [...needs.values()];
}

/** The WHERE and ORDER BY of a prepared query over one project's tasks (`tasks t`). */
export function compile(projectId: number, q: PreparedQuery): CompiledQuery {
  const parts: Sql[] = [sql`t.project_id = ${projectId}::bigint`];
  const sel = q.selectedItems;
  // Hand-picked tasks are taken as they are; the filters narrow "all" (as the data manager's UI means it).
  if (q.items.length && sel.all) {
    const conds = q.items.map(condition);
    parts.push(sql`(${sql.join(conds, q.conjunction === 'and' ? sql` AND ` : sql` OR `)})`);
  }
  if (sel.all && sel.excluded.length) parts.push(sql`t.id <> ALL(${sel.excluded}::bigint[])`);
  if (!sel.all) parts.push(sql`t.id = ANY(${sel.included}::bigint[])`);
  // Ties break on the id in the same direction, so an index ending in id serves the whole ORDER BY.
  const keys = q.ordering.filter((o) => o.column.name !== 'id');
  const idKey = q.ordering.find((o) => o.column.name === 'id');
  const lastDesc = idKey ? idKey.descending : (keys.at(-1)?.descending ?? false);
  const order = [
    ...keys.map((o) => sql`${orderExpr(o)} ${sql.raw(o.descending ? 'DESC' : 'ASC')}`),
    sql`t.id ${sql.raw(lastDesc ? 'DESC' : 'ASC')}`,
  ];
  return {
    where: sql.join(parts, sql` AND `),
    orderBy: sql.join(order),
    needs: indexNeeds(q),
    regexes: q.items.filter((i) => i.operator === 'regex').map((i) => String(i.value)),
    whole: parts.length === 1,
  };
}
