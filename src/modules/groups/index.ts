// The groups module (issue 8, "People and access"): a team's (user group's) roles on projects and on tags,
// read live by the policy module, and project groups. Teams themselves and invitations are tenancy's.
import type { Deps } from '../../platform/deps.ts';
import type { App } from '../../platform/http/app-types.ts';
import { groupAccessRoutes } from './access.routes.ts';
import { createGroupAccessService } from './access.service.ts';
import { projectGroupsRoutes } from './project-groups.routes.ts';
import { createProjectGroupsService } from './project-groups.service.ts';

export function groupsModule(app: App, deps: Deps): void {
  groupAccessRoutes(app, createGroupAccessService(deps));
  projectGroupsRoutes(app, createProjectGroupsService(deps));
}
