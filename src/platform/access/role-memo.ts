// The roles people hold on projects, teams and other resources, remembered between requests. An entry is the
// answer of effectiveRoles() for one (organization, user, resource) and is valid while nothing in that
// organization or about that user changed since it was read: every table a role is made of (members of the
// organization, project, team; team grants on projects and tags; a project's team) carries organization_id,
// so its change notices bump the organization's generation (platform/cache/generations.ts) and the entry is
// dead at once. Only roles held are remembered; "not visible" is always asked again.
import type { Generations, Stamp } from '../cache/generations.ts';
import { createReadCache } from '../cache/read-cache.ts';

export interface RoleMemo {
  get(kind: string, organizationId: number, userId: number, id: number): string | undefined;
  /** Take before the read whose answers are stored with it. */
  stamp(organizationId: number, userId: number): Stamp | null;
  set(
    kind: string,
    organizationId: number,
    userId: number,
    id: number,
    role: string,
    stamp: Stamp | null,
  ): void;
}

const key = (kind: string, organizationId: number, userId: number, id: number) =>
  `${kind}:${organizationId}:${userId}:${id}`;

export function createRoleMemo(generations: Generations, maxEntries = 50_000): RoleMemo {
  const cache = createReadCache<string>(generations, maxEntries);
  return {
    get: (kind, organizationId, userId, id) => cache.get(key(kind, organizationId, userId, id)),
    stamp: (organizationId, userId) => generations.stamp(organizationId, userId),
    set: (kind, organizationId, userId, id, role, stamp) =>
      cache.set(key(kind, organizationId, userId, id), role, stamp),
  };
}
