// The JSON export as PostgreSQL writes it (export.repo.ts, export.text.ts): byte for byte what the previous
// implementation wrote (rows parsed in this process, each task re-serialised with JSON.stringify), which this
// file keeps as the reference; the byte scan across every possible chunk boundary; and a client that goes
// away mid-export gives its connection back (on PostgreSQL the COPY is still streaming then).
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { sql } from 'kysely';
import { createTestApp } from '../../../test/app.ts';
import { forEachDatabase } from '../../../test/harness.ts';
import { type Person, signUp } from '../../../test/http-factories.ts';
import { holdScope, inScope } from '../../db/scope.ts';
import type { App } from '../../platform/http/app-types.ts';
import { type ExportTask, exportCoco, exportVoc, exportYolo } from './export/index.ts';
import { exportLines } from './export.repo.ts';
import { exportContext } from './export.service.ts';
import { jsonArrayOf, parsedTasks } from './export.text.ts';
import { projectLabelConfig } from './import.repo.ts';
import { eventually, IMAGE_CONFIG, projectWithConfig } from './import-export.test-kit.ts';

async function collect(gen: AsyncIterable<Buffer>): Promise<string> {
  const parts: Buffer[] = [];
  for await (const b of gen) parts.push(b);
  return Buffer.concat(parts).toString('utf8');
}

async function* chunksOf(text: string, size: number): AsyncGenerator<Buffer> {
  const bytes = Buffer.from(text);
  for (let i = 0; i < bytes.length; i += size) yield bytes.subarray(i, i + size);
}

describe('jsonArrayOf and parsedTasks', () => {
  // jsonb's spacing, with strings that hold spaces, quotes, escaped backslashes and multi-byte characters.
  const lines = [
    '{"id": 1, "data": {"s": "a \\"b\\" c\\\\", "k": ["x, y: z", 2.5, null]}}',
    '{"id": 2, "data": {"ключ": "значение 😀 \\\\\\" end", "e": {}, "a": []}}',
    '{"id": 3, "data": {"t": "tab\\tnew\\nline \\u0001"}}',
  ];
  const text = lines.map((l) => `${l}\n`).join('');
  const expected = `[\n${lines.map((l) => JSON.stringify(JSON.parse(l))).join(',\n')}\n]`;

  test('the spaces outside strings go, the framing is JSON.stringify-like, at any chunk size', async () => {
    for (const size of [1, 2, 3, 5, 7, 64, 1 << 20]) {
      const counts: number[] = [];
      assert.equal(await collect(jsonArrayOf(chunksOf(text, size), (n) => counts.push(n))), expected);
      assert.equal(counts.at(-1), 3);
    }
    assert.equal(await collect(jsonArrayOf(chunksOf('', 1))), '[]');
    // Empty chunks between the bytes (the state, e.g. a pending backslash, carries over them).
    async function* withEmpty(chunks: AsyncIterable<Buffer>) {
      for await (const c of chunks) yield* [Buffer.alloc(0), c, Buffer.alloc(0)];
    }
    assert.equal(await collect(jsonArrayOf(withEmpty(chunksOf(text, 1)))), expected);
    // Short rows without spaces: the output outgrows the chunk, so separators go out as pieces of their own.
    const tiny = await collect(jsonArrayOf(chunksOf('{}\n'.repeat(200), 1 << 20)));
    assert.equal(tiny, `[\n${Array(200).fill('{}').join(',\n')}\n]`);
  });

  test('parsed one line at a time, whatever the chunks (lines and characters cut at any byte)', async () => {
    for (const size of [1, 2, 3, 5, 7, 64, 1 << 20]) {
      const ids: unknown[] = [];
      for await (const t of parsedTasks(chunksOf(text, size))) ids.push(t.data);
      assert.deepEqual(
        ids,
        lines.map((l) => JSON.parse(l).data),
      );
    }
    await assert.rejects(collect(parsedTasks(chunksOf('{"id": 1', 4)) as never), /ended inside a task/);
  });
});

/** The previous implementation's query (json_build_object per annotation, task columns parsed here). */
const REFERENCE = (projectId: number) => sql<Record<string, unknown>>`
  SELECT t.*, (SELECT json_agg(json_build_object(
      'id', a.id, 'completed_by', a.completed_by, 'result', a.result, 'was_cancelled', a.was_cancelled,
      'ground_truth', a.ground_truth, 'created_at', a.created_at, 'updated_at', a.updated_at,
      'lead_time', a.lead_time, 'result_count', a.result_count, 'task', a.task_id, 'project', a.project_id,
      'updated_by', a.updated_by, 'parent_prediction', a.parent_prediction_id,
      'parent_annotation', a.parent_annotation_id, 'last_action', a.last_action) ORDER BY a.id)
    FROM annotations a WHERE a.task_id = t.id) AS annotations,
    (SELECT json_agg(json_build_object(
      'id', p.id, 'model_version', p.model_version, 'result', p.result, 'score', p.score,
      'task', p.task_id, 'project', p.project_id, 'created_at', p.created_at, 'updated_at', p.updated_at)
      ORDER BY p.id) FROM predictions p WHERE p.task_id = t.id) AS predictions
  FROM tasks t WHERE t.project_id = ${projectId} ORDER BY t.id`;

