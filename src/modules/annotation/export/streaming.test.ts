// Memory stays flat because every converter pulls tasks only as fast as its output is read. These tests
// stream many generated tasks and check, at every chunk read, that the converter has not pulled more than a
// small constant number of tasks beyond what it has already written out.
import assert from 'node:assert/strict';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import { exportCoco, exportCocoZip } from './coco.ts';
import { exportCsv } from './csv.ts';
import { exportJson, exportJsonMin } from './json.ts';
import type { ExportContext, ExportTask } from './types.ts';
import { exportYolo } from './yolo.ts';

/** Waits for cleanup that runs asynchronously after a stream is destroyed (no fixed sleep: CI is loaded). */
async function until(done: () => boolean | Promise<boolean>, limitMs = 10_000): Promise<void> {
  const deadline = Date.now() + limitMs;
  while (!(await done()) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
}

const ctx: ExportContext = { categories: ['Car'], imageKey: 'image', controls: { label: 'rectanglelabels' } };

function makeTask(i: number): ExportTask {
  return {
    id: i + 1,
    data: { image: `/data/upload/1/img_${i}.jpg`, meta: { batch: i % 7 } },
    annotations: [
      {
        id: i + 1,
        completed_by: 1,
        created_at: '2024-01-01T00:00:00Z',
        updated_at: '2024-01-01T00:00:00Z',
        lead_time: 1.5,
        result: [
          {
            id: 'r1',
            from_name: 'label',
            to_name: 'image',
            type: 'rectanglelabels',
            value: { x: 10, y: 20, width: 30, height: 40, rotation: 0, rectanglelabels: ['Car'] },
            original_width: 640,
            original_height: 480,
          },
        ],
      },
    ],
  };
}

/** A task source that counts what was pulled and whether it was closed. */
function counted(n: number) {
  const state = { pulled: 0, closed: false };
  const tasks = (async function* () {
    try {
      for (let i = 0; i < n; i++) {
        state.pulled++;
        yield makeTask(i);
      }
    } finally {
      state.closed = true;
    }
  })();
  return { state, tasks };
}

/**
 * Reads the stream to the end. `written(text)` counts the tasks that the text read so far accounts for; at
 * every chunk the pulled count may run ahead of it by at most `bound`.
 */
async function readChecking(
  stream: Readable,
  state: { pulled: number },
  count: (chunk: Buffer) => number,
  bound: number,
  total: number,
): Promise<{ maxAhead: number; firstChunkPulled: number }> {
  let written = 0;
  let maxAhead = 0;
  let firstChunkPulled = -1;
  for await (const chunk of stream as AsyncIterable<Buffer>) {
    if (firstChunkPulled < 0) firstChunkPulled = state.pulled;
    written += count(chunk);
    if (written <= total) maxAhead = Math.max(maxAhead, state.pulled - written);
    assert.ok(state.pulled - Math.min(written, total) <= bound, `pulled ${state.pulled}, written ${written}`);
  }
  return { maxAhead, firstChunkPulled };
}

const newlines = (chunk: Buffer) => {
  let n = 0;
  for (const byte of chunk) if (byte === 10) n++;
  return n;
};

const N = 200_000;
const BOUND = 1000;

describe('streaming converters consume tasks lazily', () => {
  let tmpDir = '';
  before(async () => {
    tmpDir = await mkdtemp(path.join(tmpdir(), 'gt-stream-test-'));
  });
  after(async () => {
    await rm(tmpDir, { recursive: true, force: true });
  });

  it(`JSON: ${N} tasks, never more than ${BOUND} pulled ahead of the output`, async () => {
    const { state, tasks } = counted(N);
    // One task per line, each line preceded by "\n".
    const r = await readChecking(exportJson(tasks), state, newlines, BOUND, N);
    assert.equal(state.pulled, N);
    assert.ok(r.firstChunkPulled <= BOUND, `first chunk after ${r.firstChunkPulled} tasks`);
    assert.ok(state.closed);
  });

  it(`COCO: ${N} tasks, images written as the tasks come, annotations spooled to disk`, async () => {
    const { state, tasks } = counted(N);
    // While the images array is written, each "\n" is one task's image; later lines are annotations.
    const r = await readChecking(exportCoco(tasks, ctx, { tmpDir }), state, newlines, BOUND, N);
    assert.equal(state.pulled, N);
    assert.ok(r.firstChunkPulled <= BOUND, `first chunk after ${r.firstChunkPulled} tasks`);
    assert.deepEqual(await readdir(tmpDir), [], 'the spool is removed');
  });

  it('YOLO: the zip pulls a bounded number of tasks ahead of the entries it has written', async () => {
    const n = 20_000;
    const { state, tasks } = counted(n);
    const signature = Buffer.from([0x50, 0x4b, 0x03, 0x04]);
    let carry = Buffer.alloc(0);
    const localHeaders = (chunk: Buffer) => {
      const buf = Buffer.concat([carry, chunk]);
      let count = 0;
      for (let i = buf.indexOf(signature); i >= 0; i = buf.indexOf(signature, i + 4)) count++;
      carry = buf.subarray(Math.max(0, buf.length - 3));
      return count;
    };
    await readChecking(exportYolo(tasks, ctx), state, localHeaders, BOUND, n);
    assert.equal(state.pulled, n);
  });

  it('a reader that stops closes the task source and removes temporary files', async () => {
    for (const make of [
      (t: AsyncIterable<ExportTask>) => exportJsonMin(t, ctx),
      (t: AsyncIterable<ExportTask>) => exportCoco(t, ctx, { tmpDir }),
      (t: AsyncIterable<ExportTask>) => exportYolo(t, ctx),
      (t: AsyncIterable<ExportTask>) => exportCocoZip(t, ctx, { tmpDir }),
    ]) {
      const { state, tasks } = counted(N);
      const stream = make(tasks);
      for await (const _ of stream) break; // destroys the stream
      await until(() => state.closed);
      assert.ok(state.closed, 'the source was closed');
      assert.ok(state.pulled < N / 10, `pulled ${state.pulled}`);
    }
    await until(async () => (await readdir(tmpDir)).length === 0);
    assert.deepEqual(await readdir(tmpDir), []);
    // CSV reads every task before its first byte (see csv.ts); a reader that leaves stops that pass.
    const { state, tasks } = counted(N);
    const csv = exportCsv(tasks, ctx, { tmpDir });
    csv.once('data', () => {});
    await new Promise((resolve) => setTimeout(resolve, 20));
    csv.destroy();
    await until(() => state.closed);
    assert.ok(state.closed);
    assert.ok(state.pulled < N, `pulled ${state.pulled}`);
    await until(async () => (await readdir(tmpDir)).length === 0);
    assert.deepEqual(await readdir(tmpDir), []);
  });

  it('a failing source ends the stream with its error', async () => {
    const failing = (async function* () {
      yield makeTask(0);
      throw new Error('database went away');
    })();
    await assert.rejects(async () => {
      for await (const _ of exportYolo(failing, ctx));
    }, /database went away/);
    const failingJson = (async function* () {
      yield makeTask(0);
      throw new Error('database went away');
    })();
    await assert.rejects(async () => {
      for await (const _ of exportCoco(failingJson, ctx, { tmpDir }));
    }, /database went away/);
  });
});
