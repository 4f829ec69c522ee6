// The identity module: accounts, sessions, users and API keys.
import type { App } from '../../platform/http/app-types.ts';
import { createAccountService } from './account.service.ts';
import { createApiKeyService } from './api-keys.service.ts';
import { authRoutes } from './auth.routes.ts';
import { createAuthService } from './auth.service.ts';
import type { Deps } from './deps.ts';
import { usersRoutes } from './users.routes.ts';
import { createUsersService } from './users.service.ts';

export { createApiKeyService } from './api-keys.service.ts';
export type { AcceptInvitation } from './auth.service.ts';
export { consumeSingleUseToken, createSingleUseToken } from './tokens.repo.ts';
export { findUserById, toUser } from './users.repo.ts';

export function identityModule(app: App, deps: Deps): void {
  const auth = createAuthService(deps);
  const account = createAccountService(deps, auth);
  authRoutes(app, deps, auth, account);
  usersRoutes(app, createUsersService(deps, auth), createApiKeyService(deps));
}