// biome-ignore lint/suspicious/noExplicitAny: a database row
const referenceTask = (r: any) => ({
  id: r.id,
  annotations: r.annotations ?? [],
  drafts: [],
  predictions: r.predictions ?? [],
  data: r.data,
  meta: r.meta,
  created_at: r.created_at.toISOString(),
  updated_at: r.updated_at.toISOString(),
  inner_id: r.inner_id,
  total_annotations: r.total_annotations,
  cancelled_annotations: r.cancelled_annotations,
  total_predictions: r.total_predictions,
  comment_count: r.comment_count,
  unresolved_comment_count: r.unresolved_comment_count,
  last_comment_updated_at: r.last_comment_updated_at?.toISOString() ?? null,
  project: r.project_id,
  updated_by: r.updated_by,
  comment_authors: [],
  file_upload: r.file_upload_id,
});

forEachDatabase('JSON export built by the database', (ctx) => {
  let app: App;
  let owner: Person;
  let base: string;
  before(async () => {
    app = await createTestApp(ctx.database);
    await app.listen({ port: 0, host: '127.0.0.1' });
    base = `http://127.0.0.1:${(app.server.address() as { port: number }).port}`;
    owner = await signUp(app);
  });
  after(() => app.close());

  const box = {
    id: 'r "1"',
    from_name: 'label',
    to_name: 'image',
    type: 'rectanglelabels',
    original_width: 640,
    original_height: 480,
    value: { x: 12.5, y: 0.25, width: 33.333, height: 7, rotation: 0, rectanglelabels: ['Car'] },
  };

  test('the same bytes as the previous implementation, for data with awkward strings', async () => {
    const project = await projectWithConfig(app, ctx.database, owner, IMAGE_CONFIG);
    const res = await app.inject({
      method: 'POST',
      url: `/api/projects/${project}/import`,
      headers: owner.headers,
      payload: [
        {
          data: {
            image: '/data/a b.jpg',
            text: 'say "hi" \\ back\\slash\nnew line\ttab',
            ключ: 'значение 😀',
            nested: { list: [1, 2.5, -3, true, null, 'a, b: c'], empty: {}, arr: [] },
            'a key with spaces': ' lead and trail ',
          },
          meta: { source: 'x "y"' },
          annotations: [{ result: [box], lead_time: 12.25 }, { result: [] }],
          predictions: [{ result: [box], score: 0.875, model_version: 'v "1"' }],
        },
        { data: { image: '/data/plain.jpg' }, annotations: [{ result: [box] }] },
        { data: { image: '/data/not-annotated.jpg' } },
      ],
    });
    assert.equal(res.statusCode, 201, res.body);
    const rows = await inScope(ctx.database.db, { organizationId: owner.orgId, userId: owner.id }, (tx) =>
      REFERENCE(project).execute(tx),
    );
    const expected = (all: boolean) => {
      const tasks = rows.rows.filter((r) => all || Number(r.total_annotations) > 0).map(referenceTask);
      return tasks.length ? `[\n${tasks.map((t) => JSON.stringify(t)).join(',\n')}\n]` : '[]';
    };
    const annotated = await app.inject({
      method: 'GET',
      url: `/api/projects/${project}/export?exportType=JSON`,
      headers: owner.headers,
    });
    assert.equal(annotated.statusCode, 200, annotated.body);
    assert.equal(annotated.body, expected(false));
    const all = await app.inject({
      method: 'GET',
      url: `/api/projects/${project}/export?download_all_tasks=true`,
      headers: owner.headers,
    });
    assert.equal(all.body, expected(true));
    assert.equal(all.json()[0].data.text, 'say "hi" \\ back\\slash\nnew line\ttab');
  });

  test('COCO, YOLO and VOC read the narrow line and write what they write from the whole task', async () => {
    const project = await projectWithConfig(app, ctx.database, owner, IMAGE_CONFIG);
    const res = await app.inject({
      method: 'POST',
      url: `/api/projects/${project}/import`,
      headers: owner.headers,
      payload: [
        {
          data: { image: '/data/a b.jpg', other: 'x "y"' },
          annotations: [{ result: [box] }, { result: [] }],
        },
        {
          data: { image: ['/data/first.jpg', '/data/last.jpg'] },
          annotations: [{ result: [box], was_cancelled: true }],
        },
        {
          data: { image: '/data/two.jpg' },
          annotations: [{ result: [box] }, { result: [{ ...box, id: 'b' }] }],
        },
        { data: { image: '/data/none.jpg' } },
      ],
    });
    assert.equal(res.statusCode, 201, res.body);
    // A task whose data lost its image key (the import checks it; a later data edit may not).
    await inScope(ctx.database.db, { organizationId: owner.orgId, userId: owner.id }, (tx) =>
      sql`UPDATE tasks SET data = '{"picture": "/data/none.jpg"}'
          WHERE project_id = ${project} AND data->>'image' = '/data/none.jpg'`.execute(tx),
    );
    const who = { organizationId: owner.orgId, userId: owner.id, requireMembership: false };
    const read = async (fields: 'task' | 'regions') => {
      const held = await holdScope(ctx.database.pool, who);
      try {
        const tasks: ExportTask[] = [];
        const lines = exportLines(held, ctx.database.kind, {
          projectId: project,
          onlyAnnotated: false,
          fields,
          ...(fields === 'regions' && { imageKey: 'image' }),
        });
        for await (const t of parsedTasks(lines)) tasks.push(t);
        return { tasks, config: exportContext(await projectLabelConfig(held.tx, project)) };
      } finally {
        await held.end(true);
      }
    };
    const whole = await read('task');
    const narrow = await read('regions');
    assert.equal(narrow.tasks.length, 4);
    assert.deepEqual(
      narrow.tasks.map((t) => t.data),
      [
        { image: '/data/a b.jpg' },
        { image: ['/data/first.jpg', '/data/last.jpg'] },
        { image: '/data/two.jpg' },
        {},
      ],
    );
    assert.ok(JSON.stringify(narrow.tasks).length < JSON.stringify(whole.tasks).length / 2);
    async function* from(tasks: ExportTask[]) {
      yield* tasks;
    }
    const now = new Date('2026-01-02T03:04:05Z');
    for (const convert of [exportCoco, exportYolo, exportVoc]) {
      const out = async (tasks: ExportTask[]) => {
        const parts: Buffer[] = [];
        for await (const b of convert(from(tasks), whole.config, { now })) parts.push(Buffer.from(b));
        return Buffer.concat(parts);
      };
      assert.deepEqual(await out(narrow.tasks), await out(whole.tasks), convert.name);
    }
  });

  test('a client that goes away mid-export gives the connection back; later exports work', async () => {
    const project = await projectWithConfig(app, ctx.database, owner, IMAGE_CONFIG);
    // About 20 MB of JSON on PostgreSQL: far more than the buffers between the database and the client, so
    // the COPY is still streaming when the client goes; the embedded database's cursor needs less to show it.
    const n = ctx.kind === 'postgres' ? 2000 : 500;
    await inScope(ctx.database.db, { organizationId: owner.orgId, userId: owner.id }, (tx) =>
      sql`INSERT INTO tasks (organization_id, project_id, inner_id, data)
          SELECT ${owner.orgId}, ${project}, i, jsonb_build_object('image', '/data/' || i || '.jpg', 'pad', repeat('x', 10000))
          FROM generate_series(1, ${n}) i`.execute(tx),
    );
    const url = `${base}/api/projects/${project}/export?download_all_tasks=true`;
    // More times than the pool has connections (5).
    for (let i = 0; i < 6; i++) {
      const controller = new AbortController();
      const res = await fetch(url, { headers: owner.headers, signal: controller.signal });
      assert.equal(res.status, 200);
      const reader = res.body!.getReader();
      await reader.read();
      controller.abort();
      await reader.closed.catch(() => {});
    }
    if (ctx.kind === 'postgres') {
      // The abandoned connections' backends end (they were closed, not left inside their COPY).
      await eventually(async () => {
        const { rows } = await sql<{ n: number }>`
          SELECT count(*)::int AS n FROM pg_stat_activity
          WHERE datname = current_database() AND query LIKE 'COPY (%' AND pid <> pg_backend_pid()`.execute(
          ctx.database.db,
        );
        return rows[0]!.n === 0 || null;
      }, 'the COPYs to end');
    }
    const full = await fetch(url, { headers: owner.headers });
    const tasks = (await full.json()) as { id: number; data: { pad: string } }[];
    assert.equal(tasks.length, n);
    assert.equal(tasks[n - 1]!.data.pad.length, 10000);
  });
});
