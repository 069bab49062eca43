import { describe, expect, it } from 'vitest';
import { chunkProperties, mergePropertyChunks } from './hubspot-property-chunks.js';

const record = (id: string, properties: Record<string, string | null>) => ({ id, properties, updatedAt: '2024-01-01T00:00:00.000Z' });

describe('chunkProperties', () => {
  it('keeps every name, in order, in groups whose comma-joined length fits the budget', () => {
    const names = Array.from({ length: 50 }, (_, index) => `property_number_${index}`);
    const chunks = chunkProperties(names, 100);
    expect(chunks.flat()).toEqual(names);
    expect(chunks.length).toBeGreaterThan(1);
    for (const chunk of chunks) expect(chunk.join(',').length).toBeLessThanOrEqual(100);
    // Greedy: each group but the last could not take the next name.
    for (let index = 0; index < chunks.length - 1; index += 1) {
      expect([...chunks[index]!, chunks[index + 1]![0]].join(',').length).toBeGreaterThan(100);
    }
  });

  it('counts the encoded length, puts a name longer than the budget alone, and asks for the defaults when given none', () => {
    expect(chunkProperties(['a b', 'c'], 5)).toEqual([['a b'], ['c']]);
    expect(chunkProperties(['short', 'x'.repeat(20), 'tail'], 10)).toEqual([['short'], ['x'.repeat(20)], ['tail']]);
    expect(chunkProperties([])).toEqual([[]]);
    expect(chunkProperties(['email', 'firstname'])).toEqual([['email', 'firstname']]);
  });
});

describe('mergePropertyChunks', () => {
  it("merges the answers for one page record by record, keeping the first answer's cursor", () => {
    const merged = mergePropertyChunks([
      { results: [record('1', { a: '1a' }), record('2', { a: '2a' })], paging: { next: { after: '3' } } },
      { results: [record('1', { b: '1b' }), record('2', { b: null })], paging: { next: { after: '3' } } },
    ]);
    expect(merged.dropped).toBe(0);
    expect(merged.data.paging?.next?.after).toBe('3');
    expect(merged.data.results.map((row) => row.properties)).toEqual([
      { a: '1a', b: '1b' },
      { a: '2a', b: null },
    ]);
  });

  it('drops a record a later answer no longer has, and ignores one only a later answer has', () => {
    const merged = mergePropertyChunks([
      { results: [record('1', { a: '1a' }), record('2', { a: '2a' })], paging: { next: { after: '3' } } },
      { results: [record('1', { b: '1b' }), record('3', { b: '3b' })] },
    ]);
    expect(merged.dropped).toBe(1);
    expect(merged.data.results).toEqual([record('1', { a: '1a', b: '1b' })]);
    expect(merged.data.paging?.next?.after).toBe('3');
  });
});
