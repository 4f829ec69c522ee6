// Live room events for the sockets of this process. A message written by any code path of this process is
// pushed to the sockets subscribed to its room. Across several server processes this needs a fan-out
// (PostgreSQL LISTEN/NOTIFY); that is not built yet, so a bot answer computed by a separate worker process
// reaches sockets only when they reconnect and ask for messages after the last id they saw.
import type { MessageOut } from './messages.repo.ts';

export interface LiveSocket {
  send(data: string): void;
}

export function createLiveHub() {
  const rooms = new Map<number, Set<LiveSocket>>();
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
    publish(message: MessageOut) {
      const set = rooms.get(message.room);
      if (!set) return;
      const frame = JSON.stringify({ type: 'message', message });
      for (const s of set) s.send(frame);
    },
  };
}

export type LiveHub = ReturnType<typeof createLiveHub>;
