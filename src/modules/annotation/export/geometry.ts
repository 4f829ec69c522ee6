// Region geometry shared by the image formats. Values are in Label Studio's units: percent of the image's
// width (x) and height (y), rotation in degrees clockwise around the rectangle's top-left corner.
import type { ExportCategory, ExportContext } from './types.ts';

export type Box = [x: number, y: number, w: number, h: number];

const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);

/** x, y, width, height of a rectangle-like value, or null when one is missing (Label Studio skips those). */
export function boxOf(v: Record<string, unknown>): Box | null {
  const x = num(v.x);
  const y = num(v.y);
  const w = num(v.width);
  const h = num(v.height);
  return x === null || y === null || w === null || h === null ? null : [x, y, w, h];
}

/**
 * The axis-aligned box around a rotated rectangle (Converter.rotated_rectangle): rotate the four corners
 * around the top-left corner (x, y), which is where Label Studio stores a rotated rectangle, then take their
 * extent. Computed in percent units as Label Studio does.
 */
export function axisAlignedBox(box: Box, rotation: unknown): Box {
  const r = num(rotation) ?? 0;
  if (Math.abs(r) === 0) return box;
  const [x, y, w, h] = box;
  const rad = (r * Math.PI) / 180;
  const cos = Math.cos(rad);
  const sin = Math.sin(rad);
  const xs = [x, x + w * cos, x + w * cos - h * sin, x - h * sin];
  const ys = [y, y + w * sin, y + w * sin + h * cos, y + h * cos];
  const minX = Math.min(...xs);
  const minY = Math.min(...ys);
  return [minX, minY, Math.max(...xs) - minX, Math.max(...ys) - minY];
}

/** A polygon's points as [x, y] pairs, or null when absent or malformed. */
export function pointsOf(v: Record<string, unknown>): [number, number][] | null {
  if (!Array.isArray(v.points) || v.points.length === 0) return null;
  const out: [number, number][] = [];
  for (const p of v.points) {
    if (!Array.isArray(p)) return null;
    const px = num(p[0]);
    const py = num(p[1]);
    if (px === null || py === null) return null;
    out.push([px, py]);
  }
  return out;
}

/** [min, max] of a non-empty list, without spreading it into arguments (a polygon can be long). */
export function extent(values: number[]): [number, number] {
  let min = Number.POSITIVE_INFINITY;
  let max = Number.NEGATIVE_INFINITY;
  for (const v of values) {
    if (v < min) min = v;
    if (v > max) max = v;
  }
  return [min, max];
}

/** Shoelace area of a polygon (utils.get_polygon_area). */
export function polygonArea(xs: number[], ys: number[]): number {
  let a = 0;
  let b = 0;
  for (let i = 0; i < xs.length; i++) {
    const prev = (i + xs.length - 1) % xs.length;
    a += xs[i]! * ys[prev]!;
    b += ys[i]! * xs[prev]!;
  }
  return 0.5 * Math.abs(a - b);
}

/**
 * The image path of a task: the data value itself, or the last entry of a list (Label Studio tries a list's
 * entries from the end). null when there is none; such tasks are left out of the image formats.
 */
export function imagePathOf(data: Record<string, unknown>, key: string): string | null {
  const v = data[key];
  if (typeof v === 'string') return v;
  if (Array.isArray(v)) {
    for (let i = v.length - 1; i >= 0; i--) if (typeof v[i] === 'string') return v[i] as string;
  }
  return null;
}

/** The first label of a value under the first of `keys` that holds a non-empty list. */
export function firstLabel(v: Record<string, unknown>, keys: readonly string[]): string | null {
  for (const key of keys) {
    const list = v[key];
    if (Array.isArray(list) && list.length > 0) return String(list[0]);
  }
  return null;
}

/** The context's categories as {id, name}, a plain name taking its index as id. */
export function categoryList(categories: ExportContext['categories']): ExportCategory[] {
  return categories.map((c, index) =>
    typeof c === 'string' ? { id: index, name: c } : { id: c.id, name: c.name },
  );
}

/** The id a label missing from the config gets: the next free one, as Label Studio appends it. */
export function nextCategoryId(categories: ExportCategory[]): number {
  let max = -1;
  for (const c of categories) if (c.id > max) max = c.id;
  return max + 1;
}

export function requireImageKey(ctx: { imageKey: string | null }, format: string): string {
  if (!ctx.imageKey) throw new Error(`${format} export needs the task data key of the image (imageKey)`);
  return ctx.imageKey;
}
