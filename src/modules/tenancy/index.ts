// The tenancy module: organizations, memberships, invitations, teams, workspaces.
export { insertOrganizationWithOwner, slugify } from './organizations.repo.ts';
