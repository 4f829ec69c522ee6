// Extensions (D2S feature switches): a product-wide catalogue (rows written by migrations only), granted to
// teams and users of an organization by its owners and admins. What a user has: their own grant decides when
// there is one (is_active false switches it off for them); otherwise any active grant to a team they are in.
import { sql } from 'kysely';
import { inScope, type Tx } from '../../db/scope.ts';
import { authorize } from '../../platform/access/access.ts';
import { audit } from '../../platform/audit.ts';
import type { Actor } from '../../platform/auth/actor.ts';
import type { Deps } from '../../platform/deps.ts';
import { AppError } from '../../platform/errors.ts';

export type Grantee = { kind: 'team' | 'user'; id: number };

/**
 * Whether the actor has the extension `name` in the current organization: their own grant decides when there is
 * one, else an active grant to one of their teams (the rule of `mine` below), and the catalogue row must be
 * active.
 */
export async function hasExtension(tx: Tx, actor: Actor, name: string): Promise<boolean> {
  const { rows } = await sql<{ on: boolean }>`
    SELECT e.is_active AND (u.is_active OR (u.extension_id IS NULL AND EXISTS (
             SELECT 1 FROM team_extensions t
             JOIN team_members m ON m.team_id = t.team_id AND m.user_id = ${actor.userId}
             WHERE t.extension_id = e.id AND t.is_active))) AS on
    FROM extensions e
    LEFT JOIN user_extensions u
      ON u.extension_id = e.id AND u.organization_id = ${actor.organizationId} AND u.user_id = ${actor.userId}
    WHERE e.name = ${name}`.execute(tx);
  return rows[0]?.on === true;
}

/** Refuses (403 extension_disabled) a feature behind the extension `name` to an actor who does not have it. */
export async function requireExtension(tx: Tx, actor: Actor, name: string): Promise<void> {
  if (await hasExtension(tx, actor, name)) return;
  throw new AppError(
    'extension_disabled',
    `the ${name} extension is not enabled for you in this organization: an organization owner or admin grants it ` +
      `to you or to one of your teams (PUT /api/extensions/{id}/users/{user_id} or /teams/{team_id})`,
    { extension: name },
  );
}

