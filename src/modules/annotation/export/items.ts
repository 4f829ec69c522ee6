// Label Studio's converter pipeline (Converter.annotation_result_from_task): a task becomes one item per
// non-cancelled annotation, newest first, or one empty item when it has no annotations at all (a task whose
// annotations are all cancelled gives none). An item's outputs group the regions by from_name, in order of
// first appearance, keeping only regions whose from_name is a control of the config (or chat messages).
import type { ExportAnnotation, ExportContext, ExportTask, Region } from './types.ts';

export interface OutputGroup {
  /** The control tag, lowercased ("rectanglelabels", "choices", ...). */
  control: string;
  /** Each region's value plus its original_width/height, without a `type` key (as prettify_result leaves it). */
  values: Record<string, unknown>[];
}

export interface Item {
  task: ExportTask;
  /** null for the item of a task without annotations. */
  annotation: ExportAnnotation | null;
  outputs: Map<string, OutputGroup>;
}

const PLACEHOLDER = /\{\{[^}]*\}\}/g;

/** Finds the control a from_name belongs to: its own name, else the longest Repeater pattern that matches. */
function controlMatcher(controls: Record<string, string>): (fromName: string) => string | undefined {
  const patterns = Object.keys(controls)
    .filter((name) => name.includes('{{'))
    .map((name) => {
      const source = name
        .split(PLACEHOLDER)
        .map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
        .join('.*');
      return { name, re: new RegExp(`^${source}`), length: source.length };
    })
    .sort((a, b) => b.length - a.length);
  return (fromName) => {
    const own = Object.hasOwn(controls, fromName) ? controls[fromName] : undefined;
    if (own !== undefined) return own;
    for (const p of patterns) if (p.re.test(fromName)) return controls[p.name];
    return undefined;
  };
}

const isCancelled = (a: ExportAnnotation) => Boolean(a.was_cancelled || a.skipped);

export function createItemReader(ctx: ExportContext): (task: ExportTask) => Item[] {
  const controlOf = controlMatcher(ctx.controls);

  const outputsOf = (result: Region[] | undefined): Map<string, OutputGroup> => {
    const outputs = new Map<string, OutputGroup>();
    for (const r of result ?? []) {
      const fromName = r.from_name;
      if (!fromName) continue;
      const control = controlOf(fromName) ?? (r.type === 'chatmessage' ? 'chatmessage' : undefined);
      if (control === undefined) continue;
      const v: Record<string, unknown> = { ...(r.value ?? {}) };
      delete v.type;
      if ('original_width' in r) v.original_width = r.original_width;
      if ('original_height' in r) v.original_height = r.original_height;
      let group = outputs.get(fromName);
      if (!group) {
        group = { control, values: [] };
        outputs.set(fromName, group);
      }
      group.values.push(v);
    }
    return outputs;
  };

  return (task) => {
    const annotations = task.annotations ?? [];
    if (annotations.length === 0) return [{ task, annotation: null, outputs: new Map() }];
    return annotations
      .filter((a) => !isCancelled(a))
      .sort((a, b) => (a.created_at < b.created_at ? 1 : a.created_at > b.created_at ? -1 : 0))
      .map((annotation) => ({ task, annotation, outputs: outputsOf(annotation.result) }));
  };
}

const isChat = (control: string) => control === 'chat' || control === 'chatmessage';

/**
 * prettify_result: a Choices/TextArea control with one region holding one value gives that bare string; chat
 * regions give their messages; anything else is the list of value dicts.
 */
export function prettify(group: OutputGroup): unknown {
  const single = group.control === 'choices' || group.control === 'textarea';
  const key = group.control === 'choices' ? 'choices' : 'text';
  const out = group.values.map((v) => {
    const list = v[key];
    if (single && Array.isArray(list) && list.length === 1) return list[0];
    if (isChat(group.control)) return v.chatmessage ?? v;
    return v;
  });
  return single && out.length === 1 ? out[0] : out;
}

/** Lines "role: content" of a chat control's messages (csv2.generate_chat_transcript). */
export function chatTranscript(group: OutputGroup, pretty: unknown): string | null {
  if (!isChat(group.control) || !Array.isArray(pretty)) return null;
  const lines: string[] = [];
  for (const m of pretty) {
    if (m === null || typeof m !== 'object' || Array.isArray(m)) continue;
    const msg = m as Record<string, unknown>;
    const role = msg.role === undefined ? '' : pyStr(msg.role);
    const content = msg.content === undefined ? '' : pyStr(msg.content);
    if (role) lines.push(content ? `${role}: ${content}` : `${role}:`);
    else lines.push(content);
  }
  return lines.join('\n');
}

const pyStr = (v: unknown) => (v === null ? 'None' : typeof v === 'string' ? v : JSON.stringify(v));

/** get_annotator: the email of an expanded user (or `fallback`), else the id (as a string unless intId). */
export function annotatorOf(
  item: Item,
  intId: boolean,
  fallback: string | null = null,
): string | number | null {
  const by: unknown = item.annotation?.completed_by ?? {};
  if (by !== null && typeof by === 'object') return (by as { email?: string }).email ?? fallback;
  if (typeof by === 'number' && intId) return by;
  return String(by);
}
