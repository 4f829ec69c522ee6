// The tenancy module: organizations, memberships, invitations, the audit-log endpoint, teams, workspaces.
import type { Deps } from '../../platform/deps.ts';
import type { App } from '../../platform/http/app-types.ts';
import { auditRoutes } from './audit.routes.ts';
import { invitationsRoutes } from './invitations.routes.ts';
import { createInvitationsService } from './invitations.service.ts';
import { membershipsRoutes } from './memberships.routes.ts';
import { createMembershipsService } from './memberships.service.ts';
import { organizationsRoutes } from './organizations.routes.ts';
import { createOrganizationsService } from './organizations.service.ts';
import { teamsRoutes } from './teams.routes.ts';
import { workspacesRoutes } from './workspaces.routes.ts';

export { insertOrganizationWithOwner, slugify } from './organizations.repo.ts';
export { escapeLike } from './teams.repo.ts';
export { cleanDescription, cleanText } from './teams.service.ts';

export interface TenancyModule {
  /** Joins user `userId` to the organization (and teams/projects/workspaces) of an invitation token. */
  acceptInvitation?: (userId: number, token: string) => Promise<number>;
}

export function tenancyModule(app: App, deps: Deps): TenancyModule {
  const organizations = createOrganizationsService(deps);
  const invitations = createInvitationsService(deps);
  organizationsRoutes(app, organizations);
  membershipsRoutes(app, createMembershipsService(deps));
  invitationsRoutes(app, invitations);
  auditRoutes(app, organizations);
  teamsRoutes(app, deps);
  workspacesRoutes(app, deps);
  return {
    // Sign-up with invite_token: the new person lands in the organization that invited them.
    acceptInvitation: async (userId, token) =>
      (
        await invitations.accept(userId, token, {
          authMethod: 'public',
          ip: null,
          userAgent: null,
          activate: true,
        })
      ).organization_id,
  };
}
