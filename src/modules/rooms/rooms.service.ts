// Rooms, their members, attached files, dashboard panels and the read-only shared view.
// Who may do what: policy.ts (room.*). A room is visible to its members and to the organization's owners and
// admins; to anyone else it does not exist (404).
import { createHash, randomBytes } from 'node:crypto';
import { type Selectable, sql } from 'kysely';
import { inScope, type Tx } from '../../db/scope.ts';
import type { Rooms } from '../../db/types.ts';
import { authorize, organizationRole, permitted } from '../../platform/access/access.ts';
import type { Actor } from '../../platform/auth/actor.ts';
import type { Deps } from '../../platform/deps.ts';
import { AppError } from '../../platform/errors.ts';
import type { PageRequest } from '../../platform/http/common.schemas.ts';
import { tableNames } from './engine/engine.ts';
import type { Licenses } from './licenses.ts';
import { panelRow } from './panels.repo.ts';

type RoomRow = Selectable<Rooms>;

export const hashToken = (token: string) => createHash('sha256').update(token).digest('hex');
const newToken = () => randomBytes(24).toString('base64url');

const roomOut = (r: RoomRow, role: string | null) => ({
  id: r.id,
  name: r.name,
  type: r.type as 'CHAT' | 'DASHBOARD',
  owner: r.owner_id,
  engine: r.engine,
  role: (role as 'OWNER' | 'MEMBER' | null) ?? null,
  created_at: r.created_at,
  updated_at: r.updated_at,
});

/** Told after a commit that took room access away: one user's (removed member), or everyone's (null). */
export type AccessRevoked = (organizationId: number, roomId: number, userId: number | null) => void;

