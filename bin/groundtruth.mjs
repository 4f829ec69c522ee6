#!/usr/bin/env node
// Launcher for the `groundtruth` command: runs src/cli.ts on the project's own Node 24 (npm package `node`),
// which strips TypeScript types natively, whatever Node started this script.
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const require = createRequire(import.meta.url);
let nodeBin = process.execPath;
try {
  nodeBin = path.join(path.dirname(require.resolve('node/package.json')), 'bin', 'node');
} catch {
  // fall back to the current Node; it must be 22.18+ to run .ts files
}
const result = spawnSync(nodeBin, [path.join(root, 'src', 'cli.ts'), ...process.argv.slice(2)], {
  stdio: 'inherit',
});
process.exit(result.status ?? 1);
