// `groundtruth import` and `groundtruth export` against a real server process (embedded database): the
// file's tasks arrive, progress is printed, the export lands at --out, and a refusal is one line and exit 1.
import assert from 'node:assert/strict';
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';

const root = path.join(import.meta.dirname, '..');
const scratch = mkdtempSync(path.join(os.tmpdir(), 'gt-cli-'));
let server: ChildProcess;
let base = '';
let key = '';
let project = 0;

before(async () => {
  server = spawn(process.execPath, [path.join(root, 'src', 'main.ts')], {
    env: {
      PATH: process.env.PATH ?? '',
      LOG_LEVEL: 'warn',
      PORT: '0',
      HOST: '127.0.0.1',
      DATA_DIR: path.join(scratch, 'data'),
      SECRET_KEY: randomBytes(32).toString('hex'),
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  server.stdout?.on('data', (c) => {
    out += c;
  });
  for (let i = 0; i < 600 && !base; i++) {
    const m = /running at (http:\/\/[^\s]+:\d+)/.exec(out);
    if (m) base = m[1]!.replace('localhost', '127.0.0.1');
    else await new Promise((r) => setTimeout(r, 100));
  }
  assert.ok(base, 'the server started');
  const post = async (url: string, body: object, headers: Record<string, string> = {}) => {
    const res = await fetch(`${base}${url}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: JSON.stringify(body),
    });
    assert.ok(res.status < 300, `${url}: ${res.status}`);
    return (await res.json()) as Record<string, unknown>;
  };
  const signup = await post('/api/auth/signup', {
    email: 'cli@example.test',
    username: 'cliuser',
    password: 'Correct-Horse9',
  });
  const auth = { authorization: `Bearer ${signup.access_token}` };
  key = (await post('/api/api-keys', { name: 'cli' }, auth)).key as string;
  project = (await post('/api/projects', { title: 'cli' }, auth)).id as number;
});

after(async () => {
  server.kill('SIGTERM');
  await new Promise((r) => server.once('exit', r));
  rmSync(scratch, { recursive: true, force: true });
});

const cli = (...args: string[]) =>
  spawnSync(process.execPath, [path.join(root, 'src', 'cli.ts'), ...args, '--server', base, '--token', key], {
    encoding: 'utf8',
    env: { PATH: process.env.PATH ?? '', DATA_DIR: path.join(scratch, 'cli-data') },
  });

test('import a JSON file and a CSV file, then export them as JSON', () => {
  const json = path.join(scratch, 'tasks.json');
  writeFileSync(
    json,
    JSON.stringify(Array.from({ length: 500 }, (_, i) => ({ data: { text: `task ${i}` } }))),
  );
  const csv = path.join(scratch, 'more.csv');
  writeFileSync(csv, 'text\nfirst line\nsecond line\n');
  const a = cli('import', String(project), json);
  assert.equal(a.status, 0, a.stderr);
  assert.match(a.stderr, /importing tasks\.json .*100%/);
  assert.match(a.stderr, /imported 500 tasks/);
  const b = cli('import', String(project), csv);
  assert.equal(b.status, 0, b.stderr);
  assert.match(b.stderr, /imported 2 tasks/);

  const out = path.join(scratch, 'export.json');
  const c = cli('export', String(project), '--format', 'JSON', '--all', '--out', out);
  assert.equal(c.status, 0, c.stderr);
  const tasks = JSON.parse(readFileSync(out, 'utf8')) as { data: { text: string } }[];
  assert.equal(tasks.length, 502);
  assert.equal(tasks.at(-1)!.data.text, 'second line');
});

test('refusals are one line and exit 1; nothing is left at --out', () => {
  const out = path.join(scratch, 'never.zip');
  const r = cli('export', String(project), '--format', 'CONLL2003', '--out', out);
  assert.equal(r.status, 1);
  assert.match(
    r.stderr.trim(),
    /^groundtruth: the server answered 400: CONLL2003 needs a Text object tagged by a Labels control/,
  );
  assert.equal(existsSync(out), false);
  const missing = cli('import', String(project), path.join(scratch, 'nope.json'));
  assert.equal(missing.status, 1);
  assert.match(missing.stderr.trim(), /^groundtruth: cannot read .*nope\.json \(ENOENT\)$/);
  const usage = cli('export', 'abc', '--out', out);
  assert.equal(usage.status, 2);
});
