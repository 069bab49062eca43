import { describe, expect, it } from 'vitest';
import { stratifiedKFold } from './stratified-k-fold.js';

describe('stratifiedKFold', () => {
  const labels = Array.from({ length: 103 }, (_, index) => (index % 4 === 0 ? 1 : 0)); // 26 positives, 77 negatives

  it('keeps each fold within one row of the overall class ratio and covers every row once', () => {
    const folds = stratifiedKFold(labels, 5, 3);
    const seen = folds.flatMap((fold) => fold.testIndices).sort((left, right) => left - right);
    expect(seen).toEqual(labels.map((_, index) => index));
    for (const fold of folds) {
      const positives = fold.testIndices.filter((row) => labels[row] === 1).length;
      expect(Math.abs(positives - 26 / 5)).toBeLessThanOrEqual(1);
      expect(Math.abs(fold.testIndices.length - 103 / 5)).toBeLessThanOrEqual(1);
      expect(new Set([...fold.trainIndices, ...fold.testIndices]).size).toBe(103);
      expect(fold.trainIndices.length + fold.testIndices.length).toBe(103);
    }
  });

  it('is deterministic per seed and differs across seeds', () => {
    expect(stratifiedKFold(labels, 5, 3)).toEqual(stratifiedKFold(labels, 5, 3));
    expect(stratifiedKFold(labels, 5, 3)[0]?.testIndices).not.toEqual(stratifiedKFold(labels, 5, 4)[0]?.testIndices);
  });
});
