// Liveness and readiness for orchestrators and load balancers.
import { sql } from 'kysely';
import type { Database } from '../../db/database.ts';
import { pendingMigrations } from '../../db/migrate.ts';
import { AppError } from '../../platform/errors.ts';
import type { App } from '../../platform/http/app-types.ts';
import { errors } from '../../platform/http/schemas.ts';
import { Health, Ready } from './system.schemas.ts';

export function systemRoutes(app: App, { database }: { database: Database }): void {
  app.get(
    '/healthz',
    { schema: { tags: ['system'], summary: 'The process is up', response: { 200: Health } } },
    async () => ({ status: 'ok' as const }),
  );

  app.get(
    '/readyz',
    {
      schema: {
        tags: ['system'],
        summary: 'The database answers and its schema is current',
        response: { 200: Ready, ...errors(503) },
      },
    },
    async () => {
      try {
        await sql`SELECT 1`.execute(database.db);
      } catch {
        throw new AppError('not_ready', 'database is not reachable');
      }
      const pending = await pendingMigrations(database.db);
      if (pending.length > 0) {
        throw new AppError('not_ready', `database schema is behind: ${pending.join(', ')} not applied`, {
          pending,
        });
      }
      return { status: 'ready' as const, database: database.kind };
    },
  );
}
