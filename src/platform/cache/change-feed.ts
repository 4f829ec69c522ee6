// Changes made by other processes: NOTIFYs on gt_changed, heard on the process's shared LISTEN connection
// (platform/listener.ts; PostgreSQL only: the embedded database belongs to one process, whose own notices
// are enough). While that connection is down, caching is off, because a change could pass unheard; it comes
// back on once the connection is listening again.
import { CHANGE_CHANNEL } from '../../db/change-notices.ts';
import type { Database } from '../../db/database.ts';
import type { Listener } from '../listener.ts';
import type { Generations } from './generations.ts';

export interface ChangeFeed {
  /** Resolves once the first connection attempt has ended (listening, or caching off). */
  ready: Promise<void>;
  stop(): Promise<void>;
}

export function startChangeFeed(
  database: Database,
  listener: Listener,
  generations: Generations,
): ChangeFeed {
  if (database.kind === 'pglite') return { ready: Promise.resolve(), stop: async () => {} };
  generations.setEnabled(listener.listening);
  const own = (database.pool.options as { application_name?: string }).application_name ?? '';
  const offState = listener.onState((listening) => generations.setEnabled(listening));
  const offChanges = listener.on(CHANGE_CHANNEL, (payload) => {
    // "<change>|<application_name of the writer>": this process's own changes came as notices already.
    const raw = payload || '*';
    const cut = raw.lastIndexOf('|');
    if (cut >= 0 && raw.slice(cut + 1) === own) return;
    database.changes.emit(cut >= 0 ? raw.slice(0, cut) : raw);
  });
  return {
    ready: listener.ready,
    async stop() {
      offState();
      offChanges();
      generations.setEnabled(false);
    },
  };
}
