// The data manager's selection as Label Studio sends it: all tasks of the filter except some, or some ids.

export type Selection = { all: boolean; included: Set<number>; excluded: Set<number> };

export const noSelection = (): Selection => ({ all: false, included: new Set(), excluded: new Set() });

export const isSelected = (s: Selection, id: number) => (s.all ? !s.excluded.has(id) : s.included.has(id));

export function toggle(s: Selection, id: number, on: boolean): Selection {
  const included = new Set(s.included);
  const excluded = new Set(s.excluded);
  if (s.all) {
    if (on) excluded.delete(id);
    else excluded.add(id);
  } else if (on) included.add(id);
  else included.delete(id);
  return { all: s.all, included, excluded };
}

export const selectAll = (on: boolean): Selection => (on ? { ...noSelection(), all: true } : noSelection());

/** How many tasks are selected, given how many the filter matches. */
export const selectedCount = (s: Selection, total: number) =>
  s.all ? Math.max(0, total - s.excluded.size) : s.included.size;

/** `selectedItems` of /api/dm/actions. */
export const selectedItems = (s: Selection) =>
  s.all ? { all: true, excluded: [...s.excluded] } : { all: false, included: [...s.included] };
