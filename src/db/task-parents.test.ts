// The statement-level reference checks of tasks (migration 0028) keep the foreign keys' promises: no task
// points at a project, import or file upload that does not exist, whatever the order of concurrent writes;
// deleting a project deletes its tasks (and theirs), deleting an import or a file clears the reference.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { sql } from 'kysely';
import { createOrganization, createProject } from '../../test/factories.ts';
import { forEachDatabase } from '../../test/harness.ts';
import type { Database } from './database.ts';
import { inScope, type Tx } from './scope.ts';

interface World {
  org: number;
  user: number;
  project: number;
  fixture: Awaited<ReturnType<typeof createOrganization>>;
}

async function world(database: Database, fixture?: World['fixture']): Promise<World> {
  const org = fixture ?? (await createOrganization(database));
  const project = await createProject(database, org);
  return { org: org.id, user: org.owner.id, project: project.id, fixture: org };
}

const scoped = <T>(database: Database, w: World, fn: (tx: Tx) => Promise<T>) =>
  inScope(database.db, { organizationId: w.org, userId: w.user }, fn);

async function addTasks(
  tx: Tx,
  w: World,
  n: number,
  refs: { project?: number; importId?: number; file?: number } = {},
): Promise<number[]> {
  const rows = await tx
    .insertInto('tasks')
    .values(
      Array.from({ length: n }, (_, i) => ({
        organization_id: w.org,
        project_id: refs.project ?? w.project,
        inner_id: 1_000_000 + Math.floor(Math.random() * 1e9) + i,
        data: JSON.stringify({ image: `img-${i}.jpg` }),
        import_id: refs.importId ?? null,
        file_upload_id: refs.file ?? null,
      })),
    )
    .returning('id')
    .execute();
  return rows.map((r) => Number(r.id));
}

