import { serve } from './serve.ts';
const s = await serve(process.env.U!);
console.log(s.url);
const t0 = Date.now();
for (const type of (process.env.TYPES ?? 'JSON').split(',')) {
  const t = Date.now();
  const res = await fetch(`${s.url}/api/projects/1/export?exportType=${type}`, { headers: { authorization: process.env.TOK! } });
  const buf = Buffer.from(await res.arrayBuffer());
  console.log(type, res.status, buf.length, (Date.now() - t) / 1000, 's');
  if (process.env.OUT) (await import('node:fs')).writeFileSync(`${process.env.OUT}.${type}`, buf);
}
console.log('rss', s.peakRssMb(), (Date.now() - t0) / 1000);
await s.stop();
