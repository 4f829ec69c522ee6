// Invitations: an owner or admin invites an email address into the organization (and some of its teams and
// projects) with a single-use link valid 7 days; the person accepts it signed in, or signs up with it.
import { enterOrganization, inScope } from '../../db/scope.ts';
import { authorize } from '../../platform/access/access.ts';
import { audit } from '../../platform/audit.ts';
import type { Actor, AuthMethod } from '../../platform/auth/actor.ts';
import type { Deps } from '../../platform/deps.ts';
import { AppError } from '../../platform/errors.ts';
import type { PageRequest } from '../../platform/http/common.schemas.ts';
import { consumeSingleUseToken, createSingleUseToken } from '../identity/index.ts';
import {
  attachToken,
  existingIds,
  findInvitation,
  grantInvitedAccess,
  insertInvitation,
  listPending,
  markAccepted,
  revokeInvitation,
  toInvitation,
} from './invitations.repo.ts';
import { upsertMember } from './memberships.repo.ts';
import { auditBy, inOrganization } from './org-scope.ts';

export const INVITATION_TTL_S = 7 * 24 * 3600;

export interface InvitationInput {
  email: string;
  role: 'owner' | 'admin' | 'member';
  team_ids?: number[];
  project_ids?: number[];
  project_role?: 'owner' | 'manager' | 'annotator' | 'reviewer' | 'viewer';
}

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

  async function create(actor: Actor, id: number, input: InvitationInput) {
    const { invitation, token, orgName } = await inOrganization(db, actor, id, async (tx, a) => {
      await authorize(tx, a, 'organization.invitations.manage', [id], options);
      if (input.role === 'owner') await authorize(tx, a, 'organization.owners.manage', [id], options);
      const teamIds = input.team_ids ?? [];
      const projectIds = input.project_ids ?? [];
      for (const [table, ids, noun] of [
        ['teams', teamIds, 'team'],
        ['projects', projectIds, 'project'],
      ] as const) {
        const found = await existingIds(tx, table, ids);
        const missing = ids.find((x) => !found.has(x));
        if (missing !== undefined) throw new AppError('not_found', `${noun} ${missing} not found`);
      }
      const expiresAt = new Date(Date.now() + INVITATION_TTL_S * 1000);
      const row = await insertInvitation(tx, {
        organizationId: id,
        email: input.email,
        role: input.role,
        teamIds,
        projectRoles: projectIds.map((p) => ({ project_id: p, role: input.project_role ?? 'viewer' })),
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
        {
          email: input.email,
          role: input.role,
          team_ids: teamIds,
          project_ids: projectIds,
        },
      );
      const org = await tx.selectFrom('organizations').select('name').where('id', '=', id).executeTakeFirst();
      return { invitation: stored, token: secret.token, orgName: org?.name ?? 'an organization' };
    });
    // After the commit: the mailer writes through its own connection.
    await mailer.send({
      to: input.email,
      kind: 'invitation',
      subject: `You are invited to ${orgName} on Groundtruth`,
      body: `You have been invited to join ${orgName} on Groundtruth as ${input.role}.\n\n${base()}/accept-invite?token=${token}\n\nThe link works once, for 7 days.`,
    });
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

  return { create, list, revoke, accept };
}

export type InvitationsService = ReturnType<typeof createInvitationsService>;
