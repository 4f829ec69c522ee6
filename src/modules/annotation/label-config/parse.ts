// Label config XML -> LabelConfig. The `parsed` field reproduces Label Studio's `parse_config` output
// (label_studio_sdk/_extensions/label_studio_tools/core/label_config.py) and `dataTypes` its
// `extract_data_types` (label_studio/core/label_config.py); the checks add what its schema and
// `validate_label_config` reject, plus the mistakes its frontend would only show as a broken editor.
import {
  canonicalTag,
  isKnownControl,
  isLabeledControl,
  isObjectTag,
  LABEL_CHILD_TAGS,
  LITERAL_VALUE_OBJECTS,
} from './tags.ts';
import { parseXml, type XmlElement, XmlSyntaxError } from './xml.ts';

export class LabelConfigError extends Error {
  readonly details: string[];
  constructor(details: string[]) {
    const more = details.length > 1 ? ` (and ${details.length - 1} more)` : '';
    super(`${details[0] ?? 'Invalid label config'}${more}`);
    this.name = 'LabelConfigError';
    this.details = details;
  }
}

export interface ParsedInput {
  type: string;
  valueType: string | null;
  value?: string;
  valueList?: string;
}

/** One entry of Label Studio's `parsed_label_config`, keyed by the control's name. */
export interface ParsedControl {
  type: string;
  to_name: string[];
  regex?: Record<string, string>;
  conditionals?: { type: 'tag' | 'label' | 'choice'; name: string };
  dynamic_labels?: true;
  inputs: ParsedInput[];
  labels: string[];
  labels_attrs: Record<string, Record<string, string>>;
}

export interface ControlTag {
  name: string;
  /** Canonical casing, e.g. 'RectangleLabels'; unknown tags keep their own. */
  type: string;
  /** The `type` its results carry: the tag lowercased, e.g. 'rectanglelabels'. */
  resultType: string;
  toName: string[];
  /** Label values (the alias when a label has one) in document order, each once. */
  labels: string[];
  labelsAttrs: Record<string, Record<string, string>>;
  /** Labels come from task data (`value="$options"`) or an `apiUrl`, as Label Studio decides it. */
  dynamic: boolean;
  /** Choices only: Label Studio's default is single. */
  choice?: 'single' | 'single-radio' | 'multiple';
  perRegion: boolean;
  required: boolean;
  attrs: Record<string, string>;
}

export interface ObjectTag {
  name: string;
  type: string;
  /** `value` (or `valueList`) with the leading `$` removed, as Label Studio stores it. */
  value: string;
  valueList: boolean;
  valueType?: string;
  attrs: Record<string, string>;
}

export interface LabelConfig {
  controls: ControlTag[];
  objects: ObjectTag[];
  /** Values of `<Relations><Relation value=…/></Relations>`; empty when relations carry no labels. */
  relationLabels: string[];
  /** Task data keys the config reads (Label Studio's `available_data_keys`), sorted. */
  dataKeys: string[];
  /** Data key -> the tag that reads it (Video wins over others), for Label Studio's import type checks. */
  dataTypes: Record<string, string>;
  /** Repeater `indexFlag` placeholders (e.g. '{{idx}}') that stand for any text in names. */
  repeaterFlags: string[];
  parsed: Record<string, ParsedControl>;
}

function* walk(element: XmlElement): Generator<XmlElement> {
  yield element;
  for (const child of element.children) yield* walk(child);
}

const where = (e: XmlElement): string =>
  e.attrs.name ? `${canonicalTag(e.tag)} "${e.attrs.name}" (line ${e.line})` : `<${e.tag}> at line ${e.line}`;

