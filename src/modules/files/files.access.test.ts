// Who may upload, read and delete files: project roles, organization membership, other organizations.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { createTestApp } from '../../../test/app.ts';
import { forEachDatabase } from '../../../test/harness.ts';
import { inOrg, type Person, signUp } from '../../../test/http-factories.ts';
import type { App } from '../../platform/http/app-types.ts';
import { filesClient, joinOrg as join } from './files.test-kit.ts';

forEachDatabase('files access', (ctx) => {
  let app: App;
  let owner: Person;
  let stranger: Person;
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'gt-files-access-'));

  before(async () => {
    app = await createTestApp(ctx.database, { DATA_DIR: dataDir });
    await app.ready();
    await signUp(app); // the first person is a superuser; none of the actors below is
    owner = await signUp(app);
    stranger = await signUp(app);
  });
  after(async () => {
    await app.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  const { upload, get, project } = filesClient(() => app);
  const joinOrg = (orgOwner: Person, person: Person) => join(ctx.database, orgOwner, person);

  describe('who may do what', () => {
    let manager: Person;
    let annotator: Person;
    let outsider: Person;
    let projectId: number;
    before(async () => {
      manager = await signUp(app);
      annotator = await signUp(app);
      outsider = await signUp(app);
      for (const p of [manager, annotator, outsider]) await joinOrg(owner, p);
      projectId = await project(owner, [
        { user: manager, role: 'manager' },
        { user: annotator, role: 'annotator' },
      ]);
    });

    test('project owners and managers upload into it; readers read; others see nothing', async () => {
      const ok = await upload(
        manager,
        [{ name: 'm.csv', bytes: 'a\n1\n' }],
        { project_id: String(projectId) },
        owner.orgId,
      );
      assert.equal(ok.statusCode, 201, ok.body);
      assert.equal(ok.json().project, projectId);
      const denied = await upload(
        annotator,
        [{ name: 'a.csv', bytes: 'a\n' }],
        { project_id: String(projectId) },
        owner.orgId,
      );
      assert.equal(denied.statusCode, 403);
      assert.equal(denied.json().error.code, 'forbidden');

      const asAnnotator = inOrg(annotator, owner.orgId);
      const list = await app.inject({
        method: 'GET',
        url: `/api/files?project=${projectId}`,
        headers: asAnnotator,
      });
      assert.equal(list.statusCode, 200);
      assert.deepEqual(
        list.json().results.map((f: { id: number }) => f.id),
        [ok.json().id],
      );
      assert.equal(list.json().count, 1);
      const read = await app.inject({
        method: 'GET',
        url: `/api/files/${ok.json().id}/content`,
        headers: asAnnotator,
      });
      assert.equal(read.body, 'a\n1\n');
      const asOutsider = inOrg(outsider, owner.orgId);
      const hidden = await app.inject({
        method: 'GET',
        url: `/api/files/${ok.json().id}`,
        headers: asOutsider,
      });
      assert.equal(hidden.statusCode, 404);
      const noList = await app.inject({
        method: 'GET',
        url: `/api/files?project=${projectId}`,
        headers: asOutsider,
      });
      assert.equal(noList.statusCode, 404);

      // The same rule for tus uploads, checked when the upload is created.
      const b64 = (v: string) => Buffer.from(v).toString('base64');
      const startTus = (headers: Record<string, string>) =>
        app.inject({
          method: 'POST',
          url: '/api/uploads',
          headers: {
            ...headers,
            'tus-resumable': '1.0.0',
            'upload-length': '10',
            'upload-metadata': `filename ${b64('a.csv')},project_id ${b64(String(projectId))}`,
          },
        });
      assert.equal((await startTus(asAnnotator)).statusCode, 403);
      const started = await startTus(inOrg(manager, owner.orgId));
      assert.equal(started.statusCode, 201, started.body);
      assert.match(String(started.headers.location), /^\/api\/uploads\/[0-9a-f]{32}$/);

      // Without a project: any member uploads; only the uploader sees it.
      const own = await upload(outsider, [{ name: 'notes.txt', bytes: 'hello' }], {}, owner.orgId);
      assert.equal(own.statusCode, 201);
      const peek = await app.inject({
        method: 'GET',
        url: `/api/files/${own.json().id}`,
        headers: asAnnotator,
      });
      assert.equal(peek.statusCode, 404);
    });

    test('the uploader, or the project owner or manager, deletes; a reader gets 403', async () => {
      const byOwner = await upload(owner, [{ name: 'o.csv', bytes: 'o\n' }], {
        project_id: String(projectId),
      });
      const id = byOwner.json().id;
      const asAnnotator = inOrg(annotator, owner.orgId);
      const refused = await app.inject({ method: 'DELETE', url: `/api/files/${id}`, headers: asAnnotator });
      assert.equal(refused.statusCode, 403);
      const asManager = inOrg(manager, owner.orgId);
      const done = await app.inject({ method: 'DELETE', url: `/api/files/${id}`, headers: asManager });
      assert.equal(done.statusCode, 204);
    });
  });

  test("another organization's person gets 404 and none of the file", async () => {
    const secret = `zz-secret-${randomBytes(4).toString('hex')}`;
    const file = (await upload(owner, [{ name: `${secret}.csv`, bytes: `${secret}\n` }])).json();
    for (const headers of [stranger.headers, inOrg(stranger, owner.orgId)]) {
      for (const url of [`/api/files/${file.id}`, `/api/files/${file.id}/content`]) {
        const res = await app.inject({ method: 'GET', url, headers });
        assert.equal(res.statusCode, 404, url);
        assert.ok(!res.body.includes(secret));
      }
      const del = await app.inject({ method: 'DELETE', url: `/api/files/${file.id}`, headers });
      assert.equal(del.statusCode, 404);
      const list = await app.inject({ method: 'GET', url: '/api/files', headers });
      assert.ok(!list.body.includes(secret));
    }
    const foreignProject = await project(owner);
    const into = await upload(stranger, [{ name: 'x.csv', bytes: 'x\n' }], {
      project_id: String(foreignProject),
    });
    assert.equal(into.statusCode, 404);
    assert.equal(into.json().error.code, 'not_found');
    assert.equal((await get(owner, `/api/files/${file.id}`)).statusCode, 200, 'still there');
  });
});
