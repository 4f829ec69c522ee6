// Private bucket objects for the labeling frontend (Label Studio's /tasks/{id}/presign and
// /projects/{id}/presign ?fileuri=): the URI in task data (s3://bucket/key...) is matched to one of the
// project's import storages, and the answer is a redirect to a presigned URL (S3, Azure, with presign on) or
// the object's bytes proxied through the server (GCS, Redis, local files, or presign off). Only objects under
// the storage's prefix are served, to people who may read the project's tasks.
import { inScope } from '../../db/scope.ts';
import { authorize } from '../../platform/access/access.ts';
import type { Actor } from '../../platform/auth/actor.ts';
import type { Deps } from '../../platform/deps.ts';
import { AppError } from '../../platform/errors.ts';
import { memberScope } from '../../platform/unit-of-work.ts';
import { taskProject } from '../annotation/index.ts';
import { folder, openClient, type StoredObject } from './providers/index.ts';
import { providerOptions } from './storages.fields.ts';
import { importStoragesOf } from './storages.repo.ts';

const SCHEMES: Record<string, string> = {
  s3: 's3://',
  gcs: 'gs://',
  azure: 'azure-blob://',
  redis: 'redis://',
  localfiles: 'local://',
};

/** Label Studio sends the URI base64-encoded; a plain URI is taken as it is. */
function decodeUri(fileuri: string): string {
  if (/^[a-z][a-z0-9+.-]*:\/\//.test(fileuri)) return fileuri;
  const decoded = Buffer.from(fileuri, 'base64').toString('utf8');
  if (/^[a-z][a-z0-9+.-]*:\/\//.test(decoded)) return decoded;
  throw new AppError('validation_failed', 'fileuri is not a storage URI (s3://bucket/key, plain or base64)', [
    { in: 'querystring', field: 'fileuri', message: 'not a storage URI' },
  ]);
}

export type Resolved = { redirect: string } | { object: StoredObject };

export function createResolver(deps: Pick<Deps, 'database' | 'config' | 'secrets'>) {
  const { database, config, secrets } = deps;
  const net = { allowPrivate: config.WEBHOOK_ALLOW_PRIVATE, localRoot: config.STORAGE_LOCAL_ROOT ?? null };
  return async function resolve(
    actor: Actor,
    target: { taskId: number } | { projectId: number },
    fileuri: string | undefined,
  ): Promise<Resolved> {
    const storages = await inScope(database.db, memberScope(actor), async (tx) => {
      const projectId = 'taskId' in target ? await taskProject(tx, target.taskId) : target.projectId;
      if (projectId === null) throw new AppError('not_found', 'task not found');
      await authorize(tx, actor, 'tasks.read', [projectId]);
      return importStoragesOf(tx, projectId);
    });
    if (!fileuri)
      throw new AppError('validation_failed', 'fileuri is required', [
        { in: 'querystring', field: 'fileuri', message: 'is required' },
      ]);
    const uri = decodeUri(fileuri);
    const missing = new AppError('not_found', 'no storage of the project holds this object');
    for (const row of storages) {
      if (!uri.startsWith(SCHEMES[row.type]!)) continue;
      let client: Awaited<ReturnType<typeof openClient>>;
      try {
        client = await openClient(providerOptions(row, secrets.dataKey), net);
      } catch {
        continue;
      }
      let handedOver = false;
      try {
        const key = client.keyOf(uri);
        if (key === null || !key.startsWith(folder(row.prefix))) continue;
        if (row.presign) {
          const url = await client.presign(key, row.presign_ttl * 60);
          if (url) return { redirect: url };
        }
        const object = await client.get(key);
        if (!object) throw missing;
        handedOver = true;
        object.body.once('close', () => void client.close().catch(() => {}));
        return { object };
      } finally {
        if (!handedOver) await client.close().catch(() => {});
      }
    }
    throw missing;
  };
}
