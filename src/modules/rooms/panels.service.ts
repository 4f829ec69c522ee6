// Dashboard panels (a grid of pinned answers) and the read-only view a room token opens.
import { type Selectable, sql } from 'kysely';
import { inScope, type Tx } from '../../db/scope.ts';
import type { Rooms } from '../../db/types.ts';
import { authorize } from '../../platform/access/access.ts';
import type { Actor } from '../../platform/auth/actor.ts';
import type { Deps } from '../../platform/deps.ts';
import { AppError } from '../../platform/errors.ts';
import type { PageRequest } from '../../platform/http/common.schemas.ts';
import type { Licenses } from './licenses.ts';
import { messageOut } from './messages.repo.ts';
import type { PanelResult, PanelResults } from './panel-results.ts';
import { type PanelRow, panelRow } from './panels.repo.ts';
import type { RoomData } from './room-data.ts';
import { hashToken } from './rooms.service.ts';

export interface PanelConfigInput {
  sql?: string;
  chart?: Record<string, unknown>;
  table?: unknown;
  message_id?: number;
}

const panelOut = (p: PanelRow, result: PanelResult | null = null) => ({
  id: p.id,
  room: p.room_id,
  name: p.name,
  layout: p.layout as { x: number; y: number; w: number; h: number },
  config: p.config as Record<string, unknown>,
  result,
  created_at: p.created_at,
  updated_at: p.updated_at,
});

