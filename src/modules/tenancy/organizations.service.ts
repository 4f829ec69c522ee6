// Organizations: create, list the signed-in user's, read, edit, delete; and their audit log.
import { enterOrganization, inScope } from '../../db/scope.ts';
import { authorize } from '../../platform/access/access.ts';
import type { Actor } from '../../platform/auth/actor.ts';
import type { Deps } from '../../platform/deps.ts';
import { AppError } from '../../platform/errors.ts';
import type { PageRequest } from '../../platform/http/common.schemas.ts';
import { auditBy, inOrganization, isUniqueViolation } from './org-scope.ts';
import {
  deleteOrganization,
  insertOrganizationWithOwner,
  type OrganizationPatch,
  organizationsOfUser,
  organizationWithRole,
  personalOrganizationOf,
  slugify,
  toOrganization,
  updateOrganization,
} from './organizations.repo.ts';

const slugTaken = (slug: string) =>
  new AppError('conflict', `the slug "${slug}" is taken`, [
    { in: 'body', field: 'slug', message: 'is taken' },
  ]);

export function createOrganizationsService({ database, config }: Pick<Deps, 'database' | 'config'>) {
  const db = database.db;
  const options = { approvalRequired: config.APPROVAL_REQUIRED };

  async function create(actor: Actor, input: { name: string; slug?: string }) {
    if (config.APPROVAL_REQUIRED && !actor.isApproved && !actor.isSuperuser) {
      throw new AppError('forbidden', 'your account is waiting for approval by an administrator');
    }
    return inScope(db, { organizationId: null, userId: actor.userId }, async (tx) => {
      const row = await insertOrganizationWithOwner(
        tx,
        {
          name: input.name,
          slug: input.slug ?? slugify(input.name),
          createdBy: actor.userId,
          isPersonal: false,
        },
        { slugTaken: input.slug === undefined ? 'suffix' : 'fail' },
      );
      await auditBy(
        tx,
        actor,
        row.id,
        'organization.create',
        { type: 'organization', id: row.id },
        {
          name: row.name,
          slug: row.slug,
        },
      );
      return toOrganization({ ...row, role: 'owner' });
    });
  }

  async function list(actor: Actor, page: PageRequest) {
    return inScope(db, { organizationId: null, userId: actor.userId }, async (tx) => {
      const { count, rows } = await organizationsOfUser(tx, actor.userId, page);
      return { count, results: rows.map(toOrganization) };
    });
  }

  async function get(actor: Actor, id: number) {
    return inOrganization(db, actor, id, async (tx, a) => {
      await authorize(tx, a, 'organization.read', [id], options);
      const row = await organizationWithRole(tx, id, a.userId);
      if (!row) throw new AppError('not_found', 'organization not found');
      return toOrganization(row);
    });
  }

  async function update(actor: Actor, id: number, patch: OrganizationPatch) {
    return inOrganization(db, actor, id, async (tx, a) => {
      const roles = await authorize(tx, a, 'organization.update', [id], options);
      let row: Awaited<ReturnType<typeof updateOrganization>>;
      try {
        row = await updateOrganization(tx, id, patch);
      } catch (err) {
        // The transaction is rolled back by inScope; only the answer changes.
        if (isUniqueViolation(err) && patch.slug !== undefined) throw slugTaken(patch.slug);
        throw err;
      }
      await auditBy(
        tx,
        a,
        id,
        'organization.update',
        { type: 'organization', id },
        {
          fields: Object.keys(patch),
        },
      );
      return toOrganization({ ...row, role: roles.get(id) ?? null });
    });
  }

  async function remove(actor: Actor, id: number) {
    await inOrganization(db, actor, id, async (tx, a) => {
      await authorize(tx, a, 'organization.delete', [id], options);
      const org = await organizationWithRole(tx, id, a.userId);
      await deleteOrganization(tx, id);
      // The organization's own audit log goes with it; the deleter's personal organization keeps the trace.
      const personal = await personalOrganizationOf(tx, a.userId, id);
      if (personal !== null) {
        await enterOrganization(tx, personal);
        await auditBy(
          tx,
          a,
          personal,
          'organization.delete',
          { type: 'organization', id },
          {
            name: org?.name ?? null,
            slug: org?.slug ?? null,
          },
        );
      }
    });
  }

  async function auditLog(actor: Actor, id: number, filter: { action?: string }, page: PageRequest) {
    return inOrganization(db, actor, id, async (tx, a) => {
      await authorize(tx, a, 'organization.audit.read', [id], options);
      // Served by audit_log (organization_id, created_at DESC, id DESC); the action filter rides on it.
      let q = tx.selectFrom('audit_log as l').where('l.organization_id', '=', id);
      if (filter.action !== undefined) q = q.where('l.action', '=', filter.action);
      const { count } = await q
        .select((eb) => eb.fn.countAll<number>().as('count'))
        .executeTakeFirstOrThrow();
      const rows = await q
        .leftJoin('users as u', 'u.id', 'l.actor_user_id')
        .selectAll('l')
        .select('u.username')
        .orderBy('l.created_at', 'desc')
        .orderBy('l.id', 'desc')
        .limit(page.pageSize)
        .offset((page.page - 1) * page.pageSize)
        .execute();
      return {
        count: Number(count),
        results: rows.map((r) => ({
          id: r.id,
          action: r.action,
          actor:
            r.actor_user_id !== null && r.username !== null
              ? { id: r.actor_user_id, username: r.username }
              : null,
          auth_method: r.auth_method,
          target_type: r.target_type,
          target_id: r.target_id,
          ip: r.ip,
          user_agent: r.user_agent,
          details: r.details,
          created_at: r.created_at,
        })),
      };
    });
  }

  return { create, list, get, update, remove, auditLog };
}

export type OrganizationsService = ReturnType<typeof createOrganizationsService>;
