// Builds the Fastify app from the platform pieces and the modules. No business logic here.
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import Fastify from 'fastify';
import type { Config } from './config.ts';
import type { Database } from './db/database.ts';
import { annotationModule, annotationProjectExtension } from './modules/annotation/index.ts';
import { filesModule } from './modules/files/index.ts';
import { geodataModule } from './modules/geodata/index.ts';
import { groupsModule } from './modules/groups/index.ts';
import { identityModule } from './modules/identity/index.ts';
import { jobsModule } from './modules/jobs/index.ts';
import { mlModule } from './modules/ml/index.ts';
import { ordersModule } from './modules/orders/index.ts';
import { photosModule } from './modules/photos/index.ts';
import { projectsModule } from './modules/projects/index.ts';
import { roomsModule } from './modules/rooms/index.ts';
import { storagesModule, withStorageExports } from './modules/storages/index.ts';
import { systemRoutes } from './modules/system/index.ts';
import { tenancyModule } from './modules/tenancy/index.ts';
import { webhooksModule } from './modules/webhooks/index.ts';
import { createAuthenticator } from './platform/auth/authenticate.ts';
import { registerAuth } from './platform/auth/plugin.ts';
import { startChangeFeed } from './platform/cache/change-feed.ts';
import { generationsFor } from './platform/cache/generations.ts';
import { registerHttpCache } from './platform/cache/http-cache.ts';
import { createBlobStore } from './platform/files/index.ts';
import type { App } from './platform/http/app-types.ts';
import { registerErrorHandling } from './platform/http/error-handler.ts';
import { registerLabelStudioErrors } from './platform/http/label-studio.ts';
import { registerMetrics } from './platform/http/metrics.ts';
import { registerOpenApi } from './platform/http/openapi.ts';
import { buildSerializer } from './platform/http/serializer.ts';
import { validatorCompiler } from './platform/http/validator.ts';
import { registerWebUi } from './platform/http/web.ts';
import { createJobRunner, type JobRunner } from './platform/jobs/runner.ts';
import { createListener } from './platform/listener.ts';
import { loggerOptions, requestLoggerFactory } from './platform/logger.ts';
import { createMailer } from './platform/mail/mailer.ts';
import { loadSecrets, type Secrets } from './platform/secrets.ts';
import { createWebhookDispatcher, type WebhookDispatcher } from './platform/webhooks/dispatcher.ts';

export interface AppDeps {
  config: Config;
  database: Database;
  /** Defaults to SECRET_KEY or DATA_DIR/secret.key. */
  secrets?: Secrets;
}

declare module 'fastify' {
  interface FastifyInstance {
    /** Background jobs: started by main.ts (or `groundtruth worker`), by tests that need them. */
    jobs: JobRunner;
    /** Webhook events (modules get it through deps; tests through the app). */
    webhooks: WebhookDispatcher;
  }
}

const CACHED_ANSWERS = 20_000;
const REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/** Request ids: a random prefix per app and a counter, unique across processes and cheaper than a UUID each. */
function requestIds(): () => string {
  const prefix = randomBytes(6).toString('hex');
  let next = 0;
  return () => `${prefix}-${(next++).toString(36)}`;
}

export const version: string = JSON.parse(
  readFileSync(new URL('../package.json', import.meta.url), 'utf8'),
).version;

export async function buildApp({ config, database, secrets = loadSecrets(config) }: AppDeps): Promise<App> {
  const nextRequestId = requestIds();
  const app = Fastify({
    logger: loggerOptions(config.LOG_LEVEL),
    childLoggerFactory: requestLoggerFactory,
    bodyLimit: config.BODY_LIMIT,
    trustProxy: config.TRUST_PROXY,
    requestIdHeader: false,
    genReqId: (req) => {
      const given = req.headers['x-request-id'];
      return typeof given === 'string' && REQUEST_ID.test(given) ? given : nextRequestId();
    },
    routerOptions: { ignoreTrailingSlash: true, ignoreDuplicateSlashes: true },
    schemaController: { compilersFactory: { buildSerializer } },
  })
    .setValidatorCompiler(validatorCompiler)
    .withTypeProvider<TypeBoxTypeProvider>();

  app.addHook('onRequest', (request, reply, done) => {
    reply.header('x-request-id', request.id);
    done();
  });
  registerMetrics(app, database.pool); // before the not-found handler, which keeps the hooks present then
  registerErrorHandling(app);
  registerLabelStudioErrors(app);
  await registerOpenApi(app, version);

  // Cached reads follow the database's change notices; other processes' changes arrive on the feed.
  const generations = generationsFor(database.changes);
  // One LISTEN connection for the process: the change feed and the rooms' live messages share it.
  const listener = createListener(database, app.log);
  const feed = startChangeFeed(database, listener, generations);
  app.addHook('onClose', async () => {
    await feed.stop();
    await listener.stop();
  });
  await feed.ready;
  const authenticate = createAuthenticator({ config, database, secrets, generations });
  await registerAuth(app, authenticate);
  registerHttpCache(app, generations, authenticate, CACHED_ANSWERS);
  const jobs = createJobRunner({ database, log: app.log, listener });
  app.decorate('jobs', jobs);
  app.addHook('onClose', () => jobs.stop());
  // Annotation events also reach the projects' export storages (modules/storages).
  const webhooks = withStorageExports(
    createWebhookDispatcher({ config, database, jobs, secrets, log: app.log }),
    jobs,
  );
  app.decorate('webhooks', webhooks);
  const mailer = createMailer(config, database, app.log);
  const deps = {
    config,
    database,
    secrets,
    mailer,
    jobs,
    webhooks,
    authenticate,
    listener,
    generations,
    blobs: createBlobStore(config),
  };

  systemRoutes(app, { database });
  const tenancy = tenancyModule(app, deps);
  identityModule(app, { ...deps, acceptInvitation: tenancy.acceptInvitation });
  projectsModule(app, deps, [annotationProjectExtension()]);
  groupsModule(app, deps);
  jobsModule(app, deps);
  webhooksModule(app, deps);
  const files = await filesModule(app, deps);
  const ml = mlModule(app, deps);
  await annotationModule(app, deps, { retrievePredictions: ml.retrievePredictions });
  await photosModule(app, deps);
  const rooms = await roomsModule(app, deps);
  files.useStorageQuota(rooms.storageQuota);
  await geodataModule(app, deps);
  ordersModule(app, deps);
  storagesModule(app, deps);
  await registerWebUi(app);
  return app;
}
