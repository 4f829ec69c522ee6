// Label Studio's data manager query (`{filters: {conjunction, items}, ordering, selectedItems}`), checked and
// normalised. Every problem is a 400 that names the offending part (`filters.items[2].operator: ...`).
import { AppError } from '../../../platform/errors.ts';
import { type Column, resolveColumn } from './columns.ts';

export const operators = [
  'equal',
  'not_equal',
  'contains',
  'not_contains',
  'starts_with',
  'ends_with',
  'less',
  'greater',
  'less_or_equal',
  'greater_or_equal',
  'in',
  'not_in',
  'in_list',
  'not_in_list',
  'empty',
  'exists',
  'not_exists',
  'regex',
] as const;
export type Operator = (typeof operators)[number];

export const MAX_FILTER_ITEMS = 50;
export const MAX_SELECTED_IDS = 1_000_000;
export const MAX_STRING_VALUE = 10_000;
export const MAX_REGEX = 256;

export interface FilterItem {
  column: Column;
  operator: Operator;
  /** Label Studio's `type` (Number, String, Datetime, Boolean, List, Image, Unknown ...). */
  type: string;
  value: unknown;
}

export interface OrderKey {
  column: Column;
  descending: boolean;
}

export type SelectedItems = { all: true; excluded: number[] } | { all: false; included: number[] };

export interface PreparedQuery {
  conjunction: 'and' | 'or';
  items: FilterItem[];
  ordering: OrderKey[];
  selectedItems: SelectedItems;
}

const bad = (where: string, problem: string) => new AppError('validation_failed', `${where}: ${problem}`);
const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/** Reads `filter:tasks:<col>` / `tasks:<col>` (Label Studio's prefixes, only at the start). */
function columnName(raw: string): string {
  let name = raw;
  for (const prefix of ['filter:', 'tasks:']) if (name.startsWith(prefix)) name = name.slice(prefix.length);
  return name;
}

function idList(value: unknown, where: string): number[] {
  if (!Array.isArray(value)) throw bad(where, 'must be an array of task ids');
  if (value.length > MAX_SELECTED_IDS) throw bad(where, `at most ${MAX_SELECTED_IDS} ids`);
  for (const [i, id] of value.entries()) {
    if (!Number.isSafeInteger(id) || (id as number) < 1) throw bad(`${where}[${i}]`, 'must be a task id');
  }
  return value as number[];
}

export function parseSelectedItems(raw: unknown, where = 'selectedItems'): SelectedItems {
  if (raw === undefined || raw === null) return { all: true, excluded: [] };
  let value = raw;
  if (typeof value === 'string') {
    try {
      value = JSON.parse(value);
    } catch {
      throw bad(where, 'must be {"all": true, "excluded": [...]} or {"all": false, "included": [...]}');
    }
  }
  if (!isObject(value) || typeof value.all !== 'boolean') {
    throw bad(where, 'must be {"all": true, "excluded": [...]} or {"all": false, "included": [...]}');
  }
  if (value.all) {
    if (value.included !== undefined && (value.included as unknown[]).length)
      throw bad(where, 'included is not allowed with all: true');
    return { all: true, excluded: idList(value.excluded ?? [], `${where}.excluded`) };
  }
  if (value.excluded !== undefined && (value.excluded as unknown[]).length)
    throw bad(where, 'excluded is not allowed with all: false');
  return { all: false, included: idList(value.included ?? [], `${where}.included`) };
}

function checkValue(item: FilterItem, where: string): void {
  const { operator: op, value, column } = item;
  const kind = column.valueKind(item.type);
  const numberLike = (v: unknown) =>
    (typeof v === 'number' && Number.isFinite(v)) ||
    (typeof v === 'string' && v.trim() !== '' && Number.isFinite(Number(v)));
  const dateLike = (v: unknown) => typeof v === 'string' && v.length <= 64 && !Number.isNaN(Date.parse(v));
  const scalar = (v: unknown, w: string) => {
    if (kind === 'number' && !numberLike(v)) throw bad(w, `must be a number for ${column.name}`);
    if (kind === 'datetime' && !dateLike(v)) throw bad(w, `must be an ISO 8601 date for ${column.name}`);
    if (kind === 'boolean' && typeof v !== 'boolean' && v !== 'true' && v !== 'false')
      throw bad(w, `must be true or false for ${column.name}`);
    if (kind === 'string' && typeof v !== 'string' && typeof v !== 'number' && typeof v !== 'boolean')
      throw bad(w, 'must be a string');
    if (
      kind === 'user' &&
      !(Number.isSafeInteger(v) || (typeof v === 'string' && /^[1-9][0-9]{0,15}$/.test(v)))
    )
      throw bad(w, `must be a user id for ${column.name}`);
    if (typeof v === 'string' && v.length > MAX_STRING_VALUE)
      throw bad(w, `at most ${MAX_STRING_VALUE} characters`);
  };
  switch (op) {
    case 'empty':
    case 'exists':
    case 'not_exists':
      if (op === 'empty' && typeof value !== 'boolean' && value !== 'true' && value !== 'false')
        throw bad(`${where}.value`, 'empty takes true or false');
      return;
    case 'in':
    case 'not_in': {
      if (!isObject(value) || !('min' in value) || !('max' in value))
        throw bad(`${where}.value`, `${op} takes a range {"min": ..., "max": ...}`);
      if (kind !== 'number' && kind !== 'datetime')
        throw bad(`${where}.operator`, `${op} (a range) needs a Number or Datetime column`);
      scalar(value.min, `${where}.value.min`);
      scalar(value.max, `${where}.value.max`);
      return;
    }
    case 'in_list':
    case 'not_in_list': {
      if (!Array.isArray(value) || value.length > 1000)
        throw bad(`${where}.value`, `${op} takes an array of at most 1000 values`);
      for (const [i, v] of value.entries()) scalar(v, `${where}.value[${i}]`);
      return;
    }
    case 'regex':
      if (kind !== 'string') throw bad(`${where}.operator`, 'regex needs a String column');
      if (typeof value !== 'string' || value.length === 0 || value.length > MAX_REGEX)
        throw bad(`${where}.value`, `regex takes a pattern of 1 to ${MAX_REGEX} characters`);
      if (/\\[1-9]/.test(value)) throw bad(`${where}.value`, 'back-references are not allowed in a regex');
      return;
    case 'contains':
    case 'not_contains':
    case 'starts_with':
    case 'ends_with':
      if (kind === 'user' || kind === 'list') {
        for (const [i, v] of (Array.isArray(value) ? value : [value]).entries())
          scalar(v, Array.isArray(value) ? `${where}.value[${i}]` : `${where}.value`);
        return;
      }
      if (kind !== 'string') throw bad(`${where}.operator`, `${op} needs a String or List column`);
      scalar(value, `${where}.value`);
      return;
    case 'less':
    case 'greater':
    case 'less_or_equal':
    case 'greater_or_equal':
      if (kind !== 'number' && kind !== 'datetime' && kind !== 'string')
        throw bad(`${where}.operator`, `${op} needs a Number, Datetime or String column`);
      scalar(value, `${where}.value`);
      return;
    case 'equal':
    case 'not_equal':
      if ((kind === 'user' || kind === 'list') && Array.isArray(value)) {
        for (const [i, v] of value.entries()) scalar(v, `${where}.value[${i}]`);
        return;
      }
      scalar(value, `${where}.value`);
      return;
  }
}

