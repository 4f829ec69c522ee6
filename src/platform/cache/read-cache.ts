// A bounded in-process cache of values read from the database, valid while their generations stamp is
// current (generations.ts) and at most `maxAgeMs` old: the age limit bounds what a change that was never
// announced (an unseen network failure of the change feed) could leave stale. Oldest entries go first when
// it is full.
import type { Generations, Stamp } from './generations.ts';

export interface ReadCache<T> {
  get(key: string): T | undefined;
  /** Stores `value` if nothing it depends on changed since `stamp` was taken. */
  set(key: string, value: T, stamp: Stamp | null): void;
  readonly size: number;
}

export function createReadCache<T>(
  generations: Generations,
  maxEntries: number,
  maxAgeMs = 30_000,
): ReadCache<T> {
  const entries = new Map<string, { value: T; stamp: Stamp; at: number }>();
  generations.onReset(() => entries.clear());
  return {
    get(key) {
      const entry = entries.get(key);
      if (!entry) return undefined;
      if (generations.current(entry.stamp) && performance.now() - entry.at <= maxAgeMs) return entry.value;
      entries.delete(key);
      return undefined;
    },
    set(key, value, stamp) {
      if (!stamp || !generations.current(stamp)) return;
      entries.delete(key);
      entries.set(key, { value, stamp, at: performance.now() });
      if (entries.size > maxEntries) {
        const oldest = entries.keys().next().value;
        if (oldest !== undefined) entries.delete(oldest);
      }
    },
    get size() {
      return entries.size;
    },
  };
}
