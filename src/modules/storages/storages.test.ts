// Cloud storages through HTTP against real local servers: connecting (credentials sealed, never returned),
// validating, syncing (one task per object or per JSON task, a second sync adds only new objects), exporting
// annotations on save and on sync, presigned and proxied objects, and the refusals (another tenant, roles,
// bad input).
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { BlobServiceClient, StorageSharedKeyCredential } from '@azure/storage-blob';
import { Redis } from 'ioredis';
import { createTestApp } from '../../../test/app.ts';
import { forEachDatabase } from '../../../test/harness.ts';
import { inOrg, type Person, signUp } from '../../../test/http-factories.ts';
import { inScope } from '../../db/scope.ts';
import type { App } from '../../platform/http/app-types.ts';
import {
  addProjectMember,
  eventually,
  IMAGE_CONFIG,
  projectWithConfig,
} from '../annotation/import-export.test-kit.ts';
import {
  AZURITE_ACCOUNT,
  AZURITE_KEY,
  REDIS,
  redisPrefix,
  scratchDir,
  startAzurite,
  startFakeGcs,
  startS3,
} from './storages.test-kit.ts';

const scratch = scratchDir('storages-http');
after(() => scratch.remove());
const SECRET = 'wJalrXUtnFEMI-very-secret-key';

