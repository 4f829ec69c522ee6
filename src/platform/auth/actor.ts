// Who is acting: every service function takes an Actor first.
import type { RoleMemo } from '../access/role-memo.ts';

export type OrgRole = 'owner' | 'admin' | 'member';
export type AuthMethod = 'jwt' | 'cookie' | 'api_key';

export interface Actor {
  userId: number;
  /** The organization this request acts in (X-Organization-Id, else the user's active organization). */
  organizationId: number | null;
  isSuperuser: boolean;
  isStaff: boolean;
  isApproved: boolean;
  authMethod: AuthMethod;
  apiKeyId: number | null;
  ip: string;
  userAgent: string | null;
  /** Roles remembered across requests (set by the authenticator; absent for jobs and scripts). */
  roles?: RoleMemo;
}
