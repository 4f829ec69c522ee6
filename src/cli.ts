// The `groundtruth` command for admin work. Reads the same environment as the server.
import { parseArgs } from 'node:util';
import { exportFile, importFile, type Remote, TransferError } from './cli-transfer.ts';
import { ConfigError, loadConfig } from './config.ts';
import { openDatabase } from './db/database.ts';
import {
  MigrationError,
  migrateDown,
  migrateToLatest,
  migrationStatus,
  pendingMigrations,
} from './db/migrate.ts';
import { StartupError } from './platform/errors.ts';

const usage = `usage: groundtruth <command>

commands:
  serve                 start the server (same as npm start)
  worker                run background jobs only (with JOBS=off on the servers)
  migrate up            apply every pending migration
  migrate down          undo the last applied migration
  migrate status        list migrations and when they were applied
  seed photos           demo organization, people in all three job roles, site photos with detections
                        and tags (idempotent; --password sets the demo people's password)
  import <project> <file>
                        import tasks from a .json, .jsonl, .csv, .tsv or .txt file (all or none)
  export <project> --format JSON|JSON_MIN|CSV|TSV|COCO|YOLO|VOC --out <path> [--all]
                        download an export (--all: tasks without annotations too)
  help                  show this text

The database is DATABASE_URL when set, otherwise the embedded database in DATA_DIR (default ./data).
import and export talk to a running server: --server (or GROUNDTRUTH_URL, default http://127.0.0.1:PORT)
with an API key from --token (or GROUNDTRUTH_TOKEN).`;

async function withDatabase<T>(fn: (db: Awaited<ReturnType<typeof openDatabase>>) => Promise<T>): Promise<T> {
  const database = await openDatabase(loadConfig());
  try {
    return await fn(database);
  } finally {
    await database.close();
  }
}

async function migrate(action: string | undefined): Promise<void> {
  switch (action) {
    case 'up': {
      const done = await withDatabase((d) => migrateToLatest(d.db));
      console.log(done.length ? done.join('\n') : 'nothing to migrate: the schema is current');
      return;
    }
    case 'down': {
      const done = await withDatabase((d) => migrateDown(d.db));
      console.log(done.length ? done.join('\n') : 'nothing to undo');
      return;
    }
    case 'status': {
      const list = await withDatabase((d) => migrationStatus(d.db));
      for (const m of list)
        console.log(`${m.executedAt ? m.executedAt.toISOString() : 'pending'.padEnd(24)}  ${m.name}`);
      return;
    }
    default:
      throw new UsageError(`migrate needs up, down or status\n\n${usage}`);
  }
}

class UsageError extends Error {}

/** Demo data through the API, with the jobs running in this process until the photos are processed. */
async function seed(what: string | undefined, password: string | undefined): Promise<void> {
  if (what !== 'photos') throw new UsageError(`seed needs a data set: photos\n\n${usage}`);
  const config = loadConfig();
  const database = await openDatabase(config);
  const pending = await pendingMigrations(database.db);
  if (pending.length) {
    await database.close();
    throw new StartupError(
      `the database schema is behind (${pending.join(', ')}); run \`groundtruth migrate up\``,
    );
  }
  const { buildApp } = await import('./app.ts');
  const { seedPhotos, waitForPhotoJobs } = await import('./modules/photos/seed.ts');
  const app = await buildApp({ config, database });
  try {
    await app.ready();
    await app.jobs.start({ work: true });
    const result = await seedPhotos(app, database, password);
    await waitForPhotoJobs(database, result.organizationId);
    console.log(
      `photos demo: organization ${result.organizationId}, projects ${result.projects.join(', ')}, ` +
        `${result.photos.created} photos added, ${result.photos.existing} already there`,
    );
    console.log(
      'people: demo_pm (project_manager), demo_contractor (contractor), demo_adjuster (insurance_adjuster)',
    );
    if (result.password) console.log(`their password (shown once): ${result.password}`);
  } finally {
    await app.close();
    await database.close();
  }
}

function remoteOf(values: { server?: string; token?: string }): Remote {
  const config = loadConfig();
  const token = values.token ?? config.GROUNDTRUTH_TOKEN;
  if (!token) throw new UsageError('import and export need an API key: --token or GROUNDTRUTH_TOKEN');
  return { server: values.server ?? config.GROUNDTRUTH_URL ?? `http://127.0.0.1:${config.PORT}`, token };
}

function projectArg(raw: string | undefined): number {
  const n = Number(raw);
  if (!raw || !Number.isSafeInteger(n) || n < 1)
    throw new UsageError(`the project must be a project id\n\n${usage}`);
  return n;
}

/** A process that runs background jobs and serves no HTTP. Stops on SIGTERM/SIGINT after the running job. */
async function worker(): Promise<void> {
  const config = loadConfig();
  const database = await openDatabase(config);
  const pending = await pendingMigrations(database.db);
  if (pending.length) {
    await database.close();
    throw new StartupError(
      `the database schema is behind (${pending.join(', ')}); run \`groundtruth migrate up\``,
    );
  }
  const { buildApp } = await import('./app.ts');
  const app = await buildApp({ config, database });
  await app.ready();
  await app.jobs.start({ work: true });
  console.log('groundtruth worker: running background jobs');
  await new Promise<void>((resolve) => {
    process.once('SIGTERM', resolve);
    process.once('SIGINT', resolve);
  });
  await app.close();
  await database.close();
}

async function run(argv: string[]): Promise<void> {
  const { positionals, values } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      help: { type: 'boolean', short: 'h' },
      format: { type: 'string' },
      out: { type: 'string' },
      all: { type: 'boolean' },
      server: { type: 'string' },
      token: { type: 'string' },
      password: { type: 'string' },
    },
  });
  const [command, ...rest] = positionals;
  if (values.help || !command || command === 'help') {
    console.log(usage);
    return;
  }
  switch (command) {
    case 'serve':
      await import('./main.ts');
      return;
    case 'migrate':
      return migrate(rest[0]);
    case 'worker':
      return worker();
    case 'seed':
      return seed(rest[0], values.password);
    case 'import': {
      if (!rest[1]) throw new UsageError(`import needs a project and a file\n\n${usage}`);
      await importFile(remoteOf(values), projectArg(rest[0]), rest[1]);
      return;
    }
    case 'export': {
      if (!values.out) throw new UsageError(`export needs --out <path>\n\n${usage}`);
      await exportFile(
        remoteOf(values),
        projectArg(rest[0]),
        values.format ?? 'JSON',
        values.out,
        values.all ?? false,
      );
      return;
    }
    default:
      throw new UsageError(`unknown command "${command}"\n\n${usage}`);
  }
}

run(process.argv.slice(2)).catch((err: unknown) => {
  const known = [ConfigError, StartupError, MigrationError, UsageError, TransferError].some(
    (k) => err instanceof k,
  );
  const message = err instanceof Error ? err.message : String(err);
  process.stderr.write(`groundtruth: ${known ? message : `unexpected failure: ${message}`}\n`);
  process.exit(err instanceof UsageError ? 2 : 1);
});
