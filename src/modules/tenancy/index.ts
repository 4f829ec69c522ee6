// The tenancy module: organizations, memberships, invitations, the audit-log endpoint, teams, workspaces.
import type { Deps } from '../../platform/deps.ts';
import type { App } from '../../platform/http/app-types.ts';

export { insertOrganizationWithOwner, slugify } from './organizations.repo.ts';

export interface TenancyModule {
  /** Joins user `userId` to the organization (and teams/projects/workspaces) of an invitation token. */
  acceptInvitation?: (userId: number, token: string) => Promise<number>;
}

export function tenancyModule(_app: App, _deps: Deps): TenancyModule {
  return {};
}