export function createPanelsService(
  deps: Pick<Deps, 'database' | 'config'>,
  results: PanelResults,
  roomData: RoomData,
  licenses: Licenses,
) {
  const { database, config } = deps;

  /** The room's files and the plan's row limit, read in the same transaction as the panels. */
  async function inputs(tx: Tx, roomId: number) {
    const plan = (await licenses.effective(tx)).plan;
    return {
      datasets: await roomData.datasets(tx, roomId),
      limits: {
        timeoutMs: config.ROOM_QUERY_TIMEOUT_MS,
        memoryMb: config.ROOM_QUERY_MEMORY_MB,
        threads: config.ROOM_QUERY_THREADS,
        maxRows: Math.min(config.ROOM_ANSWER_ROWS, plan.max_rows_per_query),
      },
    };
  }

  /** Panels with their queries run again (outside the transaction: no connection is held meanwhile). */
  async function withResults(roomId: number, rows: PanelRow[], input: Awaited<ReturnType<typeof inputs>>) {
    const out = [];
    for (const p of rows)
      out.push(
        panelOut(
          p,
          await results.result(roomId, p.config as Record<string, unknown>, input.datasets, input.limits),
        ),
      );
    return out;
  }
  const access = { approvalRequired: config.APPROVAL_REQUIRED };
  const scope = (actor: Actor) => {
    if (actor.organizationId === null) throw new AppError('not_found', 'organization not found');
    return { organizationId: actor.organizationId, userId: actor.userId, requireMembership: true };
  };
  const run = <T>(actor: Actor, fn: (tx: Tx) => Promise<T>) => inScope(database.db, scope(actor), fn);

  async function roomRow(tx: Tx, id: number): Promise<Selectable<Rooms>> {
    const r = await tx.selectFrom('rooms').selectAll().where('id', '=', id).executeTakeFirst();
    if (!r) throw new AppError('not_found', `room ${id} not found`);
    return r;
  }

  /** A pinned bot answer's SQL, table and chart become the panel's config. */
  async function resolveConfig(tx: Tx, roomId: number, c: PanelConfigInput | undefined) {
    if (!c) return {};
    if (c.message_id === undefined) return c;
    const m = await tx
      .selectFrom('messages')
      .selectAll()
      .where('room_id', '=', roomId)
      .where('id', '=', c.message_id)
      .where('deleted_at', 'is', null)
      .executeTakeFirst();
    if (!m) throw new AppError('not_found', `message ${c.message_id} not found in room ${roomId}`);
    if (m.kind !== 'bot' || !m.sql)
      throw new AppError('validation_failed', 'only a bot answer with a query can be pinned', [
        { in: 'body', field: 'config.message_id', message: 'is not a bot answer with a query' },
      ]);
    return {
      sql: c.sql ?? m.sql,
      chart: c.chart ?? m.chart ?? undefined,
      table: c.table ?? m.result ?? undefined,
      message_id: m.id,
    };
  }

  return {
    async panels(actor: Actor, id: number, page: PageRequest) {
      return run(actor, async (tx) => {
        await authorize(tx, actor, 'room.read', [id], access);
        const q = tx.selectFrom('dashboard_panels').where('room_id', '=', id);
        const { n } = await q.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
        const rows = await q
          .selectAll()
          .orderBy('id')
          .limit(page.pageSize)
          .offset((page.page - 1) * page.pageSize)
          .execute();
        return { count: Number(n), rows, input: await inputs(tx, id) };
      }).then(async (r) => ({ count: r.count, results: await withResults(id, r.rows, r.input) }));
    },

    async panel(actor: Actor, id: number, panelId: number) {
      const r = await run(actor, async (tx) => {
        await authorize(tx, actor, 'room.read', [id], access);
        return { row: await panelRow(tx, id, panelId), input: await inputs(tx, id) };
      });
      return (await withResults(id, [r.row], r.input))[0]!;
    },

    async createPanel(
      actor: Actor,
      id: number,
      input: { name: string; layout: object; config?: PanelConfigInput },
    ) {
      return run(actor, async (tx) => {
        await authorize(tx, actor, 'room.panels.manage', [id], access);
        const cfg = await resolveConfig(tx, id, input.config);
        const row = await tx
          .insertInto('dashboard_panels')
          .values({
            organization_id: actor.organizationId!,
            room_id: id,
            name: input.name.trim(),
            layout: JSON.stringify(input.layout),
            config: JSON.stringify(cfg),
            created_by: actor.userId,
          })
          .returningAll()
          .executeTakeFirstOrThrow();
        return panelOut(row);
      });
    },

    async updatePanel(
      actor: Actor,
      id: number,
      panelId: number,
      input: { name?: string; layout?: object; config?: PanelConfigInput },
    ) {
      return run(actor, async (tx) => {
        await authorize(tx, actor, 'room.panels.manage', [id], access);
        await panelRow(tx, id, panelId);
        const cfg = input.config ? await resolveConfig(tx, id, input.config) : undefined;
        const row = await tx
          .updateTable('dashboard_panels')
          .set({
            ...(input.name !== undefined && { name: input.name.trim() }),
            ...(input.layout !== undefined && { layout: JSON.stringify(input.layout) }),
            ...(cfg !== undefined && { config: JSON.stringify(cfg) }),
            updated_at: sql`now()`,
          })
          .where('room_id', '=', id)
          .where('id', '=', panelId)
          .returningAll()
          .executeTakeFirstOrThrow();
        return panelOut(row);
      });
    },

    async removePanel(actor: Actor, id: number, panelId: number) {
      await run(actor, async (tx) => {
        await authorize(tx, actor, 'room.panels.manage', [id], access);
        await panelRow(tx, id, panelId);
        await tx.deleteFrom('dashboard_panels').where('room_id', '=', id).where('id', '=', panelId).execute();
      });
    },

    /** The read-only view a room token opens: no session, found through gt_room_by_token only. */
    async shared(token: string) {
      const notFound = new AppError('not_found', 'no shared room has this token');
      const found = await inScope(database.db, { organizationId: null, userId: null }, async (tx) => {
        const { rows } = await sql<{ room_id: number; organization_id: number }>`
          SELECT room_id, organization_id FROM gt_room_by_token(${hashToken(token)})`.execute(tx);
        return rows[0];
      });
      if (!found) throw notFound;
      const view = await inScope(
        database.db,
        { organizationId: Number(found.organization_id), userId: null },
        async (tx) => {
          const room = await roomRow(tx, Number(found.room_id));
          const panels = await tx
            .selectFrom('dashboard_panels')
            .selectAll()
            .where('room_id', '=', room.id)
            .orderBy('id')
            .limit(200)
            .execute();
          const messages =
            room.type === 'CHAT'
              ? await tx
                  .selectFrom('messages')
                  .selectAll()
                  .where('room_id', '=', room.id)
                  .where('kind', '=', 'bot')
                  .where('deleted_at', 'is', null)
                  .orderBy('id', 'desc')
                  .limit(50)
                  .execute()
              : [];
          return {
            room: { id: room.id, name: room.name, type: room.type as 'CHAT' | 'DASHBOARD' },
            panels,
            messages: messages.reverse().map(messageOut),
            input: await inputs(tx, room.id),
          };
        },
      );
      const { input, ...rest } = view;
      return { ...rest, panels: await withResults(view.room.id, view.panels, input) };
    },
  };
}

export type PanelsService = ReturnType<typeof createPanelsService>;
