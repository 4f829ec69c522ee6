// What the schema cannot say about comment text: not blank, no NUL (PostgreSQL text cannot hold it).
import { AppError } from '../../platform/errors.ts';

export function cleanComment(text: string): string {
  const bad = (message: string) =>
    new AppError('validation_failed', `invalid request: text ${message}`, [
      { in: 'body', field: 'text', message },
    ]);
  if (text.trim().length === 0) throw bad('must not be blank');
  if (text.includes('\u0000')) throw bad('must not contain NUL characters');
  return text;
}