export function createRoomsService(
  deps: Pick<Deps, 'database' | 'config'>,
  licenses: Licenses,
  revoked: AccessRevoked = () => {},
) {
  const { database, config } = deps;
  const access = { approvalRequired: config.APPROVAL_REQUIRED };
  const scope = (actor: Actor) => {
    if (actor.organizationId === null) throw new AppError('not_found', 'organization not found');
    return { organizationId: actor.organizationId, userId: actor.userId, requireMembership: true };
  };
  const run = <T>(actor: Actor, fn: (tx: Tx) => Promise<T>) => inScope(database.db, scope(actor), fn);

  async function roomRow(tx: Tx, id: number): Promise<RoomRow> {
    const r = await tx.selectFrom('rooms').selectAll().where('id', '=', id).executeTakeFirst();
    if (!r) throw new AppError('not_found', `room ${id} not found`);
    return r;
  }

  async function ownRole(tx: Tx, roomId: number, userId: number): Promise<string | null> {
    const r = await tx
      .selectFrom('room_members')
      .select('role')
      .where('room_id', '=', roomId)
      .where('user_id', '=', userId)
      .executeTakeFirst();
    return r?.role ?? null;
  }

  async function roomFiles(tx: Tx, roomId: number) {
    const rows = await tx
      .selectFrom('room_data_refs as d')
      .innerJoin('files as f', 'f.id', 'd.file_id')
      .select(['f.id', 'f.original_name', 'f.size_bytes', 'f.mime_type', 'd.panel_id', 'd.created_at'])
      .where('d.room_id', '=', roomId)
      .where('f.status', '<>', 'deleted')
      .orderBy('d.id')
      .execute();
    const ids = rows.map((r) => r.id);
    const companions = ids.length
      ? await tx
          .selectFrom('files')
          .select(['id', 'original_name', 'size_bytes', 'mime_type', 'parent_file_id'])
          .where('parent_file_id', 'in', ids)
          .where('status', '<>', 'deleted')
          .orderBy('id')
          .execute()
      : [];
    const names = tableNames(rows.map((r) => r.original_name));
    return rows.map((r, i) => ({
      id: r.id,
      name: r.original_name,
      size: Number(r.size_bytes),
      mime_type: r.mime_type,
      table: names[i]!,
      panel: r.panel_id,
      companions: companions
        .filter((c) => c.parent_file_id === r.id)
        .map((c) => ({
          id: c.id,
          name: c.original_name,
          size: Number(c.size_bytes),
          mime_type: c.mime_type,
        })),
      attached_at: r.created_at,
    }));
  }

  return {
    async create(actor: Actor, input: { name: string; type?: 'CHAT' | 'DASHBOARD' }) {
      return run(actor, async (tx) => {
        await authorize(tx, actor, 'room.create', [], access);
        await licenses.assertRoomAllowed(tx, actor.organizationId!);
        const token = newToken();
        const room = await tx
          .insertInto('rooms')
          .values({
            organization_id: actor.organizationId!,
            name: input.name.trim(),
            type: input.type ?? 'CHAT',
            owner_id: actor.userId,
          })
          .returningAll()
          .executeTakeFirstOrThrow();
        await sql`SELECT gt_set_room_token(${room.id}::bigint, ${hashToken(token)})`.execute(tx);
        await licenses.giveSeat(
          tx,
          actor.organizationId!,
          await licenses.effective(tx),
          actor.userId,
          actor.userId,
        );
        await tx
          .insertInto('room_members')
          .values({
            organization_id: room.organization_id,
            room_id: room.id,
            user_id: actor.userId,
            role: 'OWNER',
          })
          .execute();
        return { ...roomOut(room, 'OWNER'), token };
      });
    },

    async list(actor: Actor, filter: { type?: 'CHAT' | 'DASHBOARD' }, page: PageRequest) {
      return run(actor, async (tx) => {
        const orgRole = await organizationRole(tx, actor);
        const admin = orgRole === 'owner' || orgRole === 'admin';
        let q = tx
          .selectFrom('rooms as r')
          .leftJoin('room_members as m', (j) =>
            j.onRef('m.room_id', '=', 'r.id').on('m.user_id', '=', actor.userId),
          );
        if (!admin) q = q.where('m.user_id', 'is not', null);
        if (filter.type) q = q.where('r.type', '=', filter.type);
        const { n } = await q.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
        const rows = await q
          .selectAll('r')
          .select('m.role as my_role')
          .orderBy('r.created_at', 'desc')
          .orderBy('r.id', 'desc')
          .limit(page.pageSize)
          .offset((page.page - 1) * page.pageSize)
          .execute();
        return {
          count: Number(n),
          results: rows.map((r) => roomOut(r, r.my_role ?? (admin ? 'OWNER' : null))),
        };
      });
    },

    async get(actor: Actor, id: number) {
      return run(actor, async (tx) => {
        const roles = await authorize(tx, actor, 'room.read', [id], access);
        return roomOut(await roomRow(tx, id), roles.get(id) ?? null);
      });
    },

    async update(actor: Actor, id: number, input: { name?: string; type?: 'CHAT' | 'DASHBOARD' }) {
      return run(actor, async (tx) => {
        const roles = await authorize(tx, actor, 'room.update', [id], access);
        const room = await tx
          .updateTable('rooms')
          .set({
            ...(input.name !== undefined && { name: input.name.trim() }),
            ...(input.type !== undefined && { type: input.type }),
            updated_at: sql`now()`,
          })
          .where('id', '=', id)
          .returningAll()
          .executeTakeFirstOrThrow();
        return roomOut(room, roles.get(id) ?? null);
      });
    },

    async rotateToken(actor: Actor, id: number) {
      return run(actor, async (tx) => {
        await authorize(tx, actor, 'room.update', [id], access);
        const token = newToken();
        await sql`SELECT gt_set_room_token(${id}::bigint, ${hashToken(token)})`.execute(tx);
        return { token };
      });
    },

    async remove(actor: Actor, id: number) {
      await run(actor, async (tx) => {
        await authorize(tx, actor, 'room.delete', [id], access);
        await tx.deleteFrom('rooms').where('id', '=', id).execute();
      });
      revoked(actor.organizationId!, id, null);
    },

    async members(actor: Actor, id: number, page: PageRequest) {
      return run(actor, async (tx) => {
        await authorize(tx, actor, 'room.read', [id], access);
        const q = tx.selectFrom('room_members as m').where('m.room_id', '=', id);
        const { n } = await q.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
        const rows = await q
          .innerJoin('users as u', 'u.id', 'm.user_id')
          .select(['m.user_id', 'u.username', 'm.role', 'm.created_at'])
          .orderBy('m.created_at')
          .orderBy('m.user_id')
          .limit(page.pageSize)
          .offset((page.page - 1) * page.pageSize)
          .execute();
        return { count: Number(n), results: rows.map((r) => ({ ...r, role: r.role as 'OWNER' | 'MEMBER' })) };
      });
    },

    async addMember(actor: Actor, id: number, userId: number, role: 'OWNER' | 'MEMBER') {
      return run(actor, async (tx) => {
        await authorize(tx, actor, 'room.members.manage', [id], access);
        const inOrg = await tx
          .selectFrom('organization_members')
          .select('user_id')
          .where('organization_id', '=', actor.organizationId!)
          .where('user_id', '=', userId)
          .executeTakeFirst();
        if (!inOrg) throw new AppError('not_found', `user ${userId} is not a member of this organization`);
        await licenses.lockOrg(tx, actor.organizationId!);
        await licenses.giveSeat(
          tx,
          actor.organizationId!,
          await licenses.effective(tx),
          userId,
          actor.userId,
        );
        const row = await tx
          .insertInto('room_members')
          .values({ organization_id: actor.organizationId!, room_id: id, user_id: userId, role })
          .onConflict((oc) =>
            oc.columns(['room_id', 'user_id']).doUpdateSet({ role, updated_at: sql`now()` }),
          )
          .returning(['user_id', 'role', 'created_at'])
          .executeTakeFirstOrThrow();
        const u = await tx
          .selectFrom('users')
          .select('username')
          .where('id', '=', userId)
          .executeTakeFirstOrThrow();
        return { ...row, username: u.username, role: row.role as 'OWNER' | 'MEMBER' };
      });
    },

    async removeMember(actor: Actor, id: number, userId: number) {
      await run(actor, async (tx) => {
        const self = userId === actor.userId;
        // Leaving a room takes only membership; removing someone else takes room.members.manage.
        await authorize(tx, actor, self ? 'room.read' : 'room.members.manage', [id], access);
        const role = await ownRole(tx, id, userId);
        if (!role) throw new AppError('not_found', `user ${userId} is not a member of room ${id}`);
        if (role === 'OWNER') {
          const owners = await tx
            .selectFrom('room_members')
            .select((eb) => eb.fn.countAll<number>().as('n'))
            .where('room_id', '=', id)
            .where('role', '=', 'OWNER')
            .executeTakeFirstOrThrow();
          if (Number(owners.n) <= 1) throw new AppError('last_owner', 'a room keeps at least one OWNER');
        }
        await tx.deleteFrom('room_members').where('room_id', '=', id).where('user_id', '=', userId).execute();
      });
      revoked(actor.organizationId!, id, userId);
    },

    async files(actor: Actor, id: number) {
      return run(actor, async (tx) => {
        await authorize(tx, actor, 'room.read', [id], access);
        return roomFiles(tx, id);
      });
    },

    async attach(actor: Actor, id: number, fileId: number, panelId: number | null) {
      return run(actor, async (tx) => {
        await authorize(tx, actor, 'room.contribute', [id], access);
        const file = await tx
          .selectFrom('files')
          .select(['id', 'parent_file_id', 'uploaded_by', 'project_id', 'original_name'])
          .where('id', '=', fileId)
          .where('status', '<>', 'deleted')
          .executeTakeFirst();
        const mayRead =
          file &&
          (file.uploaded_by === actor.userId ||
            (file.project_id !== null &&
              (await permitted(tx, actor, 'project.read', [file.project_id])).size > 0));
        if (!file || !mayRead) throw new AppError('not_found', `file ${fileId} not found`);
        if (file.parent_file_id !== null)
          throw new AppError(
            'validation_failed',
            `file ${fileId} (${file.original_name}) is a companion file: attach its main file ${file.parent_file_id}, the companions come with it`,
            [{ in: 'body', field: 'file_id', message: 'is a companion file' }],
          );
        if (panelId !== null) await panelRow(tx, id, panelId);
        await tx
          .insertInto('room_data_refs')
          .values({
            organization_id: actor.organizationId!,
            room_id: id,
            file_id: fileId,
            panel_id: panelId,
            created_by: actor.userId,
          })
          .onConflict((oc) => oc.doNothing())
          .execute();
        return (await roomFiles(tx, id)).find((f) => f.id === fileId && f.panel === panelId)!;
      });
    },

    async detach(actor: Actor, id: number, fileId: number) {
      await run(actor, async (tx) => {
        await authorize(tx, actor, 'room.contribute', [id], access);
        const r = await tx
          .deleteFrom('room_data_refs')
          .where('room_id', '=', id)
          .where('file_id', '=', fileId)
          .executeTakeFirst();
        if (Number(r.numDeletedRows) === 0)
          throw new AppError('not_found', `file ${fileId} is not attached to room ${id}`);
      });
    },
  };
}

export type RoomsService = ReturnType<typeof createRoomsService>;
