// The geodata and indoor-project rules of the policy matrix (policy.ts).
import { indoorProjectRoles, orgRoles, projectRoles, type Rule } from './policy.roles.ts';

const everyOrgRole = orgRoles;
const everyProjectRole = projectRoles;

export const geodataRules = {
  // Geodata (D2S): Viewer reads only, Manager writes, Owner deletes and publishes.
  'geodata.read': {
    on: 'project',
    roles: everyProjectRole,
    summary: 'see boundary, campaigns, flights, data products, vector layers; set own map styles',
  },
  'geodata.write': {
    on: 'project',
    roles: ['owner', 'manager'],
    summary: 'set boundary and dates, create and change campaigns, flights, data products, layers, sharing',
  },
  'geodata.delete': {
    on: 'project',
    roles: ['owner'],
    summary: 'delete boundary, campaigns, flights, data products and vector layers',
  },
  'geodata.publish': { on: 'project', roles: ['owner'], summary: 'publish or unpublish the project' },
  'extensions.read': {
    on: 'organization',
    roles: everyOrgRole,
    summary: 'see the extension catalogue and the extensions they have',
  },
  'extensions.manage': {
    on: 'organization',
    roles: ['owner', 'admin'],
    summary: 'grant extensions to teams and users, change and remove the grants',
  },
  // Indoor projects (D2S, behind the `indoor` extension): Viewer reads, Manager writes, Owner deletes.
  'indoor.create': {
    on: 'organization',
    roles: everyOrgRole,
    creates: true,
    summary: 'create an indoor project (in a team: as its owner or manager)',
  },
  'indoor.read': {
    on: 'indoor_project',
    roles: indoorProjectRoles,
    summary: 'see the indoor project, its data files, their rows and downloads',
  },
  'indoor.write': {
    on: 'indoor_project',
    roles: ['owner', 'manager'],
    summary: 'edit the indoor project, upload and delete its data files',
  },
  'indoor.delete': { on: 'indoor_project', roles: ['owner'], summary: 'delete the indoor project' },
  'disk_usage.manage': {
    on: 'organization',
    roles: ['owner', 'admin'],
    summary: "see every member's disk usage and its history, refresh the statistics",
  },
  'short_links.create': {
    on: 'organization',
    roles: everyOrgRole,
    creates: true,
    summary: 'create a short link to a page of the organization',
  },
} as const satisfies Record<string, Rule>;
