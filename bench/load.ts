// Loopback load generation with autocannon against a server process started for the purpose. Bounded in time.
import { type ChildProcess, spawn } from 'node:child_process';
import autocannon from 'autocannon';

export async function startServer(mode: 'bare' | 'app', env: Record<string, string> = {}) {
  const child: ChildProcess = spawn(
    process.execPath,
    [new URL('./http-server.ts', import.meta.url).pathname, mode],
    {
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  const port = await new Promise<number>((resolve, reject) => {
    let out = '';
    child.stdout?.on('data', (c) => {
      out += c;
      const m = /listening (\d+)/.exec(out);
      if (m) resolve(Number(m[1]));
    });
    child.on('exit', (code) => reject(new Error(`server exited with ${code}`)));
  });
  return {
    url: `http://127.0.0.1:${port}`,
    stop: () =>
      new Promise<void>((resolve) => {
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}

/** Requests per second (mean) of GET `url` with `headers`, for `seconds`; fails on any non-2xx. */
export async function requestsPerSecond(
  url: string,
  headers: Record<string, string>,
  seconds = 8,
  connections = 16,
) {
  const result = await autocannon({ url, headers, duration: seconds, connections, pipelining: 1 });
  const bad = result.non2xx + result.errors + result.timeouts;
  if (bad > 0) throw new Error(`${url}: ${bad} failed requests of ${result.requests.total}`);
  return result.requests.average;
}
