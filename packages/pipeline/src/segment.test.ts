import { describe, expect, it } from 'vitest';
import { countSegments, segmentFor } from './segment.js';

describe('segmentFor (pd.cut with bins [0, 0.3, 0.7, 1], right-inclusive)', () => {
  it.each([
    [0, 'Low'],
    [0.0001, 'Low'],
    [0.3, 'Low'],
    [0.30000001, 'Medium'],
    [0.5, 'Medium'],
    [0.7, 'Medium'],
    [0.70000001, 'High'],
    [1, 'High'],
  ])('%s -> %s', (probability, segment) => {
    expect(segmentFor(probability)).toBe(segment);
  });

  it('refuses values that are not probabilities', () => {
    expect(() => segmentFor(-0.01)).toThrow(RangeError);
    expect(() => segmentFor(1.01)).toThrow(RangeError);
    expect(() => segmentFor(Number.NaN)).toThrow(RangeError);
  });

  it('counts every segment, empty ones as 0', () => {
    expect(countSegments(['High', 'Low', 'High'])).toEqual({ Low: 1, Medium: 0, High: 2 });
  });
});
