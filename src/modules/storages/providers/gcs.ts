// Google Cloud Storage through its JSON API (no SDK: the calls are four plain HTTP requests). Credentials are
// a service account's JSON key (google_application_credentials): a JWT signed with its private key is traded
// for an access token at its token_uri. Without credentials the bucket is read anonymously (public buckets).
// `gcs_endpoint` (a setting, default https://storage.googleapis.com) points at an emulator or a fake.
// Objects are proxied, not presigned (V4 signing of GCS URLs is not implemented yet).
import { createSign } from 'node:crypto';
import { checkEndpoint, request, text } from './net.ts';
import {
  bucketUris,
  folder,
  type Network,
  ProviderError,
  type ProviderOptions,
  type StorageClient,
  str,
} from './types.ts';

interface ServiceAccount {
  client_email: string;
  private_key: string;
  token_uri: string;
}

function serviceAccount(json: string | undefined): ServiceAccount | null {
  if (!json) return null;
  let v: Partial<ServiceAccount>;
  try {
    v = JSON.parse(json);
  } catch {
    throw new ProviderError('google_application_credentials is not JSON');
  }
  if (typeof v?.client_email !== 'string' || typeof v.private_key !== 'string')
    throw new ProviderError('google_application_credentials needs client_email and private_key');
  return {
    client_email: v.client_email,
    private_key: v.private_key,
    token_uri: typeof v.token_uri === 'string' ? v.token_uri : 'https://oauth2.googleapis.com/token',
  };
}

const b64 = (v: string | Buffer) => Buffer.from(v).toString('base64url');

export async function gcsClient(o: ProviderOptions, net: Network): Promise<StorageClient> {
  const base = (str(o.settings.gcs_endpoint) ?? 'https://storage.googleapis.com').replace(/\/+$/, '');
  await checkEndpoint(base, net.allowPrivate, 'gcs_endpoint');
  const account = serviceAccount(o.credentials.google_application_credentials);
  if (account) await checkEndpoint(account.token_uri, net.allowPrivate, 'token_uri');
  let token: { value: string; until: number } | null = null;

  async function auth(): Promise<Record<string, string>> {
    if (!account) return {};
    if (!token || token.until < Date.now() + 60_000) {
      const now = Math.floor(Date.now() / 1000);
      const claims = {
        iss: account.client_email,
        scope: 'https://www.googleapis.com/auth/devstorage.read_write',
        aud: account.token_uri,
        iat: now,
        exp: now + 3600,
      };
      const unsigned = `${b64(JSON.stringify({ alg: 'RS256', typ: 'JWT' }))}.${b64(JSON.stringify(claims))}`;
      let signature: string;
      try {
        signature = createSign('RSA-SHA256').update(unsigned).sign(account.private_key, 'base64url');
      } catch {
        throw new ProviderError('google_application_credentials: the private_key is not a valid RSA key');
      }
      const res = await request(account.token_uri, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({
          grant_type: 'urn:ietf:params:oauth:grant-type:jwt-bearer',
          assertion: `${unsigned}.${signature}`,
        }).toString(),
        allowPrivate: net.allowPrivate,
      });
      const body = await text(res.body, 1024 * 1024);
      if (res.status !== 200) throw new ProviderError(`the token endpoint answered HTTP ${res.status}`);
      const parsed = JSON.parse(body) as { access_token?: string; expires_in?: number };
      if (!parsed.access_token) throw new ProviderError('the token endpoint gave no access_token');
      token = { value: parsed.access_token, until: Date.now() + (parsed.expires_in ?? 3600) * 1000 };
    }
    return { authorization: `Bearer ${token.value}` };
  }

  const bucket = encodeURIComponent(o.bucket);
  const objectUrl = (key: string) => `${base}/storage/v1/b/${bucket}/o/${encodeURIComponent(key)}`;
  async function call(
    url: string,
    init: { method?: string; body?: string; headers?: Record<string, string> },
  ) {
    const res = await request(url, {
      ...init,
      headers: { ...init.headers, ...(await auth()) },
      allowPrivate: net.allowPrivate,
    });
    return res;
  }
  const failed = async (what: string, res: { status: number; body: NodeJS.ReadableStream }) => {
    const detail = await text(res.body as never, 64 * 1024).catch(() => '');
    return new ProviderError(`GCS ${what} answered HTTP ${res.status} ${detail.slice(0, 200)}`.trim());
  };
  const prefix = folder(o.prefix);

  return {
    ...bucketUris('gs', o.bucket),
    async *pages(pageSize) {
      let pageToken: string | undefined;
      do {
        const q = new URLSearchParams({ maxResults: String(pageSize), fields: 'items(name),nextPageToken' });
        if (prefix) q.set('prefix', prefix);
        if (!o.recursiveScan) q.set('delimiter', '/');
        if (pageToken) q.set('pageToken', pageToken);
        const res = await call(`${base}/storage/v1/b/${bucket}/o?${q}`, {});
        if (res.status !== 200) throw await failed('listing', res);
        const page = JSON.parse(await text(res.body)) as {
          items?: { name: string }[];
          nextPageToken?: string;
        };
        const keys = (page.items ?? []).map((i) => i.name).filter((k) => !k.endsWith('/'));
        if (keys.length > 0) yield keys;
        pageToken = page.nextPageToken;
      } while (pageToken);
    },
    async get(key) {
      const res = await call(`${objectUrl(key)}?alt=media`, {});
      if (res.status === 404) {
        res.body.resume();
        return null;
      }
      if (res.status !== 200) throw await failed('download', res);
      const size = Number(res.headers['content-length']);
      return {
        body: res.body,
        contentType: res.headers['content-type'] ?? null,
        size: Number.isFinite(size) ? size : null,
      };
    },
    async put(key, body, contentType) {
      const q = new URLSearchParams({ uploadType: 'media', name: key });
      const res = await call(`${base}/upload/storage/v1/b/${bucket}/o?${q}`, {
        method: 'POST',
        body,
        headers: { 'content-type': contentType },
      });
      if (res.status !== 200) throw await failed('upload', res);
      res.body.resume();
    },
    async remove(key) {
      const res = await call(objectUrl(key), { method: 'DELETE' });
      if (res.status !== 204 && res.status !== 200 && res.status !== 404) throw await failed('delete', res);
      res.body.resume();
    },
    presign: async () => null,
    async close() {},
  };
}
