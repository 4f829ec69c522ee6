// Checks an annotation, draft or prediction `result` array against a label config, region by region, in
// the spirit of label_studio_sdk's LabelInterface.validate_prediction: the control exists, targets that
// object, the type is the control's, the labels are declared, and the value has the shape the editor
// writes. Numbers inside lists of labels are compared as text, as Label Studio's summary counts them.
import { controlTargets, findControl } from './names.ts';
import type { ControlTag, LabelConfig } from './parse.ts';
import { GEOMETRIES, geometryOf, isLabeledControl, valueKey } from './tags.ts';

export interface ResultProblem {
  /** Position of the region in the result array. */
  index: number;
  /** The region's `id` when it has one. */
  id: string | null;
  message: string;
}

type Value = Record<string, unknown>;
const isRecord = (v: unknown): v is Value => typeof v === 'object' && v !== null && !Array.isArray(v);
const isNumber = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);
const isLabel = (v: unknown) => typeof v === 'string' || isNumber(v);

function percent(value: Value, key: string, out: string[], max = 100): void {
  const v = value[key];
  if (!isNumber(v)) out.push(`value.${key} must be a number`);
  else if (v < 0 || v > max) out.push(`value.${key}=${v} is outside 0..${max}`);
}

function optionalNumber(value: Value, key: string, out: string[]): void {
  if (value[key] !== undefined && value[key] !== null && !isNumber(value[key])) {
    out.push(`value.${key} must be a number`);
  }
}

function checkGeometry(geometry: string, value: Value, out: string[]): void {
  switch (geometry) {
    case 'rectangle':
      for (const key of ['x', 'y', 'width', 'height']) percent(value, key, out);
      optionalNumber(value, 'rotation', out);
      return;
    case 'ellipse':
      percent(value, 'x', out);
      percent(value, 'y', out);
      for (const key of ['radiusX', 'radiusY']) {
        if (!isNumber(value[key]) || (value[key] as number) < 0)
          out.push(`value.${key} must be a number >= 0`);
      }
      optionalNumber(value, 'rotation', out);
      return;
    case 'keypoint':
      percent(value, 'x', out);
      percent(value, 'y', out);
      optionalNumber(value, 'width', out);
      return;
    case 'polygon': {
      const points = value.points;
      const pair = (p: unknown) => Array.isArray(p) && p.length === 2 && p.every(isNumber);
      if (!Array.isArray(points) || points.length === 0 || !points.every(pair)) {
        out.push('value.points must be a list of [x, y] pairs');
      } else if (points.some((p) => (p as number[]).some((n) => n < 0 || n > 100))) {
        out.push('value.points has a coordinate outside 0..100');
      }
      return;
    }
    case 'brush': {
      const { rle, imageDataURL } = value;
      const byte = (n: unknown) => Number.isInteger(n) && (n as number) >= 0 && (n as number) <= 255;
      if (rle !== undefined) {
        if (!Array.isArray(rle) || rle.length === 0 || !rle.every(byte)) {
          out.push('value.rle must be a non-empty list of bytes (0..255)');
        }
      } else if (typeof imageDataURL !== 'string') out.push('value.rle (or value.imageDataURL) is missing');
    }
  }
}

function checkSpan(value: Value, out: string[], integers: boolean, offsets: boolean): void {
  const { start, end } = value;
  for (const [key, v] of [
    ['start', start],
    ['end', end],
  ] as const) {
    if (!isNumber(v) && typeof v !== 'string') out.push(`value.${key} must be a number or a string`);
    else if (isNumber(v) && (v < 0 || (integers && !Number.isInteger(v)))) {
      out.push(`value.${key} must be ${integers ? 'an integer' : 'a number'} >= 0`);
    }
  }
  if (isNumber(start) && isNumber(end) && start > end) out.push('value.start is after value.end');
  if (value.text !== undefined && typeof value.text !== 'string') out.push('value.text must be a string');
  if (!offsets) return;
  for (const key of ['startOffset', 'endOffset']) {
    const v = value[key];
    if (v !== undefined && !(Number.isInteger(v) && (v as number) >= 0)) {
      out.push(`value.${key} must be an integer >= 0`);
    }
  }
}