/** Python's repr of a list of strings, for messages that keep Label Studio's wording. */
export function pyList(items: string[]): string {
  const repr = (s: string) =>
    s.includes("'") && !s.includes('"')
      ? `"${s.replace(/\\/g, '\\\\')}"`
      : `'${s.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
  return `[${items.map(repr).join(', ')}]`;
}

const isOutput = (e: XmlElement) => Boolean(e.attrs.name && e.attrs.toName && e.tag !== 'Filter');
const isInput = (e: XmlElement) => Boolean(e.attrs.name && (e.attrs.value || e.attrs.valueList));
// Label Studio's has_variable: only a whole `$identifier` (letters and underscores) makes labels dynamic.
const hasVariable = (value: string | undefined) => /^\$[A-Za-z_]+$/.test(value ?? '');
const VARIABLE = /\$[\p{L}\p{N}_]/u;
const URL_LIKE = /^(?:[a-z][a-z0-9+.-]*:|\/)/i;

function conditionalsOf(attrs: Record<string, string>): ParsedControl['conditionals'] {
  if (attrs.perRegion !== 'true') return undefined;
  if (attrs.whenTagName) return { type: 'tag', name: attrs.whenTagName };
  if (attrs.whenLabelValue) return { type: 'label', name: attrs.whenLabelValue };
  if (attrs.whenChoiceValue) return { type: 'choice', name: attrs.whenChoiceValue };
  return undefined;
}

function nearestOutput(e: XmlElement, outputs: Map<string, unknown>): string | null {
  for (let p = e.parent; p; p = p.parent) {
    if (p.attrs.name !== undefined && outputs.has(p.attrs.name)) return p.attrs.name;
  }
  return null;
}

/** Label Studio's extract_data_types: every named tag with a `value` that holds a `$variable`. */
function extractDataTypes(root: XmlElement): Record<string, string> {
  const types: Record<string, string> = {};
  for (const e of walk(root)) {
    if (e === root || e.attrs.value === undefined || !e.attrs.name) continue;
    const value = e.attrs.value;
    let key: string | undefined;
    if (value.length > 1 && value.startsWith('$')) key = value.slice(1);
    else key = /\$[\p{L}\p{N}_]+/u.exec(value)?.[0].slice(1);
    if (key && types[key] !== 'Video') types[key] = e.tag;
  }
  return types;
}

function checkObject(e: XmlElement, problems: string[]): void {
  const { name, value, valueList } = e.attrs;
  if (!name) {
    problems.push(`${where(e)} needs a name`);
    return;
  }
  if (!value && !valueList) {
    problems.push(`${where(e)} needs value="$<data key>"`);
    return;
  }
  if (value && valueList) problems.push(`${where(e)} has both value and valueList; use one`);
  if (valueList && !valueList.startsWith('$')) {
    problems.push(`${where(e)}: valueList="${valueList}" must name a $variable`);
  }
  // A media tag's value must come from the task (or be a fixed URL); a bare word is a forgotten `$`.
  if (
    value &&
    !LITERAL_VALUE_OBJECTS.has(e.tag.toLowerCase()) &&
    !VARIABLE.test(value) &&
    !URL_LIKE.test(value)
  ) {
    problems.push(`${where(e)}: value="${value}" names no $variable (did you mean value="$${value}"?)`);
  }
}

export function parseLabelConfig(xml: string): LabelConfig {
  let root: XmlElement;
  try {
    root = parseXml(xml);
  } catch (error) {
    if (!(error instanceof XmlSyntaxError)) throw error;
    const at = error.line === null ? '' : ` at line ${error.line}, column ${error.column}`;
    throw new LabelConfigError([`XML does not parse${at}: ${error.message}`]);
  }
  if (root.tag.toLowerCase() !== 'view') {
    throw new LabelConfigError([`The root tag must be <View>, found <${root.tag}>`]);
  }

  const problems: string[] = [];
  const flags: string[] = [];
  const outputs = new Map<string, { element: XmlElement; info: ParsedControl }>();
  const inputs = new Map<string, { element: XmlElement; input: ParsedInput }>();
  const labels = new Map<string, Map<string, Record<string, string>>>();
  const relationLabels: string[] = [];
  const names: string[] = [];

  for (const e of walk(root)) {
    const { attrs } = e;
    const lower = e.tag.toLowerCase();
    if (attrs.name !== undefined) names.push(attrs.name);
    if (attrs.indexFlag) flags.push(attrs.indexFlag);

    if (isKnownControl(e.tag) && (!attrs.name || !attrs.toName)) {
      problems.push(`${where(e)} needs ${attrs.name ? 'a toName' : 'a name'}`);
    } else if (isObjectTag(e.tag) && !attrs.toName) {
      checkObject(e, problems);
    }

    if (isOutput(e)) {
      const info: ParsedControl = { type: e.tag, to_name: attrs.toName!.split(',') } as ParsedControl;
      const used = flags.filter((v) => info.to_name.some((to) => to.includes(v)));
      if (used.length > 0) info.regex = Object.fromEntries(used.map((v) => [v, '.*']));
      const conditionals = conditionalsOf(attrs);
      if (conditionals) info.conditionals = conditionals;
      if (hasVariable(attrs.value) || attrs.apiUrl) info.dynamic_labels = true;
      outputs.set(attrs.name!, { element: e, info });
    } else if (isInput(e)) {
      const input: ParsedInput = { type: e.tag, valueType: attrs.valueType ?? null };
      if ('value' in attrs) input.value = attrs.value!.replace(/^\$+/, '');
      else input.valueList = attrs.valueList!.replace(/^\$+/, '');
      inputs.set(attrs.name!, { element: e, input });
    }

    if (!LABEL_CHILD_TAGS.has(lower)) continue;
    const value = attrs.alias || attrs.value || attrs.valueList;
    if (lower === 'relation' && e.parent?.tag.toLowerCase() === 'relations') {
      if (value && !relationLabels.includes(value)) relationLabels.push(value);
      else if (!value) problems.push(`${where(e)} needs a value`);
      continue;
    }
    const owner = nearestOutput(e, outputs);
    if (owner === null) continue;
    if (!value) problems.push(`${where(e)} in "${owner}" needs a value`);
    else {
      const byValue = labels.get(owner) ?? new Map<string, Record<string, string>>();
      byValue.set(value, { ...attrs });
      labels.set(owner, byValue);
    }
  }

  const duplicates = [...new Set(names.filter((n, i) => names.indexOf(n) !== i))];
  if (duplicates.length > 0) {
    problems.push(`Label config contains non-unique names: ${duplicates.join(', ')}`);
  }
  const objectNames = [...inputs.keys()].sort();
  const allNames = new Set(names);
  for (const e of walk(root)) {
    if (!e.attrs.toName) continue;
    // Controls must point at objects; a Filter (or any other helper) may point at any named tag.
    const allowed = isOutput(e) ? new Set(objectNames) : allNames;
    for (const to of e.attrs.toName.split(',')) {
      if (!allowed.has(to)) {
        const listed = isOutput(e) ? objectNames : [...allNames].sort();
        problems.push(`toName="${to}" not found in names: ${pyList(listed)}`);
      }
    }
  }

  const parsed: Record<string, ParsedControl> = {};
  const controls: ControlTag[] = [];
  for (const [name, { element, info }] of outputs) {
    const own = labels.get(name) ?? new Map<string, Record<string, string>>();
    info.inputs = info.to_name.flatMap((to) => {
      const found = inputs.get(to);
      return found ? [found.input] : [];
    });
    info.labels = [...own.keys()];
    info.labels_attrs = Object.fromEntries(own);
    parsed[name] = info;

    const { attrs } = element;
    const dynamic = info.dynamic_labels === true;
    const labelSource =
      attrs.value || attrs.apiUrl || (element.tag.toLowerCase() === 'taxonomy' && attrs.userLabels);
    if (isLabeledControl(element.tag) && info.labels.length === 0 && !labelSource) {
      const child = element.tag.toLowerCase() === 'choices' || element.tag.toLowerCase() === 'taxonomy';
      problems.push(
        `${where(element)} has no <${child ? 'Choice' : 'Label'}> children and no dynamic value="$..."`,
      );
    }
    const type = canonicalTag(element.tag);
    const control: ControlTag = {
      name,
      type,
      resultType: type.toLowerCase(),
      toName: [...info.to_name],
      labels: [...info.labels],
      labelsAttrs: structuredClone(info.labels_attrs),
      dynamic,
      perRegion: attrs.perRegion === 'true',
      required: attrs.required === 'true',
      attrs: { ...attrs },
    };
    if (type === 'Choices') {
      const choice = attrs.choice;
      control.choice = choice === 'multiple' || choice === 'single-radio' ? choice : 'single';
    }
    controls.push(control);
  }
  if (problems.length > 0) throw new LabelConfigError(problems);

  const objects: ObjectTag[] = [...inputs.entries()].map(([name, { element, input }]) => {
    const object: ObjectTag = {
      name,
      type: canonicalTag(element.tag),
      value: input.value ?? input.valueList ?? '',
      valueList: input.valueList !== undefined,
      attrs: { ...element.attrs },
    };
    if (input.valueType !== null) object.valueType = input.valueType;
    return object;
  });
  const dataTypes = extractDataTypes(root);
  return {
    controls,
    objects,
    relationLabels,
    dataKeys: Object.keys(dataTypes).sort(),
    dataTypes,
    repeaterFlags: [...new Set(flags)],
    parsed,
  };
}
