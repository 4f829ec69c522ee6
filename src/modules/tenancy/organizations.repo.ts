// SQL for organizations and their members. No access decisions here.
import { enterOrganization, type Tx } from '../../db/scope.ts';

export function slugify(text: string): string {
  const slug = text
    .toLowerCase()
    .normalize('NFKD')
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 80)
    .replace(/-+$/g, '');
  return slug || 'org';
}

export interface NewOrganization {
  name: string;
  slug: string;
  createdBy: number;
  isPersonal: boolean;
}

/**
 * Creates an organization owned by `createdBy` and moves the unit of work into it. The scope's user must be
 * `createdBy` (the RLS policy on organizations allows inserting one's own).
 */
export async function insertOrganizationWithOwner(tx: Tx, org: NewOrganization) {
  const row = await tx
    .insertInto('organizations')
    .values({ name: org.name, slug: org.slug, created_by: org.createdBy, is_personal: org.isPersonal })
    .returningAll()
    .executeTakeFirstOrThrow();
  await enterOrganization(tx, row.id);
  await tx
    .insertInto('organization_members')
    .values({ organization_id: row.id, user_id: org.createdBy, role: 'owner' })
    .execute();
  return row;
}
