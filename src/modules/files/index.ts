// The files module: resumable (tus) and plain uploads into the blob store, and the files they become.
import path from 'node:path';
import multipart from '@fastify/multipart';
import type { Deps } from '../../platform/deps.ts';
import type { App } from '../../platform/http/app-types.ts';
import { filesRoutes, MAX_PARTS } from './files.routes.ts';
import { createFilesService } from './files.service.ts';
import { uploadRoutes } from './uploads.routes.ts';

export type { FileRecord, FilesService, StorageQuota } from './files.service.ts';
export { FILE_ID_HEADER, ORG as TUS_ORG_KEY, OWNER as TUS_OWNER_KEY } from './uploads.routes.ts';

/** Where unfinished tus uploads live (one FileStore directory, shared with upload sessions). */
export const uploadsDirectory = (config: Pick<Deps['config'], 'DATA_DIR'>) =>
  path.resolve(config.DATA_DIR, 'uploads');

// Until config.ts carries them (UPLOAD_MAX_BYTES, FILE_MAX_BYTES, UPLOAD_EXPIRY_S), these are the limits.
export const UPLOAD_MAX_BYTES = 5 * 1024 ** 3;
const FILE_MAX_BYTES = 100 * 1024 ** 2;
const UPLOAD_EXPIRY_MS = 7 * 24 * 3600 * 1000;

export async function filesModule(app: App, deps: Deps) {
  const limits = { uploadMaxBytes: UPLOAD_MAX_BYTES, fileMaxBytes: FILE_MAX_BYTES };
  const files = createFilesService(deps, limits);
  // Encapsulated: the multipart and tus body handling apply to these routes only.
  await app.register(async (scope: App) => {
    await scope.register(multipart, {
      throwFileSizeLimit: true,
      limits: {
        // One byte over, so the blob store's own limit (with our error) is what stops a file.
        fileSize: limits.fileMaxBytes + 1,
        files: MAX_PARTS.files,
        fields: MAX_PARTS.fields,
        parts: MAX_PARTS.files + MAX_PARTS.fields,
        fieldSize: 1024,
      },
    });
    filesRoutes(scope, files);
    uploadRoutes(scope, files, {
      directory: uploadsDirectory(deps.config),
      maxBytes: limits.uploadMaxBytes,
      expirationMs: UPLOAD_EXPIRY_MS,
    });
  });
  return { useStorageQuota: files.useStorageQuota };
}

// For modules whose records own files (photos): storing bytes, and the files rows and blob lifetime rules.
export { detectMimeType, storeWithHead } from './detect.ts';
export {
  type FileRow,
  findByUploadId,
  findFile,
  hasBlobRefs,
  insertCompanions,
  insertFile,
  keysInUseHere,
  markDeleted,
  type NewFile,
  unreferencedKeys,
} from './files.repo.ts';
