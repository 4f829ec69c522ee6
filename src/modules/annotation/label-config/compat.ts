// Label Studio's rules for changing a config under existing work (`Project.validate_config` in
// label_studio/projects/models.py), the per-result counters they read (`ProjectSummary._get_annotation_key`
// and `_get_labels`), and its import-time check of task data against the config (`TaskValidator.check_data`).
// Messages keep Label Studio's wording: scripts match on them.
import { controlTargets, nameMatcher } from './names.ts';
import type { LabelConfig } from './parse.ts';
import { DATA_TYPES } from './tags.ts';

export interface UsedTuple {
  fromName: string;
  toName: string;
  type: string;
  count: number;
}
/** control name -> label -> how many results use it. */
export type LabelCounts = Record<string, Record<string, number>>;

/** The from_name/to_name/type a result adds to the project summary, or null for relations and the like. */
export function annotationTuple(region: unknown): { fromName: string; toName: string; type: string } | null {
  if (typeof region !== 'object' || region === null) return null;
  const r = region as Record<string, unknown>;
  if (r.type === undefined || r.type === null || r.type === 'relation' || r.type === 'pairwise') return null;
  if (typeof r.from_name !== 'string' || typeof r.to_name !== 'string') return null;
  return { fromName: r.from_name, toName: r.to_name, type: String(r.type).toLowerCase() };
}

/** The labels a result adds to the project summary: the list under `value[type]`, taxonomy paths flattened. */
export function resultLabels(region: unknown): string[] {
  if (typeof region !== 'object' || region === null) return [];
  const r = region as Record<string, unknown>;
  const type = r.type === 'videorectangle' ? 'labels' : r.type;
  if (typeof type !== 'string' || type === 'text' || typeof r.value !== 'object' || r.value === null)
    return [];
  const list = (r.value as Record<string, unknown>)[type];
  if (!Array.isArray(list)) return [];
  return list.flatMap((label) =>
    type === 'taxonomy' && Array.isArray(label) ? label.map((l) => String(l)) : [String(label)],
  );
}

const plural = (count: number, what: string) => (count ? `${count} ${what}${count > 1 ? 's' : ''}` : null);

/**
 * Why `next` may not replace the config of a project whose annotations and drafts use `used` and
 * `usedLabels` (annotation counts; `usedDraftLabels` the drafts'). Empty when the change is allowed.
 * Like Label Studio it stops at the first rule broken, so at most one message comes back. Removing a label
 * value that is still used fails only when `strict` (Label Studio's /validate; its PATCH lets it through).
 * `previous` is not consulted: Label Studio judges the new config against the usage counters alone.
 * Not reproduced: Taxonomy labels added through Label Studio's label library (no such library here yet).
 */