function parseFilters(raw: unknown): { conjunction: 'and' | 'or'; items: FilterItem[] } {
  if (raw === undefined || raw === null) return { conjunction: 'and', items: [] };
  if (!isObject(raw)) throw bad('filters', 'must be {"conjunction": "and"|"or", "items": [...]}');
  const conjunction = raw.conjunction ?? 'and';
  if (conjunction !== 'and' && conjunction !== 'or')
    throw bad('filters.conjunction', 'must be "and" or "or"');
  const items = raw.items ?? [];
  if (!Array.isArray(items)) throw bad('filters.items', 'must be an array');
  if (items.length > MAX_FILTER_ITEMS) throw bad('filters.items', `at most ${MAX_FILTER_ITEMS} filters`);
  return {
    conjunction,
    items: items.map((it, i) => {
      const where = `filters.items[${i}]`;
      if (!isObject(it)) throw bad(where, 'must be {"filter", "operator", "type", "value"}');
      if (typeof it.filter !== 'string' || !it.filter.startsWith('filter:tasks:'))
        throw bad(`${where}.filter`, 'must look like "filter:tasks:<column>"');
      const column = resolveColumn(columnName(it.filter));
      if (!column) throw bad(`${where}.filter`, `unknown column "${it.filter.slice(0, 100)}"`);
      if (typeof it.operator !== 'string' || !(operators as readonly string[]).includes(it.operator))
        throw bad(`${where}.operator`, `unknown operator (one of ${operators.join(', ')})`);
      const type = it.type ?? 'Unknown';
      if (typeof type !== 'string' || type.length > 40) throw bad(`${where}.type`, 'must be a type name');
      const item: FilterItem = { column, operator: it.operator as Operator, type, value: it.value };
      if (!column.filterable) throw bad(`${where}.filter`, `${column.name} cannot be filtered`);
      checkValue(item, where);
      return item;
    }),
  };
}

export function parseOrdering(raw: unknown): OrderKey[] {
  if (raw === undefined || raw === null) return [];
  if (!Array.isArray(raw)) throw bad('ordering', 'must be an array like ["-tasks:created_at"]');
  if (raw.length > 5) throw bad('ordering', 'at most 5 keys');
  return raw.map((key, i) => {
    if (typeof key !== 'string' || key.length > 300)
      throw bad(`ordering[${i}]`, 'must be a string like "tasks:id"');
    let name = key;
    let descending = false;
    if (name.startsWith('-')) {
      descending = true;
      name = name.slice(1);
    }
    name = columnName(name);
    if (!descending && name.startsWith('-')) {
      descending = true;
      name = name.slice(1);
    }
    const column = resolveColumn(name);
    if (!column) throw bad(`ordering[${i}]`, `unknown column "${key.slice(0, 100)}"`);
    if (!column.orderable) throw bad(`ordering[${i}]`, `cannot order by ${column.name}`);
    return { column, descending };
  });
}

/** The prepared query from a view's data or a request (`query` parameter or action body). */
export function parsePrepared(raw: unknown, where = 'query'): PreparedQuery {
  if (!isObject(raw)) throw bad(where, 'must be a JSON object {"filters", "ordering", "selectedItems"}');
  const filters = parseFilters(raw.filters);
  return {
    ...filters,
    ordering: parseOrdering(raw.ordering),
    selectedItems: parseSelectedItems(raw.selectedItems),
  };
}

/** Parses the `query` URL parameter (JSON text; Label Studio also unquotes it once more, so may we). */
export function parseQueryParam(text: string): PreparedQuery {
  let raw: unknown;
  try {
    raw = JSON.parse(text.trimStart().startsWith('%') ? decodeURIComponent(text) : text);
  } catch {
    throw bad('query', 'is not valid JSON');
  }
  return parsePrepared(raw);
}
