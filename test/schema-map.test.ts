// docs/schema-map.md names every entity of the five seed data models, in the section of its seed.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';

const root = path.resolve(import.meta.dirname, '..');
const seedsDir = path.resolve(root, '..', 'shared', 'seeds');
const seed = (prefix: string) => {
  const file = readdirSync(seedsDir).find((f) => f.startsWith(prefix));
  assert.ok(file, `seed ${prefix} not found in ${seedsDir}`);
  return readFileSync(path.join(seedsDir, file), 'utf8');
};
const unique = (xs: string[]) => [...new Set(xs)].sort();
const all = (text: string, re: RegExp) => [...text.matchAll(re)].map((m) => m[1]!);

/** The entity names each seed defines, extracted from its own text. */
export function seedEntities(): Record<string, string[]> {
  const s000 = seed('000_');
  const s001 = seed('001_');
  const s002 = seed('002_');
  const s003 = seed('003_');
  const s004 = seed('004_');
  const licenses = /^(License) \/ (LicenseCatalog) \/ (LicenseSeat)/m.exec(s001);
  return {
    '000': unique(all(s000, /^([a-z_]+) \|$/gm)),
    '001': unique([
      ...all(s001, /^([A-Z][A-Za-z]+)\n\nColumn Type Description/gm),
      ...(licenses ? licenses.slice(1) : []),
    ]),
    '002': unique([
      ...all(s002, /([A-Z]\w+) Entity$/gm),
      ...all(s002, /\b(users|organizations|organization_members|projects)\b/g),
    ]),
    '003': unique(all(s003, /^\s+([a-z_0-9]+) \{$/gm)),
    '004': unique(all(s004, /CREATE TABLE (\w+)/g)),
  };
}

test('the seeds yield the entity lists this test expects (guards the extraction)', () => {
  const e = seedEntities();
  assert.ok(e['000']!.includes('data_product_metadata') && e['000']!.length >= 25, e['000']!.join(','));
  assert.deepEqual(e['001']!.length, 12, e['001']!.join(','));
  assert.ok(e['002']!.includes('Organization') && e['002']!.includes('organization_members'));
  assert.equal(e['003']!.length, 96);
  assert.deepEqual(e['004'], ['detections', 'organizations', 'photos', 'projects', 'tags', 'users']);
});

test('docs/schema-map.md has a row for every seed entity, in its seed section', () => {
  const doc = readFileSync(path.join(root, 'docs', 'schema-map.md'), 'utf8');
  const sections = doc.split(/^## /m);
  for (const [id, names] of Object.entries(seedEntities())) {
    const section = sections.find((s) => s.startsWith(`Seed ${id} `));
    assert.ok(section, `no "## Seed ${id} ..." section`);
    const firstCells = section
      .split('\n')
      .filter((line) => line.startsWith('|'))
      .map((line) => line.split('|')[1] ?? '');
    const missing = names.filter((n) => !firstCells.some((cell) => cell.includes(`\`${n}\``)));
    assert.deepEqual(missing, [], `seed ${id}: entities missing from docs/schema-map.md`);
  }
});
