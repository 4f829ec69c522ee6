// What the identity module's routes are built from.
import type { Deps as PlatformDeps } from '../../platform/deps.ts';
import type { createAccountService } from './account.service.ts';
import type { AcceptInvitation } from './auth.service.ts';

export type { AuthService } from './auth.service.ts';
export type AccountService = ReturnType<typeof createAccountService>;

export interface Deps extends PlatformDeps {
  /** Provided by the tenancy module: joins a new user to the organization of an invitation token. */
  acceptInvitation?: AcceptInvitation;
}