function checkLabels(control: ControlTag, key: string, value: Value, out: string[]): void {
  const list = value[key];
  const taxonomy = control.resultType === 'taxonomy';
  const nested = taxonomy || control.attrs.allowNested === 'true';
  const flat: unknown[] = [];
  const entryOk = (entry: unknown) =>
    isLabel(entry) || (nested && Array.isArray(entry) && entry.length > 0 && entry.every(isLabel));
  if (!Array.isArray(list) || !list.every(entryOk) || (taxonomy && !list.every(Array.isArray))) {
    out.push(`value.${key} must be a list of ${taxonomy ? 'label paths (lists of strings)' : 'strings'}`);
    return;
  }
  for (const entry of list) flat.push(...(Array.isArray(entry) ? entry : [entry]));
  if (control.choice && control.choice !== 'multiple' && list.length > 1) {
    out.push(`control "${control.name}" takes a single choice, got ${list.length}`);
  }
  const open =
    control.dynamic || control.labels.length === 0 || (taxonomy && control.attrs.userLabels === 'true');
  if (open) return;
  const declared = new Set(control.labels);
  const unknown = [...new Set(flat.map(String))].filter((label) => !declared.has(label));
  if (unknown.length > 0) {
    out.push(
      `label${unknown.length > 1 ? 's' : ''} ${unknown.map((l) => `"${l}"`).join(', ')} not declared in "${control.name}"`,
    );
  }
}

function checkAnswer(control: ControlTag, value: Value, out: string[]): void {
  const { attrs } = control;
  switch (control.resultType) {
    case 'textarea':
      if (!Array.isArray(value.text) || !value.text.every((t) => typeof t === 'string')) {
        out.push('value.text must be a list of strings');
      }
      return;
    case 'rating': {
      const max = Number(attrs.maxRating ?? 5);
      const r = value.rating;
      if (!Number.isInteger(r) || (r as number) < 0 || (r as number) > max) {
        out.push(`value.rating must be an integer from 0 to ${max}`);
      }
      return;
    }
    case 'number': {
      const n = value.number;
      if (!isNumber(n)) out.push('value.number must be a number');
      else if (attrs.min !== undefined && n < Number(attrs.min))
        out.push(`value.number is below min=${attrs.min}`);
      else if (attrs.max !== undefined && n > Number(attrs.max))
        out.push(`value.number is above max=${attrs.max}`);
      return;
    }
    case 'datetime':
      if (typeof value.datetime !== 'string') out.push('value.datetime must be a string');
      return;
  }
}

/** A generic Labels control merged with a geometry tool on the same object writes e.g. `rectanglelabels`. */
function mergedGeometry(config: LabelConfig, control: ControlTag, type: string): string | null {
  if (control.resultType !== 'labels' || !type.endsWith('labels') || type === 'labels') return null;
  const geometry = type.slice(0, -'labels'.length);
  const sibling = config.controls.find(
    (c) => c !== control && c.resultType === geometry && c.toName.some((to) => control.toName.includes(to)),
  );
  return sibling ? geometry : null;
}

function checkRelation(region: Value, regionIds: Set<string>, config: LabelConfig, out: string[]): void {
  for (const key of ['from_id', 'to_id']) {
    const ref = region[key];
    if (typeof ref !== 'string' && !isNumber(ref)) out.push(`${key} is missing`);
    else if (!regionIds.has(String(ref)))
      out.push(`${key} "${ref}" is not the id of a region in this result`);
  }
  const { direction, labels } = region;
  if (direction !== undefined && !['left', 'right', 'bi'].includes(direction as string)) {
    out.push(`direction must be "left", "right" or "bi"`);
  }
  if (labels === undefined) return;
  if (!Array.isArray(labels) || !labels.every((l) => typeof l === 'string')) {
    out.push('labels must be a list of strings');
  } else if (config.relationLabels.length > 0) {
    const unknown = labels.filter((l) => !config.relationLabels.includes(l));
    if (unknown.length > 0)
      out.push(`relation labels ${unknown.map((l) => `"${l}"`).join(', ')} not declared`);
  }
}

