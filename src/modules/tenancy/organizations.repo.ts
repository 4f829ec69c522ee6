// SQL for organizations and their members. No access decisions here.
import { randomBytes } from 'node:crypto';
import { type Selectable, sql } from 'kysely';
import { enterOrganization, type Tx } from '../../db/scope.ts';
import type { Organizations } from '../../db/types.ts';
import { AppError } from '../../platform/errors.ts';
import type { PageRequest } from '../../platform/http/common.schemas.ts';

export function slugify(text: string): string {
  const slug = text
    .normalize('NFKD')
    .replace(/\p{M}/gu, '') // accents fall away: "Élan" -> "elan"
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 80)
    .replace(/-+$/g, '');
  return slug || 'org';
}

/** `slug` with a short random suffix, still within the 100-character limit. */
export function suffixed(slug: string): string {
  return `${slug.slice(0, 92).replace(/-+$/g, '')}-${randomBytes(3).toString('hex')}`;
}

export interface NewOrganization {
  name: string;
  slug: string;
  createdBy: number;
  isPersonal: boolean;
}

export interface InsertOptions {
  /** When the slug is taken: 'suffix' (default) retries with a random suffix, 'fail' answers 409. */
  slugTaken?: 'suffix' | 'fail';
}

// Slugs are unique across the instance, but other organizations are invisible under RLS, so a taken slug is
// detected by the insert itself (ON CONFLICT DO NOTHING) rather than by looking first.
function insertIfSlugFree(tx: Tx, org: NewOrganization, slug: string) {
  return tx
    .insertInto('organizations')
    .values({ name: org.name, slug, created_by: org.createdBy, is_personal: org.isPersonal })
    .onConflict((oc) => oc.column('slug').doNothing())
    .returningAll()
    .executeTakeFirst();
}

/**
 * Creates an organization owned by `createdBy` and moves the unit of work into it. The scope's user must be
 * `createdBy` (the RLS policy on organizations allows inserting one's own).
 */
export async function insertOrganizationWithOwner(
  tx: Tx,
  org: NewOrganization,
  options: InsertOptions = {},
): Promise<Selectable<Organizations>> {
  let row = await insertIfSlugFree(tx, org, org.slug);
  for (let attempt = 0; !row && options.slugTaken !== 'fail' && attempt < 5; attempt++) {
    row = await insertIfSlugFree(tx, org, suffixed(org.slug));
  }
  if (!row) {
    throw new AppError('conflict', `the slug "${org.slug}" is taken`, [
      { in: 'body', field: 'slug', message: 'is taken' },
    ]);
  }
  await enterOrganization(tx, row.id);
  await tx
    .insertInto('organization_members')
    .values({ organization_id: row.id, user_id: org.createdBy, role: 'owner' })
    .execute();
  return row;
}

export type OrganizationWithRole = Selectable<Organizations> & { role: string | null };

export function toOrganization(o: OrganizationWithRole) {
  return {
    id: o.id,
    name: o.name,
    slug: o.slug,
    is_personal: o.is_personal,
    contact_info: (o.contact_info ?? {}) as Record<string, unknown>,
    created_by: o.created_by,
    created_at: o.created_at,
    updated_at: o.updated_at,
    role: o.role as 'owner' | 'admin' | 'member' | null,
  };
}

/** The organizations `userId` belongs to, newest first (their memberships are visible without a tenant). */
export async function organizationsOfUser(tx: Tx, userId: number, page: PageRequest) {
  const { count } = await tx
    .selectFrom('organization_members')
    .select((eb) => eb.fn.countAll<number>().as('count'))
    .where('user_id', '=', userId)
    .executeTakeFirstOrThrow();
  const rows = await tx
    .selectFrom('organization_members as m')
    .innerJoin('organizations as o', 'o.id', 'm.organization_id')
    .selectAll('o')
    .select('m.role')
    .where('m.user_id', '=', userId)
    .orderBy('o.created_at', 'desc')
    .orderBy('o.id', 'desc')
    .limit(page.pageSize)
    .offset((page.page - 1) * page.pageSize)
    .execute();
  return { count: Number(count), rows };
}

export function organizationWithRole(
  tx: Tx,
  organizationId: number,
  userId: number,
): Promise<OrganizationWithRole | undefined> {
  return tx
    .selectFrom('organizations as o')
    .leftJoin('organization_members as m', (j) =>
      j.onRef('m.organization_id', '=', 'o.id').on('m.user_id', '=', userId),
    )
    .selectAll('o')
    .select('m.role')
    .where('o.id', '=', organizationId)
    .executeTakeFirst();
}

export interface OrganizationPatch {
  name?: string;
  slug?: string;
  contact_info?: object;
}

export function updateOrganization(tx: Tx, organizationId: number, patch: OrganizationPatch) {
  return tx
    .updateTable('organizations')
    .set({
      ...(patch.name !== undefined && { name: patch.name }),
      ...(patch.slug !== undefined && { slug: patch.slug }),
      ...(patch.contact_info !== undefined && { contact_info: JSON.stringify(patch.contact_info) }),
      updated_at: new Date(),
    })
    .where('id', '=', organizationId)
    .returningAll()
    .executeTakeFirstOrThrow();
}

/** Deletes the organization (its rows cascade); its pending invitation links stop working first. */
export async function deleteOrganization(tx: Tx, organizationId: number): Promise<void> {
  await sql`
    UPDATE single_use_tokens SET consumed_at = now()
    WHERE consumed_at IS NULL
      AND id IN (SELECT token_id FROM invitations WHERE organization_id = ${organizationId} AND token_id IS NOT NULL)
  `.execute(tx);
  await tx.deleteFrom('organizations').where('id', '=', organizationId).execute();
}

/** Another personal organization created by `userId`, to keep a trace of an organization they deleted. */
export async function personalOrganizationOf(tx: Tx, userId: number, except: number) {
  const row = await tx
    .selectFrom('organizations')
    .select('id')
    .where('created_by', '=', userId)
    .where('is_personal', '=', true)
    .where('id', '<>', except)
    .orderBy('id')
    .executeTakeFirst();
  return row?.id ?? null;
}
