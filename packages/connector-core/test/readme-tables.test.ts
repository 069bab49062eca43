import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { renderReadme } from '../scripts/descriptor-tables.js';

const readmes = { root: resolve(import.meta.dirname, '../../../README.md'), core: resolve(import.meta.dirname, '../README.md') };

describe('README tables', () => {
  for (const [name, path] of Object.entries(readmes)) {
    it(`the ${name} README's configuration tables match the system descriptors (run: pnpm --filter @automl/connector-core docs)`, () => {
      const text = readFileSync(path, 'utf8');
      expect(text).toContain('<!-- generated:');
      expect(renderReadme(text)).toBe(text);
    });
  }
});
