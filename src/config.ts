// The only reader of process.env. Parsed and validated once; a bad value stops the process with one line.
import Type, { type Static } from 'typebox';
import { Value } from 'typebox/value';

const LogLevel = Type.Union([
  Type.Literal('fatal'),
  Type.Literal('error'),
  Type.Literal('warn'),
  Type.Literal('info'),
  Type.Literal('debug'),
  Type.Literal('trace'),
  Type.Literal('silent'),
]);

export const ConfigSchema = Type.Object({
  PORT: Type.Integer({ minimum: 0, maximum: 65535, default: 8080, description: 'HTTP port' }),
  HOST: Type.String({ minLength: 1, default: '0.0.0.0', description: 'interface to listen on' }),
  DATA_DIR: Type.String({
    minLength: 1,
    default: './data',
    description: 'embedded database and local files',
  }),
  DATABASE_URL: Type.Optional(
    Type.String({ pattern: '^postgres(ql)?://', description: 'postgres://user:pass@host:5432/db' }),
  ),
  DB_POOL_MAX: Type.Integer({ minimum: 1, maximum: 200, default: 10, description: 'PostgreSQL pool size' }),
  DB_CONNECT_TIMEOUT_MS: Type.Integer({ minimum: 100, maximum: 120000, default: 5000 }),
  LOG_LEVEL: Type.Union(LogLevel.anyOf, { default: 'info' }),
  BODY_LIMIT: Type.Integer({
    minimum: 1024,
    default: 10 * 1024 * 1024,
    description: 'largest JSON body, bytes',
  }),
  SHUTDOWN_TIMEOUT_MS: Type.Integer({ minimum: 0, default: 10000 }),
  PHOTO_MAX_BYTES: Type.Integer({
    minimum: 1024,
    default: 64 * 1024 * 1024,
    description: 'largest photo upload, bytes (larger answers 413)',
  }),
  IMPORT_MAX_BYTES: Type.Integer({
    minimum: 1024,
    default: 2 * 1024 ** 3,
    description: 'largest task import (body, file or URL), bytes',
  }),
  GROUNDTRUTH_URL: Type.Optional(
    Type.String({ pattern: '^https?://', description: 'the server `groundtruth import/export` talk to' }),
  ),
  GROUNDTRUTH_TOKEN: Type.Optional(Type.String({ minLength: 1, description: 'API key for the CLI client' })),
  IMPORT_INLINE_MAX_BYTES: Type.Integer({
    minimum: 0,
    default: 64 * 1024 ** 2,
    description: 'imports larger than this run as a background job, bytes',
  }),
  PUBLIC_URL: Type.Optional(Type.String({ pattern: '^https?://', description: 'external base URL' })),
  SECRET_KEY: Type.Optional(Type.String({ minLength: 32, description: 'signs tokens; >= 32 characters' })),
  SIGNUP: Type.Union([Type.Literal('open'), Type.Literal('invite'), Type.Literal('closed')], {
    default: 'open',
  }),
  APPROVAL_REQUIRED: Type.Boolean({ default: false }),
  LOGIN_RATE_LIMIT: Type.Integer({
    minimum: 1,
    maximum: 10000,
    default: 10,
    description: 'attempts a minute',
  }),
  ACCESS_TOKEN_TTL_S: Type.Integer({ minimum: 30, maximum: 86400, default: 900 }),
  REFRESH_TOKEN_TTL_S: Type.Integer({ minimum: 60, default: 30 * 86400 }),
  SMTP_URL: Type.Optional(Type.String({ pattern: '^smtps?://' })),
  MAIL_FROM: Type.String({ minLength: 3, default: 'Groundtruth <no-reply@localhost>' }),
  JOBS: Type.Union([Type.Literal('inline'), Type.Literal('off')], {
    default: 'inline',
    description: 'inline: the server also runs background jobs; off: only `groundtruth worker` processes do',
  }),
  WEBHOOK_ALLOW_PRIVATE: Type.Boolean({
    default: false,
    description: 'allow webhook deliveries to loopback and private addresses',
  }),
  STORAGE_LOCAL_ROOT: Type.Optional(
    Type.String({
      pattern: '^/',
      description: 'the directory local-files storages may use (unset: local-files storages are off)',
    }),
  ),
  WEBHOOK_TIMEOUT_MS: Type.Integer({ minimum: 100, maximum: 60000, default: 10000 }),
  WEBHOOK_MAX_FAILURES: Type.Integer({ minimum: 1, maximum: 1000, default: 10 }),
  WEBHOOK_RETRIES: Type.Integer({ minimum: 0, maximum: 20, default: 5 }),
  WEBHOOK_RETRY_DELAY_S: Type.Integer({ minimum: 1, maximum: 3600, default: 10 }),
  BLOB_STORE: Type.Union([Type.Literal('local'), Type.Literal('s3')], { default: 'local' }),
  S3_ENDPOINT: Type.Optional(Type.String({ pattern: '^https?://' })),
  S3_REGION: Type.String({ minLength: 1, default: 'us-east-1' }),
  S3_BUCKET: Type.Optional(Type.String({ pattern: '^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$' })),
  S3_ACCESS_KEY_ID: Type.Optional(Type.String({ minLength: 1 })),
  S3_SECRET_ACCESS_KEY: Type.Optional(Type.String({ minLength: 1 })),
  S3_FORCE_PATH_STYLE: Type.Boolean({ default: true }),
  S3_PREFIX: Type.String({ default: '', pattern: '^([A-Za-z0-9._-]+/)*$' }),
  TRUST_PROXY: Type.Boolean({ default: false, description: 'trust X-Forwarded-For for client addresses' }),
  ROOM_QUERY_TIMEOUT_MS: Type.Integer({ minimum: 100, maximum: 600000, default: 20000 }),
  ROOM_QUERY_MEMORY_MB: Type.Integer({ minimum: 64, maximum: 65536, default: 1024 }),
  ROOM_QUERY_THREADS: Type.Integer({ minimum: 1, maximum: 64, default: 2 }),
  ROOM_ANSWER_ROWS: Type.Integer({
    minimum: 1,
    maximum: 10000,
    default: 200,
    description: 'rows a bot answer shows',
  }),
  LLM_BASE_URL: Type.Optional(
    Type.String({
      pattern: '^https?://',
      description: 'OpenAI-compatible API, e.g. https://api.openai.com/v1',
    }),
  ),
  LLM_API_KEY: Type.Optional(Type.String({ minLength: 1 })),
  LLM_MODEL: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
  LLM_TIMEOUT_MS: Type.Integer({ minimum: 100, maximum: 600000, default: 30000 }),
  FREE_PLAN_ROOMS: Type.Integer({ minimum: 0, default: 20, description: 'rooms without a license' }),
  FREE_PLAN_SEATS: Type.Integer({ minimum: 1, default: 10, description: 'room members without a license' }),
  FREE_PLAN_STORAGE_BYTES: Type.Integer({ minimum: 0, default: 5 * 1024 ** 3 }),
  FREE_PLAN_ROWS_PER_QUERY: Type.Integer({ minimum: 1, default: 200 }),
  TASK_LOCK_TTL: Type.Optional(
    Type.Integer({ minimum: 1, maximum: 604800, description: 'fixed task lock lifetime, seconds' }),
  ),
  TASK_LOCK_MIN_TTL: Type.Integer({ minimum: 1, maximum: 604800, default: 120 }),
  TASK_LOCK_DEFAULT_TTL: Type.Integer({ minimum: 1, maximum: 604800, default: 3600 }),
});

