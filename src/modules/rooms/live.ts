// Live room events. A message written in this process goes at once to this process's sockets subscribed to
// its room. On PostgreSQL it is also announced with NOTIFY on `gt_room_events`, and every other server process
// (each LISTENs on a connection of its own) loads it and pushes it to its own sockets, so members connected to
// different processes all get it. On PGlite there is one process: local delivery is all there is.
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import type { Database } from '../../db/database.ts';
import { inScope } from '../../db/scope.ts';
import { type MessageOut, messageOut } from './messages.repo.ts';

export interface LiveSocket {
  send(data: string): void;
}

const CHANNEL = 'gt_room_events';
/** NOTIFY payloads are limited to 8000 bytes; larger messages travel as ids and are read back. */
const INLINE_MAX = 7000;

interface Announcement {
  p: string;
  o: number;
  r: number;
  m: number;
  message?: MessageOut;
}

const RETRY_MS = 5_000;

export function createLiveHub(database: Database, log: { warn(obj: object, msg: string): void }) {
  const rooms = new Map<number, Set<LiveSocket>>();
  const self = randomBytes(8).toString('hex');
  let listener: pg.Client | null = null;
  let stopped = false;

  function deliver(message: MessageOut) {
    const set = rooms.get(message.room);
    if (!set) return;
    const frame = JSON.stringify({ type: 'message', message });
    for (const s of set) s.send(frame);
  }

  async function received(payload: string) {
    const a = JSON.parse(payload) as Announcement;
    if (a.p === self || !rooms.has(a.r)) return;
    if (a.message) return deliver(a.message);
    const row = await inScope(database.db, { organizationId: a.o, userId: null }, (tx) =>
      tx.selectFrom('messages').selectAll().where('id', '=', a.m).executeTakeFirst(),
    );
    if (row) deliver(messageOut(row));
  }

  return {
    subscribe(roomId: number, socket: LiveSocket) {
      const set = rooms.get(roomId) ?? new Set<LiveSocket>();
      rooms.set(roomId, set);
      set.add(socket);
    },
    unsubscribeAll(socket: LiveSocket) {
      for (const [id, set] of rooms) {
        set.delete(socket);
        if (set.size === 0) rooms.delete(id);
      }
    },
    publish(organizationId: number, message: MessageOut) {
      deliver(message);
      if (database.kind !== 'postgres') return;
      const a: Announcement = { p: self, o: organizationId, r: message.room, m: message.id, message };
      let payload = JSON.stringify(a);
      if (Buffer.byteLength(payload) > INLINE_MAX) payload = JSON.stringify({ ...a, message: undefined });
      database.pool
        .query('SELECT pg_notify($1, $2)', [CHANNEL, payload])
        .catch((err: Error) => log.warn({ err: err.message }, 'could not announce a room message'));
    },
    /**
     * Starts listening for the other processes' messages (PostgreSQL only). A connection that fails or drops
     * is tried again every few seconds; meanwhile this process still delivers its own messages.
     */
    async start() {
      if (database.kind !== 'postgres' || listener || stopped) return;
      const options = (database.pool as unknown as { options: pg.ClientConfig }).options;
      const client = new pg.Client({ connectionString: options.connectionString });
      const retry = (err?: Error) => {
        if (listener === client) listener = null;
        client.end().catch(() => undefined);
        if (stopped) return;
        log.warn({ err: err?.message }, 'room events listener failed; trying again');
        setTimeout(() => void this.start(), RETRY_MS).unref();
      };
      client.on('error', retry);
      client.on('notification', (n) => {
        if (n.channel === CHANNEL && n.payload)
          received(n.payload).catch((err: Error) =>
            log.warn({ err: err.message }, 'room event not delivered'),
          );
      });
      try {
        await client.connect();
        await client.query(`LISTEN ${CHANNEL}`);
      } catch (err) {
        client.removeListener('error', retry);
        retry(err as Error);
        return;
      }
      listener = client;
    },
    async stop() {
      stopped = true;
      const l = listener;
      listener = null;
      await l?.end().catch(() => undefined);
    },
  };
}

export type LiveHub = ReturnType<typeof createLiveHub>;
