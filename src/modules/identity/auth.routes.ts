// /api/auth: sign-up, login, refresh, sign-out, email confirmation, password reset, magic links.
import Type from 'typebox';
import { REFRESH_COOKIE } from '../../platform/auth/authenticate.ts';
import { actorOf, cookiesOf } from '../../platform/auth/plugin.ts';
import { AppError } from '../../platform/errors.ts';
import type { App } from '../../platform/http/app-types.ts';
import { errors } from '../../platform/http/schemas.ts';
import type { AccountService, AuthService, Deps } from './deps.ts';
import {
  Accepted,
  EmailBody,
  LoginBody,
  RefreshBody,
  ResetBody,
  SignupBody,
  TokenBody,
  Tokens,
} from './identity.schemas.ts';
import { clearSessionCookies, setSessionCookies } from './session-cookies.ts';

const tags = ['auth'];
const publicRoute = { auth: 'none' as const };

export function authRoutes(app: App, deps: Deps, auth: AuthService, account: AccountService): void {
  const client = (r: { ip: string; headers: Record<string, unknown> }) => ({
    ip: r.ip,
    userAgent: typeof r.headers['user-agent'] === 'string' ? r.headers['user-agent'] : null,
  });
  const ttl = deps.config.REFRESH_TOKEN_TTL_S;

  app.post(
    '/api/auth/signup',
    {
      config: publicRoute,
      schema: {
        tags,
        summary: 'Create an account and its personal organization; answers like login',
        body: SignupBody,
        response: { 201: Tokens, ...errors(400, 403, 409, 429) },
      },
    },
    async (request, reply) => {
      const tokens = await auth.signup(request.body, client(request), deps.acceptInvitation);
      setSessionCookies(request, reply, tokens, ttl);
      return reply.status(201).send(tokens);
    },
  );

  app.post(
    '/api/auth/login',
    {
      config: publicRoute,
      schema: {
        tags,
        summary: 'Exchange a login (email or username) and password for tokens',
        body: LoginBody,
        response: { 200: Tokens, ...errors(400, 401, 429) },
      },
    },
    async (request, reply) => {
      const tokens = await auth.login(request.body.login, request.body.password, client(request));
      setSessionCookies(request, reply, tokens, ttl);
      return tokens;
    },
  );

  app.post(
    '/api/auth/refresh',
    {
      config: publicRoute,
      schema: {
        tags,
        summary: 'Rotate a refresh token (body or cookie) into new tokens',
        body: Type.Optional(RefreshBody),
        response: { 200: Tokens, ...errors(400, 401) },
      },
    },
    async (request, reply) => {
      const token = request.body?.refresh_token ?? cookiesOf(request)[REFRESH_COOKIE];
      if (!token) throw new AppError('unauthorized', 'send refresh_token in the body');
      const tokens = await auth.refresh(token, client(request));
      setSessionCookies(request, reply, tokens, ttl);
      return tokens;
    },
  );

  app.post(
    '/api/auth/logout',
    {
      config: publicRoute,
      schema: {
        tags,
        summary: "End this session (the refresh token's family)",
        body: Type.Optional(RefreshBody),
        response: { 204: Type.Null(), ...errors(400) },
      },
    },
    async (request, reply) => {
      const token = request.body?.refresh_token ?? cookiesOf(request)[REFRESH_COOKIE];
      if (token) await auth.logout(token, client(request));
      clearSessionCookies(reply);
      return reply.status(204).send(null);
    },
  );

  app.post(
    '/api/auth/logout-all',
    {
      schema: {
        tags,
        summary: 'End every session of the signed-in user (API keys stay valid)',
        response: { 204: Type.Null(), ...errors(401) },
      },
    },
    async (request, reply) => {
      await auth.logoutAll(actorOf(request));
      clearSessionCookies(reply);
      return reply.status(204).send(null);
    },
  );

  app.post(
    '/api/auth/email-confirmation',
    {
      schema: {
        tags,
        summary: 'Send the signed-in user a link that confirms their email address',
        response: { 202: Accepted, ...errors(401) },
      },
    },
    async (request, reply) => {
      await account.requestEmailConfirmation(actorOf(request));
      return reply.status(202).send({ detail: 'if the address is not confirmed yet, a link is on its way' });
    },
  );

  app.post(
    '/api/auth/email-confirmation/confirm',
    {
      config: publicRoute,
      schema: {
        tags,
        summary: 'Confirm an email address',
        body: TokenBody,
        response: { 204: Type.Null(), ...errors(400) },
      },
    },
    async (request, reply) => {
      await account.confirmEmail(request.body.token);
      return reply.status(204).send(null);
    },
  );

  app.post(
    '/api/auth/password-reset',
    {
      config: publicRoute,
      schema: {
        tags,
        summary: 'Mail a password-reset link (the answer is the same for unknown addresses)',
        body: EmailBody,
        response: { 202: Accepted, ...errors(400, 429) },
      },
    },
    async (request, reply) => {
      await account.requestPasswordReset(request.body.email, client(request));
      return reply.status(202).send({ detail: 'if the address has an account, a link is on its way' });
    },
  );

  app.post(
    '/api/auth/password-reset/confirm',
    {
      config: publicRoute,
      schema: {
        tags,
        summary: 'Set a new password with a reset link; every login session ends',
        body: ResetBody,
        response: { 204: Type.Null(), ...errors(400) },
      },
    },
    async (request, reply) => {
      await account.resetPassword(request.body.token, request.body.password, client(request));
      return reply.status(204).send(null);
    },
  );

  app.post(
    '/api/auth/magic-link',
    {
      config: publicRoute,
      schema: {
        tags,
        summary: 'Mail a sign-in link (the answer is the same for unknown addresses)',
        body: EmailBody,
        response: { 202: Accepted, ...errors(400, 429) },
      },
    },
    async (request, reply) => {
      await account.requestMagicLink(request.body.email, client(request));
      return reply.status(202).send({ detail: 'if the address has an account, a link is on its way' });
    },
  );

  app.post(
    '/api/auth/magic-link/confirm',
    {
      config: publicRoute,
      schema: {
        tags,
        summary: 'Sign in with a magic link',
        body: TokenBody,
        response: { 200: Tokens, ...errors(400) },
      },
    },
    async (request, reply) => {
      const tokens = await account.magicLogin(request.body.token, client(request));
      setSessionCookies(request, reply, tokens, ttl);
      return tokens;
    },
  );
}
