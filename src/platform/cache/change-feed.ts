// Changes made by other processes: one dedicated connection LISTENs on gt_changed (PostgreSQL only; the
// embedded database belongs to one process, whose own notices are enough). While that connection is down,
// caching is off, because a change could pass unheard; it comes back on once the connection is listening.
// A heartbeat query finds a connection that died without a word (a half-open socket).
import pg from 'pg';
import { CHANGE_CHANNEL } from '../../db/change-notices.ts';
import type { Database } from '../../db/database.ts';
import type { Generations } from './generations.ts';

interface Log {
  warn(obj: object, msg: string): void;
  info(obj: object, msg: string): void;
}

const HEARTBEAT_MS = 5_000;

export interface ChangeFeed {
  /** Resolves once the first connection attempt has ended (listening, or caching off). */
  ready: Promise<void>;
  stop(): Promise<void>;
}

export function startChangeFeed(database: Database, generations: Generations, log: Log): ChangeFeed {
  if (database.kind === 'pglite') return { ready: Promise.resolve(), stop: async () => {} };
  generations.setEnabled(false);
  let stopped = false;
  let client: pg.Client | null = null;
  let retryDelay = 500;
  let timer: NodeJS.Timeout | null = null;
  const heartbeat = setInterval(() => {
    const current = client;
    if (!current) return;
    const timeout = setTimeout(() => current.emit('error', new Error('heartbeat timed out')), HEARTBEAT_MS);
    current
      .query('SELECT 1')
      .catch((err: Error) => current.emit('error', err))
      .finally(() => clearTimeout(timeout));
  }, HEARTBEAT_MS);
  heartbeat.unref();

  const own = (database.pool.options as { application_name?: string }).application_name ?? '';

  async function connect(): Promise<void> {
    const next = new pg.Client({
      ...(database.pool.options as pg.ClientConfig),
      application_name: 'groundtruth-changes',
    });
    const lost = (err?: Error) => {
      if (client !== next) return;
      client = null;
      generations.setEnabled(false);
      next.end().catch(() => {});
      if (stopped) return;
      log.warn({ err: err?.message }, 'change feed lost; read cache off until it is back');
      schedule();
    };
    next.on('error', lost);
    next.on('end', () => lost());
    next.on('notification', (message) => {
      if (message.channel !== CHANGE_CHANNEL) return;
      // "<change>|<application_name of the writer>": this process's own changes came as notices already.
      const raw = message.payload ?? '*';
      const cut = raw.lastIndexOf('|');
      if (cut >= 0 && raw.slice(cut + 1) === own) return;
      database.changes.emit(cut >= 0 ? raw.slice(0, cut) : raw);
    });
    try {
      await next.connect();
      await next.query(`LISTEN ${CHANGE_CHANNEL}`);
    } catch (err) {
      next.removeAllListeners('end');
      await next.end().catch(() => {});
      if (!stopped) {
        log.warn({ err: (err as Error).message }, 'change feed could not connect; read cache off');
        schedule();
      }
      return;
    }
    if (stopped) {
      await next.end().catch(() => {});
      return;
    }
    client = next;
    retryDelay = 500;
    generations.setEnabled(true);
  }

  function schedule(): void {
    timer = setTimeout(() => {
      timer = null;
      void connect();
    }, retryDelay);
    timer.unref();
    retryDelay = Math.min(retryDelay * 2, 30_000);
  }

  const ready = connect();
  return {
    ready,
    async stop() {
      stopped = true;
      clearInterval(heartbeat);
      if (timer) clearTimeout(timer);
      await ready;
      const current = client;
      client = null;
      generations.setEnabled(false);
      await current?.end().catch(() => {});
    },
  };
}
