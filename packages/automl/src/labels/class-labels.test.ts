import { describe, expect, it } from 'vitest';
import { AutoMLInputError } from '../errors.js';
import { sortedClasses } from './class-labels.js';

describe('sortedClasses', () => {
  it('orders labels like scikit-learn classes_', () => {
    expect(sortedClasses(['Yes', 'No', 'Yes'])).toEqual(['No', 'Yes']);
    expect(sortedClasses([true, false])).toEqual([false, true]);
    expect(sortedClasses([1, 0, 10, 2])).toEqual([0, 1, 2, 10]);
    expect(sortedClasses(['b', 'B', 'a'])).toEqual(['B', 'a', 'b']);
  });

  it('rejects missing, non-finite and mixed-type labels', () => {
    expect(() => sortedClasses(['Yes', null])).toThrow(/y\[1\] is missing/);
    expect(() => sortedClasses([1, Number.NaN])).toThrow(AutoMLInputError);
    expect(() => sortedClasses(['1', 1])).toThrow(/mixes string and number/);
  });
});
