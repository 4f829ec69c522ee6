// Invitations: an owner or admin invites an email address into the organization (and some of its teams,
// projects and workspaces, each with a role) with a single-use link valid 7 days; a team's, project's or
// workspace's managers invite into just that one (the person joins the organization as a member). The person
// accepts it signed in, or signs up with it; accepting adds every membership with its invited role.
import { enterOrganization, inScope, type Tx } from '../../db/scope.ts';
import { authorize } from '../../platform/access/access.ts';
import { audit } from '../../platform/audit.ts';
import type { Actor, AuthMethod } from '../../platform/auth/actor.ts';
import type { Deps } from '../../platform/deps.ts';
import { AppError } from '../../platform/errors.ts';
import type { PageRequest } from '../../platform/http/common.schemas.ts';
import { organizationWork } from '../../platform/unit-of-work.ts';
import { consumeSingleUseToken, createSingleUseToken } from '../identity/index.ts';
import {
  attachToken,
  existingIds,
  findInvitation,
  grantInvitedAccess,
  insertInvitation,
  listPending,
  markAccepted,
  type ProjectGrant,
  revokeInvitation,
  type TeamGrant,
  toInvitation,
  type WorkspaceGrant,
} from './invitations.repo.ts';
import { upsertMember } from './memberships.repo.ts';
import { auditBy, inOrganization } from './org-scope.ts';

export const INVITATION_TTL_S = 7 * 24 * 3600;

type ProjectRoleName = 'owner' | 'manager' | 'annotator' | 'reviewer' | 'viewer';

export interface InvitationInput {
  email: string;
  role: 'owner' | 'admin' | 'member';
  team_ids?: number[];
  project_ids?: number[];
  project_role?: ProjectRoleName;
  teams?: TeamGrant[];
  projects?: ProjectGrant[];
  workspaces?: WorkspaceGrant[];
}

interface Grants {
  teams: TeamGrant[];
  projects: ProjectGrant[];
  workspaces: WorkspaceGrant[];
}

/** One role per id: the short forms (team_ids, project_ids) and the lists merge; two roles for one id: 400. */
function oneRoleEach<K extends string>(
  key: K,
  field: string,
  items: ({ [k in K]: number } & { role: string })[],
) {
  const seen = new Map<number, string>();
  for (const item of items) {
    const before = seen.get(item[key]);
    if (before !== undefined && before !== item.role) {
      const message = `names ${key} ${item[key]} twice with different roles`;
      throw new AppError('validation_failed', `invalid request: ${field} ${message}`, [
        { in: 'body', field, message },
      ]);
    }
    seen.set(item[key], item.role);
  }
  return [...seen].map(([id, role]) => ({ [key]: id, role }) as { [k in K]: number } & { role: string });
}

function grantsOf(input: InvitationInput): Grants {
  return {
    teams: oneRoleEach('team_id', 'teams', [
      ...(input.team_ids ?? []).map((team_id) => ({ team_id, role: 'viewer' })),
      ...(input.teams ?? []),
    ]),
    projects: oneRoleEach('project_id', 'projects', [
      ...(input.project_ids ?? []).map((project_id) => ({
        project_id,
        role: input.project_role ?? 'viewer',
      })),
      ...(input.projects ?? []),
    ]),
    workspaces: oneRoleEach('workspace_id', 'workspaces', input.workspaces ?? []),
  };
}

export type InvitationScope =
  | { kind: 'team'; id: number; role: 'owner' | 'manager' | 'viewer' }
  | { kind: 'project'; id: number; role: ProjectRoleName }
  | { kind: 'workspace'; id: number; role: 'manager' | 'member' };

export interface AcceptContext {
  authMethod: AuthMethod | 'public';
  ip: string | null;
  userAgent: string | null;
  /** Make the organization the user's active one (a person who signs up through an invitation). */
  activate: boolean;
}

const invalid = () => new AppError('invalid_token', 'this invitation is invalid, already used or expired');