async function addFile(tx: Tx, w: World): Promise<number> {
  const row = await tx
    .insertInto('files')
    .values({
      organization_id: w.org,
      project_id: w.project,
      storage_key: `k-${Math.random()}`,
      original_name: 'tasks.json',
      mime_type: 'application/json',
      size_bytes: 2,
      sha256: 'a'.repeat(64),
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return Number(row.id);
}

async function addImport(tx: Tx, w: World): Promise<number> {
  const row = await tx
    .insertInto('imports')
    .values({ organization_id: w.org, project_id: w.project })
    .returning('id')
    .executeTakeFirstOrThrow();
  return Number(row.id);
}

const pgCode = (err: unknown) => (err as { code?: string }).code;

async function rejectsAsForeignKey(p: Promise<unknown>, names: RegExp) {
  await assert.rejects(p, (err: Error) => {
    assert.equal(pgCode(err), '23503', err.message);
    assert.match(err.message, names);
    return true;
  });
}

const countTasks = async (database: Database, w: World) =>
  scoped(database, w, async (tx) => {
    const r = await sql<{
      n: number;
    }>`SELECT count(*)::int AS n FROM tasks WHERE project_id = ${w.project}`.execute(tx);
    return r.rows[0]!.n;
  });

forEachDatabase('task references', (ctx) => {
  test('a task must name an existing project, import and file upload of its organization', async () => {
    const w = await world(ctx.database);
    const other = await world(ctx.database);
    await rejectsAsForeignKey(
      scoped(ctx.database, w, (tx) => addTasks(tx, w, 3, { project: 987_654_321 })),
      /project 987654321/,
    );
    // Another organization's project is invisible, so it does not exist for this tenant either.
    await rejectsAsForeignKey(
      scoped(ctx.database, w, (tx) => addTasks(tx, w, 1, { project: other.project })),
      new RegExp(`project ${other.project}`),
    );
    await rejectsAsForeignKey(
      scoped(ctx.database, w, (tx) => addTasks(tx, w, 2, { importId: 987_654_321 })),
      /import 987654321/,
    );
    await rejectsAsForeignKey(
      scoped(ctx.database, w, (tx) => addTasks(tx, w, 2, { file: 987_654_321 })),
      /file upload 987654321/,
    );
    assert.equal(await countTasks(ctx.database, w), 0, 'a refused statement writes no row');
    const ids = await scoped(ctx.database, w, async (tx) =>
      addTasks(tx, w, 5, { importId: await addImport(tx, w), file: await addFile(tx, w) }),
    );
    assert.equal(ids.length, 5);
  });

  test('changing a reference to a missing parent is refused; other updates are not checked', async () => {
    const w = await world(ctx.database);
    const [id] = await scoped(ctx.database, w, (tx) => addTasks(tx, w, 1));
    await rejectsAsForeignKey(
      scoped(ctx.database, w, (tx) =>
        tx.updateTable('tasks').set({ file_upload_id: 987_654_321 }).where('id', '=', id!).execute(),
      ),
      /file upload 987654321/,
    );
    const file = await scoped(ctx.database, w, (tx) => addFile(tx, w));
    await scoped(ctx.database, w, (tx) =>
      tx
        .updateTable('tasks')
        .set({ file_upload_id: file, total_annotations: 2 })
        .where('id', '=', id!)
        .execute(),
    );
    const row = await scoped(ctx.database, w, (tx) =>
      tx
        .selectFrom('tasks')
        .select(['file_upload_id', 'total_annotations'])
        .where('id', '=', id!)
        .executeTakeFirstOrThrow(),
    );
    assert.deepEqual(row, { file_upload_id: file, total_annotations: 2 });
  });

  test('deleting a project deletes its tasks and their annotations; an import or a file clears the reference', async () => {
    const w = await world(ctx.database);
    const kept = await world(ctx.database, w.fixture);
    const { importId, file } = await scoped(ctx.database, w, async (tx) => {
      const importId = await addImport(tx, w);
      const file = await addFile(tx, w);
      const ids = await addTasks(tx, w, 4, { importId, file });
      await addTasks(tx, kept, 2, { file });
      await tx
        .insertInto('annotations')
        .values({
          organization_id: w.org,
          project_id: w.project,
          task_id: ids[0]!,
          result: '[]',
          completed_by: w.user,
        })
        .execute();
      return { importId, file };
    });
    await scoped(ctx.database, w, (tx) => tx.deleteFrom('imports').where('id', '=', importId).execute());
    await scoped(ctx.database, w, (tx) => tx.deleteFrom('files').where('id', '=', file).execute());
    const refs = await scoped(ctx.database, w, (tx) =>
      tx
        .selectFrom('tasks')
        .select(({ fn }) => [
          fn.count<number>('import_id').as('imports'),
          fn.count<number>('file_upload_id').as('files'),
        ])
        .where('project_id', 'in', [w.project, kept.project])
        .executeTakeFirstOrThrow(),
    );
    assert.deepEqual({ imports: Number(refs.imports), files: Number(refs.files) }, { imports: 0, files: 0 });

    await scoped(ctx.database, w, (tx) => tx.deleteFrom('projects').where('id', '=', w.project).execute());
    assert.equal(await countTasks(ctx.database, w), 0);
    assert.equal(await countTasks(ctx.database, kept), 2, "another project's tasks stay");
    const annotations = await scoped(ctx.database, w, async (tx) => {
      const r = await sql<{
        n: number;
      }>`SELECT count(*)::int AS n FROM annotations WHERE project_id = ${w.project}`.execute(tx);
      return r.rows[0]!.n;
    });
    assert.equal(annotations, 0);
  });

  test("deleting the organization deletes its projects' tasks", async () => {
    const w = await world(ctx.database);
    await scoped(ctx.database, w, (tx) => addTasks(tx, w, 3));
    await scoped(ctx.database, w, (tx) => tx.deleteFrom('organizations').where('id', '=', w.org).execute());
    const { rows } = await sql<{
      n: number;
    }>`SELECT count(*)::int AS n FROM tasks WHERE organization_id = ${w.org}`.execute(ctx.database.db);
    assert.equal(rows[0]!.n, 0);
  });

  test("a referenced project's key cannot change", async () => {
    const w = await world(ctx.database);
    await scoped(ctx.database, w, (tx) => addTasks(tx, w, 1));
    await rejectsAsForeignKey(
      scoped(ctx.database, w, (tx) =>
        tx.updateTable('projects').set({ id: 987_654_321 }).where('id', '=', w.project).execute(),
      ),
      /projects/,
    );
  });

  if (ctx.kind !== 'postgres') return;

  /** Runs `first` up to its hold point, starts `second` (which must wait on it), then lets `first` finish. */
  async function interleave(
    w: World,
    first: (tx: Tx) => Promise<unknown>,
    second: (tx: Tx) => Promise<unknown>,
  ) {
    // A first task finishes the project's onboarding step, whose row (with a foreign key of its own) would
    // otherwise lock the project too and hide what these checks do.
    await scoped(ctx.database, w, (tx) => addTasks(tx, w, 1));
    let release!: () => void;
    const held = new Promise<void>((r) => {
      release = r;
    });
    let entered!: () => void;
    const inside = new Promise<void>((r) => {
      entered = r;
    });
    const a = scoped(ctx.database, w, async (tx) => {
      await first(tx);
      entered();
      await held;
    }).then(
      () => null,
      (err: unknown) => err,
    );
    await inside;
    const b = scoped(ctx.database, w, second).then(
      () => null,
      (err: unknown) => err,
    );
    // The second transaction must be waiting on the first's locks, not done.
    const early = await Promise.race([
      b.then(() => 'done'),
      new Promise((r) => setTimeout(() => r('waiting'), 300)),
    ]);
    release();
    return { first: await a, second: await b, early };
  }

  test('an import under way holds its project: a concurrent delete waits, then deletes the new tasks', async () => {
    const w = await world(ctx.database);
    const r = await interleave(
      w,
      (tx) => addTasks(tx, w, 50),
      (tx) => tx.deleteFrom('projects').where('id', '=', w.project).execute(),
    );
    assert.equal(r.early, 'waiting');
    assert.deepEqual([r.first, r.second], [null, null]);
    const { rows } = await sql<{
      n: number;
    }>`SELECT count(*)::int AS n FROM tasks WHERE project_id = ${w.project}`.execute(ctx.database.db);
    assert.equal(rows[0]!.n, 0, 'no task outlives its project');
  });

  test('a project being deleted: a concurrent insert waits, then is refused', async () => {
    const w = await world(ctx.database);
    const r = await interleave(
      w,
      (tx) => tx.deleteFrom('projects').where('id', '=', w.project).execute(),
      (tx) => addTasks(tx, w, 50),
    );
    assert.equal(r.early, 'waiting');
    assert.equal(r.first, null);
    assert.equal(pgCode(r.second), '23503');
    const { rows } = await sql<{
      n: number;
    }>`SELECT count(*)::int AS n FROM tasks WHERE project_id = ${w.project}`.execute(ctx.database.db);
    assert.equal(rows[0]!.n, 0);
  });
});
