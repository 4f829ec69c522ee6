// Regenerates src/db/types.ts from a freshly migrated in-memory embedded database.
import { writeFileSync } from 'node:fs';
import { poolFromEmbedded, wrapPool } from '../src/db/database.ts';
import { migrateToLatest } from '../src/db/migrate.ts';
import { openEmbeddedUnlocked } from '../src/db/pglite.ts';
import { generateTableTypes } from '../src/db/typegen.ts';

const embedded = await openEmbeddedUnlocked('memory://');
const database = wrapPool('pglite', poolFromEmbedded(embedded), () => embedded.release());
try {
  await migrateToLatest(database.db);
  const target = new URL('../src/db/types.ts', import.meta.url);
  writeFileSync(target, await generateTableTypes(database.db));
  console.log(`wrote ${target.pathname}`);
} finally {
  await database.close();
}
