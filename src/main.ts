// Process entry: parse config, open the database, migrate, serve; shut down cleanly on SIGTERM/SIGINT.
import { buildApp } from './app.ts';
import { ConfigError, loadConfig } from './config.ts';
import { openDatabase } from './db/database.ts';
import { MigrationError, migrateToLatest } from './db/migrate.ts';
import { StartupError } from './platform/errors.ts';

function fail(message: string): never {
  process.stderr.write(`groundtruth: ${message}\n`);
  process.exit(1);
}

async function main(): Promise<void> {
  const config = loadConfig();
  const database = await openDatabase(config);
  try {
    await migrateToLatest(database.db);
  } catch (err) {
    await database.close();
    throw err;
  }
  const app = await buildApp({ config, database });

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    app.log.info({ signal }, 'shutting down');
    const timer = setTimeout(() => fail('shutdown took too long; exiting'), config.SHUTDOWN_TIMEOUT_MS);
    timer.unref();
    try {
      await app.close(); // stops accepting, waits for requests in flight
      await database.close();
      process.exit(0);
    } catch (err) {
      fail(`shutdown failed: ${(err as Error).message}`);
    }
  };
  process.on('SIGTERM', () => void stop('SIGTERM'));
  process.on('SIGINT', () => void stop('SIGINT'));

  // Before listening: a request may enqueue work as soon as it can arrive.
  await app.jobs.start({ work: config.JOBS === 'inline' });
  try {
    await app.listen({ port: config.PORT, host: config.HOST });
  } catch (err) {
    await database.close();
    throw new StartupError(`cannot listen on ${config.HOST}:${config.PORT}: ${(err as Error).message}`);
  }
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : config.PORT;
  const where =
    database.kind === 'pglite' ? `embedded database in ${config.DATA_DIR}` : 'PostgreSQL (DATABASE_URL)';
  process.stdout.write(
    [
      `Groundtruth is running at http://localhost:${port} on the ${where}.`,
      `  Web UI: http://localhost:${port}/   API docs: http://localhost:${port}/api/docs   health: http://localhost:${port}/healthz`,
      '',
    ].join('\n'),
  );
}

main().catch((err: unknown) => {
  if (err instanceof ConfigError || err instanceof StartupError || err instanceof MigrationError)
    fail(err.message);
  fail(`unexpected start-up failure: ${err instanceof Error ? err.message : String(err)}`);
});
