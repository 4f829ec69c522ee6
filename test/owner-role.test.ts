// Production shape on PostgreSQL: the tables are owned by an ordinary (non-superuser) role, as on a managed
// database, so forced row-level security applies to the owner too. Migrations and the main flows must work
// there; a path that only worked because the test connection was a superuser would fail here.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { test } from 'node:test';
import { connectPostgres, type Database } from '../src/db/database.ts';
import { migrateToLatest } from '../src/db/migrate.ts';
import type { App } from '../src/platform/http/app-types.ts';
import { createTestApp } from './app.ts';
import { scratchDatabaseName } from './harness.ts';
import { apiKeyFor, signUp } from './http-factories.ts';
import { adminQuery, databaseUrl } from './pg-admin.ts';

const enabled = (process.env.GT_TEST_KINDS ?? '').includes('postgres');

test('as a non-superuser owner', { skip: !enabled && 'PostgreSQL is not part of this run' }, async (t) => {
  const name = scratchDatabaseName();
  const role = `${name}_owner`;
  const password = randomBytes(12).toString('hex');
  let database: Database | undefined;
  let app: App | undefined;
  try {
    // What an operator does once, as a superuser: an owner role, the application role granted to it.
    await adminQuery(`CREATE ROLE ${role} LOGIN NOSUPERUSER NOBYPASSRLS PASSWORD '${password}'`);
    await adminQuery(`DO $$ BEGIN
      IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'groundtruth_app') THEN CREATE ROLE groundtruth_app NOLOGIN; END IF;
    END $$`);
    await adminQuery(`GRANT groundtruth_app TO ${role}`);
    await adminQuery(`CREATE DATABASE ${name} OWNER ${role}`);
    const url = new URL(databaseUrl(name));
    url.username = role;
    url.password = password;
    database = await connectPostgres(url.toString(), 4, 5000);
    await t.test('migrations apply', async () => {
      assert.ok((await migrateToLatest(database!.db)).length > 0);
    });
    app = await createTestApp(database);
    await app.ready();
    await t.test('sign-up, login, API key and an authenticated call work under forced RLS', async () => {
      const first = await signUp(app!);
      const person = await signUp(app!);
      const login = await app!.inject({
        method: 'POST',
        url: '/api/auth/login',
        payload: { login: person.username, password: 'Correct-Horse9' },
      });
      assert.equal(login.statusCode, 200, login.body);
      const key = await apiKeyFor(app!, person);
      const me = await app!.inject({
        method: 'GET',
        url: '/api/users/me',
        headers: { authorization: `Token ${key}` },
      });
      assert.equal(me.json().id, person.id);
      assert.notEqual(first.orgId, person.orgId);
      for (const route of ['/api/projects', '/api/teams', '/api/workspaces', '/api/organizations']) {
        if (!app!.hasRoute({ method: 'GET', url: route })) continue;
        const res = await app!.inject({
          method: 'GET',
          url: route,
          headers: { authorization: `Token ${key}` },
        });
        assert.equal(res.statusCode, 200, `${route}: ${res.body}`);
      }
    });
  } finally {
    await app?.close();
    await database?.close();
    await adminQuery(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await adminQuery(`DROP ROLE IF EXISTS ${role}`);
  }
});
