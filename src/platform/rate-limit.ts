// Fixed-window counters in PostgreSQL, shared by every process: one upsert per hit.
import { sql } from 'kysely';
import type { Database } from '../db/database.ts';
import { AppError } from './errors.ts';

export async function hit(
  database: Database,
  key: string,
  limit: number,
  windowSeconds: number,
): Promise<void> {
  const { rows } = await sql<{ hits: number; retry: number }>`
    INSERT INTO rate_limits AS r (key, window_start, hits) VALUES (${key}, now(), 1)
    ON CONFLICT (key) DO UPDATE SET
      hits = CASE WHEN r.window_start <= now() - make_interval(secs => ${windowSeconds}) THEN 1 ELSE r.hits + 1 END,
      window_start = CASE WHEN r.window_start <= now() - make_interval(secs => ${windowSeconds}) THEN now()
                          ELSE r.window_start END
    RETURNING hits, ceil(extract(epoch FROM r.window_start + make_interval(secs => ${windowSeconds}) - now()))::int AS retry`.execute(
    database.db,
  );
  const row = rows[0]!;
  if (row.hits > limit) {
    const retryAfter = Math.max(1, row.retry);
    throw new AppError('rate_limited', `too many attempts; try again in ${retryAfter} s`, {
      retry_after: retryAfter,
    });
  }
}
