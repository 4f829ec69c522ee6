// /api/disk-usage through HTTP on both databases: the refresh job's snapshot (organization total and one row per
// uploader, deleted files left out), what owners/admins and members see, history paging, 403 and 400.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { createTestApp } from '../../../test/app.ts';
import { forEachDatabase } from '../../../test/harness.ts';
import { inOrg, type Person, signUp } from '../../../test/http-factories.ts';
import { inScope } from '../../db/scope.ts';
import type { App } from '../../platform/http/app-types.ts';
import { multipart } from '../files/files.test-kit.ts';

forEachDatabase('disk usage', (ctx) => {
  let app: App;
  let owner: Person;
  let member: Person;
  let other: Person;
  let org: number;

  const call = (who: Person, method: string, url: string, orgId = org) =>
    app.inject({ method: method as 'GET', url, headers: inOrg(who, orgId) });
  const store = async (who: Person, name: string, bytes: string) => {
    const body = await multipart([{ name, bytes, type: 'text/plain' }]);
    const res = await app.inject({
      method: 'POST',
      url: '/api/files',
      headers: { ...inOrg(who, org), ...body.headers },
      payload: body.payload,
    });
    assert.equal(res.statusCode, 201, res.body);
    return res.json().id as number;
  };
  const refresh = async () => {
    const res = await call(owner, 'POST', '/api/disk-usage/refresh');
    assert.equal(res.statusCode, 202, res.body);
    assert.equal(res.headers.location, `/api/jobs/${res.json().job_id}`);
    for (let i = 0; i < 600; i++) {
      const job = await call(owner, 'GET', `/api/jobs/${res.json().job_id}`);
      if (job.json().state === 'succeeded') return job.json();
      assert.notEqual(job.json().state, 'failed', job.body);
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error('the disk usage job did not finish');
  };

  before(async () => {
    app = await createTestApp(ctx.database, { LOGIN_RATE_LIMIT: '10000' });
    await app.ready();
    await app.jobs.start({ work: true });
    owner = await signUp(app);
    member = await signUp(app);
    other = await signUp(app);
    org = owner.orgId;
    await inScope(ctx.database.db, { organizationId: org, userId: owner.id }, (tx) =>
      tx
        .insertInto('organization_members')
        .values({ organization_id: org, user_id: member.id, role: 'member' })
        .execute(),
    );
  });
  after(() => app.close());

  test('before any snapshot the answer is empty', async () => {
    const res = await call(owner, 'GET', '/api/disk-usage');
    assert.equal(res.statusCode, 200, res.body);
    assert.deepEqual(res.json(), {
      scope: 'organization',
      recorded_at: null,
      organization: null,
      count: 0,
      next: null,
      previous: null,
      results: [],
    });
  });

  test('a snapshot counts live files per organization and uploader; members see their own', async () => {
    await store(owner, 'a.txt', 'a'.repeat(100));
    await store(owner, 'b.txt', 'b'.repeat(50));
    await store(member, 'c.txt', 'c'.repeat(10));
    const gone = await store(member, 'd.txt', 'd'.repeat(1000));
    const del = await call(member, 'DELETE', `/api/files/${gone}`);
    assert.equal(del.statusCode, 204, del.body);
    await refresh();
    const res = await call(owner, 'GET', '/api/disk-usage');
    assert.equal(res.statusCode, 200, res.body);
    const body = res.json();
    assert.equal(body.scope, 'organization');
    assert.deepEqual([body.organization.total_bytes, body.organization.file_count], [160, 3]);
    assert.deepEqual(
      body.results.map((r: { user_id: number; total_bytes: number; file_count: number }) => [
        r.user_id,
        r.total_bytes,
        r.file_count,
      ]),
      [
        [owner.id, 150, 2],
        [member.id, 10, 1],
      ],
    );
    assert.equal(body.results[0].email, owner.email);
    const mine = await call(member, 'GET', '/api/disk-usage');
    assert.equal(mine.json().scope, 'user');
    assert.equal(mine.json().organization, null);
    assert.deepEqual(
      mine.json().results.map((r: { user_id: number; total_bytes: number }) => [r.user_id, r.total_bytes]),
      [[member.id, 10]],
    );
    const paged = await call(owner, 'GET', '/api/disk-usage?page_size=1&page=2');
    assert.equal(paged.json().count, 2);
    assert.equal(paged.json().results[0].user_id, member.id);
  });

  test('history pages the totals over time; members and bad input are refused', async () => {
    await store(owner, 'e.txt', 'e'.repeat(5));
    await refresh();
    const res = await call(owner, 'GET', '/api/disk-usage?history=true&page_size=1');
    assert.equal(res.statusCode, 200, res.body);
    assert.ok(res.json().count >= 2);
    assert.equal(res.json().results[0].user_id, null);
    assert.equal(res.json().results[0].total_bytes, 165);
    assert.ok(res.json().next);
    const byMember = await call(member, 'GET', '/api/disk-usage?history=true');
    assert.equal(byMember.statusCode, 403, byMember.body);
    const refreshByMember = await call(member, 'POST', '/api/disk-usage/refresh');
    assert.equal(refreshByMember.statusCode, 403, refreshByMember.body);
    for (const q of ['?history=maybe', '?page=0', '?bogus=1']) {
      const bad = await call(owner, 'GET', `/api/disk-usage${q}`);
      assert.equal(bad.statusCode, 400, `${q}: ${bad.body}`);
    }
  });

  test('another organization sees only its own usage', async () => {
    const res = await call(other, 'GET', '/api/disk-usage', other.orgId);
    assert.equal(res.statusCode, 200, res.body);
    assert.equal(res.json().organization, null);
    assert.equal(res.json().count, 0);
    const foreign = await call(other, 'GET', '/api/disk-usage', org);
    assert.equal(foreign.statusCode, 404, foreign.body);
  });
});
