// The photos module (seed 004): site photos with EXIF and thumbnails, AI detections with review, tags, share
// links, exports. Bytes live in the blob store through files rows; work after upload runs as jobs.
import multipart from '@fastify/multipart';
import type { Deps } from '../../platform/deps.ts';
import type { App } from '../../platform/http/app-types.ts';
import { collectionsRoutes } from './collections.routes.ts';
import { detectionsRoutes } from './detections.routes.ts';
import { createDetectionsService } from './detections.service.ts';
import { createExporter } from './export.ts';
import { definePhotoJobs } from './photos.jobs.ts';
import { photosRoutes } from './photos.routes.ts';
import { createPhotosService } from './photos.service.ts';
import { createShareService } from './share.service.ts';
import { createTagsService } from './tags.service.ts';

export type { PhotoRecord, PhotosService } from './photos.service.ts';

export async function photosModule(app: App, deps: Deps): Promise<void> {
  const photos = createPhotosService(deps);
  definePhotoJobs(deps);
  // Encapsulated: multipart body handling applies to these routes only.
  await app.register(async (scope: App) => {
    await scope.register(multipart, {
      throwFileSizeLimit: true,
      // One byte over, so the blob store's own limit (with our error) is what stops a photo.
      limits: { fileSize: photos.maxBytes + 1, files: 1, fields: 0, parts: 2, fieldSize: 1024 },
    });
    photosRoutes(scope, photos);
  });
  detectionsRoutes(app, createDetectionsService(deps), deps.database);
  collectionsRoutes(app, createTagsService(deps), createShareService(deps, photos), createExporter(deps));
}
