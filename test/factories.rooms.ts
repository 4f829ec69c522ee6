// Test data: one row in each rooms table for createFullTenant (test/factories.ts).
import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import type { Tx } from '../src/db/scope.ts';
import { sha256 } from './factories.ts';

/** One row in each rooms table (migration 0015). */
export async function fillRoomTables(tx: Tx, o: number, userId: number, fileId: number) {
  const room = await tx
    .insertInto('rooms')
    .values({ organization_id: o, name: 'Room', owner_id: userId })
    .returning('id')
    .executeTakeFirstOrThrow();
  await sql`SELECT gt_set_room_token(${room.id}::bigint, ${sha256(randomUUID())})`.execute(tx);
  await tx
    .insertInto('room_members')
    .values({ organization_id: o, room_id: room.id, user_id: userId, role: 'OWNER' })
    .execute();
  const question = await tx
    .insertInto('messages')
    .values({ organization_id: o, room_id: room.id, author_id: userId, kind: 'user', text: 'count by x' })
    .returning('id')
    .executeTakeFirstOrThrow();
  await tx
    .insertInto('messages')
    .values({
      organization_id: o,
      room_id: room.id,
      author_id: userId,
      kind: 'bot',
      text: 'ok',
      reply_to: question.id,
    })
    .execute();
  const panel = await tx
    .insertInto('dashboard_panels')
    .values({
      organization_id: o,
      room_id: room.id,
      name: 'P',
      layout: JSON.stringify({ x: 0, y: 0, w: 1, h: 1 }),
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  await tx
    .insertInto('room_data_refs')
    .values({ organization_id: o, room_id: room.id, file_id: fileId, panel_id: panel.id })
    .execute();
  const catalog = await tx
    .selectFrom('license_catalog')
    .select('id')
    .where('code', '=', 'team')
    .executeTakeFirstOrThrow();
  const license = await tx
    .insertInto('licenses')
    .values({ organization_id: o, catalog_id: catalog.id })
    .returning('id')
    .executeTakeFirstOrThrow();
  await tx
    .insertInto('license_seats')
    .values({ organization_id: o, license_id: license.id, user_id: userId })
    .execute();
}
