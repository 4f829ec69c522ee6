// Builds the web UI (web/ -> web/dist) with Vite and prints the bundle sizes.
//   node scripts/web-build.ts             build now
//   node scripts/web-build.ts --if-stale  build only when web/dist is missing or older than its sources
// Runs from `npm install` (prepare) and `npm start` (prestart) with --if-stale. Without Vite installed (an
// install with --omit=dev) it says so and leaves web/dist as it is: the server then serves a page saying so.
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { brotliCompress, constants, gzip, gzipSync } from 'node:zlib';

const root = path.resolve(import.meta.dirname, '..');
const web = path.join(root, 'web');
const dist = path.join(web, 'dist');
const stamp = path.join(dist, '.build-stamp');
// Held while a build runs: test files running in parallel processes each ask for a fresh build, and two
// builds at once delete each other's output.
const lockDir = path.join(web, '.build-lock');

function newestSource(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.name === 'dist' || entry.name === 'node_modules' || entry.name.startsWith('.')) continue;
    // Type declarations (the generated API types among them) do not change the bundle.
    if (entry.name.endsWith('.d.ts')) continue;
    const full = path.join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestSource(full) : statSync(full).mtimeMs);
  }
  return newest;
}

/** Inputs of the build: web/ itself and the installed dependency versions. */
function sourcesTime(): number {
  const lock = path.join(root, 'package-lock.json');
  return Math.max(newestSource(web), existsSync(lock) ? statSync(lock).mtimeMs : 0);
}

export function isStale(): boolean {
  if (!existsSync(path.join(dist, 'index.html')) || !existsSync(stamp)) return true;
  return sourcesTime() > Number(readFileSync(stamp, 'utf8'));
}

const kb = (n: number) => `${(n / 1024).toFixed(1)} kB`;

/** Each built script and stylesheet: its size, gzipped, and the precompressed brotli file's (0 if none). */
export function bundleSizes(): { file: string; bytes: number; gzip: number; br: number }[] {
  const assets = path.join(dist, 'assets');
  if (!existsSync(assets)) return [];
  return readdirSync(assets)
    .filter((f) => f.endsWith('.js') || f.endsWith('.css'))
    .map((f) => {
      const body = readFileSync(path.join(assets, f));
      const br = path.join(assets, `${f}.br`);
      return {
        file: `assets/${f}`,
        bytes: body.length,
        gzip: gzipSync(body).length,
        br: existsSync(br) ? statSync(br).size : 0,
      };
    })
    .sort((a, b) => b.bytes - a.bytes);
}

export function printBundleSizes(): void {
  const sizes = bundleSizes();
  const entry = readFileSync(path.join(dist, 'index.html'), 'utf8');
  const initial = sizes.filter((s) => entry.includes(s.file));
  const sum = (list: typeof sizes, key: 'bytes' | 'gzip') => list.reduce((n, s) => n + s[key], 0);
  console.log('web bundle (web/dist):');
  for (const s of sizes) {
    const mark = entry.includes(s.file) ? ' (initial)' : '';
    const br = s.br ? `  br ${kb(s.br).padStart(9)}` : '';
    console.log(
      `  ${s.file.padEnd(44)} ${kb(s.bytes).padStart(10)}  gzip ${kb(s.gzip).padStart(9)}${br}${mark}`,
    );
  }
  console.log(
    `  total ${kb(sum(sizes, 'bytes'))} (gzip ${kb(sum(sizes, 'gzip'))}) in ${sizes.length} files; ` +
      `first load ${kb(sum(initial, 'bytes'))} (gzip ${kb(sum(initial, 'gzip'))})`,
  );
}

const brotli = promisify(brotliCompress);
const gzipAsync = promisify(gzip);

/**
 * Writes `name.br` and `name.gz` beside each built script, stylesheet and JSON file of 1 kB or more, so the
 * server sends them compressed without compressing on every request (src/platform/http/web.ts).
 */
export async function precompress(dir = path.join(dist, 'assets')): Promise<number> {
  if (!existsSync(dir)) return 0;
  const files = readdirSync(dir).filter((f) => /\.(js|css|json|svg)$/.test(f));
  let written = 0;
  await Promise.all(
    files.map(async (f) => {
      const body = await readFile(path.join(dir, f));
      if (body.length < 1024) return;
      const [br, gz] = await Promise.all([
        brotli(body, {
          params: {
            // The best (11) for what a first load reads; 9 for the big lazy chunks (11 takes 10x as long).
            [constants.BROTLI_PARAM_QUALITY]: body.length < 512 * 1024 ? 11 : 9,
            [constants.BROTLI_PARAM_SIZE_HINT]: body.length,
          },
        }),
        gzipAsync(body, { level: 9 }),
      ]);
      await writeFile(path.join(dir, `${f}.br`), br);
      await writeFile(path.join(dir, `${f}.gz`), gz);
      written++;
    }),
  );
  return written;
}

async function viteAvailable(): Promise<boolean> {
  try {
    await import('vite');
    return true;
  } catch {
    return false;
  }
}

/** Builds when asked to or when stale; false when it could not (Vite missing). */
export async function buildWeb({ ifStale = false, quiet = false } = {}): Promise<boolean> {
  await takeLock();
  try {
    return await buildUnlocked(ifStale, quiet);
  } finally {
    rmSync(lockDir, { recursive: true, force: true });
  }
}

/** mkdir is atomic: the first process gets the lock, the others wait (a lock older than 10 minutes is dead). */
async function takeLock(): Promise<void> {
  for (let waited = 0; ; waited += 200) {
    try {
      mkdirSync(lockDir);
      return;
    } catch (err) {
      if ((err as { code?: string }).code !== 'EEXIST') throw err;
      const age = Date.now() - (statSync(lockDir, { throwIfNoEntry: false })?.mtimeMs ?? Date.now());
      if (age > 600_000) rmSync(lockDir, { recursive: true, force: true });
      else if (waited > 900_000) throw new Error(`web build: ${lockDir} held for 15 minutes`);
      else await new Promise((r) => setTimeout(r, 200));
    }
  }
}

async function buildUnlocked(ifStale: boolean, quiet: boolean): Promise<boolean> {
  if (ifStale && !isStale()) {
    if (!quiet) console.log('web UI is up to date (web/dist)');
    return true;
  }
  if (!(await viteAvailable())) {
    console.warn('web UI not built: Vite is not installed (npm install without --omit=dev builds it)');
    return false;
  }
  const started = sourcesTime();
  const { build } = await import('vite');
  const t0 = performance.now();
  await build({ configFile: path.join(web, 'vite.config.ts'), logLevel: quiet ? 'warn' : 'info' });
  await precompress();
  writeFileSync(stamp, String(started));
  if (!quiet) {
    console.log(`web UI built in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
    printBundleSizes();
  }
  return true;
}

if (import.meta.main) {
  const ok = await buildWeb({ ifStale: process.argv.includes('--if-stale') });
  if (!ok && process.argv.includes('--strict')) process.exit(1);
}
