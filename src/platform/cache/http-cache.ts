// Cached answers for GET routes that opt in with `config: { cache: true }`: routes whose answer is a function
// of the database rows of the actor's organization and of people's accounts, nothing else (no clocks, no
// randomness, no other services). The answer is kept per user, organization and URL, and served while no
// change announced by the database touched that organization, that user or everything (generations.ts).
// Served answers carry `X-Cache: hit`. The lookup runs as the request arrives (onRequest): a hit skips body
// parsing, validation and the handler (its URL was validated when the answer was first made), which is most of
// what a hot read costs.
import type {
  FastifyInstance,
  FastifyReply,
  FastifyRequest,
  onRequestHookHandler,
  onSendHookHandler,
} from 'fastify';
import type { Actor } from '../auth/actor.ts';
import type { Authenticator } from '../auth/authenticate.ts';
import { withHook } from '../http/route-hooks.ts';
import type { Generations, Stamp } from './generations.ts';
import { createReadCache } from './read-cache.ts';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** GET answers may be cached (see src/platform/cache/http-cache.ts). */
    cache?: boolean;
  }
  interface FastifyRequest {
    cacheFill: { key: string; stamp: Stamp } | null;
  }
}

interface Cached {
  payload: string;
  contentType: string;
}

export function registerHttpCache(
  app: FastifyInstance,
  generations: Generations,
  authenticate: Authenticator,
  maxEntries: number,
): void {
  const cache = createReadCache<Cached>(generations, maxEntries);
  app.decorateRequest('cacheFill', null);
  // Callback style, and synchronous when the credentials are known without waiting (a cached API key): a
  // hit then costs no promise at all.
  const serve = (request: FastifyRequest, reply: FastifyReply, actor: Actor, done: () => void) => {
    request.actor = actor;
    const { userId, organizationId } = actor;
    const key = `${userId}|${organizationId ?? ''}|${request.url}`;
    const hit = cache.get(key);
    if (hit) {
      reply.header('content-type', hit.contentType).header('x-cache', 'hit').send(hit.payload);
      return;
    }
    const stamp = generations.stamp(organizationId, userId);
    if (stamp) request.cacheFill = { key, stamp };
    done();
  };
  const lookUp: onRequestHookHandler = (request, reply, done) => {
    if (request.method !== 'GET') return done();
    let actor: Actor | undefined;
    try {
      actor = authenticate.known(request);
    } catch {
      actor = undefined; // the auth hook (preValidation) answers with the error
    }
    if (actor) return serve(request, reply, actor, done);
    // The auth hook keeps this actor; no credentials: it answers 401 as usual.
    authenticate(request).then(
      (found) => (found ? serve(request, reply, found, done) : done()),
      () => done(),
    );
  };
  const keep: onSendHookHandler = (request, reply, payload, done) => {
    const fill = request.cacheFill;
    if (fill) {
      request.cacheFill = null;
      const contentType = reply.getHeader('content-type');
      if (reply.statusCode === 200 && typeof payload === 'string' && typeof contentType === 'string') {
        cache.set(fill.key, { payload, contentType }, fill.stamp);
        reply.header('x-cache', 'miss');
      }
    }
    done(null, payload);
  };
  app.addHook('onRoute', (route) => {
    if (!route.config?.cache) return;
    route.onRequest = withHook(route.onRequest, lookUp);
    route.onSend = withHook(route.onSend, keep);
  });
}
