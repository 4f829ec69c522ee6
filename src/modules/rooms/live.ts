// Live room events. A message written in this process goes at once to this process's sockets subscribed to
// its room. On PostgreSQL it is also announced with NOTIFY on `gt_room_events`, and every other server process
// (hearing it on its shared LISTEN connection, platform/listener.ts) loads it and pushes it to its own
// sockets, so members connected to different processes all get it. On PGlite there is one process: local
// delivery is all there is.
// Membership changes travel the same way: a member removed from a room (or a deleted room) stops its sockets'
// deliveries at once; each socket then asks again whether its user may still read the room (an organization
// owner may, without being a member) and, if so, resumes with the messages it missed meanwhile.
import { randomBytes } from 'node:crypto';
import type { Database } from '../../db/database.ts';
import { inScope } from '../../db/scope.ts';
import type { Listener } from '../../platform/listener.ts';
import { type MessageOut, messageOut } from './messages.repo.ts';

export interface LiveSocket {
  userId: number;
  deliver(frame: string, message: MessageOut): void;
  /** The room's events stopped for this socket's user: check access again and resume or say so. */
  revoked(roomId: number): void;
}

const CHANNEL = 'gt_room_events';
/** NOTIFY payloads are limited to 8000 bytes; larger messages travel as ids and are read back. */
const INLINE_MAX = 7000;

type Announcement =
  | { p: string; o: number; r: number; m: number; message?: MessageOut }
  /** membership: user `u` (or everyone, null) of room `r` lost access */
  | { p: string; o: number; r: number; u: number | null; k: 'revoke' };

export function createLiveHub(
  database: Database,
  listener: Listener,
  log: { warn(obj: object, msg: string): void },
) {
  const rooms = new Map<number, Set<LiveSocket>>();
  const self = randomBytes(8).toString('hex');
  let off: (() => void) | null = null;

  function deliver(message: MessageOut) {
    const set = rooms.get(message.room);
    if (!set) return;
    const frame = JSON.stringify({ type: 'message', message });
    for (const s of set) s.deliver(frame, message);
  }

  function revokeHere(roomId: number, userId: number | null) {
    const set = rooms.get(roomId);
    if (!set) return;
    for (const s of [...set])
      if (userId === null || s.userId === userId) {
        set.delete(s);
        s.revoked(roomId);
      }
    if (set.size === 0) rooms.delete(roomId);
  }

  function announce(a: Announcement) {
    if (database.kind !== 'postgres') return;
    let payload = JSON.stringify(a);
    if (Buffer.byteLength(payload) > INLINE_MAX && 'm' in a)
      payload = JSON.stringify({ ...a, message: undefined });
    database.pool
      .query('SELECT pg_notify($1, $2)', [CHANNEL, payload])
      .catch((err: Error) => log.warn({ err: err.message }, 'could not announce a room event'));
  }

  async function received(payload: string) {
    const a = JSON.parse(payload) as Announcement;
    if (a.p === self || !rooms.has(a.r)) return;
    if ('k' in a) return revokeHere(a.r, a.u);
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
      announce({ p: self, o: organizationId, r: message.room, m: message.id, message });
    },
    /** `userId` (null: everyone) may have lost room `roomId`: called after the change is committed. */
    revoke(organizationId: number, roomId: number, userId: number | null) {
      revokeHere(roomId, userId);
      announce({ p: self, o: organizationId, r: roomId, u: userId, k: 'revoke' });
    },
    /** Follows the other processes' events (PostgreSQL only) on the shared LISTEN connection. */
    start() {
      if (database.kind !== 'postgres' || off) return;
      off = listener.on(CHANNEL, (payload) => {
        received(payload).catch((err: Error) => log.warn({ err: err.message }, 'room event not delivered'));
      });
    },
    stop() {
      off?.();
      off = null;
    },
  };
}

export type LiveHub = ReturnType<typeof createLiveHub>;
