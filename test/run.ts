// `npm test`: prepares one migrated template per database kind, runs node's test runner once over every
// *.test.ts (each file copies the template into a database of its own), then removes what it made.
// TEST_DB=pglite|postgres|both; unset: both when PostgreSQL answers on TEST_DATABASE_URL, else pglite.
import { spawn } from 'node:child_process';
import { globSync, mkdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import { connectPostgres, poolFromEmbedded, wrapPool } from '../src/db/database.ts';
import { migrateToLatest } from '../src/db/migrate.ts';
import { openEmbeddedUnlocked } from '../src/db/pglite.ts';
import { adminQuery, adminUrl, databaseUrl } from './pg-admin.ts';

const root = path.resolve(import.meta.dirname, '..');
const requested = process.env.TEST_DB ?? '';
if (!['', 'pglite', 'postgres', 'both'].includes(requested)) {
  console.error(`TEST_DB must be pglite, postgres or both (got "${requested}")`);
  process.exit(2);
}

async function postgresAnswers(): Promise<boolean> {
  const client = new pg.Client({ connectionString: adminUrl(), connectionTimeoutMillis: 2000 });
  try {
    await client.connect();
    await client.query('SELECT 1');
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => {});
  }
}

let kinds: string[];
if (requested === 'pglite') kinds = ['pglite'];
else if (requested === 'postgres' || requested === 'both') {
  if (!(await postgresAnswers())) {
    console.error(`TEST_DB=${requested} but PostgreSQL does not answer at ${new URL(adminUrl()).host}`);
    process.exit(1);
  }
  kinds = requested === 'both' ? ['pglite', 'postgres'] : ['postgres'];
} else if (await postgresAnswers()) kinds = ['pglite', 'postgres'];
else {
  console.log('notice: PostgreSQL does not answer on 127.0.0.1:5432; running the tests on PGlite only');
  kinds = ['pglite'];
}

const runId = `${Date.now().toString(36)}${process.pid.toString(36)}`;
const runDir = path.join(root, '.test-data', runId);
const pgTemplate = `gt_tpl_${runId}`;
mkdirSync(runDir, { recursive: true });

async function prepareTemplates(): Promise<void> {
  if (kinds.includes('pglite')) {
    const embedded = await openEmbeddedUnlocked(path.join(runDir, 'template'));
    const database = wrapPool('pglite', poolFromEmbedded(embedded), () => embedded.release());
    await migrateToLatest(database.db);
    await database.close();
  }
  if (kinds.includes('postgres')) {
    await adminQuery(`CREATE DATABASE ${pgTemplate}`);
    const database = await connectPostgres(databaseUrl(pgTemplate), 2, 5000);
    await migrateToLatest(database.db);
    await database.close();
  }
}

async function cleanup(): Promise<void> {
  rmSync(runDir, { recursive: true, force: true });
  if (!kinds.includes('postgres')) return;
  const client = new pg.Client({ connectionString: adminUrl() });
  await client.connect();
  try {
    const { rows } = await client.query<{ datname: string }>(
      'SELECT datname FROM pg_database WHERE datname LIKE $1 OR datname = $2',
      [`gt_t_${runId}_%`, pgTemplate],
    );
    for (const { datname } of rows) await client.query(`DROP DATABASE IF EXISTS "${datname}" WITH (FORCE)`);
  } finally {
    await client.end();
  }
}

const selected = process.argv.slice(2);
const files = selected.length
  ? selected
  : globSync(['src/**/*.test.ts', 'test/**/*.test.ts'], { cwd: root }).sort();

let code = 1;
try {
  await prepareTemplates();
  console.log(`test databases: ${kinds.join(' and ')} (${files.length} files)`);
  code = await new Promise<number>((resolve) => {
    const child = spawn(
      process.execPath,
      ['--test', '--test-concurrency=2', '--test-timeout=300000', ...files],
      {
        cwd: root,
        stdio: ['ignore', 'pipe', 'inherit'],
        env: {
          ...process.env,
          GT_TEST_KINDS: kinds.join(','),
          GT_TEST_RUN_ID: runId,
          GT_TEST_RUN_DIR: runDir,
          GT_TEST_PG_TEMPLATE: pgTemplate,
        },
      },
    );
    // The runner's summary must stay the last thing printed, so cleanup happens before it is written out.
    const chunks: Buffer[] = [];
    child.stdout.on('data', (c: Buffer) => {
      chunks.push(c);
      if (chunks.length > 64) process.stdout.write(Buffer.concat(chunks.splice(0, 48)));
    });
    child.on('close', (status) => {
      cleanup()
        .catch((err) => console.error(`cleanup failed: ${(err as Error).message}`))
        .finally(() => {
          process.stdout.write(Buffer.concat(chunks), () => resolve(status ?? 1));
        });
    });
  });
} catch (err) {
  console.error(`test setup failed: ${(err as Error).message}`);
  await cleanup().catch(() => {});
}
process.exit(code);
