// Test data: one row in each annotation table for createFullTenant (test/factories.ts).
import type { Tx } from '../src/db/scope.ts';

/** One row in each annotation-module table, for the isolation and migration tests. */
export async function fillAnnotationTables(
  tx: Tx,
  o: number,
  projectId: number,
  userId: number,
  fileId: number,
) {
  const p = { organization_id: o, project_id: projectId };
  await tx
    .insertInto('annotation_settings')
    .values({ ...p, label_config: '<View><Text name="t" value="$text"/></View>' })
    .execute();
  const imp = await tx
    .insertInto('imports')
    .values({ ...p, created_by: userId, file_upload_ids: [fileId] })
    .returning('id')
    .executeTakeFirstOrThrow();
  const task = await tx
    .insertInto('tasks')
    .values({
      ...p,
      inner_id: 1,
      data: JSON.stringify({ text: 'hello' }),
      import_id: imp.id,
      file_upload_id: fileId,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  const t = { ...p, task_id: task.id };
  const ann = await tx
    .insertInto('annotations')
    .values({ ...t, completed_by: userId, result: JSON.stringify([]) })
    .returning('id')
    .executeTakeFirstOrThrow();
  await tx
    .insertInto('predictions')
    .values({ ...t, result: JSON.stringify([]), score: 0.5, model_version: 'v1' })
    .execute();
  // Cloud storages (modules/storages): an import storage with a linked task, an export storage with a
  // written annotation.
  const storages = await tx
    .insertInto('storages')
    .values([
      { ...p, direction: 'import', type: 's3', bucket: 'in', credentials: 'v1.a.b.c' },
      { ...p, direction: 'export', type: 'gcs', bucket: 'out' },
    ])
    .returning('id')
    .execute();
  await tx
    .insertInto('storage_import_links')
    .values({ organization_id: o, storage_id: storages[0]!.id, task_id: task.id, key: 'a.jpg' })
    .execute();
  await tx
    .insertInto('storage_export_links')
    .values({ organization_id: o, storage_id: storages[1]!.id, annotation_id: ann.id, key: String(ann.id) })
    .execute();
  await tx
    .insertInto('annotation_drafts')
    .values({ ...t, user_id: userId, annotation_id: ann.id })
    .execute();
  await tx
    .insertInto('task_locks')
    .values({ ...t, user_id: userId, expire_at: new Date(Date.now() + 60_000) })
    .execute();
  await tx
    .insertInto('task_comments')
    .values({ ...t, annotation_id: ann.id, user_id: userId, text: 'check this' })
    .execute();
  const flag = await tx
    .insertInto('flags')
    .values({ organization_id: o, title: 'blurry' })
    .returning('id')
    .executeTakeFirstOrThrow();
  await tx
    .insertInto('task_flags')
    .values({ organization_id: o, task_id: task.id, flag_id: flag.id, created_by: userId })
    .execute();
  const tag = await tx
    .insertInto('tags')
    .values({ organization_id: o, title: 'pilot' })
    .returning('id')
    .executeTakeFirstOrThrow();
  await tx
    .insertInto('project_tags')
    .values({ ...p, tag_id: tag.id })
    .execute();
  const label = await tx
    .insertInto('label_library')
    .values({ organization_id: o, title: 'Car', value: JSON.stringify({ value: 'Car' }), created_by: userId })
    .returning('id')
    .executeTakeFirstOrThrow();
  await tx
    .insertInto('label_links')
    .values({ ...p, label_id: label.id, from_name: 'label' })
    .execute();
  await tx.insertInto('project_summaries').values(p).execute();
  await tx
    .insertInto('dm_views')
    .values({ ...p, user_id: userId, data: JSON.stringify({ title: 'Default' }) })
    .execute();
  const exp = await tx
    .insertInto('exports')
    .values({ ...p, created_by: userId })
    .returning('id')
    .executeTakeFirstOrThrow();
  await tx
    .insertInto('export_conversions')
    .values({ organization_id: o, export_id: exp.id, export_type: 'COCO' })
    .execute();
  await tx
    .insertInto('label_stream_history')
    .values({ ...p, user_id: userId, data: JSON.stringify([task.id]) })
    .execute();
}