export function createInvitationsService({
  database,
  config,
  mailer,
}: Pick<Deps, 'database' | 'config' | 'mailer'>) {
  const db = database.db;
  const options = { approvalRequired: config.APPROVAL_REQUIRED };
  const base = () => config.PUBLIC_URL ?? `http://localhost:${config.PORT}`;

  /** Records the invitation and its token in the unit of work; the mail goes after the commit. */
  async function issue(tx: Tx, a: Actor, id: number, email: string, role: string, grants: Grants) {
    for (const [table, ids, noun] of [
      ['teams', grants.teams.map((g) => g.team_id), 'team'],
      ['projects', grants.projects.map((g) => g.project_id), 'project'],
      ['workspaces', grants.workspaces.map((g) => g.workspace_id), 'workspace'],
    ] as const) {
      const found = await existingIds(tx, table, ids);
      const missing = ids.find((x) => !found.has(x));
      if (missing !== undefined) throw new AppError('not_found', `${noun} ${missing} not found`);
    }
    const expiresAt = new Date(Date.now() + INVITATION_TTL_S * 1000);
    const row = await insertInvitation(tx, {
      organizationId: id,
      email,
      role,
      teamRoles: grants.teams,
      projectRoles: grants.projects,
      workspaceRoles: grants.workspaces,
      invitedBy: a.userId,
      expiresAt,
    });
    // Same transaction: the token exists exactly when the invitation does.
    const secret = await createSingleUseToken(tx, 'invitation', null, INVITATION_TTL_S, {
      organization_id: id,
      invitation_id: row.id,
    });
    const stored = await attachToken(tx, row.id, secret.id);
    await auditBy(
      tx,
      a,
      id,
      'invitation.create',
      { type: 'invitation', id: row.id },
      { email, role, teams: grants.teams, projects: grants.projects, workspaces: grants.workspaces },
    );
    const org = await tx.selectFrom('organizations').select('name').where('id', '=', id).executeTakeFirst();
    return { invitation: stored, token: secret.token, orgName: org?.name ?? 'an organization' };
  }

  async function mail(email: string, orgName: string, what: string, token: string) {
    // After the commit: the mailer writes through its own connection.
    await mailer.send({
      to: email,
      kind: 'invitation',
      subject: `You are invited to ${orgName} on Groundtruth`,
      body: `You have been invited to join ${what} on Groundtruth.\n\n${base()}/accept-invite?token=${token}\n\nThe link works once, for 7 days.`,
    });
  }

  async function create(actor: Actor, id: number, input: InvitationInput) {
    const grants = grantsOf(input);
    const { invitation, token, orgName } = await inOrganization(db, actor, id, async (tx, a) => {
      await authorize(tx, a, 'organization.invitations.manage', [id], options);
      if (input.role === 'owner') await authorize(tx, a, 'organization.owners.manage', [id], options);
      return issue(tx, a, id, input.email, input.role, grants);
    });
    await mail(input.email, orgName, `${orgName} as ${input.role}`, token);
    return toInvitation(invitation);
  }

  /**
   * An invitation into one team, project or workspace of the acting organization, by those who manage its
   * members there (granting owner takes the owners' right); the person joins the organization as a member.
   */
  async function invite(actor: Actor, scope: InvitationScope, email: string) {
    const grants: Grants = { teams: [], projects: [], workspaces: [] };
    if (scope.kind === 'team') grants.teams.push({ team_id: scope.id, role: scope.role });
    if (scope.kind === 'project') grants.projects.push({ project_id: scope.id, role: scope.role });
    if (scope.kind === 'workspace') grants.workspaces.push({ workspace_id: scope.id, role: scope.role });
    const { invitation, token, orgName } = await organizationWork(database)(actor, async (tx, orgId) => {
      await authorize(tx, actor, `${scope.kind}.invite`, [scope.id], options);
      if (scope.role === 'owner') {
        await authorize(tx, actor, `${scope.kind as 'team' | 'project'}.owners.manage`, [scope.id], options);
      }
      return issue(tx, actor, orgId, email, 'member', grants);
    });
    await mail(email, orgName, `a ${scope.kind} of ${orgName} as ${scope.role}`, token);
    return toInvitation(invitation);
  }

  async function list(actor: Actor, id: number, page: PageRequest) {
    return inOrganization(db, actor, id, async (tx, a) => {
      await authorize(tx, a, 'organization.invitations.manage', [id], options);
      return listPending(tx, id, page);
    });
  }

  async function revoke(actor: Actor, id: number, invitationId: number) {
    await inOrganization(db, actor, id, async (tx, a) => {
      await authorize(tx, a, 'organization.invitations.manage', [id], options);
      const inv = await findInvitation(tx, invitationId);
      if (!inv) throw new AppError('not_found', `invitation ${invitationId} not found`);
      if (inv.accepted_at) throw new AppError('conflict', 'this invitation has already been accepted');
      if (inv.revoked_at) return;
      await revokeInvitation(tx, invitationId, inv.token_id);
      await auditBy(
        tx,
        a,
        id,
        'invitation.revoke',
        { type: 'invitation', id: invitationId },
        {
          email: inv.email,
        },
      );
    });
  }

  /**
   * Joins `userId` to the organization of an invitation token. One transaction: the token is consumed only if
   * the person is really added, and of two concurrent uses exactly one succeeds.
   */
  async function accept(userId: number, token: string, ctx: AcceptContext) {
    return inScope(db, { organizationId: null, userId }, async (tx) => {
      const claimed = await consumeSingleUseToken(tx, token, 'invitation');
      const payload = (claimed.payload ?? {}) as { organization_id?: unknown; invitation_id?: unknown };
      const orgId = Number(payload.organization_id);
      const invitationId = Number(payload.invitation_id);
      if (!Number.isSafeInteger(orgId) || orgId < 1 || !Number.isSafeInteger(invitationId)) throw invalid();
      await enterOrganization(tx, orgId);
      const inv = await findInvitation(tx, invitationId);
      if (!inv || inv.token_id !== claimed.id || inv.revoked_at || inv.accepted_at) throw invalid();
      if (inv.expires_at.getTime() <= Date.now()) throw invalid();
      const role = await upsertMember(tx, orgId, userId, inv.role);
      await grantInvitedAccess(tx, inv, userId);
      await markAccepted(tx, invitationId, userId);
      if (ctx.activate) {
        await tx
          .updateTable('users')
          .set({ active_organization_id: orgId })
          .where('id', '=', userId)
          .execute();
      }
      await audit(tx, {
        organizationId: orgId,
        actorUserId: userId,
        authMethod: ctx.authMethod,
        action: 'invitation.accept',
        targetType: 'invitation',
        targetId: invitationId,
        ip: ctx.ip,
        userAgent: ctx.userAgent,
        details: { email: inv.email, role },
      });
      return { organization_id: orgId, role: role as 'owner' | 'admin' | 'member' };
    });
  }

  return { create, invite, list, revoke, accept };
}

export type InvitationsService = ReturnType<typeof createInvitationsService>;
