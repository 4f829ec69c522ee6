// What modules are built from. Each module picks what it needs: `Pick<Deps, 'database' | 'config'>`.
import type { Config } from '../config.ts';
import type { Database } from '../db/database.ts';
import type { Authenticator } from './auth/authenticate.ts';
import type { Generations } from './cache/generations.ts';
import type { BlobStore } from './files/index.ts';
import type { JobRunner } from './jobs/runner.ts';
import type { Listener } from './listener.ts';
import type { Mailer } from './mail/mailer.ts';
import type { Secrets } from './secrets.ts';
import type { WebhookDispatcher } from './webhooks/dispatcher.ts';

export interface Deps {
  config: Config;
  database: Database;
  secrets: Secrets;
  mailer: Mailer;
  jobs: JobRunner;
  blobs: BlobStore;
  /** Turns request credentials into an Actor (for surfaces outside the HTTP hooks, e.g. WebSockets). */
  authenticate: Authenticator;
  /** The process's one LISTEN connection (NOTIFY channels from other processes; PostgreSQL only). */
  listener: Listener;
  /** Emits webhook events inside a unit of work. */
  webhooks: WebhookDispatcher;
  /** The change generations cached reads are stamped with (platform/cache). */
  generations: Generations;
}
