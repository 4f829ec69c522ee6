import { writeFileSync } from 'node:fs';
import { renderPermissions } from '../src/platform/access/permissions-doc.ts';

const target = new URL('../docs/permissions.md', import.meta.url);
writeFileSync(target, renderPermissions());
console.log(`wrote ${target.pathname}`);