export function createExtensionsService(deps: Pick<Deps, 'database'>) {
  const { database } = deps;
  const scope = (actor: Actor) => ({
    organizationId: actor.organizationId,
    userId: actor.userId,
    requireMembership: true,
  });

  async function extension(tx: Tx, id: number) {
    const row = await tx.selectFrom('extensions').selectAll().where('id', '=', id).executeTakeFirst();
    if (!row) throw new AppError('not_found', `extension ${id} not found`);
    return row;
  }

  /** The grantee must be a team or a member of the actor's organization (RLS hides the others): else 404. */
  async function checkGrantee(tx: Tx, actor: Actor, to: Grantee): Promise<void> {
    const found =
      to.kind === 'team'
        ? await tx.selectFrom('teams').select('id').where('id', '=', to.id).executeTakeFirst()
        : await tx
            .selectFrom('organization_members')
            .select('user_id as id')
            .where('organization_id', '=', actor.organizationId!)
            .where('user_id', '=', to.id)
            .executeTakeFirst();
    if (!found) throw new AppError('not_found', `${to.kind} ${to.id} not found`);
  }

  async function record(tx: Tx, actor: Actor, action: string, to: Grantee, extensionId: number) {
    await audit(tx, {
      organizationId: actor.organizationId!,
      actorUserId: actor.userId,
      authMethod: actor.authMethod,
      action,
      targetType: `${to.kind}_extension`,
      targetId: extensionId,
      ip: actor.ip,
      userAgent: actor.userAgent,
      details: { [`${to.kind}_id`]: to.id },
    });
  }

  return {
    async catalogue(actor: Actor) {
      return inScope(database.db, scope(actor), async (tx) => {
        await authorize(tx, actor, 'extensions.read', []);
        return tx
          .selectFrom('extensions')
          .select(['id', 'name', 'description', 'is_active'])
          .orderBy('id')
          .execute();
      });
    },

    async grants(actor: Actor) {
      return inScope(database.db, scope(actor), async (tx) => {
        await authorize(tx, actor, 'extensions.manage', []);
        const teams = await tx
          .selectFrom('team_extensions as g')
          .innerJoin('extensions as e', 'e.id', 'g.extension_id')
          .select([
            'g.extension_id',
            'e.name as extension',
            'g.team_id',
            sql<null>`NULL::bigint`.as('user_id'),
            'g.is_active',
            'g.updated_at',
          ])
          .orderBy('g.extension_id')
          .orderBy('g.team_id')
          .execute();
        const users = await tx
          .selectFrom('user_extensions as g')
          .innerJoin('extensions as e', 'e.id', 'g.extension_id')
          .select([
            'g.extension_id',
            'e.name as extension',
            sql<null>`NULL::bigint`.as('team_id'),
            'g.user_id',
            'g.is_active',
            'g.updated_at',
          ])
          .where('g.organization_id', '=', actor.organizationId!)
          .orderBy('g.extension_id')
          .orderBy('g.user_id')
          .execute();
        return [...teams, ...users];
      });
    },

    async grant(actor: Actor, extensionId: number, to: Grantee, isActive: boolean) {
      return inScope(database.db, scope(actor), async (tx) => {
        await authorize(tx, actor, 'extensions.manage', []);
        const ext = await extension(tx, extensionId);
        await checkGrantee(tx, actor, to);
        const org = actor.organizationId!;
        const row =
          to.kind === 'team'
            ? await tx
                .insertInto('team_extensions')
                .values({ organization_id: org, team_id: to.id, extension_id: ext.id, is_active: isActive })
                .onConflict((oc) =>
                  oc
                    .columns(['team_id', 'extension_id'])
                    .doUpdateSet({ is_active: isActive, updated_at: sql`now()` }),
                )
                .returning(['is_active', 'updated_at'])
                .executeTakeFirstOrThrow()
            : await tx
                .insertInto('user_extensions')
                .values({ organization_id: org, user_id: to.id, extension_id: ext.id, is_active: isActive })
                .onConflict((oc) =>
                  oc
                    .columns(['organization_id', 'user_id', 'extension_id'])
                    .doUpdateSet({ is_active: isActive, updated_at: sql`now()` }),
                )
                .returning(['is_active', 'updated_at'])
                .executeTakeFirstOrThrow();
        await record(tx, actor, 'extension.grant', to, ext.id);
        return {
          extension_id: ext.id,
          extension: ext.name,
          team_id: to.kind === 'team' ? to.id : null,
          user_id: to.kind === 'user' ? to.id : null,
          ...row,
        };
      });
    },

    async revoke(actor: Actor, extensionId: number, to: Grantee): Promise<void> {
      await inScope(database.db, scope(actor), async (tx) => {
        await authorize(tx, actor, 'extensions.manage', []);
        await extension(tx, extensionId);
        await checkGrantee(tx, actor, to);
        const gone =
          to.kind === 'team'
            ? await tx
                .deleteFrom('team_extensions')
                .where('team_id', '=', to.id)
                .where('extension_id', '=', extensionId)
                .executeTakeFirst()
            : await tx
                .deleteFrom('user_extensions')
                .where('organization_id', '=', actor.organizationId!)
                .where('user_id', '=', to.id)
                .where('extension_id', '=', extensionId)
                .executeTakeFirst();
        if (gone.numDeletedRows === 0n)
          throw new AppError('not_found', `${to.kind} ${to.id} has no grant of extension ${extensionId}`);
        await record(tx, actor, 'extension.revoke', to, extensionId);
      });
    },

    /** The active extensions the actor has in the current organization, and through what. */
    async mine(actor: Actor) {
      return inScope(database.db, scope(actor), async (tx) => {
        await authorize(tx, actor, 'extensions.read', []);
        const rows = await sql<{ id: number; name: string; description: string; via: 'user' | 'team' }>`
          SELECT e.id, e.name, e.description,
                 CASE WHEN u.extension_id IS NOT NULL THEN 'user' ELSE 'team' END AS via
          FROM extensions e
          LEFT JOIN user_extensions u
            ON u.extension_id = e.id AND u.organization_id = ${actor.organizationId} AND u.user_id = ${actor.userId}
          WHERE e.is_active
            AND (u.is_active OR (u.extension_id IS NULL AND EXISTS (
              SELECT 1 FROM team_extensions t
              JOIN team_members m ON m.team_id = t.team_id AND m.user_id = ${actor.userId}
              WHERE t.extension_id = e.id AND t.is_active)))
          ORDER BY e.id`.execute(tx);
        return rows.rows.map((r) => ({ ...r, id: Number(r.id) }));
      });
    },
  };
}

export type ExtensionsService = ReturnType<typeof createExtensionsService>;
