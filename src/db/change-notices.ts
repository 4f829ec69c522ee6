// What changed, as the database announces it (migration 0014): every write to a tenant table sends a NOTICE
// "gt_changed <payload>" on the writing connection and a NOTIFY on channel gt_changed at commit. This file
// hears the notices of this process's own connections; src/platform/cache/change-feed.ts adds the NOTIFYs of
// other processes. Payloads: 'org:<id>', 'user:<id>' or '*' (everything).
import type pg from 'pg';

export const CHANGE_CHANNEL = 'gt_changed';
const PREFIX = `${CHANGE_CHANNEL} `;

export type ChangeListener = (payload: string) => void;

export interface ChangeNotices {
  /** Calls `listener` for every change; returns the function that stops it. */
  subscribe(listener: ChangeListener): () => void;
  /** Tells every listener (used by the cross-process feed). */
  emit(payload: string): void;
}

/**
 * Wires a pool before its first connection. A change is told twice: when the notice arrives (before the
 * writing transaction commits) and again when that connection goes back to the pool (after its COMMIT), so a
 * read that ran between the two cannot leave an entry cached from before the commit.
 */
export function watchPool(pool: pg.Pool): ChangeNotices {
  const listeners = new Set<ChangeListener>();
  const pending = new WeakMap<pg.PoolClient, Set<string>>();
  const emit = (payload: string) => {
    for (const listener of listeners) listener(payload);
  };
  pool.on('connect', (client) => {
    client.on('notice', (notice) => {
      const message = notice.message;
      if (!message?.startsWith(PREFIX)) return;
      const payload = message.slice(PREFIX.length);
      const set = pending.get(client) ?? new Set<string>();
      pending.set(client, set);
      set.add(payload);
      emit(payload);
    });
  });
  pool.on('release', (_err: Error | undefined, client: pg.PoolClient) => {
    const set = pending.get(client);
    if (!set || set.size === 0) return;
    pending.delete(client);
    for (const payload of set) emit(payload);
  });
  return {
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    emit,
  };
}
