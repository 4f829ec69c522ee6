// Password hashing: argon2id for every new hash. Hashes imported from Label Studio (Django pbkdf2_sha256),
// D2S and NVEIL (bcrypt) verify too and are upgraded to argon2id at the first successful login.
import { pbkdf2, timingSafeEqual } from 'node:crypto';
import { promisify } from 'node:util';
import { hash, verify } from '@node-rs/argon2';
import { verify as bcryptVerify } from '@node-rs/bcrypt';

const pbkdf2Async = promisify(pbkdf2);

// OWASP's argon2id minimum (19 MiB, 2 passes, 1 lane): about 20-50 ms here.
const ARGON2 = {
  algorithm: 2 /* Algorithm.Argon2id, a const enum */,
  memoryCost: 19456,
  timeCost: 2,
  parallelism: 1,
} as const;

export function hashPassword(password: string): Promise<string> {
  return hash(password, ARGON2);
}

export interface PasswordCheck {
  ok: boolean;
  /** The stored hash is a legacy or weaker format: store hashPassword(password) now. */
  needsRehash: boolean;
}

async function verifyDjangoPbkdf2(stored: string, password: string): Promise<boolean> {
  const [, iterations, salt, expected] = stored.split('$');
  const n = Number(iterations);
  if (!salt || !expected || !Number.isInteger(n) || n < 1 || n > 10_000_000) return false;
  const want = Buffer.from(expected, 'base64');
  const got = await pbkdf2Async(password, salt, n, want.length, 'sha256');
  return want.length > 0 && timingSafeEqual(want, got);
}

export async function verifyPassword(stored: string | null, password: string): Promise<PasswordCheck> {
  if (!stored) return { ok: false, needsRehash: false };
  try {
    if (stored.startsWith('$argon2')) {
      const ok = await verify(stored, password);
      return { ok, needsRehash: ok && !stored.startsWith('$argon2id$v=19$m=19456,t=2,p=1$') };
    }
    if (stored.startsWith('pbkdf2_sha256$'))
      return { ok: await verifyDjangoPbkdf2(stored, password), needsRehash: true };
    if (/^\$2[aby]\$/.test(stored)) return { ok: await bcryptVerify(password, stored), needsRehash: true };
  } catch {
    // a malformed stored hash verifies nothing
  }
  return { ok: false, needsRehash: false };
}

let decoy: Promise<string> | undefined;
/** Spends the time of a real verification, so an unknown login answers as slowly as a wrong password. */
export async function burnPasswordCheck(password: string): Promise<void> {
  decoy ??= hashPassword('decoy-password-never-matches');
  await verify(await decoy, password).catch(() => false);
}

/** The seed rules (seed 002 and D2S): which of them `password` breaks, in words. */
export function passwordProblems(password: string): string[] {
  const problems: string[] = [];
  if (password.length < 8) problems.push('must be at least 8 characters');
  if (password.length > 256) problems.push('must be at most 256 characters');
  if (!/[A-Z]/.test(password)) problems.push('must contain an upper-case letter');
  if (!/[a-z]/.test(password)) problems.push('must contain a lower-case letter');
  if (!/[0-9]/.test(password)) problems.push('must contain a digit');
  if (/(.)\1\1/u.test(password)) problems.push('must not repeat a character more than twice in a row');
  return problems;
}
