// Message rows and their API shape.
import type { Selectable } from 'kysely';
import type { Messages } from '../../db/types.ts';

export type MessageRow = Selectable<Messages>;

/** A deleted message keeps its place in the room (id, author, time) and loses its content. */
export function messageOut(m: MessageRow) {
  const deleted = m.deleted_at !== null;
  return {
    id: m.id,
    room: m.room_id,
    author: m.author_id,
    kind: m.kind as 'user' | 'bot',
    text: deleted ? '' : m.text,
    reply_to: m.reply_to,
    sql: deleted ? null : m.sql,
    table: deleted
      ? null
      : ((m.result as {
          columns: { name: string; type: string }[];
          rows: unknown[][];
          truncated: boolean;
        } | null) ?? null),
    chart: deleted ? null : ((m.chart as Record<string, unknown> | null) ?? null),
    error: m.error,
    edited_at: m.edited_at,
    deleted,
    created_at: m.created_at,
  };
}

export type MessageOut = ReturnType<typeof messageOut>;
