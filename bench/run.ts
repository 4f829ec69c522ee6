// `npm run bench`: runs every bench/*.bench.ts (or the ones named) one after another. Each prints
// `name: value unit (ratio vs baseline)` lines, the baseline measured in the same run.
import { spawnSync } from 'node:child_process';
import { globSync } from 'node:fs';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '..');
const named = process.argv.slice(2);
const files = named.length ? named : globSync('bench/*.bench.ts', { cwd: root }).sort();
let failed = 0;
for (const file of files) {
  console.log(`# ${file}`);
  const r = spawnSync(process.execPath, [file], { cwd: root, stdio: 'inherit' });
  if (r.status !== 0) failed += 1;
}
process.exit(failed ? 1 : 0);
