// Accounts and sessions through HTTP: sign-up rules, login, throttling, token lifecycle, password reset,
// magic links, legacy password hashes, cookies with CSRF.
import assert from 'node:assert/strict';
import { createHash, pbkdf2Sync, randomBytes } from 'node:crypto';
import { after, before, test } from 'node:test';
import { hash as bcryptHash } from '@node-rs/bcrypt';
import { SignJWT } from 'jose';
import { createTestApp } from '../../../test/app.ts';
import { unique } from '../../../test/factories.ts';
import { forEachDatabase } from '../../../test/harness.ts';
import { apiKeyFor, PASSWORD, signUp } from '../../../test/http-factories.ts';
import { loadConfig } from '../../config.ts';
import type { App } from '../../platform/http/app-types.ts';
import { loadSecrets } from '../../platform/secrets.ts';

const SECRET_KEY = randomBytes(32).toString('hex');

forEachDatabase('auth', (ctx) => {
  let app: App;
  before(async () => {
    app = await createTestApp(ctx.database, { SECRET_KEY, LOGIN_RATE_LIMIT: '10000' });
    await app.ready();
    await signUp(app); // the instance's first user (superuser), so the others are ordinary
  });
  after(() => app.close());

  const post = (url: string, payload?: object, headers: Record<string, string> = {}) =>
    app.inject({ method: 'POST', url, payload, headers });
  const me = (headers: Record<string, string>) =>
    app.inject({ method: 'GET', url: '/api/users/me', headers });
  const outboxToken = async (email: string, kind: string) => {
    const row = await ctx.database.db
      .selectFrom('mail_outbox')
      .select('body')
      .where('to_address', '=', email)
      .where('kind', '=', kind)
      .orderBy('id', 'desc')
      .executeTakeFirst();
    return row ? /token=([A-Za-z0-9_-]+)/.exec(row.body)?.[1] : undefined;
  };

  test('sign-up creates the user and a personal organization, and answers with tokens', async () => {
    const username = unique('Alice');
    const res = await post('/api/auth/signup', {
      email: `${username}@example.test`,
      username,
      password: PASSWORD,
    });
    assert.equal(res.statusCode, 201);
    const body = res.json();
    assert.equal(body.token_type, 'bearer');
    assert.equal(body.expires_in, 900);
    assert.equal(body.user.username, username);
    assert.equal(body.user.is_superuser, false);
    assert.ok(body.user.active_organization > 0);
    assert.ok(String(res.headers['set-cookie']).includes('gt_access='));
    const who = await me({ authorization: `Bearer ${body.access_token}` });
    assert.equal(who.json().id, body.user.id);
  });

  test('sign-up names each broken password rule, and refuses taken names', async () => {
    const cases: [string, RegExp][] = [
      ['short1A', /at least 8 characters/],
      ['alllowercase1', /upper-case letter/],
      ['ALLUPPERCASE1', /lower-case letter/],
      ['NoDigitsHere', /digit/],
      ['Passsword1', /repeat a character more than twice/],
    ];
    for (const [password, rule] of cases) {
      const u = unique('p');
      const res = await post('/api/auth/signup', { email: `${u}@example.test`, username: u, password });
      assert.equal(res.statusCode, 400, password);
      assert.equal(res.json().error.code, 'validation_failed');
      assert.match(res.json().error.message, rule);
    }
    const taken = await signUp(app);
    const dup = await post('/api/auth/signup', {
      email: `x${taken.email}`,
      username: taken.username.toUpperCase(),
      password: PASSWORD,
    });
    assert.equal(dup.statusCode, 409);
    assert.match(dup.json().error.message, /username is already registered/);
    const badName = await post('/api/auth/signup', {
      email: 'ok@example.test',
      username: 'no spaces',
      password: PASSWORD,
    });
    assert.equal(badName.statusCode, 400);
    assert.match(badName.json().error.message, /username/);
  });

  test('login by email or username; an unknown login and a wrong password answer alike', async () => {
    const p = await signUp(app);
    for (const login of [p.email, p.username, p.username.toUpperCase()]) {
      const res = await post('/api/auth/login', { login, password: PASSWORD });
      assert.equal(res.statusCode, 200, login);
    }
    const wrong = await post('/api/auth/login', { login: p.username, password: 'Wrong-Pass1' });
    const unknown = await post('/api/auth/login', { login: unique('nobody'), password: 'Wrong-Pass1' });
    assert.equal(wrong.statusCode, 401);
    assert.equal(unknown.statusCode, 401);
    assert.deepEqual(wrong.json(), unknown.json());
  });

  test('login is throttled per account and per address, with 429 and Retry-After', async () => {
    const strict = await createTestApp(ctx.database, { SECRET_KEY, LOGIN_RATE_LIMIT: '5' });
    try {
      const p = await signUp(app);
      const attempt = (login: string, ip: string) =>
        strict.inject({
          method: 'POST',
          url: '/api/auth/login',
          payload: { login, password: 'Wrong-Pass1' },
          remoteAddress: ip,
        });
      // Per account: five addresses, one account.
      const codes: number[] = [];
      for (let i = 0; i < 6; i++)
        codes.push((await attempt(p.email, `10.1.${process.pid % 250}.${i + 1}`)).statusCode);
      assert.deepEqual(codes, [401, 401, 401, 401, 401, 429]);
      // Per address: one address, many accounts.
      const ip = `10.2.${process.pid % 250}.${(Date.now() % 250) + 1}`;
      const byIp: number[] = [];
      for (let i = 0; i < 6; i++) byIp.push((await attempt(unique('nobody'), ip)).statusCode);
      assert.deepEqual(byIp, [401, 401, 401, 401, 401, 429]);
      const limited = await attempt(unique('nobody'), ip);
      assert.equal(limited.json().error.code, 'rate_limited');
      assert.ok(Number(limited.headers['retry-after']) >= 1);
    } finally {
      await strict.close();
    }
  });

  test('an expired access token answers 401 token_expired; a forged one 401', async () => {
    const p = await signUp(app);
    const key = loadSecrets(loadConfig({ SECRET_KEY })).jwtKey;
    const expired = await new SignJWT({ typ: 'access' })
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject(String(p.id))
      .setIssuer('groundtruth')
      .setIssuedAt(Math.floor(Date.now() / 1000) - 3600)
      .setExpirationTime(Math.floor(Date.now() / 1000) - 60)
      .sign(key);
    const res = await me({ authorization: `Bearer ${expired}` });
    assert.equal(res.statusCode, 401);
    assert.equal(res.json().error.code, 'token_expired');
    const forged = await new SignJWT({ typ: 'access' })
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject(String(p.id))
      .setIssuer('groundtruth')
      .setExpirationTime('5m')
      .sign(new Uint8Array(32));
    assert.equal((await me({ authorization: `Bearer ${forged}` })).json().error.code, 'unauthorized');
    assert.equal((await me({})).statusCode, 401);
  });

  test('refresh rotates; reuse within the grace period is tolerated, after it the family is revoked', async () => {
    const p = await signUp(app);
    const first = await post('/api/auth/refresh', { refresh_token: p.refreshToken });
    assert.equal(first.statusCode, 200);
    const rotated = first.json().refresh_token;
    assert.notEqual(rotated, p.refreshToken);
    const race = await post('/api/auth/refresh', { refresh_token: p.refreshToken });
    assert.equal(race.statusCode, 200, 'a second use inside 10 s is a benign race');

    const hash = createHash('sha256').update(p.refreshToken).digest('hex');
    await ctx.database.db
      .updateTable('refresh_tokens')
      .set({ used_at: new Date(Date.now() - 11_000) })
      .where('token_hash', '=', hash)
      .execute();
    const replay = await post('/api/auth/refresh', { refresh_token: p.refreshToken });
    assert.equal(replay.statusCode, 401);
    assert.equal(replay.json().error.code, 'token_reused');
    const descendant = await post('/api/auth/refresh', { refresh_token: rotated });
    assert.equal(descendant.statusCode, 401, 'every token of the family is revoked');
  });

  test('logout ends the session; logout-all ends every session and access token, keys stay', async () => {
    const p = await signUp(app);
    const out = await post('/api/auth/logout', { refresh_token: p.refreshToken });
    assert.equal(out.statusCode, 204);
    assert.equal((await post('/api/auth/refresh', { refresh_token: p.refreshToken })).statusCode, 401);

    const login = (await post('/api/auth/login', { login: p.username, password: PASSWORD })).json();
    const key = await apiKeyFor(app, { ...p, headers: { authorization: `Bearer ${login.access_token}` } });
    await new Promise((r) => setTimeout(r, 1100)); // access tokens carry whole seconds
    const all = await post('/api/auth/logout-all', undefined, {
      authorization: `Bearer ${login.access_token}`,
    });
    assert.equal(all.statusCode, 204);
    assert.equal((await me({ authorization: `Bearer ${login.access_token}` })).statusCode, 401);
    assert.equal((await post('/api/auth/refresh', { refresh_token: login.refresh_token })).statusCode, 401);
    assert.equal((await me({ authorization: `Token ${key}` })).statusCode, 200);
  });

  test('password reset: same answer for unknown addresses; the link works once; sessions end, keys stay', async () => {
    const p = await signUp(app);
    const key = await apiKeyFor(app, p);
    const unknown = await post('/api/auth/password-reset', { email: `${unique('ghost')}@example.test` });
    const known = await post('/api/auth/password-reset', { email: p.email });
    assert.equal(unknown.statusCode, 202);
    assert.deepEqual(unknown.json(), known.json());
    const token = await outboxToken(p.email, 'password_reset');
    assert.ok(token);
    const weak = await post('/api/auth/password-reset/confirm', { token, password: 'weak' });
    assert.equal(weak.statusCode, 400);
    const [a, b] = await Promise.all([
      post('/api/auth/password-reset/confirm', { token, password: 'New-Passw0rd' }),
      post('/api/auth/password-reset/confirm', { token, password: 'Other-Passw0rd' }),
    ]);
    assert.deepEqual([a.statusCode, b.statusCode].sort(), [204, 400], 'exactly one use wins');
    const winner = a.statusCode === 204 ? 'New-Passw0rd' : 'Other-Passw0rd';
    assert.equal((await post('/api/auth/login', { login: p.email, password: winner })).statusCode, 200);
    assert.equal((await post('/api/auth/refresh', { refresh_token: p.refreshToken })).statusCode, 401);
    assert.equal((await me({ 'x-api-key': key })).statusCode, 200, 'API keys survive a reset');
    const again = await post('/api/auth/password-reset/confirm', { token, password: 'Third-Passw0rd' });
    assert.equal(again.json().error.code, 'invalid_token');
  });

  test('email confirmation confirms; a magic link signs in once', async () => {
    const p = await signUp(app);
    assert.equal((await post('/api/auth/email-confirmation', undefined, p.headers)).statusCode, 202);
    const confirm = await outboxToken(p.email, 'email_confirmation');
    assert.equal((await post('/api/auth/email-confirmation/confirm', { token: confirm })).statusCode, 204);
    assert.equal((await me(p.headers)).json().is_email_confirmed, true);
    assert.equal((await post('/api/auth/magic-link', { email: p.email })).statusCode, 202);
    const token = await outboxToken(p.email, 'magic_link');
    const res = await post('/api/auth/magic-link/confirm', { token });
    assert.equal(res.statusCode, 200);
    assert.equal(res.json().user.id, p.id);
    assert.equal((await post('/api/auth/magic-link/confirm', { token })).statusCode, 400);
  });

  test('Django pbkdf2_sha256 and bcrypt hashes log in and are upgraded to argon2id', async () => {
    const salt = 'abcdefgh12345678';
    const django = `pbkdf2_sha256$1000$${salt}$${pbkdf2Sync('Legacy-Pass1', salt, 1000, 32, 'sha256').toString('base64')}`;
    const bcrypt = await bcryptHash('Legacy-Pass2', { cost: 4 });
    for (const [stored, password] of [
      [django, 'Legacy-Pass1'],
      [bcrypt, 'Legacy-Pass2'],
    ] as const) {
      const p = await signUp(app);
      await ctx.database.db
        .updateTable('users')
        .set({ password_hash: stored })
        .where('id', '=', p.id)
        .execute();
      assert.equal(
        (await post('/api/auth/login', { login: p.username, password: 'Wrong-Pass9' })).statusCode,
        401,
      );
      assert.equal((await post('/api/auth/login', { login: p.username, password })).statusCode, 200);
      const row = await ctx.database.db
        .selectFrom('users')
        .select('password_hash')
        .where('id', '=', p.id)
        .executeTakeFirstOrThrow();
      assert.match(row.password_hash ?? '', /^\$argon2id\$/);
      assert.equal((await post('/api/auth/login', { login: p.username, password })).statusCode, 200);
    }
  });

  test('cookie sessions need the CSRF header on writes', async () => {
    const p = await signUp(app);
    const login = await post('/api/auth/login', { login: p.username, password: PASSWORD });
    const cookies = Object.fromEntries(login.cookies.map((c) => [c.name, c.value]));
    const cookie = `gt_access=${cookies.gt_access}; gt_csrf=${cookies.gt_csrf}`;
    assert.equal((await me({ cookie })).statusCode, 200);
    const noCsrf = await post('/api/api-keys', { name: 'k' }, { cookie });
    assert.equal(noCsrf.statusCode, 403);
    const withCsrf = await post('/api/api-keys', { name: 'k' }, { cookie, 'x-csrf-token': cookies.gt_csrf! });
    assert.equal(withCsrf.statusCode, 201);
  });
});

forEachDatabase('sign-up modes', (ctx) => {
  test('the first user becomes superuser; SIGNUP=closed and invite refuse the others', async () => {
    const closed = await createTestApp(ctx.database, { SIGNUP: 'closed' });
    try {
      const first = await signUp(closed);
      const who = await closed.inject({ method: 'GET', url: '/api/users/me', headers: first.headers });
      assert.equal(who.json().is_superuser, true);
      const u = unique('late');
      const res = await closed.inject({
        method: 'POST',
        url: '/api/auth/signup',
        payload: { email: `${u}@example.test`, username: u, password: PASSWORD },
      });
      assert.equal(res.statusCode, 403);
      assert.match(res.json().error.message, /closed/);
    } finally {
      await closed.close();
    }
    const invite = await createTestApp(ctx.database, { SIGNUP: 'invite' });
    try {
      const u = unique('late');
      const res = await invite.inject({
        method: 'POST',
        url: '/api/auth/signup',
        payload: { email: `${u}@example.test`, username: u, password: PASSWORD },
      });
      assert.equal(res.statusCode, 403);
      assert.match(res.json().error.message, /invitation/);
    } finally {
      await invite.close();
    }
  });
});
