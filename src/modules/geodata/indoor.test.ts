// /api/indoor-projects and /api/indoor-data through HTTP on both databases: the indoor extension gate (403
// extension_disabled), D2S roles (Viewer reads, Manager writes, Owner deletes) through a team, data files typed
// from their bytes (CSV, TSV, XLSX parsed by the job into rows that filter, sort and page in SQL; images with
// their size), bad sheets failing with the reason, downloads, cross-tenant 404 and bad input 400.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import ExcelJS from 'exceljs';
import sharp from 'sharp';
import { createTestApp } from '../../../test/app.ts';
import { forEachDatabase } from '../../../test/harness.ts';
import { inOrg, type Person, signUp } from '../../../test/http-factories.ts';
import { inScope } from '../../db/scope.ts';
import type { App } from '../../platform/http/app-types.ts';
import { multipart } from '../files/files.test-kit.ts';

forEachDatabase('indoor projects', (ctx) => {
  let app: App;
  let owner: Person;
  let manager: Person;
  let viewer: Person;
  let plain: Person;
  let other: Person;
  let org: number;
  let teamId: number;
  let indoorExt: number;

  const call = (who: Person, method: string, url: string, payload?: unknown, orgId = org) =>
    app.inject({
      method: method as 'GET',
      url,
      headers: inOrg(who, orgId),
      ...(payload === undefined ? {} : { payload: payload as object }),
    });
  const grant = async (who: Person, orgId: number, as: Person) => {
    const res = await call(as, 'PUT', `/api/extensions/${indoorExt}/users/${who.id}`, {}, orgId);
    assert.equal(res.statusCode, 200, res.body);
  };
  const upload = async (
    who: Person,
    projectId: number,
    name: string,
    bytes: Buffer | string,
    type = 'text/csv',
  ) => {
    const body = await multipart([{ name, bytes, type }]);
    return app.inject({
      method: 'POST',
      url: `/api/indoor-projects/${projectId}/data`,
      headers: { ...inOrg(who, org), ...body.headers },
      payload: body.payload,
    });
  };
  const settled = async (id: number) => {
    for (let i = 0; i < 600; i++) {
      const res = await call(owner, 'GET', `/api/indoor-data/${id}`);
      assert.equal(res.statusCode, 200, res.body);
      if (res.json().status !== 'processing') return res.json();
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error(`indoor data ${id} was not parsed`);
  };

  before(async () => {
    app = await createTestApp(ctx.database, { LOGIN_RATE_LIMIT: '10000' });
    await app.ready();
    await app.jobs.start({ work: true });
    owner = await signUp(app);
    manager = await signUp(app);
    viewer = await signUp(app);
    plain = await signUp(app);
    other = await signUp(app);
    org = owner.orgId;
    await inScope(ctx.database.db, { organizationId: org, userId: owner.id }, (tx) =>
      tx
        .insertInto('organization_members')
        .values(
          [manager, viewer, plain].map((p) => ({ organization_id: org, user_id: p.id, role: 'member' })),
        )
        .execute(),
    );
    const team = await call(owner, 'POST', '/api/teams', { name: 'Greenhouse' });
    teamId = team.json().id;
    for (const [p, role] of [
      [manager, 'manager'],
      [viewer, 'viewer'],
    ] as const) {
      const add = await call(owner, 'POST', `/api/teams/${teamId}/members`, { user_id: p.id, role });
      assert.equal(add.statusCode, 201, add.body);
    }
    const cat = await call(owner, 'GET', '/api/extensions');
    indoorExt = (cat.json() as { name: string; id: number }[]).find((e) => e.name === 'indoor')!.id;
    await grant(owner, org, owner);
    // The team's grant gives the manager and the viewer the extension; `plain` has none.
    const t = await call(owner, 'PUT', `/api/extensions/${indoorExt}/teams/${teamId}`, {});
    assert.equal(t.statusCode, 200, t.body);
    await grant(other, other.orgId, other);
  });
  after(() => app.close());

  test('without the indoor extension every route answers 403 extension_disabled', async () => {
    // A project without a team is visible to every member: only the missing extension refuses it.
    const open = await call(owner, 'POST', '/api/indoor-projects', { title: 'Open to all' });
    assert.equal(open.statusCode, 201, open.body);
    for (const [method, url] of [
      ['GET', '/api/indoor-projects'],
      ['POST', '/api/indoor-projects'],
      ['GET', `/api/indoor-projects/${open.json().id}`],
      ['GET', `/api/indoor-projects/${open.json().id}/data`],
    ]) {
      const res = await call(plain, method!, url!, method === 'POST' ? { title: 'Nope' } : undefined);
      assert.equal(res.statusCode, 403, `${url}: ${res.body}`);
      assert.equal(res.json().error.code, 'extension_disabled');
      assert.match(res.json().error.message, /indoor extension is not enabled/);
    }
  });

  test('create, list with search and paging, get, update, delete; roles through the team', async () => {
    const a = await call(owner, 'POST', '/api/indoor-projects', {
      title: 'Growth chamber A',
      description: 'wheat',
      start_date: '2026-01-01',
      end_date: '2026-03-01',
      team_id: teamId,
    });
    assert.equal(a.statusCode, 201, a.body);
    assert.equal(a.json().role, 'owner');
    assert.equal(a.json().team_id, teamId);
    const b = await call(manager, 'POST', '/api/indoor-projects', {
      title: 'Growth chamber B',
      team_id: teamId,
    });
    assert.equal(b.statusCode, 201, b.body);
    const c = await call(viewer, 'POST', '/api/indoor-projects', { title: 'Viewer tries', team_id: teamId });
    assert.equal(c.statusCode, 403, c.body);

    const list = await call(
      viewer,
      'GET',
      `/api/indoor-projects?search=chamber&page_size=1&team_id=${teamId}`,
    );
    assert.equal(list.statusCode, 200, list.body);
    assert.equal(list.json().count, 2);
    assert.equal(list.json().results[0].title, 'Growth chamber B');
    assert.equal(list.json().results[0].role, 'viewer');
    assert.ok(list.json().next);
    const none = await call(viewer, 'GET', '/api/indoor-projects?search=zzz');
    assert.equal(none.json().count, 0);

    const got = await call(manager, 'GET', `/api/indoor-projects/${a.json().id}`);
    assert.equal(got.json().role, 'manager');
    const byViewer = await call(viewer, 'PATCH', `/api/indoor-projects/${a.json().id}`, { title: 'x' });
    assert.equal(byViewer.statusCode, 403, byViewer.body);
    const patched = await call(manager, 'PATCH', `/api/indoor-projects/${a.json().id}`, {
      title: 'Chamber A2',
    });
    assert.equal(patched.statusCode, 200, patched.body);
    assert.equal(patched.json().title, 'Chamber A2');
    const byManager = await call(manager, 'DELETE', `/api/indoor-projects/${a.json().id}`);
    assert.equal(byManager.statusCode, 403, byManager.body);
    // The creator owns what they made.
    const own = await call(manager, 'DELETE', `/api/indoor-projects/${b.json().id}`);
    assert.equal(own.statusCode, 204, own.body);
    const del = await call(owner, 'DELETE', `/api/indoor-projects/${a.json().id}`);
    assert.equal(del.statusCode, 204, del.body);
    const gone = await call(owner, 'GET', `/api/indoor-projects/${a.json().id}`);
    assert.equal(gone.statusCode, 404);
  });

  test('bad input answers 400 with the field; another organization gets 404', async () => {
    for (const body of [
      {},
      { title: '' },
      { title: 'x', start_date: 'soon' },
      { title: 'x', start_date: '2026-02-01', end_date: '2026-01-01' },
      { title: 'x', extra: 1 },
    ]) {
      const res = await call(owner, 'POST', '/api/indoor-projects', body);
      assert.equal(res.statusCode, 400, `${JSON.stringify(body)}: ${res.body}`);
    }
    const p = await call(owner, 'POST', '/api/indoor-projects', { title: 'Private' });
    const id = p.json().id;
    const empty = await call(owner, 'PATCH', `/api/indoor-projects/${id}`, {});
    assert.equal(empty.statusCode, 400, empty.body);
    for (const [method, url] of [
      ['GET', `/api/indoor-projects/${id}`],
      ['PATCH', `/api/indoor-projects/${id}`],
      ['DELETE', `/api/indoor-projects/${id}`],
      ['GET', `/api/indoor-projects/${id}/data`],
    ]) {
      const res = await call(
        other,
        method!,
        url!,
        method === 'PATCH' ? { title: 'y' } : undefined,
        other.orgId,
      );
      assert.equal(res.statusCode, 404, `${url}: ${res.body}`);
    }
    const list = await call(other, 'GET', '/api/indoor-projects', undefined, other.orgId);
    assert.equal(list.json().count, 0);
    // A team of the organization the creator is only a viewer of is refused; an unknown one is 404.
    const viewerTeam = await call(viewer, 'POST', '/api/indoor-projects', { title: 'x', team_id: 999999 });
    assert.equal(viewerTeam.statusCode, 404, viewerTeam.body);
  });

  test('a CSV is parsed by the job into rows that filter, sort and page', async () => {
    const p = await call(owner, 'POST', '/api/indoor-projects', { title: 'Sheets', team_id: teamId });
    const lines = ['plant,height,genotype'];
    for (let i = 1; i <= 120; i++)
      lines.push(`p${i},${(i * 7) % 50}.5,${i % 3 === 0 ? 'Wild type' : 'mutant'}`);
    const up = await upload(manager, p.json().id, 'plants.csv', `${lines.join('\n')}\n`);
    assert.equal(up.statusCode, 201, up.body);
    assert.equal(up.json().file_type, 'spreadsheet');
    assert.equal(up.json().mime_type, 'text/csv');
    assert.ok(up.json().job_id);
    const data = await settled(up.json().id);
    assert.equal(data.status, 'ready', data.error);
    assert.equal(data.row_count, 120);
    assert.deepEqual(data.columns, [
      { name: 'plant', type: 'text' },
      { name: 'height', type: 'number' },
      { name: 'genotype', type: 'text' },
    ]);
    const rows = (q: string, who = viewer) => call(who, 'GET', `/api/indoor-data/${data.id}/rows${q}`);
    const first = await rows('?page_size=2');
    assert.equal(first.statusCode, 200, first.body);
    assert.equal(first.json().count, 120);
    assert.deepEqual(first.json().results[0], {
      row_number: 1,
      values: { plant: 'p1', height: '7.5', genotype: 'mutant' },
    });
    const wild = await rows('?filter[genotype]=Wild%20type&sort=-height&page_size=100');
    assert.equal(wild.json().count, 40);
    const heights = wild.json().results.map((r: { values: { height: string } }) => Number(r.values.height));
    assert.deepEqual(
      heights,
      [...heights].sort((x, y) => y - x),
      'numeric sort, descending',
    );
    assert.ok(heights[0] > 9, 'sorted as numbers, not as text');
    const contains = await rows('?contains[plant]=P11&page_size=50');
    assert.deepEqual(
      contains.json().results.map((r: { values: { plant: string } }) => r.values.plant),
      ['p11', 'p110', 'p111', 'p112', 'p113', 'p114', 'p115', 'p116', 'p117', 'p118', 'p119'],
    );
    const page3 = await rows('?page=3&page_size=50');
    assert.equal(page3.json().results.length, 20);
    assert.equal(page3.json().results[0].row_number, 101);
    assert.equal(page3.json().next, null);
    for (const q of ['?filter[nope]=1', '?sort=nope', '?bogus=1', '?page=0']) {
      const res = await rows(q);
      assert.equal(res.statusCode, 400, `${q}: ${res.body}`);
    }
    const download = await call(viewer, 'GET', `/api/indoor-data/${data.id}/file`);
    assert.equal(download.statusCode, 200);
    assert.equal(download.body, `${lines.join('\n')}\n`);
    assert.match(String(download.headers['content-disposition']), /plants\.csv/);
    const listed = await call(
      viewer,
      'GET',
      `/api/indoor-projects/${p.json().id}/data?file_type=spreadsheet`,
    );
    assert.equal(listed.json().count, 1);
    const cross = await call(other, 'GET', `/api/indoor-data/${data.id}/rows`, undefined, other.orgId);
    assert.equal(cross.statusCode, 404, cross.body);
    const byViewer = await call(viewer, 'DELETE', `/api/indoor-data/${data.id}`);
    assert.equal(byViewer.statusCode, 403);
    const del = await call(manager, 'DELETE', `/api/indoor-data/${data.id}`);
    assert.equal(del.statusCode, 204, del.body);
    assert.equal((await rows('')).statusCode, 404);
  });

  test('XLSX and TSV are parsed; a bad sheet fails with its reason; images keep their size', async () => {
    const p = await call(owner, 'POST', '/api/indoor-projects', { title: 'Mixed' });
    const wb = new ExcelJS.Workbook();
    const ws = wb.addWorksheet('Plants');
    ws.addRow(['id', 'leaf area', 'note']);
    ws.addRow([1, 12.5, 'healthy']);
    ws.addRow([2, 3, { richText: [{ text: 'wil' }, { text: 'ted' }] }]);
    const xlsx = Buffer.from(await wb.xlsx.writeBuffer());
    const x = await upload(owner, p.json().id, 'plants.xlsx', xlsx, 'application/octet-stream');
    assert.equal(x.statusCode, 201, x.body);
    const xd = await settled(x.json().id);
    assert.equal(xd.status, 'ready', xd.error);
    assert.deepEqual(
      xd.columns.map((c: { type: string }) => c.type),
      ['number', 'number', 'text'],
    );
    const xr = await call(owner, 'GET', `/api/indoor-data/${xd.id}/rows?filter[note]=wilted`);
    assert.deepEqual(xr.json().results[0].values, { id: '2', 'leaf area': '3', note: 'wilted' });

    const t = await upload(owner, p.json().id, 'plants.tsv', 'a\tb\n1\tx\n', 'text/tab-separated-values');
    const td = await settled(t.json().id);
    assert.equal(td.status, 'ready', td.error);
    assert.equal(td.row_count, 1);

    const bad = await upload(owner, p.json().id, 'bad.csv', 'a,b\n1,2,3\n');
    const bd = await settled(bad.json().id);
    assert.equal(bd.status, 'failed');
    assert.match(bd.error, /row 2 has 3 cells but the header has 2 columns/);
    const rows = await call(owner, 'GET', `/api/indoor-data/${bd.id}/rows`);
    assert.equal(rows.statusCode, 409, rows.body);
    const empty = await settled((await upload(owner, p.json().id, 'empty.csv', '\n\n')).json().id);
    assert.equal(empty.status, 'failed');

    const png = await sharp({ create: { width: 7, height: 5, channels: 3, background: '#0a0' } })
      .png()
      .toBuffer();
    const img = await upload(owner, p.json().id, 'leaf.png', png, 'image/png');
    assert.equal(img.statusCode, 201, img.body);
    assert.deepEqual(
      [img.json().file_type, img.json().status, img.json().width, img.json().height],
      ['image', 'ready', 7, 5],
    );
    const notSheet = await call(owner, 'GET', `/api/indoor-data/${img.json().id}/rows`);
    assert.equal(notSheet.statusCode, 400);

    const exe = await upload(
      owner,
      p.json().id,
      'tool.exe',
      Buffer.from('MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff'),
      'text/csv',
    );
    assert.equal(exe.statusCode, 415, exe.body);
    const broken = await upload(
      owner,
      p.json().id,
      'broken.png',
      Buffer.concat([png.subarray(0, 40)]),
      'image/png',
    );
    assert.equal(broken.statusCode, 422, broken.body);
    const noFile = await call(owner, 'POST', `/api/indoor-projects/${p.json().id}/data`, {
      upload_id: 'nope',
    });
    assert.equal(noFile.statusCode, 404, noFile.body);
    const badJson = await call(owner, 'POST', `/api/indoor-projects/${p.json().id}/data`, {
      upload_id: '../x',
    });
    assert.equal(badJson.statusCode, 400, badJson.body);
  });

  test('a finished tus upload becomes a data file', async () => {
    const p = await call(owner, 'POST', '/api/indoor-projects', { title: 'Via tus' });
    const bytes = Buffer.from('k,v\na,1\nb,2\n');
    const created = await app.inject({
      method: 'POST',
      url: '/api/uploads',
      headers: {
        ...inOrg(owner, org),
        'tus-resumable': '1.0.0',
        'upload-length': String(bytes.length),
        'upload-metadata': `filename ${Buffer.from('kv.csv').toString('base64')}`,
      },
    });
    assert.equal(created.statusCode, 201, created.body);
    const uploadId = String(created.headers.location).split('/').pop()!;
    const patch = await app.inject({
      method: 'PATCH',
      url: `/api/uploads/${uploadId}`,
      headers: {
        ...inOrg(owner, org),
        'tus-resumable': '1.0.0',
        'upload-offset': '0',
        'content-type': 'application/offset+octet-stream',
      },
      payload: bytes,
    });
    assert.equal(patch.statusCode, 204, patch.body);
    const res = await call(owner, 'POST', `/api/indoor-projects/${p.json().id}/data`, {
      upload_id: uploadId,
    });
    assert.equal(res.statusCode, 201, res.body);
    const d = await settled(res.json().id);
    assert.equal(d.row_count, 2);
    const again = await call(owner, 'POST', `/api/indoor-projects/${p.json().id}/data`, {
      upload_id: uploadId,
    });
    assert.equal(again.statusCode, 409, again.body);
  });
});
