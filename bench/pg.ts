// A scratch PostgreSQL database for one benchmark, migrated, dropped at the end.
import pg from 'pg';
import { connectPostgres, type Database } from '../src/db/database.ts';
import { migrateToLatest } from '../src/db/migrate.ts';

const adminUrl = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

async function admin(text: string): Promise<void> {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    await client.query(text);
  } finally {
    await client.end();
  }
}

const scratchName = (label: string) => `gt_bench_${label}_${process.pid}`;

export async function dropScratch(label: string): Promise<void> {
  await admin(`DROP DATABASE IF EXISTS ${scratchName(label)} WITH (FORCE)`);
}

export async function scratchPostgres(label: string): Promise<Database & { url: string }> {
  const name = scratchName(label);
  await admin(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  await admin(`CREATE DATABASE ${name}`);
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  // The benchmark drops it with dropScratch() when done (a server process may still use it after close()).
  const database = await connectPostgres(url.toString(), 4, 5000);
  await migrateToLatest(database.db);
  return Object.assign(database, { url: url.toString() });
}

export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}
