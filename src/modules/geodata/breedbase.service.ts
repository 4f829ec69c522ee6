// Breedbase connections of a project (D2S): base URL and trial ids, with an optional username and secret. The
// secret is sealed (AES-256-GCM under the data key, platform/crypto.ts) and never answered. The URL passes the
// webhooks' SSRF guard (http(s), no internal addresses unless WEBHOOK_ALLOW_PRIVATE=true). Project access:
// every project role reads, owners and managers write, owners delete (the geodata actions); every route also
// needs the breedbase extension (403 extension_disabled otherwise, extensions.service.ts requireExtension).
import type { Selectable } from 'kysely';
import { inScope, type Tx } from '../../db/scope.ts';
import type { BreedbaseConnections } from '../../db/types.ts';
import { authorize } from '../../platform/access/access.ts';
import type { Action } from '../../platform/access/policy.ts';
import type { Actor } from '../../platform/auth/actor.ts';
import { seal } from '../../platform/crypto.ts';
import type { Deps } from '../../platform/deps.ts';
import { AppError } from '../../platform/errors.ts';
import { urlProblem } from '../../platform/webhooks/address.ts';
import { requireExtension } from './extensions.service.ts';

export interface BreedbaseInput {
  base_url?: string;
  trial_ids?: string[];
  username?: string | null;
  secret?: string | null;
}

function toConnection(r: Selectable<BreedbaseConnections>) {
  return {
    id: r.id,
    project_id: r.project_id,
    base_url: r.base_url,
    trial_ids: r.trial_ids,
    username: r.username,
    has_secret: r.secret_sealed !== null,
    created_by: r.created_by,
    created_at: r.created_at,
    updated_at: r.updated_at,
  };
}

export function createBreedbaseService(deps: Pick<Deps, 'database' | 'config' | 'secrets'>) {
  const { database, config, secrets } = deps;
  const scope = (actor: Actor) => ({
    organizationId: actor.organizationId,
    userId: actor.userId,
    requireMembership: true,
  });

  function checkUrl(url: string | undefined): void {
    if (url === undefined) return;
    const problem = urlProblem(url, config.WEBHOOK_ALLOW_PRIVATE);
    if (problem)
      throw new AppError('validation_failed', `base_url ${problem}`, [
        { in: 'body', field: 'base_url', message: problem },
      ]);
  }

  /** Loads a connection the actor may `action` on; one in a project they cannot see is 404. */
  async function load(tx: Tx, actor: Actor, id: number, action: Action) {
    const row = await tx
      .selectFrom('breedbase_connections')
      .selectAll()
      .where('id', '=', id)
      .executeTakeFirst();
    if (!row) throw new AppError('not_found', `breedbase connection ${id} not found`);
    await authorize(tx, actor, action, [row.project_id]).catch((err: AppError) => {
      throw err.code === 'forbidden'
        ? err
        : new AppError('not_found', `breedbase connection ${id} not found`);
    });
    await requireExtension(tx, actor, 'breedbase');
    return row;
  }

  const sealed = (secret: string | null | undefined) =>
    secret === undefined ? undefined : secret === null ? null : seal(secrets.dataKey, secret);

  return {
    async create(actor: Actor, projectId: number, input: BreedbaseInput & { base_url: string }) {
      return inScope(database.db, scope(actor), async (tx) => {
        await authorize(tx, actor, 'geodata.write', [projectId]);
        await requireExtension(tx, actor, 'breedbase');
        checkUrl(input.base_url); // after access: another tenant's project is 404 whatever the body
        const row = await tx
          .insertInto('breedbase_connections')
          .values({
            organization_id: actor.organizationId!,
            project_id: projectId,
            base_url: input.base_url,
            trial_ids: input.trial_ids ?? [],
            username: input.username ?? null,
            secret_sealed: sealed(input.secret) ?? null,
            created_by: actor.userId,
          })
          .returningAll()
          .executeTakeFirstOrThrow();
        return toConnection(row);
      });
    },

    async list(actor: Actor, projectId: number) {
      return inScope(database.db, scope(actor), async (tx) => {
        await authorize(tx, actor, 'geodata.read', [projectId]);
        await requireExtension(tx, actor, 'breedbase');
        const rows = await tx
          .selectFrom('breedbase_connections')
          .selectAll()
          .where('project_id', '=', projectId)
          .orderBy('id')
          .execute();
        return rows.map(toConnection);
      });
    },

    async get(actor: Actor, id: number) {
      return inScope(database.db, scope(actor), async (tx) =>
        toConnection(await load(tx, actor, id, 'geodata.read')),
      );
    },

    async update(actor: Actor, id: number, input: BreedbaseInput) {
      return inScope(database.db, scope(actor), async (tx) => {
        await load(tx, actor, id, 'geodata.write');
        checkUrl(input.base_url);
        const secret = sealed(input.secret);
        const row = await tx
          .updateTable('breedbase_connections')
          .set({
            ...(input.base_url !== undefined && { base_url: input.base_url }),
            ...(input.trial_ids !== undefined && { trial_ids: input.trial_ids }),
            ...(input.username !== undefined && { username: input.username }),
            ...(secret !== undefined && { secret_sealed: secret }),
            updated_at: new Date(),
          })
          .where('id', '=', id)
          .returningAll()
          .executeTakeFirstOrThrow();
        return toConnection(row);
      });
    },

    async remove(actor: Actor, id: number): Promise<void> {
      await inScope(database.db, scope(actor), async (tx) => {
        await load(tx, actor, id, 'geodata.delete');
        await tx.deleteFrom('breedbase_connections').where('id', '=', id).execute();
      });
    },
  };
}

export type BreedbaseService = ReturnType<typeof createBreedbaseService>;
