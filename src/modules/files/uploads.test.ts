// tus uploads over real HTTP with tus-js-client (the client Uppy uses): chunked uploads become files, an
// interrupted upload resumes where it stopped, limits and ownership hold, and nobody else can touch it.
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import * as tus from 'tus-js-client';
import { createTestApp } from '../../../test/app.ts';
import { forEachDatabase } from '../../../test/harness.ts';
import { apiKeyFor, inOrg, type Person, signUp } from '../../../test/http-factories.ts';
import type { App } from '../../platform/http/app-types.ts';
import { PNG_HEADER } from './files.test-kit.ts';

const CHUNK = 256 * 1024;
const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');
const errorOf = async (res: Response) =>
  ((await res.json()) as { error: { code: string; message: string; details: unknown } }).error;

/** Remembers upload URLs by fingerprint, as the browser's localStorage does for Uppy. */
class MemoryUrlStorage implements tus.UrlStorage {
  private uploads = new Map<string, tus.PreviousUpload & { fingerprint: string }>();
  async findAllUploads() {
    return [...this.uploads.values()];
  }
  async findUploadsByFingerprint(fingerprint: string) {
    return [...this.uploads.values()].filter((u) => u.fingerprint === fingerprint);
  }
  async removeUpload(key: string) {
    this.uploads.delete(key);
  }
  async addUpload(fingerprint: string, upload: tus.PreviousUpload) {
    const key = `tus::${fingerprint}::${this.uploads.size}`;
    this.uploads.set(key, { ...upload, urlStorageKey: key, fingerprint });
    return key;
  }
}

interface Sent {
  upload: tus.Upload;
  fileId: number | null;
  requests: { method: string; offset: string | undefined }[];
}