export type Config = Static<typeof ConfigSchema>;

export class ConfigError extends Error {}

const expectedForms: Record<string, string> = {
  PORT: 'an integer 0-65535',
  HOST: 'a host name or address',
  DATA_DIR: 'a directory path',
  DATABASE_URL: 'postgres://user:password@host:5432/database',
  DB_POOL_MAX: 'an integer 1-200',
  DB_CONNECT_TIMEOUT_MS: 'an integer 100-120000 (milliseconds)',
  LOG_LEVEL: 'one of fatal, error, warn, info, debug, trace, silent',
  BODY_LIMIT: 'an integer >= 1024 (bytes)',
  SHUTDOWN_TIMEOUT_MS: 'an integer >= 0 (milliseconds)',
  PHOTO_MAX_BYTES: 'an integer >= 1024 (bytes)',
  IMPORT_MAX_BYTES: 'an integer >= 1024 (bytes)',
  GROUNDTRUTH_URL: 'an http(s) URL of the server',
  GROUNDTRUTH_TOKEN: 'an API key',
  IMPORT_INLINE_MAX_BYTES: 'an integer >= 0 (bytes)',
  PUBLIC_URL: 'an http(s) URL',
  SECRET_KEY: 'a random string of at least 32 characters',
  SIGNUP: 'open, invite or closed',
  APPROVAL_REQUIRED: 'true or false',
  LOGIN_RATE_LIMIT: 'an integer 1-10000 (attempts a minute)',
  ACCESS_TOKEN_TTL_S: 'an integer 30-86400 (seconds)',
  REFRESH_TOKEN_TTL_S: 'an integer >= 60 (seconds)',
  SMTP_URL: 'smtp://user:password@host:587 or smtps://...',
  MAIL_FROM: 'a sender address such as Groundtruth <no-reply@example.com>',
  TRUST_PROXY: 'true or false',
  BLOB_STORE: 'local or s3',
  S3_ENDPOINT: 'an http(s) URL of the S3-compatible service',
  S3_REGION: 'a region name such as us-east-1',
  S3_BUCKET: 'a bucket name (lower-case letters, digits, dots, hyphens)',
  S3_ACCESS_KEY_ID: 'an access key id',
  S3_SECRET_ACCESS_KEY: 'a secret access key',
  S3_FORCE_PATH_STYLE: 'true or false',
  S3_PREFIX: 'empty, or path segments ending with / (e.g. groundtruth/)',
  WEBHOOK_ALLOW_PRIVATE: 'true or false',
  STORAGE_LOCAL_ROOT: 'an absolute directory path',
  WEBHOOK_TIMEOUT_MS: 'an integer 100-60000 (milliseconds)',
  WEBHOOK_MAX_FAILURES: 'an integer 1-1000',
  WEBHOOK_RETRIES: 'an integer 0-20',
  WEBHOOK_RETRY_DELAY_S: 'an integer 1-3600 (seconds)',
  JOBS: 'inline or off',
  ROOM_QUERY_TIMEOUT_MS: 'an integer 100-600000 (milliseconds a room question may run)',
  ROOM_QUERY_MEMORY_MB: 'an integer 64-65536 (DuckDB memory limit of a question, MB)',
  ROOM_QUERY_THREADS: 'an integer 1-64 (DuckDB threads of a question)',
  ROOM_ANSWER_ROWS: 'an integer 1-10000',
  LLM_BASE_URL: 'an http(s) URL of an OpenAI-compatible API, e.g. https://api.openai.com/v1',
  LLM_API_KEY: 'an API key of the LLM endpoint',
  LLM_MODEL: 'a model name, e.g. gpt-4o-mini',
  LLM_TIMEOUT_MS: 'an integer 100-600000 (milliseconds the language model may take)',
  FREE_PLAN_ROOMS: 'an integer >= 0',
  FREE_PLAN_SEATS: 'an integer >= 1',
  FREE_PLAN_STORAGE_BYTES: 'an integer >= 0 (bytes)',
  TASK_LOCK_TTL: 'an integer 1-604800 (seconds)',
  TASK_LOCK_MIN_TTL: 'an integer 1-604800 (seconds)',
  TASK_LOCK_DEFAULT_TTL: 'an integer 1-604800 (seconds)',
  FREE_PLAN_ROWS_PER_QUERY: 'an integer >= 1',
};

/** Reads the variables the schema knows from `env`; empty strings count as unset. */
export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  const raw: Record<string, string> = {};
  for (const key of Object.keys(ConfigSchema.properties)) {
    const value = env[key];
    if (value !== undefined && value !== '') raw[key] = value;
  }
  const value = Value.Convert(ConfigSchema, Value.Default(ConfigSchema, raw));
  const first = Value.Errors(ConfigSchema, value)[0];
  if (first) {
    const name = first.instancePath.replace(/^\//, '') || 'environment';
    throw new ConfigError(`invalid ${name}: expected ${expectedForms[name] ?? first.message}`);
  }
  const config = value as Config;
  if (config.BLOB_STORE === 's3' && !config.S3_BUCKET) {
    throw new ConfigError('BLOB_STORE=s3 needs S3_BUCKET (and S3_ENDPOINT for a service other than AWS)');
  }
  if (config.LLM_BASE_URL && !config.LLM_MODEL) {
    throw new ConfigError('LLM_BASE_URL needs LLM_MODEL (the model name the endpoint serves)');
  }
  return config;
}
