import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { renderPermissions } from './permissions-doc.ts';

test('docs/permissions.md matches the policy matrix (run `npm run docs:permissions`)', () => {
  const committed = readFileSync(new URL('../../../docs/permissions.md', import.meta.url), 'utf8');
  assert.equal(committed, renderPermissions());
});
