// Email confirmation, password reset and magic-link sign-in, all on single-use tokens. Requests answer the same
// whether or not the email has an account.
import type { Actor } from '../../platform/auth/actor.ts';
import { hashPassword } from '../../platform/auth/passwords.ts';
import type { Deps } from '../../platform/deps.ts';
import { AppError } from '../../platform/errors.ts';
import { hit } from '../../platform/rate-limit.ts';
import type { AuthService } from './auth.service.ts';
import { assertPasswordRules } from './auth.service.ts';
import {
  type ClientInfo,
  consumeSingleUseToken,
  createSingleUseToken,
  revokeAllSessions,
} from './tokens.repo.ts';
import { findUserByEmail, findUserById } from './users.repo.ts';

const HOUR = 3600;

export function createAccountService(deps: Pick<Deps, 'config' | 'database' | 'mailer'>, auth: AuthService) {
  const { config, database, mailer } = deps;
  const db = database.db;
  const base = () => config.PUBLIC_URL ?? `http://localhost:${config.PORT}`;

  async function requestEmailConfirmation(actor: Actor): Promise<void> {
    const user = await findUserById(db, actor.userId);
    if (!user) throw new AppError('unauthorized', 'authentication required');
    if (user.is_email_confirmed) return;
    const { token } = await createSingleUseToken(db, 'email_confirmation', user.id, 48 * HOUR);
    await mailer.send({
      to: user.email,
      kind: 'email_confirmation',
      subject: 'Confirm your email address',
      body: `Confirm your email address for Groundtruth:\n\n${base()}/confirm-email?token=${token}\n\nThe link works once, for 48 hours.`,
    });
  }

  async function confirmEmail(token: string): Promise<void> {
    const row = await consumeSingleUseToken(db, token, 'email_confirmation');
    if (row.user_id === null)
      throw new AppError('invalid_token', 'this link is invalid, already used or expired');
    await db.updateTable('users').set({ is_email_confirmed: true }).where('id', '=', row.user_id).execute();
  }

  /** Throttled per address and per client so the endpoint cannot be used to flood a mailbox. */
  async function throttle(kind: string, email: string, client: ClientInfo): Promise<void> {
    await hit(database, `${kind}:ip:${client.ip ?? 'unknown'}`, config.LOGIN_RATE_LIMIT, 60);
    await hit(database, `${kind}:email:${email.toLowerCase()}`, 3, 15 * 60);
  }

  async function requestPasswordReset(email: string, client: ClientInfo): Promise<void> {
    await throttle('reset', email, client);
    const user = await findUserByEmail(db, email);
    if (!user?.is_active) return;
    const { token } = await createSingleUseToken(db, 'password_reset', user.id, HOUR);
    await mailer.send({
      to: user.email,
      kind: 'password_reset',
      subject: 'Reset your password',
      body: `Someone asked to reset the Groundtruth password of ${user.username}. If it was you:\n\n${base()}/reset-password?token=${token}\n\nThe link works once, for one hour. Otherwise ignore this message.`,
    });
  }

  async function resetPassword(token: string, password: string, client: ClientInfo): Promise<void> {
    assertPasswordRules(password);
    const row = await consumeSingleUseToken(db, token, 'password_reset');
    if (row.user_id === null)
      throw new AppError('invalid_token', 'this link is invalid, already used or expired');
    await db
      .updateTable('users')
      .set({ password_hash: await hashPassword(password), is_email_confirmed: true })
      .where('id', '=', row.user_id)
      .execute();
    // Every login session ends; API keys stay valid and are listed for the user to review.
    await revokeAllSessions(db, row.user_id);
    const user = await findUserById(db, row.user_id);
    if (user) await auth.auditFor(user, 'password.reset', client);
  }

  async function requestMagicLink(email: string, client: ClientInfo): Promise<void> {
    await throttle('magic', email, client);
    const user = await findUserByEmail(db, email);
    if (!user?.is_active) return;
    const { token } = await createSingleUseToken(db, 'magic_link', user.id, 15 * 60);
    await mailer.send({
      to: user.email,
      kind: 'magic_link',
      subject: 'Your sign-in link',
      body: `Sign in to Groundtruth as ${user.username}:\n\n${base()}/magic-link?token=${token}\n\nThe link works once, for 15 minutes.`,
    });
  }

  async function magicLogin(token: string, client: ClientInfo) {
    const row = await consumeSingleUseToken(db, token, 'magic_link');
    const user = row.user_id === null ? undefined : await findUserById(db, row.user_id);
    if (!user?.is_active)
      throw new AppError('invalid_token', 'this link is invalid, already used or expired');
    const fresh = await db
      .updateTable('users')
      .set({ last_login: new Date(), is_email_confirmed: true })
      .where('id', '=', user.id)
      .returningAll()
      .executeTakeFirstOrThrow();
    await auth.auditFor(fresh, 'session.login', client, { method: 'magic_link' });
    return auth.issueTokens(fresh, client, null);
  }

  return {
    requestEmailConfirmation,
    confirmEmail,
    requestPasswordReset,
    resetPassword,
    requestMagicLink,
    magicLogin,
  };
}
