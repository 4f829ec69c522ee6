// Mail port. Every message is kept in mail_outbox first; with SMTP_URL set it is then sent through
// nodemailer and its body removed from the outbox once delivered (it may hold a sign-in link). Without SMTP
// the outbox is the delivery: an operator reads it (and tests do). The log never holds a body.
import type { FastifyBaseLogger } from 'fastify';
import nodemailer from 'nodemailer';
import type { Config } from '../../config.ts';
import type { Database } from '../../db/database.ts';

export interface MailMessage {
  to: string;
  kind: string;
  subject: string;
  body: string;
}

export interface Mailer {
  send(message: MailMessage): Promise<void>;
}

export function createMailer(config: Config, database: Database, log: FastifyBaseLogger): Mailer {
  const transport = config.SMTP_URL ? nodemailer.createTransport(config.SMTP_URL) : null;
  return {
    async send(message) {
      const row = await database.db
        .insertInto('mail_outbox')
        .values({ to_address: message.to, kind: message.kind, subject: message.subject, body: message.body })
        .returning('id')
        .executeTakeFirstOrThrow();
      if (!transport) {
        log.info(
          { outbox_id: row.id, kind: message.kind },
          'mail kept in the outbox (no SMTP_URL configured)',
        );
        return;
      }
      try {
        await transport.sendMail({
          from: config.MAIL_FROM,
          to: message.to,
          subject: message.subject,
          text: message.body,
        });
        await database.db
          .updateTable('mail_outbox')
          .set({ status: 'sent', sent_at: new Date(), body: '[delivered; body removed]' })
          .where('id', '=', row.id)
          .execute();
      } catch (err) {
        log.error({ outbox_id: row.id, err: (err as Error).message }, 'mail delivery failed');
        await database.db
          .updateTable('mail_outbox')
          .set({ status: 'failed', error: (err as Error).message.slice(0, 500) })
          .where('id', '=', row.id)
          .execute();
      }
    },
  };
}
