// Builds the real app on a test database. Tests talk to it through HTTP (app.inject).
import { randomBytes } from 'node:crypto';
import { buildApp } from '../src/app.ts';
import { loadConfig } from '../src/config.ts';
import type { Database } from '../src/db/database.ts';

export async function createTestApp(database: Database, env: Record<string, string> = {}) {
  const config = loadConfig({ LOG_LEVEL: 'silent', SECRET_KEY: randomBytes(32).toString('hex'), ...env });
  return buildApp({ config, database });
}