forEachDatabase('cloud storages', (ctx) => {
  let app: App;
  let owner: Person;
  let other: Person;
  let project: number;
  let s3: Awaited<ReturnType<typeof startS3>>;
  let azure: Awaited<ReturnType<typeof startAzurite>>;
  let gcs: Awaited<ReturnType<typeof startFakeGcs>>;
  const localRoot = path.join(scratch.dir, `root-${ctx.kind}`);
  const s3Bucket = `b-${ctx.kind}`;
  const s3Client = () =>
    new S3Client({
      region: 'us-east-1',
      endpoint: s3.endpoint,
      forcePathStyle: true,
      credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' },
    });

  before(async () => {
    mkdirSync(localRoot, { recursive: true });
    s3 = await startS3(path.join(scratch.dir, `s3-${ctx.kind}`), [s3Bucket]);
    azure = await startAzurite(path.join(scratch.dir, `az-${ctx.kind}`));
    gcs = await startFakeGcs();
    app = await createTestApp(ctx.database, { WEBHOOK_ALLOW_PRIVATE: 'true', STORAGE_LOCAL_ROOT: localRoot });
    await app.ready();
    await app.jobs.start({ work: true });
    owner = await signUp(app);
    other = await signUp(app);
    project = await projectWithConfig(app, ctx.database, owner, IMAGE_CONFIG);
  });
  after(async () => {
    await app.close();
    await s3.stop();
    await azure.stop();
    await gcs.stop();
  });

  const call = (method: string, url: string, payload?: object, who: Person = owner) =>
    app.inject({ method: method as 'GET', url, headers: who.headers, ...(payload && { payload }) });
  const s3Fields = (bucket = s3Bucket) => ({
    project,
    bucket,
    s3_endpoint: s3.endpoint,
    region_name: 'us-east-1',
    aws_access_key_id: 'S3RVER',
    aws_secret_access_key: 'S3RVER',
  });
  const synced = (url: string) =>
    eventually(async () => {
      const s = (await call('GET', url)).json();
      if (s.status === 'failed') throw new Error(`sync failed: ${s.traceback}`);
      return s.status === 'completed' ? s : null;
    }, `${url} to sync`);
  const tasksOf = async (projectId: number) =>
    (await call('GET', `/api/tasks?project=${projectId}&page_size=1000`)).json().tasks as {
      id: number;
      data: Record<string, unknown>;
    }[];

  test('credentials are sealed at rest and never returned', async () => {
    const res = await call('POST', '/api/storages/s3', {
      ...s3Fields(),
      title: 'Photos',
      aws_secret_access_key: SECRET,
    });
    assert.equal(res.statusCode, 201, res.body);
    const s = res.json();
    assert.equal(s.type, 's3');
    assert.equal(s.title, 'Photos');
    assert.deepEqual(s.credentials_set, ['aws_access_key_id', 'aws_secret_access_key']);
    assert.ok(!res.body.includes(SECRET));
    assert.equal(s.aws_secret_access_key, undefined);
    const row = await inScope(ctx.database.db, { organizationId: owner.orgId, userId: owner.id }, (tx) =>
      tx.selectFrom('storages').select('credentials').where('id', '=', s.id).executeTakeFirstOrThrow(),
    );
    assert.ok(row.credentials?.startsWith('v1.') && !row.credentials.includes(SECRET));
    const patched = await call('PATCH', `/api/storages/s3/${s.id}`, {
      title: 'Renamed',
      aws_session_token: '',
    });
    assert.equal(patched.statusCode, 200, patched.body);
    assert.equal(patched.json().title, 'Renamed');
    assert.deepEqual(patched.json().credentials_set, ['aws_access_key_id', 'aws_secret_access_key']);
    for (const url of [`/api/storages/s3?project=${project}`, `/api/storages?project=${project}`]) {
      const list = await call('GET', url);
      assert.equal(list.statusCode, 200);
      assert.ok(list.json().some((x: { id: number }) => x.id === s.id));
      assert.ok(!list.body.includes(SECRET));
    }
    assert.equal((await call('GET', `/api/storages/export/s3?project=${project}`)).json().length, 0);
    // The path's type and direction are part of the address.
    assert.equal((await call('GET', `/api/storages/gcs/${s.id}`)).statusCode, 404);
    assert.equal((await call('GET', `/api/storages/export/s3/${s.id}`)).statusCode, 404);
    assert.equal((await call('DELETE', `/api/storages/s3/${s.id}`)).statusCode, 204);
    assert.equal((await call('GET', `/api/storages/s3/${s.id}`)).statusCode, 404);
  });

  test('validate reaches the bucket, or says why not', async () => {
    const ok = await call('POST', '/api/storages/s3/validate', s3Fields());
    assert.equal(ok.statusCode, 200, ok.body);
    const noBucket = await call('POST', '/api/storages/s3/validate', s3Fields('no-such-bucket'));
    assert.equal(noBucket.statusCode, 400);
    assert.match(noBucket.json().error.message, /cannot be used/);
    const outside = await call('POST', '/api/storages/localfiles/validate', { project, path: scratch.dir });
    assert.equal(outside.statusCode, 400);
    assert.match(outside.body, /must be under/);
    const types = (await call('GET', '/api/storages/types')).json();
    assert.deepEqual(
      types.map((t: { name: string }) => t.name),
      ['s3', 'gcs', 'azure', 'redis', 'localfiles'],
    );
  });

  test('S3 sync: one task per matching object; a second sync adds only the new ones', async () => {
    const p = await projectWithConfig(app, ctx.database, owner, IMAGE_CONFIG);
    const client = s3Client();
    const put = (key: string) =>
      client.send(new PutObjectCommand({ Bucket: s3Bucket, Key: key, Body: 'x', ContentType: 'image/jpeg' }));
    for (let i = 0; i < 25; i++) await put(`sync/img-${String(i).padStart(2, '0')}.jpg`);
    await put('sync/readme.txt');
    const created = await call('POST', '/api/storages/s3', {
      ...s3Fields(),
      project: p,
      prefix: 'sync',
      regex_filter: '\\.jpg$',
      use_blob_urls: true,
    });
    assert.equal(created.statusCode, 201, created.body);
    const id = created.json().id;
    const queued = await call('POST', `/api/storages/s3/${id}/sync`);
    assert.equal(queued.statusCode, 200, queued.body);
    assert.ok(queued.json().last_sync_job);
    const first = await synced(`/api/storages/s3/${id}`);
    assert.equal(first.last_sync_count, 25);
    assert.equal(first.meta.objects_listed, 26);
    const job = (await call('GET', `/api/jobs/${first.last_sync_job}`)).json();
    assert.equal(job.state, 'succeeded', JSON.stringify(job));
    let tasks = await tasksOf(p);
    assert.equal(tasks.length, 25);
    assert.ok(tasks.some((t) => t.data.image === `s3://${s3Bucket}/sync/img-07.jpg`));
    for (let i = 25; i < 28; i++) await put(`sync/img-${i}.jpg`);
    await call('POST', `/api/storages/s3/${id}/sync`);
    const second = await eventually(async () => {
      const s = (await call('GET', `/api/storages/s3/${id}`)).json();
      return s.status === 'completed' && s.last_sync_job !== first.last_sync_job ? s : null;
    }, 'the second sync');
    assert.equal(second.last_sync_count, 3);
    tasks = await tasksOf(p);
    assert.equal(tasks.length, 28);
    assert.equal(new Set(tasks.map((t) => t.data.image)).size, 28);
  });

  test('JSON task files (Azure, Redis): one task per JSON task; a bad file is reported, not fatal', async () => {
    const p = await projectWithConfig(app, ctx.database, owner, IMAGE_CONFIG);
    const container = new BlobServiceClient(
      azure.endpoint,
      new StorageSharedKeyCredential(AZURITE_ACCOUNT, AZURITE_KEY),
    ).getContainerClient(`c-${ctx.kind}`);
    await container.create();
    const upload = (name: string, body: string) =>
      container.getBlockBlobClient(name).upload(body, Buffer.byteLength(body));
    await upload('tasks/a.json', JSON.stringify([{ data: { image: 'a1.jpg' } }, { image: 'a2.jpg' }]));
    await upload('tasks/b.json', JSON.stringify({ data: { image: 'b.jpg' }, meta: { source: 'b' } }));
    await upload('tasks/bad.json', '{not json');
    const res = await call('POST', '/api/storages/azure', {
      project: p,
      container: `c-${ctx.kind}`,
      prefix: 'tasks',
      account_name: AZURITE_ACCOUNT,
      account_key: AZURITE_KEY,
      azure_endpoint: azure.endpoint,
    });
    assert.equal(res.statusCode, 201, res.body);
    assert.equal(res.json().container, `c-${ctx.kind}`);
    await call('POST', `/api/storages/azure/${res.json().id}/sync`);
    const done = await synced(`/api/storages/azure/${res.json().id}`);
    assert.equal(done.last_sync_count, 3);
    assert.deepEqual(
      done.meta.errors.map((e: { key: string }) => e.key),
      ['tasks/bad.json'],
    );
    const images = (await tasksOf(p)).map((t) => t.data.image).sort();
    assert.deepEqual(images, ['a1.jpg', 'a2.jpg', 'b.jpg']);

    const prefix = redisPrefix();
    const redis = new Redis(REDIS);
    try {
      await redis.set(`${prefix}1`, JSON.stringify({ image: 'r1.jpg' }));
      await redis.set(`${prefix}2`, JSON.stringify({ data: { image: 'r2.jpg' } }));
      const r = await call('POST', '/api/storages/redis', { project: p, path: prefix, host: '127.0.0.1' });
      assert.equal(r.statusCode, 201, r.body);
      await call('POST', `/api/storages/redis/${r.json().id}/sync`);
      assert.equal((await synced(`/api/storages/redis/${r.json().id}`)).last_sync_count, 2);
      assert.equal((await tasksOf(p)).length, 5);
    } finally {
      const keys = await redis.keys(`${prefix}*`);
      if (keys.length) await redis.del(...keys);
      redis.disconnect();
    }
  });

  test('private objects: presigned redirect (S3), proxied bytes (GCS, presign off); only under the prefix', async () => {
    const p = await projectWithConfig(app, ctx.database, owner, IMAGE_CONFIG);
    await s3Client().send(
      new PutObjectCommand({
        Bucket: s3Bucket,
        Key: 'priv/cat.jpg',
        Body: 'meow',
        ContentType: 'image/jpeg',
      }),
    );
    await s3Client().send(new PutObjectCommand({ Bucket: s3Bucket, Key: 'other/dog.jpg', Body: 'woof' }));
    const s = (
      await call('POST', '/api/storages/s3', {
        ...s3Fields(),
        project: p,
        prefix: 'priv',
        use_blob_urls: true,
      })
    ).json();
    await call('POST', `/api/storages/s3/${s.id}/sync`);
    await synced(`/api/storages/s3/${s.id}`);
    const [task] = await tasksOf(p);
    assert.ok(task);
    const uri = task.data.image as string;
    const b64 = Buffer.from(uri).toString('base64');
    const res = await call('GET', `/api/tasks/${task.id}/presign?fileuri=${encodeURIComponent(b64)}`);
    assert.equal(res.statusCode, 303, res.body);
    const signed = await fetch(res.headers.location as string);
    assert.equal(await signed.text(), 'meow');
    const dog = `s3://${s3Bucket}/other/dog.jpg`;
    assert.equal(
      (await call('GET', `/api/projects/${p}/presign?fileuri=${encodeURIComponent(dog)}`)).statusCode,
      404,
    );
    assert.equal((await call('GET', `/api/tasks/${task.id}/presign?fileuri=nonsense`)).statusCode, 400);
    assert.equal((await call('GET', `/api/tasks/${task.id}/presign`)).statusCode, 400);
    assert.equal(
      (
        await call(
          'GET',
          `/api/tasks/${task.id}/presign?fileuri=${encodeURIComponent(uri)}`,
          undefined,
          other,
        )
      ).statusCode,
      404,
    );

    gcs.bucket('g').set('img/x.png', { body: Buffer.from('png-bytes'), type: 'image/png' });
    const g = await call('POST', '/api/storages/gcs', {
      project: p,
      bucket: 'g',
      prefix: 'img',
      use_blob_urls: true,
      gcs_endpoint: gcs.endpoint,
    });
    assert.equal(g.statusCode, 201, g.body);
    const proxied = await call(
      'GET',
      `/api/projects/${p}/presign?fileuri=${encodeURIComponent('gs://g/img/x.png')}`,
    );
    assert.equal(proxied.statusCode, 200, proxied.body);
    assert.equal(proxied.body, 'png-bytes');
    assert.equal(proxied.headers['content-type'], 'image/png');
    assert.match(String(proxied.headers['content-security-policy']), /sandbox/);
  });

  test('export storages: each saved annotation is written at once, and all of them on sync', async () => {
    const p = await projectWithConfig(app, ctx.database, owner, IMAGE_CONFIG);
    const dir = path.join(localRoot, `export-${p}`);
    mkdirSync(dir);
    const imported = await call('POST', `/api/projects/${p}/import?return_task_ids=true`, [
      { data: { image: 'a.jpg' }, annotations: [{ result: [] }] },
      { data: { image: 'b.jpg' } },
    ]);
    assert.equal(imported.statusCode, 201, imported.body);
    const [withAnnotation, plain] = imported.json().task_ids as number[];
    const e = await call('POST', '/api/storages/export/localfiles', { project: p, path: dir, prefix: 'out' });
    assert.equal(e.statusCode, 201, e.body);
    const annotation = await call('POST', `/api/tasks/${plain}/annotations`, { result: [] });
    assert.equal(annotation.statusCode, 201, annotation.body);
    const id = annotation.json().id;
    const written = await eventually(async () => {
      try {
        return JSON.parse(readFileSync(path.join(dir, 'out', String(id)), 'utf8'));
      } catch {
        return null;
      }
    }, 'the annotation object');
    assert.equal(written.id, id);
    assert.equal(written.task.id, plain);
    assert.equal(written.task.data.image, 'b.jpg');
    await call('POST', `/api/storages/export/localfiles/${e.json().id}/sync`);
    const done = await synced(`/api/storages/export/localfiles/${e.json().id}`);
    assert.equal(done.last_sync_count, 2);
    const other = (await call('GET', `/api/tasks/${withAnnotation}/annotations`)).json()[0];
    assert.equal(
      JSON.parse(readFileSync(path.join(dir, 'out', String(other.id)), 'utf8')).task.id,
      withAnnotation,
    );
  });

  test("another organization's storages and projects answer 404; annotators 403; bad input 400", async () => {
    const s = (await call('POST', '/api/storages/s3', s3Fields())).json();
    for (const [method, url, body] of [
      ['GET', `/api/storages/s3/${s.id}`],
      ['PATCH', `/api/storages/s3/${s.id}`, { title: 'x' }],
      ['DELETE', `/api/storages/s3/${s.id}`],
      ['POST', `/api/storages/s3/${s.id}/sync`],
      ['GET', `/api/storages/s3?project=${project}`],
      ['POST', '/api/storages/s3', s3Fields()],
      ['POST', '/api/storages/s3/validate', s3Fields()],
      ['POST', '/api/storages/s3/validate', { ...s3Fields(), id: s.id }],
    ] as const) {
      const res = await call(method, url, body, other);
      assert.equal(res.statusCode, 404, `${method} ${url}: ${res.body}`);
    }
    const annotator = await signUp(app);
    await addProjectMember(app, ctx.database, owner, project, annotator, 'annotator');
    const asAnnotator = { ...annotator, headers: inOrg(annotator, owner.orgId) };
    const denied = await call('GET', `/api/storages/s3?project=${project}`, undefined, asAnnotator);
    assert.equal(denied.statusCode, 403, denied.body);
    for (const [url, body, pattern] of [
      ['/api/storages/s3', { project, bucket: 'b', regex_filter: '([a-' }, /regex_filter/],
      ['/api/storages/s3', { project }, /bucket is required/],
      ['/api/storages/ftp', { project, bucket: 'b' }, /type/],
      ['/api/storages/s3', { project, bucket: 'b', presign_ttl: 0 }, /presign_ttl/],
      ['/api/storages/gcs', { project, bucket: 'b', google_application_credentials: 'nope' }, /JSON key/],
    ] as const) {
      const res = await call('POST', url, body);
      assert.equal(res.statusCode, 400, `${url}: ${res.body}`);
      assert.match(res.body, pattern);
    }
    // Without ?project=: every project B manages, none of A's.
    const mine = await call('GET', '/api/storages/s3', undefined, other);
    assert.equal(mine.statusCode, 200);
    assert.deepEqual(mine.json(), []);
    assert.ok((await call('GET', '/api/storages/s3')).json().some((x: { id: number }) => x.id === s.id));
    await call('POST', `/api/storages/s3/${s.id}/sync`);
    const again = await call('POST', `/api/storages/s3/${s.id}/sync`);
    assert.ok([200, 409].includes(again.statusCode), again.body);
  });
});
