// The real server (src/main.ts) as a child process on a benchmark database, with background jobs on, as an
// operator runs it. `peakRss()` reads the process's high-water mark of resident memory (Linux).
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const mainTs = path.resolve(import.meta.dirname, '..', 'src', 'main.ts');

export interface Served {
  url: string;
  child: ChildProcess;
  peakRssMb(): number;
  stop(): Promise<void>;
}

export async function serve(databaseUrl: string, env: Record<string, string> = {}): Promise<Served> {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'gt-bench-'));
  // BENCH_SERVER_ARGS: extra Node flags for the server, e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof".
  const nodeArgs = (process.env.BENCH_SERVER_ARGS ?? '').split(' ').filter(Boolean);
  const child = spawn(process.execPath, [...nodeArgs, mainTs], {
    env: {
      PATH: process.env.PATH ?? '',
      LOG_LEVEL: 'warn',
      PORT: '0',
      HOST: '127.0.0.1',
      DATABASE_URL: databaseUrl,
      DATA_DIR: dataDir,
      SECRET_KEY: randomBytes(32).toString('hex'),
      ...env,
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let out = '';
  child.stdout?.on('data', (c) => {
    out += c;
  });
  for (let i = 0; i < 600; i++) {
    const m = /running at (http:\/\/[^\s]+:\d+)/.exec(out);
    if (m) {
      return {
        url: m[1]!.replace('localhost', '127.0.0.1'),
        child,
        peakRssMb() {
          const status = readFileSync(`/proc/${child.pid}/status`, 'utf8');
          return Number(/VmHWM:\s+(\d+) kB/.exec(status)![1]) / 1024;
        },
        async stop() {
          if (child.exitCode === null) {
            child.kill('SIGTERM');
            await new Promise((r) => child.once('exit', r));
          }
          rmSync(dataDir, { recursive: true, force: true });
        },
      };
    }
    if (child.exitCode !== null) throw new Error('the server exited');
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('the server did not start');
}

export async function signUpOn(base: string): Promise<Record<string, string>> {
  const res = await fetch(`${base}/api/auth/signup`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email: 'bench@example.test', username: 'bench', password: 'Correct-Horse9' }),
  });
  if (res.status !== 201) throw new Error(`signup: ${res.status} ${await res.text()}`);
  const body = (await res.json()) as { access_token: string };
  // An API key outlives the access token over a long benchmark.
  const key = await fetch(`${base}/api/api-keys`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${body.access_token}` },
    body: JSON.stringify({ name: 'bench' }),
  });
  return { authorization: `Token ${((await key.json()) as { key: string }).key}` };
}

export async function createProject(
  base: string,
  headers: Record<string, string>,
  title: string,
): Promise<number> {
  const res = await fetch(`${base}/api/projects`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify({ title }),
  });
  if (res.status !== 201) throw new Error(`project: ${res.status} ${await res.text()}`);
  return ((await res.json()) as { id: number }).id;
}

export const IMAGE_CONFIG =
  '<View><Image name="image" value="$image"/><RectangleLabels name="label" toName="image">' +
  '<Label value="crack"/><Label value="rust"/><Label value="spalling"/></RectangleLabels></View>';

/** A drone-survey task's data, about 300 bytes of JSON. */
export function taskData(i: number) {
  return {
    image: `s3://survey-bucket/site-${i % 211}/2026-11-${String((i % 28) + 1).padStart(2, '0')}/DJI_${String(i).padStart(7, '0')}.JPG`,
    site: `site-${i % 211}`,
    captured_at: new Date(Date.UTC(2026, 10, 1) + i * 1000).toISOString(),
    meta: {
      camera: 'FC6310',
      altitude_m: 40 + (i % 60),
      heading: i % 360,
      gsd_cm: 1.2,
      tags: ['facade', `zone-${i % 9}`],
    },
  };
}
