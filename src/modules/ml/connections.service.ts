// Model provider connections (Label Studio's ml_model_providers): OpenAI, Azure OpenAI or a custom
// OpenAI-compatible URL, per organization (optionally one per project). The API key is sealed at rest with the
// server's data key; answers carry only whether one is set and its last four characters.
import type { Selectable } from 'kysely';
import { inScope, type Tx } from '../../db/scope.ts';
import type { ModelProviderConnections } from '../../db/types.ts';
import { authorize } from '../../platform/access/access.ts';
import type { Actor } from '../../platform/auth/actor.ts';
import { seal } from '../../platform/crypto.ts';
import type { Deps } from '../../platform/deps.ts';
import { AppError } from '../../platform/errors.ts';
import { urlProblem } from '../../platform/webhooks/address.ts';
import { orgOf, scopeOf } from './ml.repo.ts';

type Provider = 'OpenAI' | 'AzureOpenAI' | 'Custom';

export interface ConnectionInput {
  provider?: Provider | undefined;
  project?: number | null | undefined;
  api_key?: string | null | undefined;
  endpoint?: string | null | undefined;
  deployment_name?: string | null | undefined;
  api_version?: string | null | undefined;
  is_active?: boolean | undefined;
}

export function toConnection(c: Selectable<ModelProviderConnections>) {
  return {
    id: c.id,
    provider: c.provider,
    project: c.project_id,
    endpoint: c.endpoint,
    deployment_name: c.deployment_name,
    api_version: c.api_version,
    api_key_is_set: c.api_key !== null,
    api_key_hint: c.api_key_hint,
    is_active: c.is_active,
    created_at: c.created_at,
    updated_at: c.updated_at,
  };
}

export async function connectionRow(tx: Tx, id: number) {
  const row = await tx
    .selectFrom('model_provider_connections')
    .selectAll()
    .where('id', '=', id)
    .executeTakeFirst();
  if (!row) throw new AppError('not_found', `model provider connection ${id} not found`);
  return row;
}

export function createConnectionsService(deps: Pick<Deps, 'database' | 'config' | 'secrets'>) {
  const { database, config, secrets } = deps;
  const run = <T>(actor: Actor, fn: (tx: Tx) => Promise<T>) => inScope(database.db, scopeOf(actor), fn);
  const org = (tx: Tx, actor: Actor) => authorize(tx, actor, 'models.manage', [orgOf(actor)]);

  function checkEndpoint(endpoint: string | null | undefined) {
    const problem = endpoint ? urlProblem(endpoint, config.WEBHOOK_ALLOW_PRIVATE) : null;
    if (problem) {
      throw new AppError('validation_failed', `endpoint ${problem}`, [
        { in: 'body', field: 'endpoint', message: problem },
      ]);
    }
  }

  async function checkProjects(tx: Tx, actor: Actor, ids: (number | null | undefined)[]) {
    const real = ids.filter((i): i is number => typeof i === 'number');
    if (real.length) await authorize(tx, actor, 'ml.read', real);
  }

  const connectionValues = (input: ConnectionInput) => ({
    ...(input.provider !== undefined && { provider: input.provider }),
    ...(input.project !== undefined && { project_id: input.project }),
    ...(input.endpoint !== undefined && { endpoint: input.endpoint }),
    ...(input.deployment_name !== undefined && { deployment_name: input.deployment_name }),
    ...(input.api_version !== undefined && { api_version: input.api_version }),
    ...(input.is_active !== undefined && { is_active: input.is_active }),
    ...(input.api_key !== undefined && {
      api_key: input.api_key === null ? null : seal(secrets.dataKey, input.api_key),
      api_key_hint: input.api_key === null || input.api_key.length < 8 ? null : input.api_key.slice(-4),
    }),
  });

  return {
    listConnections: (actor: Actor) =>
      run(actor, async (tx) => {
        await org(tx, actor);
        const rows = await tx
          .selectFrom('model_provider_connections')
          .selectAll()
          .orderBy('id')
          .limit(1000)
          .execute();
        return rows.map(toConnection);
      }),

    createConnection: (actor: Actor, input: ConnectionInput & { provider: Provider }) =>
      run(actor, async (tx) => {
        await org(tx, actor);
        checkEndpoint(input.endpoint);
        if (input.provider !== 'OpenAI' && !input.endpoint) {
          throw new AppError('validation_failed', `endpoint: ${input.provider} needs an endpoint URL`, [
            { in: 'body', field: 'endpoint', message: 'required for this provider' },
          ]);
        }
        await checkProjects(tx, actor, [input.project]);
        const row = await tx
          .insertInto('model_provider_connections')
          .values({
            organization_id: orgOf(actor),
            provider: input.provider,
            created_by: actor.userId,
            ...connectionValues(input),
          })
          .returningAll()
          .executeTakeFirstOrThrow()
          .catch((err: { code?: string }) => {
            if (err.code === '23505') throw new AppError('conflict', 'the project already has a connection');
            throw err;
          });
        return toConnection(row);
      }),

    getConnection: (actor: Actor, id: number) =>
      run(actor, async (tx) => {
        await org(tx, actor);
        return toConnection(await connectionRow(tx, id));
      }),

    updateConnection: (actor: Actor, id: number, input: ConnectionInput) =>
      run(actor, async (tx) => {
        await org(tx, actor);
        await connectionRow(tx, id);
        checkEndpoint(input.endpoint);
        await checkProjects(tx, actor, [input.project]);
        const row = await tx
          .updateTable('model_provider_connections')
          .set({ ...connectionValues(input), updated_at: new Date() })
          .where('id', '=', id)
          .returningAll()
          .executeTakeFirstOrThrow()
          .catch((err: { code?: string }) => {
            if (err.code === '23505') throw new AppError('conflict', 'the project already has a connection');
            throw err;
          });
        return toConnection(row);
      }),

    removeConnection: (actor: Actor, id: number) =>
      run(actor, async (tx) => {
        await org(tx, actor);
        await connectionRow(tx, id);
        await tx.deleteFrom('model_provider_connections').where('id', '=', id).execute();
      }),
  };
}

export type ConnectionsService = ReturnType<typeof createConnectionsService>;
