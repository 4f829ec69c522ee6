// The projects module: the one projects resource (core fields), members, likes, enabled modules.
import type { Deps } from '../../platform/deps.ts';
import type { App } from '../../platform/http/app-types.ts';

export function projectsModule(_app: App, _deps: Deps): void {}
