// /api/extensions: the feature-switch catalogue, grants to teams and users (owners and admins), and what the
// current user has (GET /api/extensions/me).
import Type from 'typebox';
import { actorOf } from '../../platform/auth/plugin.ts';
import type { App } from '../../platform/http/app-types.ts';
import { errors } from '../../platform/http/schemas.ts';
import {
  Extension,
  ExtensionGrant,
  GrantBody,
  MyExtension,
  TeamGrantParams,
  UserGrantParams,
} from './extensions.schemas.ts';
import type { ExtensionsService } from './extensions.service.ts';

const tags = ['geodata', 'extensions'];

export function extensionsRoutes(app: App, ext: ExtensionsService): void {
  app.get(
    '/api/extensions',
    {
      schema: {
        tags,
        summary: 'The catalogue of extensions (feature switches)',
        response: { 200: Type.Array(Extension), ...errors(401, 404) },
      },
    },
    async (request) => ext.catalogue(actorOf(request)),
  );
  app.get(
    '/api/extensions/me',
    {
      schema: {
        tags,
        summary: 'The extensions the current user has in this organization, from a user or team grant',
        response: { 200: Type.Array(MyExtension), ...errors(401, 404) },
      },
    },
    async (request) => ext.mine(actorOf(request)),
  );
  app.get(
    '/api/extensions/grants',
    {
      schema: {
        tags,
        summary: "The organization's grants of extensions to teams and users",
        response: { 200: Type.Array(ExtensionGrant), ...errors(401, 403, 404) },
      },
    },
    async (request) => ext.grants(actorOf(request)),
  );

  for (const kind of ['team', 'user'] as const) {
    const params = kind === 'team' ? TeamGrantParams : UserGrantParams;
    const path = `/api/extensions/:id/${kind}s/:${kind}_id`;
    const granteeOf = (p: { team_id?: number; user_id?: number }) => ({
      kind,
      id: (kind === 'team' ? p.team_id : p.user_id) as number,
    });
    app.put(
      path,
      {
        schema: {
          tags,
          summary: `Grant an extension to a ${kind} (is_active false switches it off)`,
          params,
          body: GrantBody,
          response: { 200: ExtensionGrant, ...errors(400, 401, 403, 404) },
        },
      },
      async (request) => {
        const p = request.params as { id: number; team_id?: number; user_id?: number };
        return ext.grant(actorOf(request), p.id, granteeOf(p), request.body?.is_active ?? true);
      },
    );
    app.delete(
      path,
      {
        schema: {
          tags,
          summary: `Remove a ${kind}'s grant of an extension`,
          params,
          response: { 204: Type.Null(), ...errors(400, 401, 403, 404) },
        },
      },
      async (request, reply) => {
        const p = request.params as { id: number; team_id?: number; user_id?: number };
        await ext.revoke(actorOf(request), p.id, granteeOf(p));
        return reply.status(204).send(null);
      },
    );
  }
}
