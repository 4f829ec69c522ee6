// Units of work. Tenant work runs in a transaction as the application role `groundtruth_app` (which owns no
// table, so row-level security always applies) with the organization and user set for that transaction only.
import { type Kysely, sql, type Transaction } from 'kysely';
import type { DB } from './types.ts';

export const APP_ROLE = 'groundtruth_app';

export interface Scope {
  /** The organization the work acts in; null for a person's own, tenant-less work (their account, keys). */
  organizationId: number | null;
  userId: number | null;
}

export type Tx = Transaction<DB>;

/** Runs `fn` in one transaction as the application role, scoped to `scope`. */
export async function inScope<T>(db: Kysely<DB>, scope: Scope, fn: (tx: Tx) => Promise<T>): Promise<T> {
  return db.transaction().execute(async (tx) => {
    await sql`SELECT set_config('role', ${APP_ROLE}, true),
      set_config('app.organization_id', ${scope.organizationId === null ? '' : String(scope.organizationId)}, true),
      set_config('app.user_id', ${scope.userId === null ? '' : String(scope.userId)}, true)`.execute(tx);
    return fn(tx);
  });
}

/** Moves a running unit of work into another organization (e.g. one it has just created). */
export async function enterOrganization(tx: Tx, organizationId: number): Promise<void> {
  await sql`SELECT set_config('app.organization_id', ${String(organizationId)}, true)`.execute(tx);
}
