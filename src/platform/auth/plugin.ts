// Authentication: every /api route needs an authenticated actor (401 otherwise) unless it says
// `config: { auth: 'none' | 'optional' }`; /healthz, /readyz, /metrics and the API docs are public.
// Handlers read `request.actor`.
import cookie from '@fastify/cookie';
import type { FastifyInstance, FastifyRequest, preValidationHookHandler } from 'fastify';
import { AppError } from '../errors.ts';
import { withHook } from '../http/route-hooks.ts';
import type { Actor } from './actor.ts';
import type { Authenticator } from './authenticate.ts';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** 'required' (default), 'optional' (actor may be null) or 'none' (credentials are not read). */
    auth?: 'required' | 'optional' | 'none';
  }
  interface FastifyRequest {
    actor: Actor | null;
  }
}

type AuthMode = 'required' | 'optional' | 'none';

/** Credentials are read on the API; operational endpoints and the API documentation are public. */
function authMode(url: string | undefined, configured: AuthMode | undefined): AuthMode {
  const isApi = url?.startsWith('/api/') && !url.startsWith('/api/docs') && url !== '/api/openapi.json';
  return configured ?? (isApi ? 'required' : 'none');
}

const anyCredential = [{ bearer: [] }, { token: [] }, { apiKey: [] }];

export async function registerAuth(app: FastifyInstance, authenticate: Authenticator): Promise<void> {
  // Cookies are parsed when something asks for them (cookiesOf), not on every request: most API calls carry
  // an Authorization header, and a parsing hook is a measurable share of a cached read.
  await app.register(cookie, { hook: false });
  app.decorateRequest('actor', null);
  // The OpenAPI document says which routes need credentials (tests derive their route table from it), and
  // only the routes that take credentials get the hook that reads them.
  app.addHook('onRoute', (route) => {
    const mode = authMode(route.url, (route.config as { auth?: AuthMode } | undefined)?.auth);
    if (route.schema && !(route.schema as { hide?: boolean }).hide) {
      (route.schema as { security?: unknown }).security =
        mode === 'none' ? [] : mode === 'optional' ? [...anyCredential, {}] : anyCredential;
    }
    if (mode !== 'none') route.preValidation = withHook(route.preValidation, authHook(authenticate, mode));
  });
}

function authHook(authenticate: Authenticator, mode: 'optional' | 'required'): preValidationHookHandler {
  return (request, _reply, done) => {
    // Already known when the read cache looked the request up as it arrived (src/platform/cache/http-cache.ts).
    if (request.actor) return done();
    authenticate(request).then((actor) => {
      request.actor = actor;
      if (!actor && mode === 'required') {
        done(new AppError('unauthorized', 'authentication required: send Authorization: Bearer <token>'));
      } else done();
    }, done);
  };
}

const parsed = new WeakMap<FastifyRequest, Record<string, string | undefined>>();

/** The request's cookies, parsed on first use. */
export function cookiesOf(request: FastifyRequest): Record<string, string | undefined> {
  const known = request.cookies ?? parsed.get(request);
  if (known) return known;
  const header = request.headers.cookie;
  const cookies = header ? request.server.parseCookie(header) : {};
  parsed.set(request, cookies);
  return cookies;
}

/** The authenticated actor of a route that requires one. */
export function actorOf(request: FastifyRequest): Actor {
  if (!request.actor) throw new AppError('unauthorized', 'authentication required');
  return request.actor;
}
