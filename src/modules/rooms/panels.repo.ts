// Dashboard panel rows: the one lookup both rooms (data refs) and panels use.
import type { Selectable } from 'kysely';
import type { Tx } from '../../db/scope.ts';
import type { DashboardPanels } from '../../db/types.ts';
import { AppError } from '../../platform/errors.ts';

export type PanelRow = Selectable<DashboardPanels>;

/** The panel of a room; 404 naming both when it is not there. */
export async function panelRow(tx: Tx, roomId: number, panelId: number): Promise<PanelRow> {
  const p = await tx
    .selectFrom('dashboard_panels')
    .selectAll()
    .where('room_id', '=', roomId)
    .where('id', '=', panelId)
    .executeTakeFirst();
  if (!p) throw new AppError('not_found', `panel ${panelId} not found in room ${roomId}`);
  return p;
}
