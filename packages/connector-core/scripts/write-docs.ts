// Rewrites the generated blocks of the READMEs from the system descriptors.
import { readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { renderReadme } from './descriptor-tables.ts';

for (const path of ['../../README.md', 'README.md']) {
  const file = resolve(import.meta.dirname, '..', path);
  const before = readFileSync(file, 'utf8');
  const after = renderReadme(before);
  if (after !== before) writeFileSync(file, after);
  console.log(`${after === before ? 'unchanged' : 'updated'} ${file}`);
}
