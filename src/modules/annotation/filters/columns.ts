// The task columns of Label Studio's data manager that can be filtered and ordered, and `data.<key>`.
export type ValueKind = 'number' | 'datetime' | 'boolean' | 'string' | 'user' | 'list';

export interface Column {
  /** `id`, `completed_at`, ... or `data.<key>`. */
  name: string;
  /** The key inside task data for `data.<key>` columns. */
  dataKey: string | null;
  filterable: boolean;
  orderable: boolean;
  /** How a filter value is read, given the filter's Label Studio `type`. */
  valueKind(type: string): ValueKind;
}

const fixed = (kind: ValueKind, orderable = true) => ({ kind, orderable });

/** Task columns (not data keys) and what their values are. */
export const taskColumns = {
  id: fixed('number'),
  inner_id: fixed('number'),
  total_annotations: fixed('number'),
  cancelled_annotations: fixed('number'),
  total_predictions: fixed('number'),
  overlap: fixed('number'),
  created_at: fixed('datetime'),
  updated_at: fixed('datetime'),
  completed_at: fixed('datetime'),
  is_labeled: fixed('boolean'),
  updated_by: fixed('user'),
  annotators: fixed('user'),
  ground_truth: fixed('boolean'),
  draft_exists: fixed('boolean'),
  predictions_score: fixed('number'),
  avg_lead_time: fixed('number'),
  predictions_model_versions: fixed('list'),
  annotations_results: fixed('string', false),
  predictions_results: fixed('string', false),
  comment_count: fixed('number'),
  unresolved_comment_count: fixed('number'),
  last_comment_updated_at: fixed('datetime'),
  comment_authors: fixed('user'),
  file_upload: fixed('string'),
  storage_filename: fixed('string'),
} as const satisfies Record<string, { kind: ValueKind; orderable: boolean }>;

export type TaskColumnName = keyof typeof taskColumns;

export const MAX_DATA_KEY = 200;

function dataKind(type: string): ValueKind {
  if (type === 'Number') return 'number';
  if (type === 'Boolean') return 'boolean';
  // Datetime values inside task data are compared as ISO text (which orders like the dates it spells).
  return 'string';
}

export function resolveColumn(name: string): Column | null {
  if (name.startsWith('data.')) {
    const key = name.slice('data.'.length);
    if (key.length === 0 || key.length > MAX_DATA_KEY) return null;
    return { name, dataKey: key, filterable: true, orderable: true, valueKind: dataKind };
  }
  if (!Object.hasOwn(taskColumns, name)) return null;
  const spec = taskColumns[name as TaskColumnName];
  return { name, dataKey: null, filterable: true, orderable: spec.orderable, valueKind: () => spec.kind };
}
