// A server process for HTTP benchmarks: `bare` serves one constant JSON route on Fastify (the baseline),
// `app` serves Groundtruth on DATABASE_URL. Prints `listening <port>` when ready; SIGTERM stops it.
import Fastify from 'fastify';
import { buildApp } from '../src/app.ts';
import { loadConfig } from '../src/config.ts';
import { openDatabase } from '../src/db/database.ts';

const mode = process.argv[2];
if (mode === 'bare') {
  const app = Fastify({ logger: false });
  app.get('/api/constant/:id', async () => ({
    id: 1,
    title: 'constant',
    description: null,
    visibility: 'private',
  }));
  await app.listen({ port: 0, host: '127.0.0.1' });
  const address = app.server.address();
  console.log(`listening ${typeof address === 'object' && address ? address.port : 0}`);
  process.on('SIGTERM', () => void app.close().then(() => process.exit(0)));
} else {
  const config = loadConfig({ ...process.env, LOG_LEVEL: 'silent', PORT: '0', HOST: '127.0.0.1' });
  const database = await openDatabase(config);
  const app = await buildApp({ config, database });
  // As main.ts does: work can be enqueued (and, with JOBS=inline, run) in this process.
  await app.jobs.start({ work: config.JOBS === 'inline' });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const address = app.server.address();
  console.log(`listening ${typeof address === 'object' && address ? address.port : 0}`);
  process.on(
    'SIGTERM',
    () =>
      void app
        .close()
        .then(() => database.close())
        .then(() => process.exit(0)),
  );
}