export function configChangeProblems(
  _previous: LabelConfig | null,
  next: LabelConfig,
  used: UsedTuple[],
  usedLabels: LabelCounts,
  strict: boolean,
  usedDraftLabels: LabelCounts = {},
): string[] {
  if (next.dataKeys.length === 0 || next.controls.length === 0) return [];
  const flags = next.repeaterFlags;
  const controlMatches = (name: string, only?: (c: LabelConfig['controls'][number]) => boolean) =>
    next.controls.some((c) => (!only || only(c)) && nameMatcher(c.name, flags)(name));

  const declared = new Set(next.controls.map((c) => `${c.name}|${c.toName.join(',')}|${c.resultType}`));
  const types = new Set(next.controls.map((c) => c.resultType));
  const incompatible: string[] = [];
  for (const { fromName, toName, type, count } of used) {
    const t = type.toLowerCase();
    if (declared.has(`${fromName}|${toName}|${t}`) || t === 'textarea') continue;
    if (t === 'relation' || t === 'pairwise') continue;
    const toKnown = next.controls.some((c) => controlTargets(next, c, toName));
    if (!controlMatches(fromName) || !toKnown || !types.has(t)) {
      incompatible.push(`${count} with from_name=${fromName}, to_name=${toName}, type=${t}`);
    }
  }
  if (incompatible.length > 0) {
    return [
      `Created annotations are incompatible with provided labeling schema, we found:\n${incompatible.join('\n')}`,
    ];
  }

  // Maps, not objects: control names and labels come from user results and may be '__proto__'.
  const count = (counts: LabelCounts, control: string, label: string): number => {
    const labels = Object.hasOwn(counts, control) ? counts[control]! : {};
    return Object.hasOwn(labels, label) ? (labels[label] ?? 0) : 0;
  };
  const merged = new Map<string, Map<string, number>>();
  for (const counts of [usedLabels, usedDraftLabels]) {
    for (const [control, labels] of Object.entries(counts)) {
      const into = merged.get(control) ?? new Map<string, number>();
      merged.set(control, into);
      for (const [label, n] of Object.entries(labels)) into.set(label, (into.get(label) ?? 0) + n);
    }
  }
  const withLabels = new Set(next.controls.filter((c) => c.labels.length > 0).map((c) => c.name));
  const dynamic = new Set(next.controls.filter((c) => c.dynamic).map((c) => c.name));
  const hasVideo = next.controls.some((c) => c.type === 'VideoRectangle');

  for (const [control, labels] of merged) {
    const names = [...labels.keys()];
    if (names.length > 0 && !withLabels.has(control) && !dynamic.has(control) && !controlMatches(control)) {
      const total = [...labels.values()].reduce((a, b) => a + b, 0);
      return [`There are ${total} annotation(s) created with tag "${control}", you can't remove it`];
    }
    const owner = next.controls.find((c) => nameMatcher(c.name, flags)(control));
    const allowed = new Set(owner?.labels ?? []);
    // Label Studio's workaround for video: VideoRectangle takes its labels from the other controls.
    if (hasVideo) for (const c of next.controls) for (const l of c.labels) allowed.add(l);
    const missing = names.filter((label) => !allowed.has(label));
    if (missing.length === 0) continue;
    let listed = '';
    for (const label of missing) {
      const counts = [
        plural(count(usedLabels, control, label), 'annotation'),
        plural(count(usedDraftLabels, control, label), 'draft'),
      ].filter(Boolean);
      if (counts.length > 0) listed += `${label} (${counts.join(', ')})\n`;
    }
    const isDynamic = dynamic.has(control) || controlMatches(control, (c) => c.dynamic);
    if (strict && !isDynamic) {
      return [
        `These labels still exist in annotations or drafts:\n${listed}Please add labels to tag with name="${control}".`,
      ];
    }
  }
  return [];
}

function pythonType(value: unknown): string {
  if (value === null || value === undefined) return 'NoneType';
  if (typeof value === 'boolean') return 'bool';
  if (typeof value === 'number') return Number.isInteger(value) ? 'int' : 'float';
  if (typeof value === 'string') return 'str';
  return Array.isArray(value) ? 'list' : 'dict';
}

/**
 * Label Studio's import check of one task's `data`: each data key the config reads is present (Repeater keys
 * `items[{{idx}}].url` need `items`, a list; dotted keys are looked up nested) and of a type its tag accepts.
 * Returns Label Studio's message for the first failure, or null.
 */
export function checkTaskData(config: LabelConfig, data: Record<string, unknown>): string | null {
  for (const [rawKey, tag] of Object.entries(config.dataTypes)) {
    const isArray = rawKey.includes('[');
    const key = rawKey.split('[')[0]!;
    let item: unknown = data;
    for (const part of key.includes('.') ? key.split('.') : [key]) {
      if (typeof item !== 'object' || item === null || !Object.hasOwn(item, part)) {
        return `"${key}" key is expected in task data`;
      }
      item = (item as Record<string, unknown>)[part];
    }
    const expected = isArray ? ['list'] : (DATA_TYPES[tag] ?? ['str']);
    const actual = pythonType(item);
    // Python's bool is an int, so a tag that takes int takes booleans too.
    const accepted = expected.includes(actual) || (actual === 'bool' && expected.includes('int'));
    if (!accepted) {
      const shown = typeof item === 'string' ? item : JSON.stringify(item);
      return (
        `data['${key}']=${shown} is of type '${actual}', ` +
        `but the object tag ${tag} expects the following types: [${expected.map((t) => `'${t}'`).join(', ')}]`
      );
    }
  }
  return null;
}
