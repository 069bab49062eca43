import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { rowFactory } from './row-factory.js';

describe('rowFactory', () => {
  it('builds rows keyed by the names, in order, with any name as a plain own key', () => {
    const build = rowFactory(['id', 'a "quoted" name', '__proto__', 'constructor', '']);
    const row = build([1, 'x', 'not a prototype', null, true]);
    expect(Object.keys(row)).toEqual(['id', 'a "quoted" name', '__proto__', 'constructor', '']);
    expect(Object.getPrototypeOf(row)).toBe(Object.prototype);
    expect(Object.getOwnPropertyDescriptor(row, '__proto__')?.value).toBe('not a prototype');
    expect(row.id).toBe(1);
  });

  it('lets the last of duplicate names win, as an object literal does', () => {
    expect(rowFactory(['id', 'id'])([1, 2])).toEqual({ id: 2 });
  });

  it('builds the same rows where code generation is forbidden', () => {
    const script = `
      import { rowFactory } from ${JSON.stringify(new URL('./row-factory.ts', import.meta.url).href)};
      const row = rowFactory(['id', '__proto__'])([7, 'p']);
      process.stdout.write(JSON.stringify([Object.keys(row), row.id, Object.getPrototypeOf(row) === Object.prototype]));
    `;
    const child = spawnSync(process.execPath, ['--disallow-code-generation-from-strings', '--input-type=module', '-e', script], { encoding: 'utf8' });
    expect(child.stderr).toBe('');
    expect(JSON.parse(child.stdout)).toEqual([['id', '__proto__'], 7, true]);
  });
});
