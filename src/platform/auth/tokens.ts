// Secrets handed to people: random, shown once, stored only as SHA-256 hashes, compared in constant time.
import { createHmac, hash, randomBytes, timingSafeEqual } from 'node:crypto';
import { errors as joseErrors, jwtVerify, SignJWT } from 'jose';
import { AppError } from '../errors.ts';

// One-shot hash: no Hash object per call (this runs on every API-key request).
export const sha256 = (value: string): string => hash('sha256', value, 'hex');

export function randomToken(bytes = 32): string {
  return randomBytes(bytes).toString('base64url');
}

export function safeEqual(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/** A personal API key: `gt_` and 40 hex characters (160 bits). */
export function newApiKey(): { key: string; prefix: string; hash: string } {
  const key = `gt_${randomBytes(20).toString('hex')}`;
  return { key, prefix: key.slice(0, 8), hash: sha256(key) };
}

/**
 * Label Studio's legacy token (40 hex characters) for a token row. It is derived from the server secret and the
 * row id, so the database keeps only its hash and `GET /api/current-user/token` can still show it again.
 */
export function legacyToken(key: Buffer, rowId: number): string {
  return createHmac('sha256', key).update(`legacy-token:${rowId}`).digest('hex').slice(0, 40);
}

export function looksLikeJwt(value: string): boolean {
  return /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/.test(value);
}

export interface AccessClaims {
  userId: number;
  issuedAt: number;
  /** Seconds since the epoch. */
  expiresAt: number;
}

export async function signAccessToken(key: Uint8Array, userId: number, ttlSeconds: number): Promise<string> {
  return new SignJWT({ typ: 'access' })
    .setProtectedHeader({ alg: 'HS256' })
    .setSubject(String(userId))
    .setIssuedAt()
    .setIssuer('groundtruth')
    .setExpirationTime(`${ttlSeconds}s`)
    .sign(key);
}

export async function verifyAccessToken(key: Uint8Array, token: string): Promise<AccessClaims> {
  try {
    const { payload } = await jwtVerify(token, key, { algorithms: ['HS256'], issuer: 'groundtruth' });
    const userId = Number(payload.sub);
    if (
      payload.typ !== 'access' ||
      !Number.isSafeInteger(userId) ||
      typeof payload.iat !== 'number' ||
      typeof payload.exp !== 'number'
    ) {
      throw new AppError('unauthorized', 'invalid access token');
    }
    return { userId, issuedAt: payload.iat, expiresAt: payload.exp };
  } catch (err) {
    if (err instanceof AppError) throw err;
    if (err instanceof joseErrors.JWTExpired) throw new AppError('token_expired', 'access token has expired');
    throw new AppError('unauthorized', 'invalid access token');
  }
}
