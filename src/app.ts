// Builds the Fastify app from the platform pieces and the modules. No business logic here.
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import Fastify from 'fastify';
import type { Config } from './config.ts';
import type { Database } from './db/database.ts';
import { annotationModule, annotationProjectExtension } from './modules/annotation/index.ts';
import { filesModule } from './modules/files/index.ts';
import { geodataModule } from './modules/geodata/index.ts';
import { identityModule } from './modules/identity/index.ts';
import { jobsModule } from './modules/jobs/index.ts';
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
import { validatorCompiler } from './platform/http/validator.ts';
import { registerWebUi } from './platform/http/web.ts';
import { createJobRunner, type JobRunner } from './platform/jobs/runner.ts';
import { loggerOptions } from './platform/logger.ts';
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

export const version: string = JSON.parse(
  readFileSync(new URL('../package.json', import.meta.url), 'utf8'),
).version;

export async function buildApp({ config, database, secrets = loadSecrets(config) }: AppDeps): Promise<App> {
  const app = Fastify({
    logger: loggerOptions(config.LOG_LEVEL),
    bodyLimit: config.BODY_LIMIT,
    trustProxy: config.TRUST_PROXY,
    requestIdHeader: false,
    genReqId: (req) => {
      const given = req.headers['x-request-id'];
      return typeof given === 'string' && REQUEST_ID.test(given) ? given : randomUUID();
    },
    routerOptions: { ignoreTrailingSlash: true, ignoreDuplicateSlashes: true },
  })
    .setValidatorCompiler(validatorCompiler)
    .withTypeProvider<TypeBoxTypeProvider>();

  app.addHook('onRequest', async (request, reply) => {
    reply.header('x-request-id', request.id);
  });
  registerErrorHandling(app);
  registerLabelStudioErrors(app);
  await registerOpenApi(app, version);
  registerMetrics(app, database.pool);

  // Cached reads follow the database's change notices; other processes' changes arrive on the feed.
  const generations = generationsFor(database.changes);
  const feed = startChangeFeed(database, generations, app.log);
  app.addHook('onClose', () => feed.stop());
  await feed.ready;
  const authenticate = createAuthenticator({ config, database, secrets, generations });
  await registerAuth(app, authenticate);
  registerHttpCache(app, generations, authenticate, CACHED_ANSWERS);
  const jobs = createJobRunner({ database, log: app.log });
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
    blobs: createBlobStore(config),
  };

  systemRoutes(app, { database });
  const tenancy = tenancyModule(app, deps);
  identityModule(app, { ...deps, acceptInvitation: tenancy.acceptInvitation });
  projectsModule(app, deps, [annotationProjectExtension()]);
  jobsModule(app, deps);
  webhooksModule(app, deps);
  await filesModule(app, deps);
  await annotationModule(app, deps);
  await photosModule(app, deps);
  await roomsModule(app, deps);
  geodataModule(app, deps);
  storagesModule(app, deps);
  await registerWebUi(app);
  return app;
}
