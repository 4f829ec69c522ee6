// Test data: one row in each photos table for createFullTenant (test/factories.ts).
import { randomUUID } from 'node:crypto';
import type { Tx } from '../src/db/scope.ts';
import { sha256 } from './factories.ts';

/** One row in each photos table (migration 0010), and a job role. */
export async function fillPhotoTables(tx: Tx, o: number, projectId: number, userId: number, fileId: number) {
  const p = { organization_id: o, project_id: projectId };
  await tx
    .updateTable('organization_members')
    .set({ job_role: 'project_manager' })
    .where('organization_id', '=', o)
    .where('user_id', '=', userId)
    .execute();
  const photo = await tx
    .insertInto('photos')
    .values({
      ...p,
      file_id: fileId,
      uploaded_by: userId,
      storage_key: `blobs/${randomUUID()}`,
      original_name: 'roof.jpg',
      mime_type: 'image/jpeg',
      size_bytes: 10,
      sha256: sha256('photo'),
      captured_at: new Date('2024-05-06T07:08:09Z'),
      latitude: 40.44,
      longitude: -79.99,
      exif: JSON.stringify({ Make: 'Test' }),
      status: 'processed',
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  const detector = await tx
    .insertInto('photo_detectors')
    .values({ ...p, name: 'quality', kind: 'image_quality', created_by: userId })
    .returning('id')
    .executeTakeFirstOrThrow();
  const detection = await tx
    .insertInto('detections')
    .values({
      ...p,
      photo_id: photo.id,
      detector_id: detector.id,
      detection_type: 'damage',
      model_name: 'test',
      results: JSON.stringify({ regions: [{ label: 'crack', box: { x: 0, y: 0, width: 1, height: 1 } }] }),
      confidence: 0.5,
      processing_time_ms: 12,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  await tx
    .insertInto('detection_history')
    .values({
      organization_id: o,
      detection_id: detection.id,
      action: 'corrected',
      previous_results: JSON.stringify({ regions: [] }),
      changed_by: userId,
    })
    .execute();
  const tag = await tx
    .insertInto('photo_tag_catalog')
    .values({ ...p, name: 'crack', source: 'ai', color: '#ff0000' })
    .returning('id')
    .executeTakeFirstOrThrow();
  await tx
    .insertInto('photo_tags')
    .values({
      organization_id: o,
      photo_id: photo.id,
      tag_id: tag.id,
      source: 'ai',
      detection_id: detection.id,
    })
    .execute();
  await tx
    .insertInto('photo_share_links')
    .values({
      ...p,
      token_hash: sha256(randomUUID()),
      photo_ids: [photo.id],
      created_by: userId,
      expires_at: new Date(Date.now() + 86400e3),
    })
    .execute();
}
