// /api/users/me, user administration, API keys, and Label Studio's current-user endpoints.
import Type from 'typebox';
import { actorOf } from '../../platform/auth/plugin.ts';
import type { App } from '../../platform/http/app-types.ts';
import { IdParams, Paged, pagedBody, pageOf } from '../../platform/http/common.schemas.ts';
import { errors } from '../../platform/http/schemas.ts';
import type { createApiKeyService } from './api-keys.service.ts';
import {
  ApiKey,
  ChangePasswordBody,
  CreateApiKeyBody,
  CreatedApiKey,
  LegacyToken,
  UpdateMeBody,
  User,
  UserSearchQuery,
  WhoAmI,
} from './identity.schemas.ts';
import type { createUsersService } from './users.service.ts';

type UsersService = ReturnType<typeof createUsersService>;
type ApiKeyService = ReturnType<typeof createApiKeyService>;

export function usersRoutes(app: App, users: UsersService, keys: ApiKeyService): void {
  app.get(
    '/api/users/me',
    { schema: { tags: ['users'], summary: 'The signed-in user', response: { 200: User, ...errors(401) } } },
    async (request) => users.me(actorOf(request)),
  );

  app.patch(
    '/api/users/me',
    {
      schema: {
        tags: ['users'],
        summary: 'Edit names, avatar, country, profession or the active organization',
        body: UpdateMeBody,
        response: { 200: User, ...errors(400, 401, 404) },
      },
    },
    async (request) => users.updateMe(actorOf(request), request.body),
  );

  app.post(
    '/api/users/me/password',
    {
      schema: {
        tags: ['users'],
        summary: 'Change the password (needs the current one); other sessions end',
        body: ChangePasswordBody,
        response: { 204: Type.Null(), ...errors(400, 401) },
      },
    },
    async (request, reply) => {
      await users.changePassword(actorOf(request), request.body.current_password, request.body.new_password);
      return reply.status(204).send(null);
    },
  );

  app.get(
    '/api/admin/users',
    {
      schema: {
        tags: ['admin'],
        summary: 'List and search users (superusers and staff)',
        querystring: UserSearchQuery,
        response: { 200: Paged(User), ...errors(400, 401, 403) },
      },
    },
    async (request) => {
      const page = pageOf(request.query);
      const { count, results } = await users.list(actorOf(request), request.query.search, page);
      return pagedBody(request.url, page, count, results);
    },
  );

  for (const [path, summary, run] of [
    ['approve', 'Approve a user (APPROVAL_REQUIRED)', users.approve],
    ['deactivate', 'Deactivate a user: sign-in and keys stop working', users.deactivate],
    ['reactivate', 'Reactivate a user', users.reactivate],
  ] as const) {
    app.post(
      `/api/admin/users/:id/${path}`,
      {
        schema: {
          tags: ['admin'],
          summary,
          params: IdParams,
          response: { 200: User, ...errors(401, 403, 404, 409) },
        },
      },
      async (request) => run(actorOf(request), request.params.id),
    );
  }

  app.post(
    '/api/api-keys',
    {
      schema: {
        tags: ['api-keys'],
        summary: 'Create an API key; the key is in this answer only',
        body: CreateApiKeyBody,
        response: { 201: CreatedApiKey, ...errors(400, 401) },
      },
    },
    async (request, reply) => {
      const created = await keys.create(actorOf(request), request.body.name, request.body.expires_at);
      return reply.status(201).send(created);
    },
  );

  app.get(
    '/api/api-keys',
    {
      schema: {
        tags: ['api-keys'],
        summary: "The signed-in user's active API keys (no secrets)",
        response: { 200: Type.Array(ApiKey), ...errors(401) },
      },
    },
    async (request) => keys.list(actorOf(request)),
  );

  app.delete(
    '/api/api-keys/:id',
    {
      schema: {
        tags: ['api-keys'],
        summary: 'Revoke an API key; it stops working at once',
        params: IdParams,
        response: { 204: Type.Null(), ...errors(401, 404) },
      },
    },
    async (request, reply) => {
      await keys.revoke(actorOf(request), request.params.id);
      return reply.status(204).send(null);
    },
  );

  app.get(
    '/api/current-user/token',
    {
      schema: {
        tags: ['label-studio'],
        summary: "Label Studio: the user's legacy token (created on first use)",
        response: { 200: LegacyToken, ...errors(401) },
      },
    },
    async (request) => ({ token: await keys.legacy(actorOf(request)) }),
  );

  app.post(
    '/api/current-user/reset-token',
    {
      schema: {
        tags: ['label-studio'],
        summary: 'Label Studio: replace the legacy token; the old one stops working',
        response: { 200: LegacyToken, ...errors(401) },
      },
    },
    async (request) => ({ token: await keys.resetLegacy(actorOf(request)) }),
  );

  app.get(
    '/api/current-user/whoami',
    {
      schema: {
        tags: ['label-studio'],
        summary: 'Label Studio: the signed-in user',
        response: { 200: WhoAmI, ...errors(401) },
      },
    },
    async (request) => {
      const u = await users.me(actorOf(request));
      const first = u.first_name ?? '';
      const last = u.last_name ?? '';
      const initials = (first && last ? `${first[0]}${last[0]}` : u.username.slice(0, 2)).toUpperCase();
      return {
        id: u.id,
        email: u.email,
        username: u.username,
        first_name: first,
        last_name: last,
        avatar: u.avatar,
        initials,
        phone: '',
        active_organization: u.active_organization,
        allow_newsletters: false,
        date_joined: u.created_at,
        last_activity: u.last_login,
      };
    },
  );
}
