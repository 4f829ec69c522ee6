import { performance } from 'node:perf_hooks';
import pg from 'pg';
import { to as copyTo } from 'pg-copy-streams';
import { readFileSync } from 'node:fs';
const c = new pg.Client({ connectionString: process.env.U });
await c.connect();
await c.query('set jit=off');
const q = (await import('../src/modules/annotation/export.repo.ts')).exportTextQuery({projectId:1,onlyAnnotated:true});
for (let r = 0; r < 2; r++) {
  const t0 = performance.now();
  const s = c.query(copyTo(`COPY (${q}) TO STDOUT WITH (FORMAT csv, DELIMITER e'\\x01', QUOTE e'\\x02')`));
  let n = 0; let inStr = false; let esc = false;
  for await (const ch of s) {
    const b = ch as Buffer; const out = Buffer.allocUnsafe(b.length); let o = 0;
    for (let i = 0; i < b.length; i++) {
      const x = b[i]!;
      if (inStr) { if (esc) esc = false; else if (x === 92) esc = true; else if (x === 34) inStr = false; out[o++] = x; }
      else if (x === 34) { inStr = true; out[o++] = x; }
      else if (x !== 32) out[o++] = x;
    }
    n += o;
  }
  console.log(`${((performance.now() - t0) / 1000).toFixed(2)} s ${(n / 1e6).toFixed(1)} MB stripped`);
}
await c.end();
