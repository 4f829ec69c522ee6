// The server process as an operator meets it: start-up faults are one line and exit 1, the embedded database
// directory is locked against a second process, and SIGTERM shuts down cleanly with exit 0.
import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';

const mainTs = path.join(import.meta.dirname, 'main.ts');
const scratch = mkdtempSync(path.join(os.tmpdir(), 'gt-main-'));
after(() => rmSync(scratch, { recursive: true, force: true }));

interface Run {
  child: ChildProcess;
  stdout: () => string;
  stderr: () => string;
  exit: Promise<{ code: number | null }>;
}

function start(env: Record<string, string>): Run {
  const child = spawn(process.execPath, [mainTs], {
    env: { PATH: process.env.PATH ?? '', LOG_LEVEL: 'warn', ...env },
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
  const exit = new Promise<{ code: number | null }>((resolve) =>
    child.on('exit', (code) => resolve({ code })),
  );
  return { child, stdout: () => out, stderr: () => err, exit };
}

async function listening(run: Run): Promise<string> {
  // A deadline, not a speed check: a fresh embedded database migrates first, slowly on a loaded machine.
  for (let i = 0; i < 1200; i++) {
    const m = /running at (http:\/\/localhost:\d+)/.exec(run.stdout());
    if (m) return m[1]!;
    if (run.child.exitCode !== null) throw new Error(`server exited: ${run.stderr()}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('server did not start in 120 s');
}

function assertOneLineFailure(stderr: string, pattern: RegExp) {
  const lines = stderr.trim().split('\n');
  assert.equal(lines.length, 1, `one line, got:\n${stderr}`);
  assert.match(lines[0]!, pattern);
  assert.doesNotMatch(stderr, /\n\s+at /, 'no stack trace');
}

test('a bad variable stops start-up with one line and exit 1', async () => {
  const run = start({ PORT: 'eighty', DATA_DIR: path.join(scratch, 'a') });
  const { code } = await run.exit;
  assert.equal(code, 1);
  assertOneLineFailure(run.stderr(), /^groundtruth: invalid PORT: expected an integer 0-65535$/);
});

test('an unreachable DATABASE_URL fails with one line (after DB_CONNECT_TIMEOUT_MS)', async () => {
  const run = start({
    DATABASE_URL: 'postgres://postgres:secret@127.0.0.1:1/none',
    DB_CONNECT_TIMEOUT_MS: '3000',
  });
  const { code } = await run.exit;
  assert.equal(code, 1);
  assertOneLineFailure(run.stderr(), /^groundtruth: cannot connect to PostgreSQL at 127\.0\.0\.1:1\/none/);
  assert.doesNotMatch(run.stderr(), /secret/, 'the password is not printed');
});

test('a DATA_DIR that cannot be written fails with one line', async () => {
  const run = start({ DATA_DIR: '/proc/version/data' });
  const { code } = await run.exit;
  assert.equal(code, 1);
  assertOneLineFailure(run.stderr(), /^groundtruth: DATA_DIR .* is not writable/);
});

test('serves health and OpenAPI on the embedded database; a second process on the same DATA_DIR is refused; SIGTERM exits 0', async () => {
  const dataDir = path.join(scratch, 'embedded');
  const first = start({ PORT: '0', HOST: '127.0.0.1', DATA_DIR: dataDir });
  try {
    const url = await listening(first);
    const health = await fetch(`${url}/healthz`);
    assert.equal(health.status, 200);
    const openapi = await fetch(`${url}/api/openapi.json`);
    assert.equal(((await openapi.json()) as { openapi: string }).openapi, '3.1.0');

    const second = start({ PORT: '0', HOST: '127.0.0.1', DATA_DIR: dataDir });
    const { code } = await second.exit;
    assert.equal(code, 1);
    assertOneLineFailure(second.stderr(), /^groundtruth: data directory .* is in use by process \d+/);

    first.child.kill('SIGTERM');
    const stopped = await first.exit;
    assert.equal(stopped.code, 0, first.stderr());
    assert.equal(existsSync(path.join(dataDir, 'pglite.lock')), false, 'the lock is released');
  } finally {
    if (first.child.exitCode === null) first.child.kill('SIGKILL');
  }
});

test('a stale lock left by a killed process does not block the next start', async () => {
  const dataDir = path.join(scratch, 'stale');
  const first = start({ PORT: '0', HOST: '127.0.0.1', DATA_DIR: dataDir });
  await listening(first);
  first.child.kill('SIGKILL');
  await first.exit;
  const next = start({ PORT: '0', HOST: '127.0.0.1', DATA_DIR: dataDir });
  try {
    const url = await listening(next);
    assert.equal((await fetch(`${url}/readyz`)).status, 200);
  } finally {
    next.child.kill('SIGTERM');
    await next.exit;
  }
});
