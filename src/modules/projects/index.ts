// The projects module: the one projects resource (core fields), members, likes, enabled modules. Modules that
// add project fields (annotation: Label Studio's) extend the same Project object rather than a second API.
import type { Deps } from '../../platform/deps.ts';
import type { App } from '../../platform/http/app-types.ts';
import { membersRoutes } from './members.routes.ts';
import { createMembersService } from './members.service.ts';
import type { ProjectExtension } from './projects.extensions.ts';
import { projectsRoutes } from './projects.routes.ts';
import { createProjectsService } from './projects.service.ts';

export { readableProjects } from './projects.access.ts';
export type { ProjectExtension } from './projects.extensions.ts';
export { type ModuleName, moduleNames, Project, projectProperties } from './projects.schemas.ts';
export type { ProjectOut } from './projects.service.ts';
export { type ProvisionInput, provisionProject } from './provision.ts';

export function projectsModule(app: App, deps: Deps, extensions: readonly ProjectExtension[] = []): void {
  projectsRoutes(app, createProjectsService(deps, extensions), extensions);
  membersRoutes(app, createMembersService(deps));
}
