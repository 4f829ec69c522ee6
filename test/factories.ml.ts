// Test data: one row in each ml table for createFullTenant (test/factories.ts).
import type { Tx } from '../src/db/scope.ts';

/** One row in each ML table (migration 0017). */
export async function fillMlTables(tx: Tx, o: number, projectId: number, userId: number) {
  const p = { organization_id: o, project_id: projectId };
  const task = await tx
    .selectFrom('tasks')
    .select('id')
    .where('project_id', '=', projectId)
    .executeTakeFirstOrThrow();
  const backend = await tx
    .insertInto('ml_backends')
    .values({ ...p, url: 'https://ml.example.test', title: 'fake', created_by: userId })
    .returning('id')
    .executeTakeFirstOrThrow();
  const pj = await tx
    .insertInto('ml_prediction_jobs')
    .values({ ...p, ml_backend_id: backend.id, selection: JSON.stringify({ task_ids: [task.id] }) })
    .returning('id')
    .executeTakeFirstOrThrow();
  await tx
    .insertInto('ml_train_jobs')
    .values({ organization_id: o, ml_backend_id: backend.id, created_by: userId })
    .execute();
  const connection = await tx
    .insertInto('model_provider_connections')
    .values({ ...p, provider: 'OpenAI', api_key: 'v1.sealed', api_key_hint: 'abcd' })
    .returning('id')
    .executeTakeFirstOrThrow();
  const iface = await tx
    .insertInto('model_interfaces')
    .values({ ...p, title: 'Mood', created_by: userId })
    .returning('id')
    .executeTakeFirstOrThrow();
  await tx
    .insertInto('model_interface_projects')
    .values({ ...p, model_interface_id: iface.id })
    .execute();
  const version = await tx
    .insertInto('third_party_model_versions')
    .values({
      ...p,
      model_interface_id: iface.id,
      connection_id: connection.id,
      title: 'mood-v1',
      provider: 'OpenAI',
      provider_model_id: 'gpt-4o-mini',
      prompt: 'Mood of {text}?',
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  const run = await tx
    .insertInto('model_runs')
    .values({
      ...p,
      model_interface_id: iface.id,
      model_version_id: version.id,
      selection: JSON.stringify({ task_ids: [task.id] }),
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  await tx
    .insertInto('ml_task_errors')
    .values([
      { organization_id: o, prediction_job_id: pj.id, task_id: task.id, error: 'timeout' },
      { organization_id: o, model_run_id: run.id, task_id: task.id, error: 'timeout' },
    ])
    .execute();
}
