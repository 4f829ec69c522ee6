// Renders the policy matrix as markdown (docs/permissions.md). `npm run docs:permissions` writes it; a test
// compares the committed file with this output.
import {
  type Action,
  indoorProjectRoles,
  jobRoles,
  orgRoles,
  policy,
  projectGroupRoles,
  projectRoles,
  type ResourceKind,
  roomRoles,
  teamRoles,
  workspaceRoles,
} from './policy.ts';

const rolesOf: Record<ResourceKind, readonly string[]> = {
  organization: orgRoles,
  project: projectRoles,
  team: teamRoles,
  workspace: workspaceRoles,
  room: roomRoles,
  project_group: projectGroupRoles,
  indoor_project: indoorProjectRoles,
};

export function renderPermissions(): string {
  const lines = [
    '# Permissions',
    '',
    'Generated from `src/platform/access/policy.ts` by `npm run docs:permissions`; a test fails when they differ.',
    '',
    'A person outside the organization, or without any role on a team, workspace, project or room, gets 404',
    '(the thing does not exist for them); a role that is not enough gets 403. Organization owners and admins hold',
    'the owner role on every project and team of their organization, the manager role on every workspace and the',
    "OWNER role on every room and project group. A team's members hold the team's role on the team's projects,",
    'the role the team was given on a project (`/api/projects/{id}/groups`) and the role the team was given on a',
    "tag on every project with that tag (`/api/teams/{id}/tags`); a person's role on a project is the strongest of",
    'these and their own. A project group is owned by its creator; every other member of the organization sees it',
    '(and only those of its projects they may read). Actions marked * create content and are refused to',
    'unapproved accounts when `APPROVAL_REQUIRED=true`. An indoor project is owned by its creator and by the',
    "organization's owners and admins; in a team, the team's members hold their team role on it; without a team,",
    'every member of the organization is its viewer.',
  ];
  for (const kind of [
    'organization',
    'team',
    'workspace',
    'project',
    'room',
    'project_group',
    'indoor_project',
  ] as const) {
    const roles = rolesOf[kind];
    lines.push('', `## ${kind[0]!.toUpperCase()}${kind.slice(1).replace('_', ' ')} roles`, '');
    lines.push(`| action | ${roles.join(' | ')} | what it allows |`);
    lines.push(`|---|${roles.map(() => '---').join('|')}|---|`);
    for (const [action, rule] of Object.entries(policy) as [Action, (typeof policy)[Action]][]) {
      if (rule.on !== kind) continue;
      const allowed = rule.roles as readonly string[];
      const marks = roles.map((r) => (allowed.includes(r) ? 'yes' : '-'));
      const creates = 'creates' in rule && rule.creates ? ' *' : '';
      lines.push(`| \`${action}\`${creates} | ${marks.join(' | ')} | ${rule.summary} |`);
    }
  }
  lines.push('', '## Job roles (seed 004)', '');
  lines.push(
    "An organization member's job role (`PUT /api/organizations/{id}/memberships/{user_id}/job-role`) allows these",
    'actions on every project the member has any role on, in addition to what that project role allows. A job role',
    'never makes a project visible.',
    '',
  );
  lines.push(`| action | ${jobRoles.join(' | ')} | what it allows |`);
  lines.push(`|---|${jobRoles.map(() => '---').join('|')}|---|`);
  for (const [action, rule] of Object.entries(policy) as [Action, (typeof policy)[Action]][]) {
    if (!('jobRoles' in rule)) continue;
    const allowed = rule.jobRoles as readonly string[];
    const marks = jobRoles.map((r) => (allowed.includes(r) ? 'yes' : '-'));
    lines.push(`| \`${action}\` | ${marks.join(' | ')} | ${rule.summary} |`);
  }
  lines.push('', '## Finance duty', '');
  lines.push(
    'An organization owner gives members the finance duty (`PUT /api/finance-staff/{user_id}`). Finance staff may do',
    'these organization actions whatever their organization role; `bank_details.read_full` is theirs alone.',
    '',
    '| action | what it allows |',
    '|---|---|',
  );
  for (const [action, rule] of Object.entries(policy) as [Action, (typeof policy)[Action]][]) {
    if ('finance' in rule && rule.finance) lines.push(`| \`${action}\` | ${rule.summary} |`);
  }
  return `${lines.join('\n')}\n`;
}
