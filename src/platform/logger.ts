// pino options shared by the server and the CLI. Credentials never reach the log: auth headers and cookies are
// redacted, and secret-looking query parameters are masked in logged URLs.
import type { FastifyServerOptions } from 'fastify';

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