/** Geometry regions by id, to recognise the Labels half of a split-format pair. */
type GeometryById = Map<unknown, string>;

function checkRegion(config: LabelConfig, region: Value, geometryById: GeometryById, out: string[]): void {
  const missing = ['from_name', 'to_name', 'type', 'value'].filter((key) => region[key] === undefined);
  if (missing.length > 0) {
    out.push(`missing ${missing.map((k) => `"${k}"`).join(', ')}`);
    return;
  }
  const { from_name: fromName, to_name: toName, type, value } = region;
  if (typeof fromName !== 'string' || typeof toName !== 'string' || typeof type !== 'string') {
    out.push('from_name, to_name and type must be strings');
    return;
  }
  const control = findControl(config, fromName);
  if (!control) {
    out.push(`from_name "${fromName}" is not a control in the label config`);
    return;
  }
  if (!controlTargets(config, control, toName)) {
    out.push(`to_name "${toName}" is not one of ${control.name}'s objects (${control.toName.join(', ')})`);
  }
  const actual = type.toLowerCase();
  const merged = actual === control.resultType ? null : mergedGeometry(config, control, actual);
  if (actual !== control.resultType && merged === null) {
    out.push(`type "${type}" does not match control "${control.name}" (expected "${control.resultType}")`);
    return;
  }
  if (!isRecord(value)) {
    out.push('value must be an object');
    return;
  }
  for (const key of ['original_width', 'original_height']) {
    const size = region[key];
    if (size !== undefined && size !== null && !(isNumber(size) && size > 0))
      out.push(`${key} must be a number > 0`);
  }

  if (merged !== null) {
    checkGeometry(merged, value, out);
    checkLabels(control, actual in value ? actual : 'labels', value, out);
    return;
  }
  const geometry = geometryOf(control.resultType);
  if (geometry) checkGeometry(geometry, value, out);
  else if (control.resultType === 'labels') {
    // Split format: a geometry region and a Labels region share one id; the labels carry the geometry too.
    const partner = region.id === undefined ? undefined : geometryById.get(region.id);
    if (partner) checkGeometry(partner, value, out);
    else {
      const target = config.objects.find((o) => o.name === toName);
      checkSpan(value, out, target?.type === 'Text', false);
    }
  } else if (['hypertextlabels', 'paragraphlabels'].includes(control.resultType))
    checkSpan(value, out, false, true);
  else if (control.resultType === 'timeserieslabels') checkSpan(value, out, false, false);
  checkAnswer(control, value, out);
  if (isLabeledControl(control.type)) checkLabels(control, valueKey(control.resultType), value, out);
}

export function validateResult(config: LabelConfig, result: unknown[]): ResultProblem[] {
  if (!Array.isArray(result)) return [{ index: -1, id: null, message: 'result must be a list of regions' }];
  const regionIds = new Set<string>();
  const geometryById: GeometryById = new Map();
  for (const r of result) {
    const type = isRecord(r) && typeof r.type === 'string' ? r.type.toLowerCase() : '';
    if (GEOMETRIES.has(type) && !geometryById.has((r as Value).id)) geometryById.set((r as Value).id, type);
    if (isRecord(r) && r.type !== 'relation' && (typeof r.id === 'string' || isNumber(r.id)))
      regionIds.add(String(r.id));
  }
  const problems: ResultProblem[] = [];
  result.forEach((region, index) => {
    const id =
      isRecord(region) && (typeof region.id === 'string' || isNumber(region.id)) ? String(region.id) : null;
    const out: string[] = [];
    if (!isRecord(region)) out.push('must be an object');
    else if (region.type === 'relation') checkRelation(region, regionIds, config, out);
    else checkRegion(config, region, geometryById, out);
    const label = `Region ${index}${id === null ? '' : ` (id "${id}")`}`;
    for (const message of out) problems.push({ index, id, message: `${label}: ${message}` });
  });
  return problems;
}
