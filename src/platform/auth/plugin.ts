// Authentication: every /api route needs an authenticated actor (401 otherwise) unless it says
// `config: { auth: 'none' | 'optional' }`; /healthz, /readyz, /metrics and the API docs are public.
// Handlers read `request.actor`.
import cookie from '@fastify/cookie';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { AppError } from '../errors.ts';
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

export async function registerAuth(app: FastifyInstance, authenticate: Authenticator): Promise<void> {
  await app.register(cookie);
  app.decorateRequest('actor', null);
  app.addHook('preValidation', async (request) => {
    const url = request.routeOptions.url;
    // Credentials are read on the API; operational endpoints and the API documentation are public.
    const isApi = url?.startsWith('/api/') && !url.startsWith('/api/docs') && url !== '/api/openapi.json';
    const mode = request.routeOptions.config?.auth ?? (isApi ? 'required' : 'none');
    if (mode === 'none') return;
    request.actor = await authenticate(request);
    if (!request.actor && mode === 'required') {
      throw new AppError('unauthorized', 'authentication required: send Authorization: Bearer <token>');
    }
  });
}

/** The authenticated actor of a route that requires one. */
export function actorOf(request: FastifyRequest): Actor {
  if (!request.actor) throw new AppError('unauthorized', 'authentication required');
  return request.actor;
}
