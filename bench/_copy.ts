import { performance } from 'node:perf_hooks';
import pg from 'pg';
import { to as copyTo } from 'pg-copy-streams';
const c = new pg.Client({ connectionString: process.env.U });
await c.connect();
if (process.env.NOJIT) await c.query('set jit=off');
for (const q of process.argv.slice(2)) {
  for (let r = 0; r < 2; r++) {
    const t0 = performance.now();
    const s = c.query(copyTo(q));
    let n = 0;
    for await (const ch of s) n += (ch as Buffer).length;
    console.log(`${((performance.now() - t0) / 1000).toFixed(2)} s ${(n / 1e6).toFixed(1)} MB  ${q.slice(0, 60)}`);
  }
}
await c.end();
