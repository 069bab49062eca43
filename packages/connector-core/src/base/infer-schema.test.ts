import { describe, expect, it } from 'vitest';
import { inferColumns } from './infer-schema.js';

describe('inferColumns', () => {
  it('infers types in first-seen order, widening mixes and marking empties nullable', () => {
    const columns = inferColumns([
      { id: 1, score: 1, name: 'a', when: new Date(0), flag: true, extra: null },
      { id: 2, score: 2.5, name: 3, when: null, flag: false, nested: { a: 1 } },
    ]);
    expect(columns).toEqual([
      { name: 'id', type: 'integer', nullable: false },
      { name: 'score', type: 'number', nullable: false },
      { name: 'name', type: 'string', nullable: false },
      { name: 'when', type: 'datetime', nullable: true },
      { name: 'flag', type: 'boolean', nullable: false },
      { name: 'extra', type: 'unknown', nullable: true },
      { name: 'nested', type: 'json', nullable: false },
    ]);
  });
});
