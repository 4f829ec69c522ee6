// The process's one LISTEN connection (PostgreSQL only): every part that follows NOTIFYs (the read cache's
// change feed, the rooms' live messages) registers its channel here, and one dedicated connection LISTENs on
// all of them, so a process holds one such connection however many channels it follows. A connection that
// fails, ends or stops answering the heartbeat is replaced with a backoff; the parts are told when it is lost
// and when it listens again (the read cache is off meanwhile, because a change could pass unheard).
import pg from 'pg';
import type { Database } from '../db/database.ts';

interface Log {
  warn(obj: object, msg: string): void;
}

export interface Listener {
  /** Calls `handler` with each NOTIFY payload on `channel`; answers the function that stops it. */
  on(channel: string, handler: (payload: string) => void): () => void;
  /** Calls `state(true)` each time the connection listens on every channel, `state(false)` when it is lost. */
  onState(state: (listening: boolean) => void): () => void;
  readonly listening: boolean;
  /** Resolves once the first connection attempt has ended (listening or not). */
  ready: Promise<void>;
  stop(): Promise<void>;
}

const HEARTBEAT_MS = 5_000;
const CHANNEL = /^[a-z_][a-z0-9_]{0,62}$/;

export function createListener(database: Database, log: Log): Listener {
  const handlers = new Map<string, Set<(payload: string) => void>>();
  const states = new Set<(listening: boolean) => void>();
  let client: pg.Client | null = null;
  let stopped = false;
  let retryDelay = 500;
  let timer: NodeJS.Timeout | null = null;
  let heartbeat: NodeJS.Timeout | null = null;

  const tell = (listening: boolean) => {
    for (const s of states) s(listening);
  };

  async function connect(): Promise<void> {
    const next = new pg.Client({
      ...(database.pool.options as pg.ClientConfig),
      application_name: 'groundtruth-listen',
    });
    const lost = (err?: Error) => {
      if (client !== next) return;
      client = null;
      tell(false);
      next.end().catch(() => {});
      if (stopped) return;
      log.warn({ err: err?.message }, 'LISTEN connection lost; connecting again');
      schedule();
    };
    next.on('error', lost);
    next.on('end', () => lost());
    next.on('notification', (n) => {
      const set = handlers.get(n.channel);
      if (set) for (const h of set) h(n.payload ?? '');
    });
    try {
      await next.connect();
      for (const channel of handlers.keys()) await next.query(`LISTEN ${channel}`);
    } catch (err) {
      next.removeAllListeners('end');
      await next.end().catch(() => {});
      if (!stopped) {
        log.warn({ err: (err as Error).message }, 'LISTEN connection could not be made');
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
    tell(true);
  }

  function schedule(): void {
    timer = setTimeout(() => {
      timer = null;
      void connect();
    }, retryDelay);
    timer.unref();
    retryDelay = Math.min(retryDelay * 2, 30_000);
  }

  if (database.kind === 'postgres') {
    heartbeat = setInterval(() => {
      const current = client;
      if (!current) return;
      const t = setTimeout(() => current.emit('error', new Error('heartbeat timed out')), HEARTBEAT_MS);
      current
        .query('SELECT 1')
        .catch((err: Error) => current.emit('error', err))
        .finally(() => clearTimeout(t));
    }, HEARTBEAT_MS);
    heartbeat.unref();
  }
  // Parts register their channels while the app is built; connecting waits a turn so the first LISTENs
  // cover them all.
  const ready: Promise<void> =
    database.kind === 'postgres'
      ? new Promise<void>((r) => setImmediate(r)).then(connect)
      : Promise.resolve();

  return {
    on(channel, handler) {
      if (!CHANNEL.test(channel)) throw new Error(`not a channel name: ${channel}`);
      let set = handlers.get(channel);
      if (!set) {
        set = new Set();
        handlers.set(channel, set);
        // A channel added while connected is listened to at once; a failure here replaces the connection.
        client?.query(`LISTEN ${channel}`).catch((err: Error) => client?.emit('error', err));
      }
      set.add(handler);
      return () => {
        set.delete(handler);
      };
    },
    onState(state) {
      states.add(state);
      return () => {
        states.delete(state);
      };
    },
    get listening() {
      return client !== null;
    },
    ready,
    async stop() {
      stopped = true;
      if (heartbeat) clearInterval(heartbeat);
      if (timer) clearTimeout(timer);
      await ready;
      const current = client;
      client = null;
      if (current) tell(false);
      await current?.end().catch(() => {});
    },
  };
}
