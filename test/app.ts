// Builds the real app on a test database. Tests talk to it through HTTP (app.inject).
import { randomBytes } from 'node:crypto';
import { buildApp } from '../src/app.ts';
import { loadConfig } from '../src/config.ts';
import type { Database } from '../src/db/database.ts';

export async function createTestApp(database: Database, env: Record<string, string> = {}) {
  const config = loadConfig({ LOG_LEVEL: 'silent', SECRET_KEY: randomBytes(32).toString('hex'), ...env });
  const app = await buildApp({ config, database });
  // As in the server: work can be enqueued at once; tests that need it run start({ work: true }).
  await app.jobs.start({ work: false });
  return app;
}
