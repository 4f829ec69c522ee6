// Cloud storages (seed 003, Label Studio's io_storages): import storages whose objects become tasks, export
// storages that receive annotations, for S3, GCS, Azure Blob, Redis and local files (providers/), with the sync
// job, the export on save, and the presign/proxy endpoints for private objects.
import type { Deps } from '../../platform/deps.ts';
import type { App } from '../../platform/http/app-types.ts';
import { createResolver } from './storages.resolve.ts';
import { storagesRoutes } from './storages.routes.ts';
import { createStoragesService, SYNC_JOB } from './storages.service.ts';
import { createSyncer, EXPORT_TASK, type ExportPayload } from './storages.sync.ts';

export { withStorageExports } from './storages.sync.ts';

export function storagesModule(app: App, deps: Deps): void {
  const syncer = createSyncer(deps);
  deps.jobs.define<{ storage_id: number }>({
    kind: SYNC_JOB,
    handler: (ctx) => syncer.run(ctx),
    retryLimit: 2,
    expireInSeconds: 12 * 3600,
  });
  deps.jobs.defineTask<ExportPayload>({
    kind: EXPORT_TASK,
    retryLimit: 5,
    retryDelay: 10,
    handler: ({ payload, organizationId }) => syncer.exportAnnotations(organizationId, payload),
  });
  storagesRoutes(app, createStoragesService(deps), createResolver(deps));
}
