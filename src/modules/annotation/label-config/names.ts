// Repeater configs name controls and objects with placeholders (`labels_{{idx}}`) that results fill in
// (`labels_0`). Label Studio matches them by replacing each placeholder with `.*`; this does the same, with
// the rest of the name taken literally.
import type { ControlTag, LabelConfig } from './parse.ts';

function escapeRegex(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

export function nameMatcher(pattern: string, flags: string[]): (name: string) => boolean {
  const used = flags.filter((flag) => pattern.includes(flag));
  if (used.length === 0) return (name) => name === pattern;
  let source = escapeRegex(pattern);
  for (const flag of used) source = source.split(escapeRegex(flag)).join('.*');
  const regex = new RegExp(`^(?:${source})$`, 's');
  return (name) => regex.test(name);
}

/** The control a result's `from_name` refers to: an exact name first, then a Repeater pattern. */
export function findControl(config: LabelConfig, fromName: string): ControlTag | undefined {
  const exact = config.controls.find((c) => c.name === fromName);
  if (exact || config.repeaterFlags.length === 0) return exact;
  return config.controls.find((c) => nameMatcher(c.name, config.repeaterFlags)(fromName));
}

export function controlTargets(config: LabelConfig, control: ControlTag, toName: string): boolean {
  return control.toName.some((to) => nameMatcher(to, config.repeaterFlags)(toName));
}