forEachDatabase('tus uploads', (ctx) => {
  let app: App;
  let base: string;
  let owner: Person;
  let stranger: Person;
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'gt-uploads-'));

  before(async () => {
    app = await createTestApp(ctx.database, { DATA_DIR: dataDir });
    await app.listen({ port: 0, host: '127.0.0.1' });
    const address = app.server.address() as { port: number };
    base = `http://127.0.0.1:${address.port}`;
    await signUp(app);
    owner = await signUp(app);
    stranger = await signUp(app);
  });
  after(async () => {
    await app.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  function options(person: Person, bytes: Buffer, extra: Partial<tus.UploadOptions> = {}) {
    const requests: Sent['requests'] = [];
    let fileId: number | null = null;
    const opts: tus.UploadOptions = {
      endpoint: `${base}/api/uploads`,
      chunkSize: CHUNK,
      retryDelays: null,
      headers: person.headers,
      metadata: { filename: 'survey.bin', filetype: 'application/octet-stream' },
      onBeforeRequest: (req) => {
        requests.push({ method: req.getMethod(), offset: req.getHeader('Upload-Offset') });
      },
      onAfterResponse: (_req, res) => {
        const id = res.getHeader('Groundtruth-File-Id');
        if (id) fileId = Number(id);
      },
      ...extra,
    };
    return { opts, requests, fileId: () => fileId, bytes };
  }

  function send(person: Person, bytes: Buffer, extra: Partial<tus.UploadOptions> = {}): Promise<Sent> {
    const o = options(person, bytes, extra);
    return new Promise((resolve, reject) => {
      const upload = new tus.Upload(bytes, {
        ...o.opts,
        onError: reject,
        onSuccess: () => resolve({ upload, fileId: o.fileId(), requests: o.requests }),
      });
      upload.start();
    });
  }

  const uploadIdOf = (url: string | null) => url!.split('/').pop()!;
  const api = (person: Person, url: string, headers: Record<string, string> = {}) =>
    app.inject({ method: 'GET', url, headers: { ...person.headers, ...headers } });
  const tusCall = (method: string, url: string, headers: Record<string, string>, body?: Buffer) =>
    fetch(`${base}${url}`, {
      method,
      headers: { 'tus-resumable': '1.0.0', ...headers },
      ...(body && { body }),
    });

  test('a few MB in 256 KiB chunks become a file with the right bytes', async () => {
    const bytes = randomBytes(3 * 1024 * 1024 + 12_345);
    const sent = await send(owner, bytes);
    assert.equal(sent.requests.filter((r) => r.method === 'PATCH').length, Math.ceil(bytes.length / CHUNK));
    assert.ok(sent.fileId, 'the last PATCH names the file');
    const uploadId = uploadIdOf(sent.upload.url);

    const byUpload = await api(owner, `/api/uploads/${uploadId}/file`);
    assert.equal(byUpload.statusCode, 200, byUpload.body);
    const file = byUpload.json();
    assert.equal(file.id, sent.fileId);
    assert.equal(file.size, bytes.length);
    assert.equal(file.sha256, sha(bytes));
    assert.equal(file.name, 'survey.bin');
    assert.equal(file.mime_type, 'application/octet-stream');
    assert.equal(file.uploaded_by, owner.id);

    const content = await api(owner, `/api/files/${file.id}/content`);
    assert.equal(content.statusCode, 200);
    assert.equal(content.headers['content-length'], String(bytes.length));
    assert.ok(content.rawPayload.equals(bytes), 'downloaded bytes are identical');
    const range = await api(owner, `/api/files/${file.id}/content`, { range: 'bytes=1000000-1999999' });
    assert.equal(range.statusCode, 206);
    assert.ok(range.rawPayload.equals(bytes.subarray(1_000_000, 2_000_000)));

    assert.equal(existsSync(path.join(dataDir, 'uploads', uploadId)), false, 'the tus copy is gone');
    const head = await tusCall('HEAD', `/api/uploads/${uploadId}`, owner.headers);
    assert.equal(head.status, 404);
  });

  test('an interrupted upload resumes from its offset (same fingerprint) and completes', async () => {
    const bytes = randomBytes(2 * 1024 * 1024 + 777);
    const urlStorage = new MemoryUrlStorage();
    const first = options(owner, bytes, { urlStorage, storeFingerprintForResuming: true });
    const stopped = await new Promise<tus.Upload>((resolve, reject) => {
      let chunks = 0;
      const upload: tus.Upload = new tus.Upload(bytes, {
        ...first.opts,
        onError: reject,
        onSuccess: () => reject(new Error('should have been interrupted')),
        onChunkComplete: () => {
          chunks += 1;
          if (chunks === 3) upload.abort().then(() => resolve(upload), reject);
        },
      });
      upload.start();
    });
    const uploadId = uploadIdOf(stopped.url);
    const head = await tusCall('HEAD', `/api/uploads/${uploadId}`, owner.headers);
    assert.equal(head.status, 200);
    const offset = Number(head.headers.get('upload-offset'));
    assert.ok(offset >= 3 * CHUNK && offset < bytes.length, `offset ${offset}`);
    const unfinished = await api(owner, `/api/uploads/${uploadId}/file`);
    assert.equal(unfinished.statusCode, 409);

    const second = options(owner, bytes, { urlStorage });
    const resumed = await new Promise<Sent>((resolve, reject) => {
      const upload = new tus.Upload(bytes, {
        ...second.opts,
        onError: reject,
        onSuccess: () => resolve({ upload, fileId: second.fileId(), requests: second.requests }),
      });
      upload.findPreviousUploads().then((previous) => {
        assert.equal(previous.length, 1);
        upload.resumeFromPreviousUpload(previous[0]!);
        upload.start();
      }, reject);
    });
    assert.equal(resumed.upload.url, stopped.url, 'the same upload continued');
    assert.equal(resumed.requests[0]?.method, 'HEAD');
    assert.ok(!resumed.requests.some((r) => r.method === 'POST'), 'no new upload was created');
    assert.equal(resumed.requests.find((r) => r.method === 'PATCH')?.offset, String(offset));
    const file = (await api(owner, `/api/files/${resumed.fileId}`)).json();
    assert.equal(file.sha256, sha(bytes));
    assert.equal(file.size, bytes.length);
  });

  test('Uppy-style: API key header, creation with upload, type from the bytes, into a project', async () => {
    const key = await apiKeyFor(app, owner);
    const project = await app.inject({
      method: 'POST',
      url: '/api/projects',
      headers: owner.headers,
      payload: { title: 'roof survey' },
    });
    const projectId = project.json().id as number;
    const bytes = Buffer.concat([PNG_HEADER, randomBytes(1000)]);
    const sent = await send(owner, bytes, {
      headers: { 'X-API-KEY': key },
      uploadDataDuringCreation: true,
      metadata: { filename: 'photo.csv', filetype: 'text/csv', project_id: String(projectId) },
    });
    assert.deepEqual(
      sent.requests.map((r) => r.method),
      ['POST'],
    );
    const file = (await api(owner, `/api/files/${sent.fileId}`)).json();
    assert.equal(file.mime_type, 'image/png');
    assert.equal(file.project, projectId);
    const listed = await api(owner, `/api/files?project=${projectId}`);
    assert.deepEqual(
      listed.json().results.map((f: { id: number }) => f.id),
      [sent.fileId],
    );
  });

  test('an Upload-Length over the limit is refused at creation with 413; OPTIONS tells the limit', async () => {
    const res = await tusCall('POST', '/api/uploads', {
      ...owner.headers,
      'upload-length': String(6 * 1024 ** 3),
      'upload-metadata': `filename ${Buffer.from('huge.bin').toString('base64')}`,
    });
    assert.equal(res.status, 413);
    assert.equal((await errorOf(res)).code, 'payload_too_large');
    const discovery = await fetch(`${base}/api/uploads`, { method: 'OPTIONS' });
    assert.equal(discovery.status, 204);
    assert.equal(discovery.headers.get('tus-max-size'), String(5 * 1024 ** 3));
    assert.match(String(discovery.headers.get('tus-extension')), /creation.*termination/);
  });

  test('only the person who started an upload may inspect, continue or end it', async () => {
    const colleague = await signUp(app);
    const { upload } = await new Promise<{ upload: tus.Upload }>((resolve, reject) => {
      const bytes = randomBytes(CHUNK * 2);
      const o = options(owner, bytes);
      const upload: tus.Upload = new tus.Upload(bytes, {
        ...o.opts,
        onError: reject,
        onChunkComplete: () => upload.abort().then(() => resolve({ upload }), reject),
      });
      upload.start();
    });
    const id = uploadIdOf(upload.url);
    const url = `/api/uploads/${id}`;
    for (const headers of [stranger.headers, inOrg(stranger, owner.orgId), colleague.headers]) {
      assert.equal((await tusCall('HEAD', url, headers)).status, 404);
      const patch = await tusCall(
        'PATCH',
        url,
        { ...headers, 'upload-offset': String(CHUNK), 'content-type': 'application/offset+octet-stream' },
        randomBytes(10),
      );
      assert.equal(patch.status, 404);
      assert.equal((await errorOf(patch)).code, 'not_found');
      assert.equal((await tusCall('DELETE', url, headers)).status, 404);
      assert.equal((await api(stranger, `${url}/file`, headers)).statusCode, 404);
    }
    const head = await tusCall('HEAD', url, owner.headers);
    assert.equal(head.headers.get('upload-offset'), String(CHUNK), 'untouched by the others');
    const ended = await tusCall('DELETE', url, owner.headers);
    assert.equal(ended.status, 204);
    assert.equal((await tusCall('HEAD', url, owner.headers)).status, 404);
    assert.equal((await tusCall('HEAD', url, {})).status, 401);
  });

  test("another organization's person cannot read the finished file", async () => {
    const sent = await send(owner, randomBytes(5000));
    for (const headers of [stranger.headers, inOrg(stranger, owner.orgId)]) {
      for (const url of [`/api/files/${sent.fileId}`, `/api/files/${sent.fileId}/content`]) {
        const res = await app.inject({ method: 'GET', url, headers });
        assert.equal(res.statusCode, 404, url);
      }
      const byUpload = await app.inject({
        method: 'GET',
        url: `/api/uploads/${uploadIdOf(sent.upload.url)}/file`,
        headers,
      });
      assert.equal(byUpload.statusCode, 404);
    }
  });

  test('bad input: foreign or malformed project_id, bad metadata, malformed multipart', async () => {
    const foreignProject = (
      await app.inject({
        method: 'POST',
        url: '/api/projects',
        headers: stranger.headers,
        payload: { title: 'theirs' },
      })
    ).json().id;
    const meta = (pairs: Record<string, string>) =>
      Object.entries(pairs)
        .map(([k, v]) => `${k} ${Buffer.from(v).toString('base64')}`)
        .join(',');
    const create = (metadata: string) =>
      tusCall('POST', '/api/uploads', {
        ...owner.headers,
        'upload-length': '10',
        'upload-metadata': metadata,
      });
    const foreign = await create(meta({ filename: 'a.csv', project_id: String(foreignProject) }));
    assert.equal(foreign.status, 404);
    assert.equal((await errorOf(foreign)).code, 'not_found');
    const notInt = await create(meta({ filename: 'a.csv', project_id: '12abc' }));
    assert.equal(notInt.status, 400);
    assert.equal((await errorOf(notInt)).code, 'validation_failed');
    const garbled = await create('filename ***not base64***,,,');
    assert.equal(garbled.status, 400);
    const noVersion = await fetch(`${base}/api/uploads`, {
      method: 'POST',
      headers: { ...owner.headers, 'upload-length': '10' },
    });
    assert.equal(noVersion.status, 412);
    assert.equal(typeof (await errorOf(noVersion)).message, 'string');
    const badId = await tusCall('HEAD', '/api/uploads/..%2Fetc', owner.headers);
    assert.equal(badId.status, 400);

    const broken = await fetch(`${base}/api/files`, {
      method: 'POST',
      headers: { ...owner.headers, 'content-type': 'multipart/form-data; boundary=zzz' },
      body: '--zzz\r\nContent-Disposition: form-data; name="file"; filename="a.csv"\r\n\r\nabc',
    });
    assert.equal(broken.status, 400);
    assert.equal((await errorOf(broken)).code, 'bad_request');
  });
});
