// The annotation API as the screens use it: typed calls through the generated client, the data manager's
// query JSON (Label Studio's `{filters: {conjunction, items}, ordering}`) and the shared query keys.
import { queryOptions, useQuery } from '@tanstack/react-query';
import { api, call, type Ok } from '../../api/client';

export type AnnotationProject = Ok<'/api/projects/{id}', 'get'>;
export type Task = Ok<'/api/tasks/{id}', 'get'>;
export type TaskPage = Ok<'/api/tasks', 'get'>;
/** A task as the data manager lists it (computed fields included). */
export type DmTask = TaskPage['tasks'][number];
export type View = Ok<'/api/dm/views/{id}', 'get'>;
export type Column = Ok<'/api/dm/columns', 'get'>['columns'][number];

/** A project (shared by the screens and the labeling routes' loader, which starts it with the navigation). */
export const projectQuery = (id: number) =>
  queryOptions({
    queryKey: ['project', id],
    queryFn: () => call(api.GET('/api/projects/{id}', { params: { path: { id } } })),
    enabled: Number.isInteger(id) && id > 0,
  });

export function useAnnotationProject(id: number) {
  return useQuery(projectQuery(id));
}

export const canManage = (p: { role: string }) => p.role === 'owner' || p.role === 'manager';

/** One filter row as the UI edits it; `column` is a column id (`id`, `total_annotations`, `data.text`). */
export interface FilterRow {
  column: string;
  operator: string;
  type: string;
  value: string;
}

export interface DmQuery {
  conjunction: 'and' | 'or';
  filters: FilterRow[];
  /** Column id, `-` in front for descending. */
  ordering: string | null;
}

export const emptyQuery: DmQuery = { conjunction: 'and', filters: [], ordering: null };

/** Operators the filter editor offers per Label Studio column type, with the API's operator names. */
export const operatorsFor = (type: string): { value: string; label: string }[] => {
  const common = [
    { value: 'empty', label: 'is empty' },
    { value: 'exists', label: 'exists' },
  ];
  if (type === 'Number' || type === 'Datetime')
    return [
      { value: 'equal', label: '=' },
      { value: 'not_equal', label: '≠' },
      { value: 'less', label: '<' },
      { value: 'greater', label: '>' },
      { value: 'less_or_equal', label: '≤' },
      { value: 'greater_or_equal', label: '≥' },
      ...common,
    ];
  if (type === 'Boolean') return [{ value: 'equal', label: 'is' }];
  return [
    { value: 'contains', label: 'contains' },
    { value: 'not_contains', label: 'does not contain' },
    { value: 'equal', label: 'equals' },
    { value: 'not_equal', label: 'does not equal' },
    { value: 'starts_with', label: 'starts with' },
    { value: 'regex', label: 'matches regex' },
    ...common,
  ];
};

const filterValue = (row: FilterRow): unknown => {
  if (row.operator === 'empty' || row.operator === 'exists') return row.value !== 'false';
  if (row.type === 'Number') return row.value.trim() === '' ? row.value : Number(row.value);
  if (row.type === 'Boolean') return row.value === 'true';
  return row.value;
};

/** The API's `filters` JSON for the rows (incomplete rows are left out). */
export function filtersJson(q: DmQuery) {
  return {
    conjunction: q.conjunction,
    items: q.filters
      .filter((f) => f.column && f.operator)
      .map((f) => ({
        filter: `filter:tasks:${f.column}`,
        operator: f.operator,
        type: f.type,
        value: filterValue(f),
      })),
  };
}

export const orderingJson = (q: DmQuery): string[] =>
  q.ordering ? [q.ordering.startsWith('-') ? `-tasks:${q.ordering.slice(1)}` : `tasks:${q.ordering}`] : [];

/** `query=` of GET /api/tasks. */
export const queryText = (q: DmQuery) =>
  JSON.stringify({ filters: filtersJson(q), ordering: orderingJson(q) });

/** A saved view's data back into the editor's shape (views written by Label Studio's UI read too). */
export function queryOfView(view: View): DmQuery {
  const data = view.data as {
    filters?: { conjunction?: string; items?: Record<string, unknown>[] };
    ordering?: string[];
  };
  const items = data.filters?.items ?? [];
  const order = data.ordering?.[0] ?? null;
  const strip = (s: string) => s.replace(/^filter:/, '').replace(/^tasks:/, '');
  return {
    conjunction: data.filters?.conjunction === 'or' ? 'or' : 'and',
    filters: items.map((i) => ({
      column: strip(String(i.filter ?? '')),
      operator: String(i.operator ?? 'equal'),
      type: String(i.type ?? 'String'),
      value: i.value === undefined || i.value === null ? '' : String(i.value),
    })),
    ordering: order ? (order.startsWith('-') ? `-${strip(order.slice(1))}` : strip(order)) : null,
  };
}

/** Column ids a view hides (Label Studio keeps `hiddenColumns.explore` as `tasks:<id>` strings). */
export function hiddenOfView(view: View): string[] | null {
  const hidden = (view.data as { hiddenColumns?: { explore?: unknown } }).hiddenColumns?.explore;
  return Array.isArray(hidden) ? hidden.map((h) => String(h).replace(/^tasks:/, '')) : null;
}

/** The column id filters and ordering use: data keys as `data.<key>`. */
export const columnKey = (c: Column) =>
  (c as { parent?: string }).parent === 'data' ? `data.${c.id}` : c.id;

export const exportTypes = [
  { value: 'JSON', label: 'JSON (Label Studio)' },
  { value: 'JSON_MIN', label: 'JSON-MIN (one object per annotation)' },
  { value: 'CSV', label: 'CSV' },
  { value: 'TSV', label: 'TSV' },
  { value: 'CONLL2003', label: 'CONLL2003 (text named entities)' },
  { value: 'COCO', label: 'COCO (zip)' },
  { value: 'YOLO', label: 'YOLO (zip)' },
  { value: 'VOC', label: 'Pascal VOC (zip)' },
] as const;

/**
 * The export formats to offer for a label config. The API has no formats endpoint yet, so this mirrors its
 * rule for the one format that depends on the config: CONLL2003 needs a Labels control on a Text object
 * (label-config/exports.ts). The others are always listed; the export answers with the API's message.
 */
export function exportTypesFor(labelConfig: string) {
  return exportTypes.filter((t) => t.value !== 'CONLL2003' || textWithLabels(labelConfig));
}

function textWithLabels(labelConfig: string): boolean {
  if (!labelConfig) return false;
  const doc = new DOMParser().parseFromString(labelConfig, 'application/xml');
  if (doc.getElementsByTagName('parsererror').length) return false;
  const texts = new Set(
    [...doc.getElementsByTagName('Text')]
      .filter((t) => t.getAttribute('valueType') !== 'url')
      .map((t) => t.getAttribute('name')),
  );
  return [...doc.getElementsByTagName('Labels')].some((l) =>
    (l.getAttribute('toName') ?? '').split(',').some((n) => texts.has(n.trim())),
  );
}
