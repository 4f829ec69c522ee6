// Cached answers for GET routes that opt in with `config: { cache: true }`: routes whose answer is a function
// of the database rows of the actor's organization and of people's accounts, nothing else (no clocks, no
// randomness, no other services). The answer is kept per user, organization and URL, and served while no
// change announced by the database touched that organization, that user or everything (generations.ts).
// Served answers carry `X-Cache: hit`. The lookup runs as the request arrives (onRequest): a hit skips body
// parsing, validation and the handler (its URL was validated when the answer was first made), which is most of
// what a hot read costs.
import type { FastifyInstance } from 'fastify';
import type { Authenticator } from '../auth/authenticate.ts';
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
  app.addHook('onRequest', async (request, reply) => {
    if (request.method !== 'GET' || !request.routeOptions.config?.cache) return;
    // The auth hook (preValidation) keeps this actor; no credentials: it answers 401 as usual.
    request.actor = await authenticate(request);
    if (!request.actor) return;
    const { userId, organizationId } = request.actor;
    const key = `${userId}|${organizationId ?? ''}|${request.url}`;
    const hit = cache.get(key);
    if (hit) {
      reply.header('content-type', hit.contentType).header('x-cache', 'hit');
      return reply.send(hit.payload);
    }
    const stamp = generations.stamp(organizationId, userId);
    if (stamp) request.cacheFill = { key, stamp };
  });
  app.addHook('onSend', async (request, reply, payload) => {
    const fill = request.cacheFill;
    if (!fill) return payload;
    request.cacheFill = null;
    const contentType = reply.getHeader('content-type');
    if (reply.statusCode === 200 && typeof payload === 'string' && typeof contentType === 'string') {
      cache.set(fill.key, { payload, contentType }, fill.stamp);
      reply.header('x-cache', 'miss');
    }
    return payload;
  });
}
