// pino options shared by the server and the CLI. Credentials never reach the log: auth headers and cookies are
// redacted, and secret-looking query parameters are masked in logged URLs.
import type { FastifyBaseLogger, FastifyServerOptions } from 'fastify';

const SECRET_PARAMS =
  /([?&](?:token|key|api_key|apikey|access_token|refresh_token|password|code|secret)=)[^&#]*/gi;

export function maskUrl(url: string): string {
  return url.replace(SECRET_PARAMS, '$1[redacted]');
}

export function loggerOptions(level: string): FastifyServerOptions['logger'] {
  return {
    level,
    redact: {
      paths: [
        'req.headers.authorization',
        'req.headers.cookie',
        'req.headers["x-api-key"]',
        'res.headers["set-cookie"]',
        '*.password',
        '*.token',
        '*.access_token',
        '*.refresh_token',
      ],
      censor: '[redacted]',
    },
    serializers: {
      req(req: { method: string; url: string; ip?: string; id?: string }) {
        return { method: req.method, url: maskUrl(req.url), ip: req.ip };
      },
    },
  };
}

type Bindings = Parameters<FastifyBaseLogger['child']>[0];
type ChildLoggerOptions = NonNullable<Parameters<FastifyBaseLogger['child']>[1]>;
type RootLogger = FastifyBaseLogger & { isLevelEnabled?(level: string): boolean };
type Level = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace';

/**
 * Fastify gives every request a child logger carrying its request id. Building a pino child serialises its
 * bindings, a measurable share of a cached read, while most requests never log at an enabled level: this
 * one builds the child on the first call that would write.
 */
class RequestLogger {
  #parent: RootLogger;
  #bindings: Bindings;
  #opts: ChildLoggerOptions;
  #child: FastifyBaseLogger | undefined;

  constructor(parent: RootLogger, bindings: Bindings, opts: ChildLoggerOptions) {
    this.#parent = parent;
    this.#bindings = bindings;
    this.#opts = opts;
  }

  #write(level: Level, args: unknown[]): void {
    if (!this.#opts.level && this.#parent.isLevelEnabled?.(level) === false) return;
    this.#child ??= this.#parent.child(this.#bindings, this.#opts);
    (this.#child[level] as (...a: unknown[]) => void)(...args);
  }

  get level(): string {
    return this.#child?.level ?? this.#opts.level ?? this.#parent.level;
  }
  set level(level: string) {
    this.#child ??= this.#parent.child(this.#bindings, this.#opts);
    this.#child.level = level;
  }
  isLevelEnabled(level: string): boolean {
    return ((this.#child ?? this.#parent) as RootLogger).isLevelEnabled?.(level) ?? true;
  }
  fatal(...args: unknown[]) {
    this.#write('fatal', args);
  }
  error(...args: unknown[]) {
    this.#write('error', args);
  }
  warn(...args: unknown[]) {
    this.#write('warn', args);
  }
  info(...args: unknown[]) {
    this.#write('info', args);
  }
  debug(...args: unknown[]) {
    this.#write('debug', args);
  }
  trace(...args: unknown[]) {
    this.#write('trace', args);
  }
  silent() {}
  child(bindings: Bindings, opts?: ChildLoggerOptions): FastifyBaseLogger {
    this.#child ??= this.#parent.child(this.#bindings, this.#opts);
    return this.#child.child(bindings, opts);
  }
}

export const requestLoggerFactory = (
  logger: RootLogger,
  bindings: Bindings,
  opts: ChildLoggerOptions,
): FastifyBaseLogger => new RequestLogger(logger, bindings, opts) as unknown as FastifyBaseLogger;
