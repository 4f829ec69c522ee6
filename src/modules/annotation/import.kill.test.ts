// Reliability: a server killed with SIGKILL in the middle of a large import (its COPY into the staging table
// under way) leaves none of the import's tasks, and the same import sent again to a restarted server
// succeeds. The server is the real process (src/main.ts) on a PostgreSQL database of its own.
import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import pg from 'pg';
import { createPostgresDatabase, dropPostgresDatabase, kinds } from '../../../test/harness.ts';

// biome-ignore lint/suspicious/noExplicitAny: JSON answers, checked field by field
type Json = Record<string, any>;

const mainTs = path.join(import.meta.dirname, '..', '..', 'main.ts');
const TASKS = Number(process.env.KILL_TEST_TASKS ?? 200_000);

function task(i: number): string {
  return JSON.stringify({
    data: {
      image: `https://cdn.example.test/site-${i % 97}/frame-${i}.jpg`,
      meta: { camera: `c${i % 7}`, seq: i },
    },
  });
}

/** The import body, produced lazily; `pause` is awaited before `pauseAt` tasks have been written. */
async function* body(pauseAt: number | null, pause: () => Promise<void>): AsyncGenerator<string> {
  yield '[';
  let chunk = '';
  for (let i = 0; i < TASKS; i++) {
    chunk += (i ? ',' : '') + task(i);
    if (chunk.length > 64 * 1024) {
      yield chunk;
      chunk = '';
    }
    if (pauseAt !== null && i === pauseAt) {
      yield chunk;
      chunk = '';
      await pause();
    }
  }
  yield `${chunk}]`;
}

interface Server {
  child: ChildProcess;
  url: string;
  stderr: () => string;
}

async function startServer(env: Record<string, string>): Promise<Server> {
  const child = spawn(process.execPath, [mainTs], {
    env: { PATH: process.env.PATH ?? '', LOG_LEVEL: 'warn', PORT: '0', HOST: '127.0.0.1', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stdout?.on('data', (c) => {
    out += c;
  });
  child.stderr?.on('data', (c) => {
    err += c;
  });
  for (let i = 0; i < 600; i++) {
    const m = /running at (http:\/\/[^\s]+:\d+)/.exec(out);
    if (m) return { child, url: m[1]!.replace('localhost', '127.0.0.1'), stderr: () => err };
    if (child.exitCode !== null) throw new Error(`server exited: ${err}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`server did not start: ${err}`);
}

async function call(
  base: string,
  method: string,
  url: string,
  headers: Record<string, string>,
  payload?: unknown,
) {
  const res = await fetch(new URL(url, base), {
    method,
    headers: { 'content-type': 'application/json', ...headers },
    ...(payload !== undefined && { body: JSON.stringify(payload) }),
  });
  return { status: res.status, json: (await res.json()) as Json };
}

/** POSTs the generated body; resolves with the answer, or rejects when the connection dies. */
function postImport(
  base: string,
  project: number,
  headers: Record<string, string>,
  pauseAt: number | null,
  pause: () => Promise<void>,
) {
  return new Promise<{ status: number; body: string }>((resolve, reject) => {
    const req = http.request(new URL(`/api/projects/${project}/import`, base), {
      method: 'POST',
      headers: { ...headers, 'content-type': 'application/json' },
    });
    req.on('error', reject);
    req.on('response', (res) => {
      let text = '';
      res.on('data', (c) => {
        text += c;
      });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
      res.on('error', reject);
    });
    (async () => {
      for await (const chunk of body(pauseAt, pause)) {
        if (!req.write(chunk)) await new Promise((r) => req.once('drain', r));
      }
      req.end();
    })().catch((err) => req.destroy(err));
  });
}

const onPostgres = kinds.includes('postgres');

test('kill -9 in the middle of an import leaves none of its tasks; the retried import succeeds', {
  skip: !onPostgres && 'PostgreSQL only',
}, async () => {
  const db = await createPostgresDatabase(process.env.GT_TEST_PG_TEMPLATE!);
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'gt-kill-'));
  const admin = new pg.Client({ connectionString: db.url });
  await admin.connect();
  const env = {
    DATABASE_URL: db.url,
    DATA_DIR: dataDir,
    SECRET_KEY: randomBytes(32).toString('hex'),
    // Inline, so the import is this request's own transaction (the job path has its own retry).
    IMPORT_INLINE_MAX_BYTES: String(4 * 1024 ** 3),
    IMPORT_MAX_BYTES: String(4 * 1024 ** 3),
  };
  let server = await startServer(env);
  try {
    const signup = await call(
      server.url,
      'POST',
      '/api/auth/signup',
      {},
      {
        email: 'killer@example.test',
        username: 'killer',
        password: 'Correct-Horse9',
      },
    );
    assert.equal(signup.status, 201, JSON.stringify(signup.json));
    const headers = { authorization: `Bearer ${signup.json.access_token}` };
    const project = await call(server.url, 'POST', '/api/projects', headers, { title: 'big import' });
    assert.equal(project.status, 201);
    const projectId = project.json.id as number;

    // Send half the tasks, wait until the server's COPY into the staging table is running, then kill it.
    let copying = false;
    const victim = server;
    const first = postImport(server.url, projectId, headers, Math.floor(TASKS / 2), async () => {
      for (let i = 0; i < 600 && !copying; i++) {
        const { rows } = await admin.query(
          "SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND query LIKE 'COPY import_stage%'",
        );
        copying = rows[0].n > 0;
        if (!copying) await new Promise((r) => setTimeout(r, 50));
      }
      victim.child.kill('SIGKILL');
      await new Promise((r) => victim.child.once('exit', r));
    });
    await assert.rejects(first, 'the connection dies with the server');
    assert.ok(copying, 'the import was copying rows when the server was killed');

    // The server's connection is gone: PostgreSQL rolled its transaction back.
    for (let i = 0; i < 100; i++) {
      const { rows } = await admin.query(
        "SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND query LIKE 'COPY import_stage%'",
      );
      if (rows[0].n === 0) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    const left = await admin.query('SELECT count(*)::int AS n FROM tasks WHERE project_id = $1', [projectId]);
    assert.equal(left.rows[0].n, 0);
    const counters = await admin.query('SELECT task_number FROM annotation_settings WHERE project_id = $1', [
      projectId,
    ]);
    assert.ok(counters.rows.length === 0 || Number(counters.rows[0].task_number) === 0);

    server = await startServer(env);
    const retried = await postImport(server.url, projectId, headers, null, async () => {});
    assert.equal(retried.status, 201, retried.body);
    assert.equal(JSON.parse(retried.body).task_count, TASKS);
    const after = await admin.query(
      'SELECT count(*)::int AS n, count(DISTINCT inner_id)::int AS inner FROM tasks WHERE project_id = $1',
      [projectId],
    );
    assert.deepEqual(after.rows[0], { n: TASKS, inner: TASKS });
  } finally {
    if (server.child.exitCode === null) {
      server.child.kill('SIGTERM');
      await new Promise((r) => server.child.once('exit', r));
    }
    await admin.end();
    await dropPostgresDatabase(db.name);
    rmSync(dataDir, { recursive: true, force: true });
  }
});
