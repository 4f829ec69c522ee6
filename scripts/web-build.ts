// Builds the web UI (web/ -> web/dist) with Vite and prints the bundle sizes.
//   node scripts/web-build.ts             build now
//   node scripts/web-build.ts --if-stale  build only when web/dist is missing or older than its sources
// Runs from `npm install` (prepare) and `npm start` (prestart) with --if-stale. Without Vite installed (an
// install with --omit=dev) it says so and leaves web/dist as it is: the server then serves a page saying so.
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { gzipSync } from 'node:zlib';

const root = path.resolve(import.meta.dirname, '..');
const web = path.join(root, 'web');
const dist = path.join(web, 'dist');
const stamp = path.join(dist, '.build-stamp');

function newestSource(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.name === 'dist' || entry.name === 'node_modules' || entry.name.startsWith('.')) continue;
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

export function bundleSizes(): { file: string; bytes: number; gzip: number }[] {
  const assets = path.join(dist, 'assets');
  if (!existsSync(assets)) return [];
  return readdirSync(assets)
    .filter((f) => f.endsWith('.js') || f.endsWith('.css'))
    .map((f) => {
      const body = readFileSync(path.join(assets, f));
      return { file: `assets/${f}`, bytes: body.length, gzip: gzipSync(body).length };
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
    console.log(`  ${s.file.padEnd(44)} ${kb(s.bytes).padStart(10)}  gzip ${kb(s.gzip).padStart(9)}${mark}`);
  }
  console.log(
    `  total ${kb(sum(sizes, 'bytes'))} (gzip ${kb(sum(sizes, 'gzip'))}) in ${sizes.length} files; ` +
      `first load ${kb(sum(initial, 'bytes'))} (gzip ${kb(sum(initial, 'gzip'))})`,
  );
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
