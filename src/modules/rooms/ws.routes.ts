// WebSocket /api/ws: the client authenticates with its first frame {"type":"auth","token":...} (an access
// token or API key; or the web UI's cookie on the upgrade request), then subscribes to rooms it may read:
// {"type":"subscribe","room_id":N,"after"?:M}. It receives {"type":"message","message":{...}} for new, edited
// and deleted messages; with `after` it first gets the messages it missed. A room it may not read answers an
// error frame, never its events. Tokens are never logged (the frame is not logged at all).
import type { FastifyRequest } from 'fastify';
import type { WebSocket } from 'ws';
import type { Actor } from '../../platform/auth/actor.ts';
import type { Authenticator } from '../../platform/auth/authenticate.ts';
import { cookiesOf } from '../../platform/auth/plugin.ts';
import { AppError } from '../../platform/errors.ts';
import type { App } from '../../platform/http/app-types.ts';
import type { LiveHub, LiveSocket } from './live.ts';
import type { MessagesService } from './messages.service.ts';

const AUTH_TIMEOUT_MS = 10_000;
const MAX_FRAME = 16 * 1024;

export function wsRoutes(
  app: App,
  hub: LiveHub,
  messages: MessagesService,
  authenticate: Authenticator,
): void {
  app.get(
    '/api/ws',
    { websocket: true, config: { auth: 'none' }, schema: { hide: true } },
    (socket: WebSocket, request) => {
      let actor: Actor | null = null;
      const send = (frame: object) => {
        if (socket.readyState === socket.OPEN) socket.send(JSON.stringify(frame));
      };
      // The last message id each subscribed room delivered: a socket whose access is re-checked resumes there.
      const lastSeen = new Map<number, number>();
      const sink: LiveSocket = {
        userId: 0,
        deliver: (data, message) => {
          if (socket.readyState !== socket.OPEN) return;
          lastSeen.set(message.room, Math.max(lastSeen.get(message.room) ?? 0, message.id));
          socket.send(data);
        },
        revoked: (roomId) => {
          queue = queue.then(() => recheck(roomId));
        },
      };
      const recheck = async (roomId: number) => {
        const who = actor;
        try {
          if (!who) throw new AppError('not_found', `room ${roomId} not found`);
          await messages.assertReadable(who, roomId);
        } catch (err) {
          lastSeen.delete(roomId);
          const e = err instanceof AppError ? err : null;
          return send({
            type: 'unsubscribed',
            room_id: roomId,
            code: e?.code ?? 'not_found',
            message: 'you no longer have access to this room',
          });
        }
        hub.subscribe(roomId, sink);
        await replay(who, roomId, lastSeen.get(roomId) ?? null);
      };
      const replay = async (who: Actor, roomId: number, from: number | null) => {
        if (from === null) return;
        let after = from;
        for (let i = 0; i < 100; i++) {
          const page = await messages.list(who, roomId, after, 200);
          for (const m of page.results) sink.deliver(JSON.stringify({ type: 'message', message: m }), m);
          if (page.next_after === null) break;
          after = page.next_after;
        }
      };
      const timer = setTimeout(() => {
        if (!actor) socket.close(4401, 'authenticate first');
      }, AUTH_TIMEOUT_MS);
      socket.on('close', () => {
        clearTimeout(timer);
        hub.unsubscribeAll(sink);
      });

      const login = async (token: string | null, organizationId: unknown) => {
        const headers: Record<string, string | string[] | undefined> = { ...request.headers };
        delete headers.authorization;
        delete headers['x-api-key'];
        if (token) headers.authorization = `Bearer ${token}`;
        if (typeof organizationId === 'number') headers['x-organization-id'] = String(organizationId);
        // The upgrade request with the frame's credentials in place of its own (its ip, log and cookies stay).
        const fake = Object.create(request, {
          headers: { value: headers },
          method: { value: 'GET' },
          cookies: { value: token ? {} : cookiesOf(request) },
        }) as FastifyRequest;
        return authenticate(fake);
      };

      // Frames are handled one after another, so a subscribe sent right behind the auth frame waits for it.
      let queue: Promise<unknown> = Promise.resolve();
      const handle = async (raw: Buffer, isBinary: boolean) => {
        let frame: {
          type?: unknown;
          token?: unknown;
          room_id?: unknown;
          after?: unknown;
          organization_id?: unknown;
        };
        try {
          if (isBinary || raw.length > MAX_FRAME) throw new Error('frame');
          frame = JSON.parse(raw.toString('utf8'));
          if (typeof frame !== 'object' || frame === null) throw new Error('frame');
        } catch {
          return send({
            type: 'error',
            code: 'bad_request',
            message: 'send JSON text frames of at most 16 KiB',
          });
        }
        try {
          if (frame.type === 'auth') {
            const token = typeof frame.token === 'string' && frame.token.length <= 4096 ? frame.token : null;
            actor = await login(token, frame.organization_id);
            if (!actor)
              return send({ type: 'error', code: 'unauthorized', message: 'the token is not valid' });
            clearTimeout(timer);
            sink.userId = actor.userId;
            return send({ type: 'ready', user_id: actor.userId, organization_id: actor.organizationId });
          }
          if (!actor)
            return send({
              type: 'error',
              code: 'unauthorized',
              message: 'authenticate first: {"type":"auth","token":...}',
            });
          if (frame.type === 'subscribe') {
            const roomId = frame.room_id;
            if (typeof roomId !== 'number' || !Number.isSafeInteger(roomId) || roomId < 1)
              return send({
                type: 'error',
                code: 'bad_request',
                message: 'room_id must be a positive integer',
              });
            await messages.assertReadable(actor, roomId);
            hub.subscribe(roomId, sink);
            send({ type: 'subscribed', room_id: roomId });
            if (typeof frame.after === 'number' && Number.isSafeInteger(frame.after) && frame.after >= 0)
              await replay(actor, roomId, frame.after);
            return;
          }
          return send({
            type: 'error',
            code: 'bad_request',
            message: 'unknown frame type: use auth or subscribe',
          });
        } catch (err) {
          const e = err instanceof AppError ? err : null;
          send({
            type: 'error',
            code: e?.code ?? 'internal',
            message: e?.message ?? 'the server could not handle the frame',
            ...(typeof frame.room_id === 'number' && { room_id: frame.room_id }),
          });
        }
      };
      socket.on('message', (raw: Buffer, isBinary: boolean) => {
        queue = queue.then(() => handle(raw, isBinary));
      });
    },
  );
}
