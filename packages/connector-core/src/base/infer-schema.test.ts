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
      { name: 'when', type: 'date', nullable: true },
      { name: 'flag', type: 'boolean', nullable: false },
      { name: 'extra', type: 'unknown', nullable: true },
      // Absent from the first row: missing is empty.
      { name: 'nested', type: 'json', nullable: true },
    ]);
  });

  it('keeps the given column order, including columns the sample never fills', () => {
    const columns = inferColumns(
      [
        { b: new Date(Date.UTC(2024, 0, 1)), a: 1 },
        { b: new Date(Date.UTC(2024, 0, 1, 12)), a: 2 },
      ],
      ['a', 'b', 'c'],
    );
    expect(columns).toEqual([
      { name: 'a', type: 'integer', nullable: false },
      { name: 'b', type: 'datetime', nullable: false },
      { name: 'c', type: 'unknown', nullable: true },
    ]);
  });
});
