// Builders that go through the public HTTP surface: sign up people, act as them.
import assert from 'node:assert/strict';
import type { App } from '../src/platform/http/app-types.ts';
import { unique } from './factories.ts';

export const PASSWORD = 'Correct-Horse9';

export interface Person {
  id: number;
  email: string;
  username: string;
  /** The personal organization created at sign-up (also the active organization). */
  orgId: number;
  accessToken: string;
  refreshToken: string;
  /** Authorization header with the access token. */
  headers: { authorization: string };
}

/** Signs up a new person through POST /api/auth/signup. */
export async function signUp(
  app: App,
  fields: Partial<{ username: string; email: string }> = {},
): Promise<Person> {
  const username = fields.username ?? unique('u');
  const email = fields.email ?? `${username.toLowerCase()}@example.test`;
  const res = await app.inject({
    method: 'POST',
    url: '/api/auth/signup',
    payload: { email, username, password: PASSWORD, first_name: 'Test', last_name: 'Person' },
  });
  assert.equal(res.statusCode, 201, res.body);
  const body = res.json();
  return {
    id: body.user.id,
    email,
    username,
    orgId: body.user.active_organization,
    accessToken: body.access_token,
    refreshToken: body.refresh_token,
    headers: { authorization: `Bearer ${body.access_token}` },
  };
}

/** An API key for `person`, through POST /api/api-keys. */
export async function apiKeyFor(app: App, person: Person, name = 'test key'): Promise<string> {
  const res = await app.inject({
    method: 'POST',
    url: '/api/api-keys',
    headers: person.headers,
    payload: { name },
  });
  assert.equal(res.statusCode, 201, res.body);
  return res.json().key;
}

/** Headers acting as `person` inside organization `orgId`. */
export function inOrg(person: Person, orgId: number) {
  return { ...person.headers, 'x-organization-id': String(orgId) };
}
