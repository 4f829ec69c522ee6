// The web UI receives its tokens as httpOnly SameSite=Lax cookies, plus a readable CSRF cookie whose value it
// echoes in X-CSRF-Token on writes (double submit).
import type { FastifyReply, FastifyRequest } from 'fastify';
import { ACCESS_COOKIE, CSRF_COOKIE, REFRESH_COOKIE } from '../../platform/auth/authenticate.ts';
import { randomToken } from '../../platform/auth/tokens.ts';

export function setSessionCookies(
  request: FastifyRequest,
  reply: FastifyReply,
  tokens: { access_token: string; refresh_token: string; expires_in: number },
  refreshTtl: number,
): void {
  const secure = request.protocol === 'https';
  const base = { path: '/', sameSite: 'lax' as const, secure };
  reply.setCookie(ACCESS_COOKIE, tokens.access_token, { ...base, httpOnly: true, maxAge: tokens.expires_in });
  reply.setCookie(REFRESH_COOKIE, tokens.refresh_token, {
    ...base,
    httpOnly: true,
    maxAge: refreshTtl,
    path: '/api/auth',
  });
  reply.setCookie(CSRF_COOKIE, randomToken(18), { ...base, httpOnly: false, maxAge: refreshTtl });
}

export function clearSessionCookies(reply: FastifyReply): void {
  reply.clearCookie(ACCESS_COOKIE, { path: '/' });
  reply.clearCookie(REFRESH_COOKIE, { path: '/api/auth' });
  reply.clearCookie(CSRF_COOKIE, { path: '/' });
}
