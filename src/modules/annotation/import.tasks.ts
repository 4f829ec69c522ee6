// One imported value -> one staged task, with Label Studio's rules: a dict without `data` is the data itself;
// `annotations` (or the legacy `completions`) and `predictions` ride along; every data key the label config
// reads must be there (its own message, naming the task).
import { AppError } from '../../platform/errors.ts';
import type { StagedAnnotation, StagedPrediction, StagedTask, Totals } from './import.repo.ts';
import { checkTaskData, type LabelConfig } from './label-config/index.ts';

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

export const invalidTask = (index: number, message: string) =>
  new AppError('validation_failed', `task #${index}: ${message}`, {
    detail: 'Validation error',
    validation_errors: { non_field_errors: [`task #${index}: ${message}`] },
  });

function annotationsOf(value: unknown, index: number): StagedAnnotation[] | null {
  if (value === undefined || value === null) return null;
  if (!Array.isArray(value)) throw invalidTask(index, '"annotations" must be a list');
  return value.map((a, k) => {
    if (!isObject(a) || !Array.isArray(a.result))
      throw invalidTask(index, `annotation ${k + 1} needs a "result" list`);
    const lead = a.lead_time;
    if (lead !== undefined && lead !== null && typeof lead !== 'number')
      throw invalidTask(index, `annotation ${k + 1}: "lead_time" must be a number`);
    return {
      result: a.result,
      was_cancelled: a.was_cancelled === true,
      ground_truth: a.ground_truth === true,
      lead_time: typeof lead === 'number' && Number.isFinite(lead) ? lead : null,
    };
  });
}

function predictionsOf(value: unknown, index: number): StagedPrediction[] | null {
  if (value === undefined || value === null) return null;
  if (!Array.isArray(value)) throw invalidTask(index, '"predictions" must be a list');
  return value.map((p, k) => {
    if (!isObject(p) || !Array.isArray(p.result))
      throw invalidTask(index, `prediction ${k + 1} needs a "result" list`);
    if (p.score !== undefined && p.score !== null && typeof p.score !== 'number')
      throw invalidTask(index, `prediction ${k + 1}: "score" must be a number`);
    return {
      result: p.result,
      score: typeof p.score === 'number' && Number.isFinite(p.score) ? p.score : null,
      model_version: p.model_version === undefined || p.model_version === null ? '' : String(p.model_version),
    };
  });
}

export interface TaskReader {
  /** `text`: the JSON text `value` was parsed from, if the source has it (kept for tasks it may stand for). */
  read(value: unknown, fileUploadId: number | null, text?: string): StagedTask;
  totals: Totals;
  /** The data keys seen (Label Studio's data_columns), at most 1000. */
  columns: Set<string>;
}

/**
 * Label Studio's _reformat_predictions: each named field of the data leaves it and becomes a prediction
 * `{result: value}` (a string is parsed as JSON first: CSV and TSV cells hold the result as text); the task is
 * then `{data, predictions}`. A field missing from a task fails the import, naming the task.
 */
function preannotate(value: unknown, fields: readonly string[], index: number): Record<string, unknown> {
  if (!isObject(value)) throw invalidTask(index, 'a task must be a JSON object');
  const source = Object.hasOwn(value, 'data') ? value.data : value;
  if (!isObject(source)) throw invalidTask(index, '"data" must be a JSON object');
  const data = { ...source };
  const predictions = fields.map((field) => {
    if (!Object.hasOwn(data, field))
      throw invalidTask(index, `preannotated field "${field}" is not in the task's data`);
    let result = data[field];
    delete data[field];
    if (typeof result === 'string') {
      try {
        result = JSON.parse(result);
      } catch {
        throw invalidTask(index, `preannotated field "${field}" is not JSON`);
      }
    }
    if (isObject(result)) result = [result];
    if (!Array.isArray(result))
      throw invalidTask(index, `preannotated field "${field}" must hold a result list or one region`);
    return { result };
  });
  return { data, predictions };
}

export function createTaskReader(
  config: LabelConfig | null,
  preannotated: readonly string[] = [],
): TaskReader {
  const totals: Totals = { tasks: 0, annotations: 0, cancelled: 0, predictions: 0, groundTruth: 0 };
  const columns = new Set<string>();
  return {
    totals,
    columns,
    read(input, fileUploadId, text) {
      const index = totals.tasks + 1;
      const value = preannotated.length ? preannotate(input, preannotated, index) : input;
      if (!isObject(value)) throw invalidTask(index, 'a task must be a JSON object');
      let data: Record<string, unknown>;
      let task: StagedTask;
      if (Object.hasOwn(value, 'data')) {
        if (!isObject(value.data)) throw invalidTask(index, '"data" must be a JSON object');
        data = value.data;
        if (value.meta !== undefined && value.meta !== null && !isObject(value.meta))
          throw invalidTask(index, '"meta" must be a JSON object');
        task = {
          data,
          meta: isObject(value.meta) ? value.meta : {},
          annotations: annotationsOf(value.annotations ?? value.completions, index),
          predictions: predictionsOf(value.predictions, index),
          fileUploadId,
        };
      } else {
        data = value;
        task = { data, meta: {}, annotations: null, predictions: null, fileUploadId };
      }
      if (config) {
        const problem = checkTaskData(config, data);
        if (problem) throw invalidTask(index, problem);
      }
      if (columns.size < 1000) for (const k of Object.keys(data)) columns.add(k);
      totals.tasks++;
      for (const a of task.annotations ?? []) {
        if (a.was_cancelled) totals.cancelled++;
        else totals.annotations++;
        if (a.ground_truth) totals.groundTruth++;
      }
      totals.predictions += task.predictions?.length ?? 0;
      if (text !== undefined && value === input && task.annotations === null && task.predictions === null)
        task.text = text;
      return task;
    },
  };
}
